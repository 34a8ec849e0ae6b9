/**
 * latent-laws library API. The CLI is a thin layer over these functions. Narrower entries:
 * `latent-laws/check` (laws as properties, for a test suite) and `latent-laws/anneal` (training and
 * rollout, loading TensorFlow.js at once).
 * @packageDocumentation
 */
export { fit, type FitOptions, type FitProgress } from './engine/fit.js';
export { FIT_DEFAULTS, resolveFitOptions, type ResolvedFitOptions } from './engine/options.js';
export { createFitPool, type FitPool } from './engine/runtime/pool.js';
export { tuneCompiler, INTERRUPT_BUDGET } from './engine/runtime/jit.js';
export { tuneHeap, HEAP_GROWING_PERCENT, HEAP_TUNING_FROM_DIM } from './engine/runtime/heap.js';
export { withTimeStep, continuousTimeForm, describeContinuousTime } from './engine/output/continuous-time.js';
export { loadDataset, loadDatasetAsync, SUPPORTED_EXTENSIONS, type LoadOptions } from './data/load.js';
export { loadGrammar, defaultGrammarPath } from './grammar/load.js';
export { plantLaw, randomOrthogonal, type PlantOptions, type PlantedTruth, type PlantedKind } from './planted.js';
export { mulberry32 } from './random.js';
export { demoDataset } from './demo.js';
export { lawProperty, LawViolation, type LawPropertyOptions } from './check/property.js';
export { checkLaw, checkLaws, type CheckOptions, type CheckReport, type LawCheck, type Counterexample } from './check/run.js';
export { readLawsFile, type LawsDocument } from './check/laws-file.js';
export type { LawSource, TransitionsSource, RegionSource, GeneratorSource, TransitionCase, RegionCase, GeneratorCase } from './check/sources.js';
export {
  buildFitReport, buildAnnealReport, buildCheckReport, readAnnealRun, annealSampleFrames,
  type FitReportOptions, type AnnealReportOptions, type CheckReportOptions, type AnnealRun, type ViewLimits, type SampleFrames,
} from './report/index.js';
export { InputError, OptionError } from './errors.js';
export {
  sweep, readSweepSummary, resolveInputs, QUEUE_DEFAULTS, SWEEP_FIT_WORKERS,
  type SweepOptions, type SweepSummary, type SweepRow, type SweepCounts, type SweepFitOptions, type QueueSweepOptions, type SweepWorkerOptions, type SweepWorker,
} from './sweep/index.js';
export * from './types.js';

// The encoder bridge has no TensorFlow inside; training and rollout load TensorFlow.js on first use,
// so `import 'latent-laws'` stays fast for fitting and checking.
export { bridge } from './anneal/bridge.js';
export type { BridgeOptions, BridgeResult, LawWeights } from './anneal/bridge.js';
export type { AnnealOptions, DataInput } from './anneal/index.js';
export type { RolloutOptions, RolloutResult } from './rollout/rollout.js';
// Pure numeric pieces of rollout (no TensorFlow): the latent trajectory a law predicts (with what holds
// the other dimensions), and the stability check that picks a law that stays on the data.
export { latentRollout, type LatentHold } from './rollout/latent-rollout.js';
export { slavedManifold, type SlavedManifold } from './rollout/hold.js';
export { chooseStableLaw, type StabilityVerdict } from './rollout/stability.js';
export { findLawById } from './laws/ids.js';
export type { TrainResult, EpochLog, SearchFn, SearchHints } from './anneal/train.js';
/** Anneal an encoder toward the exact laws of its latent space (see `latent-laws/anneal`). */
export const anneal = async (options: import('./anneal/index.js').AnnealOptions) => (await import('./anneal/index.js')).anneal(options);
/** Take fit jobs of a distributed sweep from its Redis queue (loads the queue client on first use). */
export const startWorker = async (options: import('./sweep/worker.js').SweepWorkerOptions) => (await import('./sweep/worker.js')).startWorker(options);
/** Forecast by a discovered latent law of an anneal run and decode. */
export const rollout = async (options: import('./rollout/rollout.js').RolloutOptions) => (await import('./rollout/rollout.js')).rollout(options);
