/**
 * {@link anneal}: trains an autoencoder whose latent space is pulled toward the exact laws a search finds
 * in it. Public through `latent-laws/anneal` (src/anneal/entry.ts), with an example there.
 */
import { InputError, OptionError } from '../errors.js';
import type { Grammar } from '../types.js';
import type { FrameSet } from './datasets.js';
import { selectBackend, type BackendPreference } from './backend.js';
import type { BridgeOptions } from './bridge.js';
import { checkBaseline } from './baseline.js';
import { loadRunData, readRunConfig, resolveSchedule, type DataSpec, type RunConfig, type Schedule } from './config.js';
import { firstKeypointPath, keypointStarts, type KeypointPath } from './keypoint-init.js';
import { chooseArch, type ModelSpec } from './model.js';
import { prepareRun, train, type EpochLog, type SearchFn, type SearchHints, type TrainResult } from './train.js';
import { WARP_SCALE } from './chart-warp.js';

/**
 * The grammar without its library families (`library_map`, `library_invariant`). Which laws the search
 * reports during training decides which physics the encoder is annealed toward: the engine keeps one law
 * per subspace, and a flexible library map that fits an unstructured latent curve better wins that slot,
 * so the encoder then settles into a tangle of sin/cos terms instead of the rotation. With only the
 * simple families (rotations, linear and affine maps, linear and quadratic invariants) the spinning
 * video's latents snap into an exact rotation (docs/experiments.md#training-searches). Use it for the training
 * searches; keep the full grammar for the final search.
 */
export function withoutLibraryFamilies(grammar: Grammar): Grammar {
  return { ...grammar, families: grammar.families.filter((f) => f.name !== 'library_map' && f.name !== 'library_invariant') };
}

/**
 * The fit options of a training search: the simple families (the whole grammar for an angle chart,
 * `hints.libraryFamilies`), the schedule's loose tolerance cap, and
 * maps that need only beat "nothing moves" in every direction. Training latents obey their laws only
 * roughly at first; the bridge pulls hardest on the nearly exact ones, so rough ones must still be
 * proposed. No law is judged through measurement noise there: the encoder's noise is what the physics
 * loss is to remove, so a law holding only up to it must not count as near-perfect to the bridge.
 */
export function trainingSearchOptions(grammar: Grammar, hints: Pick<SearchHints, 'searchTolerance'> & Partial<Pick<SearchHints, 'libraryFamilies'>>): { grammar: Grammar; maxRelativeTolerance: number; maxMotionError: number; measurementNoise: boolean } {
  return { grammar: hints.libraryFamilies ? grammar : withoutLibraryFamilies(grammar), maxRelativeTolerance: hints.searchTolerance, maxMotionError: 1, measurementNoise: false };
}

/** Where frames come from; unspecified generator parameters take the defaults shown. */
export type DataInput =
  /** Built-in video: 32 sequences (plus `heldout`) of 32 frames, 32×32 pixels, seed = the run's seed. */
  | { kind: 'spinning' | 'pendulum'; sequences?: number; frames?: number; seed?: number; size?: number }
  /** The user's frames, [K, T, H, W], [K, T, H, W, C] or [K, T, D] in .npy/.npz; `stack` frames per sample (default 1). */
  | { kind: 'file'; path: string; stack?: number };

type PerFrameArch = 'delay' | 'keypoint' | 'angle';

/** Encoders that code each stacked frame alone, with shared weights. */
function isPerFrame(arch: AnnealOptions['arch']): arch is PerFrameArch {
  return arch === 'delay' || arch === 'keypoint' || arch === 'angle';
}

/**
 * Frames stacked per sample, for the per-frame encoders: an image's channels, else a frames file's
 * `stack`. The keypoint encoders need images, and `keypoint` two coordinates per keypoint.
 */
function framesPerSample(sampleShape: number[], data: DataSpec, latent: number, arch: PerFrameArch): number {
  const frames = sampleShape.length === 3 ? sampleShape[2] : data.kind === 'file' ? data.stack : 1;
  const source = data.kind === 'file' ? data.path : data.kind;
  if (arch !== 'delay' && sampleShape.length !== 3)
    throw new OptionError('arch', (name) => `'${arch}' (${name('arch')}) finds keypoints in images; these samples are vectors of ${sampleShape[0]}`, source);
  if (frames < 2) throw new OptionError('arch', (name) => `'${arch}' (${name('arch')}) needs stacked frames; these samples hold one frame each (stack ≥ 2)`, source);
  const perKeypoint = arch === 'keypoint' ? 2 : 1;
  if (latent % (frames * perKeypoint) !== 0)
    throw new OptionError('latent', (name) => `is ${latent}; the ${arch} encoder gives each of the ${frames} stacked frames the same number of ${arch === 'delay' ? 'coordinates' : arch === 'keypoint' ? 'keypoints (x and y each)' : 'angles'}, so ${name('latent')} must be a multiple of ${frames * perKeypoint}`);
  return frames;
}

/**
 * The model fields of a per-frame encoder: frames per sample, and for the keypoint encoders where
 * their keypoints start, from the training frames (each sample's first).
 */
function perFrameFields(set: FrameSet, data: DataSpec, latent: number, arch: AnnealOptions['arch']): Pick<ModelSpec, 'frames' | 'keypoints'> {
  if (!isPerFrame(arch)) return {};
  const frames = framesPerSample(set.sampleShape, data, latent, arch);
  if (arch === 'delay') return { frames };
  const [H, W, C] = set.sampleShape;
  const count = latent / (frames * (arch === 'keypoint' ? 2 : 1));
  const n = set.samples.length / set.sampleSize;
  return { frames, keypoints: keypointStarts(count, { n, at: (f, p) => set.samples[f * set.sampleSize + p * C] }, H, W) };
}

/** Harmonics of a new angle chart's warp (chart-warp.ts): the keypoint's bias needs 8 (docs/experiments.md#a-chart-the-physics-can-bend). */
const CHART_WARP_HARMONICS = 8;

/**
 * When `auto` charts a video by angle: its brightest feature moves on a circle (radii within 1% of
 * their mean, the circle at least a tenth of the image across) and never turns through the arc it
 * leaves unvisited, as a pendulum swings. A rotating object turns through every direction, so it
 * keeps the learned encoder.
 */
export function swingsOnArc(path: KeypointPath): boolean {
  return path.roundness <= 0.01 && path.radius >= 0.1 && path.crossings === 0;
}

/**
 * The encoder kind and latent size of a new run. `auto` picks the angle chart for grayscale frames
 * stacked in twos or more whose feature swings on an arc ({@link swingsOnArc}), when the latent size is
 * unset or one per frame; otherwise {@link chooseArch}'s choice with latent 4 unless set.
 */
function chooseEncoder(set: FrameSet, data: DataSpec, requested: 'auto' | ModelSpec['arch'], latent: number | undefined): { arch: ModelSpec['arch']; latent: number; why?: string } {
  const fallback = { arch: chooseArch(set.sampleShape, requested), latent: positiveInt('latent', latent, 4) };
  const [H, W, C] = set.sampleShape;
  const frames = data.kind === 'file' ? data.stack : C;
  if (requested !== 'auto' || set.sampleShape.length !== 3 || C !== frames || frames < 2 || (latent !== undefined && latent !== frames)) return fallback;
  const n = set.samples.length / set.sampleSize;
  const path = firstKeypointPath({ n, at: (f, frame, p) => set.samples[f * set.sampleSize + p * C + frame] }, H, W);
  if (!swingsOnArc(path)) return fallback;
  const degrees = ((path.gap * 180) / Math.PI).toFixed(0);
  return { arch: 'angle', latent: frames, why: `encoder: angle chart (auto: the brightest feature swings on a circle of radius ${path.radius.toFixed(3)} and never turns through the ${degrees}° it leaves unvisited)` };
}

/** Options of {@link anneal}. Only `out` and `search` are required (plus `data` for a new run). */
export interface AnnealOptions {
  /** Run folder: created for a new run (must not already hold one), read for `resume`. */
  out: string;
  /**
   * The law search, re-run every `searchEvery` steps on the re-encoded training latents and once on the
   * final training and held-out latents — e.g. the engine's `fit` (see {@link SearchHints} for the hints).
   */
  search: SearchFn;
  /** Frames to train on; required for a new run, ignored on resume (the run folder records them). */
  data?: DataInput;
  /** Continue the run in `out` from its last checkpoint; other options except `epochs` come from the run. */
  resume?: boolean;
  /** Latent size d (default 4; one per stacked frame when `auto` picks the angle chart). */
  latent?: number;
  /** Hidden widths of the dense layers (default [256, 64]; the decoder mirrors them; narrower ones reconstruct constrained latents worse: docs/experiments.md#the-network). */
  hidden?: number[];
  /**
   * Encoder kind (default `auto`: the angle chart for a feature swinging on an arc, {@link swingsOnArc};
   * otherwise convolutional only where the backend trains convolutions fast).
   * `delay` encodes each stacked frame alone with shared weights (needs `stack` ≥ 2 and a latent size
   * divisible by it), so a sample's latent holds the state at successive frames: see {@link ModelSpec}.
   */
  arch?: 'auto' | ModelSpec['arch'];
  /** Backend preference (default `node`: tfjs-node if installed, else wasm, else cpu). */
  backend?: BackendPreference;
  /** Epochs (default 40); on resume, a larger value extends the run. */
  epochs?: number;
  /** Sequences per batch (default 4); a step sees whole sequences so the bridge sees transitions. */
  batchSequences?: number;
  /** Adam learning rate (default 1e-3). */
  learningRate?: number;
  /** Seed of initialisation, batch order and (by default) the built-in data (default 0). */
  seed?: number;
  /** Sequences held out of training to judge the final laws on (default 8 for built-in data, 0 for files). */
  heldout?: number;
  /** λ and tolerance schedule (see {@link Schedule}; defaults λ = 0.3, half the epochs warm-up, an eighth ramp, tolerance from 0.8 of each law's RMS step tightened by feedback down to 0.1). */
  schedule?: Partial<Schedule>;
  /**
   * Bridge weighting (qMin, lawPower, epsilon, outlierPower, outlierCap, maxLaws); the tolerance comes
   * from the schedule. Default maxLaws 1: only the near-perfect law closest to perfect pulls (else the
   * best-ranked); laws pulling at once fight each other (docs/experiments.md#the-bridge).
   */
  bridge?: Omit<BridgeOptions, 'relTolerance'>;
  /** Steps between searches (default: one epoch's steps). */
  searchEvery?: number;
  /** Steps between checkpoints (default: one epoch's steps); an interruption loses at most this many. */
  checkpointEvery?: number;
  /** Cooperative interruption: the run stops at the next step boundary and writes a checkpoint. */
  signal?: AbortSignal;
  /** Called after every epoch with the log line's figures. */
  onEpoch?: (e: EpochLog) => void;
  /** Called after every step (for a progress bar). */
  onStep?: (step: number, total: number) => void;
  /** Informational lines (backend chosen, resume point, interruption). */
  onMessage?: (line: string) => void;
  /**
   * A finished λ = 0 run of the same frames and held-out split, checked before any training (see
   * baseline.ts); the caller compares the two runs' forecasts once this one has finished.
   */
  baseline?: string;
}

const positiveInt = (name: string, v: number | undefined, dflt: number): number => {
  const x = v ?? dflt;
  if (!Number.isInteger(x) || x < 1) throw new OptionError(name, `must be a positive integer, got ${x}`);
  return x;
};

/**
 * Anneal an encoder toward the exact laws of its own latent space (see BACKGROUND.md and bridge.ts).
 * Writes into `options.out`: `run.json`, `log.jsonl`, `checkpoint/`, and when finished `model/`,
 * `latents.npy`, `laws.json`, `heldout-latents.npy`, `heldout-laws.json`, `summary.json`.
 * @returns where the run stopped, the backend used, timings, and for a finished run the final report.
 * @throws OptionError (an InputError naming the option) for unusable options; InputError for unusable
 *   data files or run folders.
 */
export async function anneal(options: AnnealOptions): Promise<TrainResult> {
  const ctx = { runDir: options.out, resume: !!options.resume, search: options.search, signal: options.signal, onEpoch: options.onEpoch, onStep: options.onStep, onMessage: options.onMessage };
  if (options.resume) {
    if (options.baseline !== undefined) {
      const recorded = readRunConfig(options.out);
      checkBaseline(options.baseline, recorded.data, recorded.heldout);
    }
    return train({ ...ctx, config: prepareRun(options.out, null, options.epochs) });
  }
  if (!options.data) throw new InputError('anneal', 'needs data: a built-in dataset or a frames file');
  const seed = options.seed ?? 0;
  const epochs = positiveInt('epochs', options.epochs, 40);
  const data: DataSpec = options.data.kind === 'file'
    ? { kind: 'file', path: options.data.path, stack: positiveInt('data.stack', options.data.stack, 1) }
    : {
        kind: options.data.kind,
        sequences: positiveInt('data.sequences', options.data.sequences, 32),
        frames: positiveInt('data.frames', options.data.frames, 32),
        seed: options.data.seed ?? seed,
        size: positiveInt('data.size', options.data.size, 32),
      };
  const heldout = options.heldout ?? (data.kind === 'file' ? 0 : 8);
  if (!Number.isInteger(heldout) || heldout < 0) throw new OptionError('heldout', `must be a non-negative integer, got ${heldout}`);
  const { train: set } = loadRunData(data, heldout);
  if (options.baseline !== undefined) checkBaseline(options.baseline, data, heldout);
  const K = set.offsets.length - 1;
  const batchSequences = positiveInt('batchSequences', options.batchSequences, 4);
  const stepsPerEpoch = Math.ceil(K / Math.min(batchSequences, K));
  const requested = options.arch ?? 'auto';
  const backendPref = options.backend ?? 'node';
  // The architecture decision needs the backend active (it probes convolution gradients on it).
  await selectBackend(backendPref, requested === 'conv' ? 'conv' : 'dense');
  const { arch, latent, why } = chooseEncoder(set, data, requested, options.latent);
  if (why) options.onMessage?.(why);
  const config: RunConfig = {
    version: 1,
    data,
    heldout,
    model: {
      arch,
      ...perFrameFields(set, data, latent, arch),
      ...(arch === 'angle' ? { chartWarp: CHART_WARP_HARMONICS, chartWarpScale: WARP_SCALE } : {}),
      inputShape: set.sampleShape,
      latent,
      hidden: options.hidden ?? [256, 64],
      seed,
    },
    backend: backendPref,
    epochs,
    batchSequences,
    learningRate: options.learningRate ?? 1e-3,
    seed,
    schedule: resolveSchedule(epochs, options.schedule, arch),
    bridge: { maxLaws: 1, ...(options.bridge ?? {}) },
    searchEvery: positiveInt('searchEvery', options.searchEvery, stepsPerEpoch),
    checkpointEvery: positiveInt('checkpointEvery', options.checkpointEvery, stepsPerEpoch),
    trainingLibraryFamilies: arch === 'angle',
  };
  return train({ ...ctx, config: prepareRun(options.out, config) });
}
