/** Vega-Lite specifications of the anneal-run charts: losses, the best law's inlier fraction, sample frames. */
import type { VlSpec } from './charts.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** The figures of one `epoch` record of an anneal run's `log.jsonl` that the report draws. */
export interface EpochPoint {
  epoch: number;
  step: number;
  recon: number;
  physics: number;
  lambda: number;
  relTolerance: number;
  bestLaw: { id: string; family: string; inlierFraction: number; relativeError: number; summary: string } | null;
}

/** Reconstruction and physics loss per epoch, on a log axis (both fall over decades). */
export function lossSpec(epochs: EpochPoint[]): VlSpec {
  const rows = epochs.flatMap((e) => [
    { epoch: e.epoch, loss: 'reconstruction', value: e.recon, lambda: e.lambda },
    { epoch: e.epoch, loss: 'physics', value: e.physics, lambda: e.lambda },
  ]);
  return {
    $schema: SCHEMA, title: 'Losses per epoch', width: 420, height: 260,
    datasets: { rows }, data: { name: 'rows' },
    // Zero losses (λ = 0 warm-up can log an exact 0) cannot sit on a log axis.
    transform: [{ filter: 'isFinite(datum.value) && datum.value > 0' }],
    mark: { type: 'line', point: { size: 18, filled: true } },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
      y: { field: 'value', type: 'quantitative', title: 'loss (log scale)', scale: { type: 'log' } },
      color: { field: 'loss', type: 'nominal', scale: { domain: ['reconstruction', 'physics'], range: ['#4c78a8', '#e45756'] }, legend: { title: null, orient: 'bottom' } },
      tooltip: [{ field: 'epoch' }, { field: 'loss' }, { field: 'value', format: '.3e' }, { field: 'lambda', title: 'λ', format: '.3g' }],
    },
  };
}

/** The rank-1 law's inlier fraction at each epoch's search, coloured by its family. */
export function inlierSpec(epochs: EpochPoint[]): VlSpec {
  const rows = epochs
    .filter((e) => e.bestLaw)
    .map((e) => ({ epoch: e.epoch, inlierFraction: e.bestLaw!.inlierFraction, relativeError: e.bestLaw!.relativeError, law: e.bestLaw!.id, family: e.bestLaw!.family, relTolerance: e.relTolerance }));
  const x = { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } };
  const y = { field: 'inlierFraction', type: 'quantitative', title: "best law's inlier fraction", scale: { domain: [0, 1] }, axis: { format: '%' } };
  return {
    $schema: SCHEMA, title: "Best law's inlier fraction over training", width: 420, height: 260,
    datasets: { rows }, data: { name: 'rows' },
    layer: [
      { mark: { type: 'line', color: '#bbb' }, encoding: { x, y } },
      {
        mark: { type: 'point', filled: true, size: 40 },
        encoding: {
          x, y,
          color: { field: 'family', type: 'nominal', legend: { title: 'family', orient: 'bottom' } },
          tooltip: [
            { field: 'epoch' }, { field: 'law' }, { field: 'inlierFraction', format: '.1%', title: 'inliers' },
            { field: 'relativeError', format: '.2e', title: 'relative error' }, { field: 'relTolerance', format: '.3g', title: 'relative tolerance' },
          ],
        },
      },
    ],
  };
}

/** Sample frames of a run: rows of frames (original, reconstruction, rollout by the law), one image each. */
export interface SampleFrames {
  /** Image height and width; vector samples are shown as 1 × D strips. */
  height: number;
  width: number;
  /** Steps (sample indices within the sequence) of the columns. */
  steps: number[];
  /** Each row's frames, `height × width` values each, scaled to [0, 1]. */
  rows: { label: string; frames: Float32Array[] }[];
  /** Which sequence the frames come from, and which law rolled it out. */
  description: string;
}

/**
 * Frames as a faceted heat map: each frame is embedded as one flat array (compact) and expanded into
 * pixels in the page by Vega's flatten and window transforms.
 */
export function framesSpec(frames: SampleFrames): VlSpec {
  const { height: H, width: W } = frames;
  const rows = frames.rows.flatMap((r) =>
    r.frames.map((f, i) => ({ row: r.label, step: frames.steps[i], v: Array.from(f, (x) => Math.round(x * 100) / 100) })));
  // Small images are scaled up to about 72 px so a row of frames is readable.
  const px = Math.max(2, Math.min(8, Math.floor(72 / Math.max(H, W, 1))));
  return {
    $schema: SCHEMA, title: 'Sample frames', datasets: { frames: rows }, data: { name: 'frames' },
    transform: [
      { flatten: ['v'] },
      // Without a sort the window numbers rows in the order flatten emits them: the pixel order.
      { window: [{ op: 'row_number', as: 'i' }], groupby: ['row', 'step'] },
      { calculate: `(datum.i - 1) % ${W}`, as: 'px' },
      { calculate: `floor((datum.i - 1) / ${W})`, as: 'py' },
    ],
    facet: {
      row: { field: 'row', type: 'nominal', sort: frames.rows.map((r) => r.label), title: null, header: { labelAngle: 0, labelAlign: 'left' } },
      column: { field: 'step', type: 'ordinal', title: 'step', sort: 'ascending' },
    },
    spacing: 4,
    spec: {
      width: W * px, height: H * px,
      mark: { type: 'rect' },
      encoding: {
        x: { field: 'px', type: 'ordinal', axis: null },
        y: { field: 'py', type: 'ordinal', axis: null },
        color: { field: 'v', type: 'quantitative', scale: { scheme: 'greys', domain: [0, 1], reverse: true }, legend: null },
      },
    },
    config: { view: { stroke: '#ddd' } },
  };
}
