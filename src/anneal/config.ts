/**
 * The run configuration (everything needed to rebuild a run's data and network, stored as `run.json` in
 * the run folder so `resume` and `rollout` need nothing else), and the annealing schedule.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage, InputError, OptionError } from '../errors.js';
import { loadDataset } from '../data/load.js';
import type { Dataset } from '../types.js';
import { writeFileAtomic } from '../io.js';
import type { BackendPreference } from './backend.js';
import type { BridgeOptions } from './bridge.js';
import { loadFrames, pendulum, spinning, splitSequences, type FrameSet } from './datasets.js';
import type { ModelSpec } from './model.js';

/** Where the frames come from: a built-in generator (with its parameters) or a file. */
export type DataSpec =
  | { kind: 'spinning' | 'pendulum'; sequences: number; frames: number; seed: number; size: number }
  | { kind: 'file'; path: string; stack: number };

/**
 * The annealing schedule.
 *
 * λ, in (fractional) epochs e = step / stepsPerEpoch: λ(e) = 0 for e < warmupEpochs (a plain autoencoder:
 * the latents first learn to reconstruct), then rises linearly to `lambda` over `rampEpochs`, then stays.
 *
 * The bridge's relative inlier tolerance (a fraction of each law's yardstick: for a map its RMS step, for
 * an invariant the per-step change of a generic function; bridge.ts) starts loose at `tolStart`, so
 * that roughly-right laws count as near-perfect and start pulling, and is tightened by feedback rather than
 * by the clock: after each search past the warm-up, with q* the best bridge inlier fraction among the
 * fresh laws on the whole training set,
 *   q* ≥ tightenAt → tol ← max(tolEnd, tol · tolDecay)   (the laws keep up: raise the bar)
 *   q* < qMin      → tol ← min(tolStart, tol / tolDecay)  (no law is near-perfect any more, or the
 *                                                        search found none: relax)
 *   otherwise      → unchanged.
 * Feedback, not a clock: a bar rising faster than the latents improve drops every law under qMin at once
 * and switches the physics off (docs/experiments.md#the-schedule).
 */
export interface Schedule {
  /** Final physics weight λ (default 0.3; 0 trains a plain autoencoder — the baseline). */
  lambda: number;
  /**
   * Epochs with λ = 0 (default: half the epochs). Long on purpose: physics started on a poor
   * autoencoder stalls its reconstruction (docs/experiments.md#the-schedule).
   */
  warmupEpochs: number;
  /** Epochs over which λ ramps up linearly (default: an eighth of the epochs). */
  rampEpochs: number;
  /**
   * Relative inlier tolerance at the start, and the loosest it may become (default 0.8 of the law's RMS
   * step: a plain autoencoder's latents obey the nearest linear law only loosely, and the physics can
   * only start once some law has q ≥ qMin; below 1, so that "nothing moves" is no inlier wherever the
   * steps are alike; docs/experiments.md#the-schedule).
   */
  tolStart: number;
  /**
   * Tightest relative tolerance (default 0.1 of the step: on the spinning video, where the step is 0.39
   * of the spread, that is 0.04 of the spread, within the engine's default cap of 0.05, so laws the
   * bridge made exact are reported by a default search; 0.02 of the spread lost the exact rotation:
   * docs/experiments.md#the-schedule).
   */
  tolEnd: number;
  /** Factor per tightening step (default 0.8). */
  tolDecay: number;
  /** Best-law inlier fraction at which the tolerance tightens (default 0.98). */
  tightenAt: number;
  /**
   * Relative tolerance the training searches are asked to use (hint `searchTolerance`; default 0.6). It
   * is the engine's `maxRelativeTolerance`, a share of the subspace's spread, not of the step.
   * Kept loose on purpose: the search only proposes laws, the bridge decides which are near-perfect at
   * its own tolerance; a tight search finds no law once the latents drift, and then nothing pulls them
   * back (docs/experiments.md#training-searches).
   */
  searchTolerance: number;
  /**
   * Cap on the physics push, relative to the reconstruction's (default 2; `Infinity`, stored as null, or
   * absent in runs made before the cap existed: no cap). Per batch, the surrogate's gradient on the
   * latents, λ·G, is scaled down so that ‖λ·G‖ ≤ physicsCap · ‖∂(reconstruction)/∂Z‖. The bridge's
   * weights reach 100 on a near-perfect law, so uncapped λ·G swamps the reconstruction's gradient and
   * the encoder gives up reconstructing (docs/experiments.md#the-physics-cap).
   */
  physicsCap?: number | null;
}

/**
 * Where an angle chart's schedule differs (docs/experiments.md#a-chart-the-physics-can-bend): its
 * latents obey the pendulum's law to about 1e-4 of the step before any training, so the tolerance must
 * reach that scale quickly to see the last errors; and the physics can only bend the chart's warp,
 * which the decoder undoes, so it cannot trade reconstruction away and needs no cap.
 */
const CHART_SCHEDULE: Partial<Schedule> = { tolEnd: 1e-4, tolDecay: 0.5, physicsCap: null };

/** Fill in schedule defaults for a run of `epochs` epochs of an encoder of kind `arch`. */
export function resolveSchedule(epochs: number, s: Partial<Schedule> = {}, arch?: ModelSpec['arch']): Schedule {
  const d = arch === 'angle' ? CHART_SCHEDULE : {};
  const cap = s.physicsCap === undefined ? (d.physicsCap === undefined ? 2 : d.physicsCap) : s.physicsCap;
  return {
    lambda: s.lambda ?? 0.3,
    warmupEpochs: s.warmupEpochs ?? Math.floor(epochs / 2),
    rampEpochs: s.rampEpochs ?? Math.floor(epochs / 8),
    tolStart: s.tolStart ?? 0.8,
    tolEnd: s.tolEnd ?? d.tolEnd ?? 0.1,
    tolDecay: s.tolDecay ?? d.tolDecay ?? 0.8,
    tightenAt: s.tightenAt ?? 0.98,
    searchTolerance: s.searchTolerance ?? 0.6,
    // JSON has no Infinity: "no cap" is stored as null.
    physicsCap: cap === null || !Number.isFinite(cap) ? null : cap,
  };
}

/** λ at fractional epoch `e`. */
export function lambdaAt(s: Schedule, e: number): number {
  if (e < s.warmupEpochs) return 0;
  return s.rampEpochs > 0 ? s.lambda * Math.min(1, (e - s.warmupEpochs) / s.rampEpochs) : s.lambda;
}

/** The tolerance feedback rule of {@link Schedule}: the next tolerance given the best law's q*. */
export function adaptTolerance(s: Schedule, tol: number, bestQ: number, qMin: number): number {
  if (bestQ >= s.tightenAt) return Math.max(s.tolEnd, tol * s.tolDecay);
  if (bestQ < qMin) return Math.min(s.tolStart, tol / s.tolDecay);
  return tol;
}

/** Everything `run.json` records. */
export interface RunConfig {
  version: 1;
  data: DataSpec;
  /** Sequences kept out of training, for judging laws on unseen data. */
  heldout: number;
  model: ModelSpec;
  backend: BackendPreference;
  epochs: number;
  batchSequences: number;
  learningRate: number;
  seed: number;
  schedule: Schedule;
  bridge: Omit<BridgeOptions, 'relTolerance'>;
  searchEvery: number;
  checkpointEvery: number;
  /**
   * Whether the training searches propose library laws (SearchHints.libraryFamilies): true for an angle
   * chart; absent in runs made before it was recorded, which trained with the simple families.
   */
  trainingLibraryFamilies?: boolean;
}

/** Generate or load the frames of a run and split off the held-out sequences. */
export function loadRunData(spec: DataSpec, heldout: number): { train: FrameSet; heldout: FrameSet | null } {
  let set: FrameSet;
  if (spec.kind === 'file') set = loadFrames(spec.path, spec.stack);
  else {
    // Held-out sequences are generated along with the training ones (same seed, further draws).
    const gen = spec.kind === 'spinning' ? spinning : pendulum;
    set = gen({ sequences: spec.sequences + heldout, frames: spec.frames, seed: spec.seed, size: spec.size });
  }
  const K = set.offsets.length - 1;
  // Names both the file and the option, so the command line can say which flag to lower.
  if (heldout >= K) throw new OptionError('heldout', (name) => `has ${K} sequences; holding out ${heldout} (${name('heldout')}) leaves none to train on`, spec.kind === 'file' ? spec.path : spec.kind);
  return splitSequences(set, heldout);
}

/** Path of a run's configuration file. */
export const runConfigPath = (runDir: string): string => join(runDir, 'run.json');

/**
 * The run's training latents (`latents.npy`, [K, T, d]), or undefined when the run has not written
 * them yet; what `rollout` and the report's frames check stability against and hold to.
 */
export function readRunLatents(runDir: string, d: number): Dataset | undefined {
  const path = join(runDir, 'latents.npy');
  if (!existsSync(path)) return undefined;
  const z = loadDataset(path);
  if (z.dim !== d) throw new InputError(path, `has latent size ${z.dim}, the model has ${d}`);
  return z;
}

/** Read `run.json` of a run folder. */
export function readRunConfig(runDir: string): RunConfig {
  const p = runConfigPath(runDir);
  if (!existsSync(p)) throw new InputError(runDir, 'is not an anneal run folder (no run.json)');
  try {
    const cfg = JSON.parse(readFileSync(p, 'utf8')) as RunConfig;
    if (cfg.version !== 1) throw new Error(`unknown version ${String(cfg.version)}`);
    return cfg;
  } catch (err) {
    throw new InputError(p, `cannot be read: ${errorMessage(err)}`);
  }
}

/** Write `run.json` atomically. */
export function writeRunConfig(runDir: string, cfg: RunConfig): void {
  writeFileAtomic(runConfigPath(runDir), JSON.stringify(cfg, null, 2) + '\n');
}
