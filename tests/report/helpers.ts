/**
 * Shared builders for the report tests: the demo fit, a hand-made anneal run folder, check results of a
 * planted rotation, embedded-data parsing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeNpy } from '../../src/data/npy.ts';
import { demoDataset } from '../../src/demo.ts';
import { fit } from '../../src/engine/fit.ts';
import { defaultGrammarPath, loadGrammar } from '../../src/grammar/load.ts';
import type { SampleFrames } from '../../src/report/anneal-charts.ts';
import type { ReportChart, ReportData } from '../../src/report/html.ts';
import type { Dataset, FitResult, Law } from '../../src/types.ts';
import { replayCommand } from '../../src/check/format.ts';
import { checkLaws, type CheckReport } from '../../src/check/run.ts';
import { brokenRotationData, fittedLaws, planted } from '../check/helpers.ts';

let demo: Promise<{ result: FitResult; dataset: Dataset; truths: ReturnType<typeof demoDataset>['truths'] }> | null = null;

/** The demo data set (seed 1) and its fit, computed once per test file (inline, no workers). */
export function demoFit() {
  demo ??= (async () => {
    const { dataset, truths } = demoDataset(1);
    const result = await fit(dataset, { grammar: loadGrammar(defaultGrammarPath()), seed: 1, workers: 0 });
    return { result, dataset, truths };
  })();
  return demo;
}

/** The JSON the page embeds in `<script id="report-data">`. */
export function embeddedData(html: string): ReportData {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no embedded report data');
  return JSON.parse(m[1]) as ReportData;
}

/** The chart of a kind (and law), failing loudly when absent. */
export function chartOf(data: ReportData, kind: string, lawId?: string): ReportChart {
  const c = data.charts.find((ch) => ch.kind === kind && (lawId === undefined || ch.lawId === lawId));
  if (!c) throw new Error(`no ${kind} chart${lawId ? ` for ${lawId}` : ''}; have ${data.charts.map((ch) => ch.id).join(', ')}`);
  return c;
}

/** A dataset embedded in a chart spec. */
export function rowsOf<T>(chart: ReportChart, name: string): T[] {
  return (chart.spec.datasets as Record<string, T[]>)[name];
}

/** Epoch records as `anneal` logs them (recon falling, physics falling, best law improving). */
export function epochRecords(n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    type: 'epoch', epoch: i + 1, step: 3 * (i + 1), recon: 0.1 / (i + 1), physics: i === 0 ? 0 : 0.05 / (i + 1) ** 2, lambda: i < 1 ? 0 : 1,
    relTolerance: 0.6, activeLaws: 1, ms: { train: 1, bridge: 1, search: 1 },
    bestLaw: i === 0 ? null : { id: 'rotation@pca2', family: 'rotation', inlierFraction: 0.5 + i / (2 * n), relativeError: 0.1 / (i + 1), summary: 'rotation' },
  }));
}

/**
 * A run folder shaped like the ones `anneal` writes: run.json, log.jsonl (with a torn last line, as a
 * killed run leaves), and, when `finished`, latents.npy, laws.json, summary.json.
 */
export function writeRunFolder(dir: string, opts: { epochs: number; finished?: { result: FitResult; latents: Dataset } }): void {
  mkdirSync(dir, { recursive: true });
  const config = {
    version: 1, data: { kind: 'spinning', sequences: 24, frames: 60, seed: 1, size: 32 }, heldout: 8,
    model: { arch: 'dense', inputShape: [32, 32, 1], latent: 8, hidden: [128, 32], seed: 1 }, backend: 'node', epochs: opts.epochs,
    batchSequences: 4, learningRate: 0.001, seed: 1, schedule: { lambda: 1 }, bridge: {}, searchEvery: 3, checkpointEvery: 3,
  };
  writeFileSync(join(dir, 'run.json'), JSON.stringify(config));
  const log = [{ type: 'start', step: 0, backend: 'wasm', reason: 'wasm: dense training probe passed' }, ...epochRecords(opts.epochs)];
  writeFileSync(join(dir, 'log.jsonl'), `${log.map((r) => JSON.stringify(r)).join('\n')}\n{"type":"epo`);
  if (!opts.finished) return;
  const { result, latents } = opts.finished;
  const K = latents.offsets.length - 1;
  const T = latents.offsets[1];
  writeFileSync(join(dir, 'latents.npy'), writeNpy(latents.states, [K, T, latents.dim]));
  writeFileSync(join(dir, 'laws.json'), JSON.stringify(result));
  writeFileSync(join(dir, 'summary.json'), JSON.stringify({ recon: 0.01, heldoutRecon: 0.012, latentMean: new Array(latents.dim).fill(0) }));
}

/** Hand-made sample frames: a bright square moving one pixel per step, in three rows. */
export function syntheticFrames(n = 4, size = 8): SampleFrames {
  const frame = (t: number, blur: number) => {
    const f = new Float32Array(size * size);
    for (let y = 2; y < 5; y++) for (let x = 0; x < 3; x++) f[y * size + ((x + t) % size)] = 1 - blur;
    return f;
  };
  const steps = Array.from({ length: n }, (_, t) => t);
  return {
    height: size, width: size, steps, description: 'synthetic test frames',
    rows: [
      { label: 'original', frames: steps.map((t) => frame(t, 0)) },
      { label: 'reconstruction', frames: steps.map((t) => frame(t, 0.2)) },
      { label: 'rollout by linear@full', frames: steps.map((t) => frame(t, 0.4)) },
    ],
  };
}

let checks: Promise<CheckFixture> | null = null;
/** Laws, data and check results of {@link checkFixture}. */
export interface CheckFixture {
  /** The rotation fitted on planted data, and the same data's fitted invariant (|u|² conserved). */
  laws: Law[];
  /** Held-out trajectories of the same planted rotation, and trajectories breaking it beyond radius 2. */
  held: Dataset;
  broken: Dataset;
  /** The rotation checked on `held` (it holds), and both laws checked on `broken` (both fail). */
  pass: CheckReport;
  fail: CheckReport;
}

/**
 * Check results to report on (the check tests' fixtures: laws in coordinates 0, 1 of 4-D data). The
 * failing result carries replay commands, as the CLI adds them.
 */
export function checkFixture(): Promise<CheckFixture> {
  checks ??= (async () => {
    const rotation = await fittedLaws('rotation');
    const twist = await fittedLaws('twist');
    const laws = [...rotation.laws, ...twist.laws.map((l) => ({ ...l, rank: 2 }))];
    const held = planted('rotation', 11);
    const broken = brokenRotationData(5);
    const pass = checkLaws(rotation.laws, held, { seed: 1 });
    const fail = checkLaws(laws, broken, { seed: 42, steps: 3 });
    fail.lawsFile = 'laws.json';
    const ctx = { lawsFile: 'laws.json', dataFile: 'broken.npy', steps: fail.steps, slack: fail.slack, growth: fail.growth };
    for (const c of fail.laws) if (c.replay.path !== null) c.replay.command = replayCommand(c, ctx);
    return { laws, held, broken, pass, fail };
  })();
  return checks;
}
