/**
 * Sweeps: many inputs fitted as `fit` fits one, locally on all cores or by workers on a Redis queue,
 * with one result per input and a summary table in an output folder that every machine shares.
 * `startWorker` (worker.ts) is not re-exported here: it loads the queue client, so the package entry
 * exports it as a lazy wrapper.
 */
export { sweep, type SweepOptions } from './sweep.js';
export type { SweepWorker, SweepWorkerOptions, WorkerEvent } from './worker.js';
export { QUEUE_DEFAULTS, SWEEP_FIT_WORKERS } from './defaults.js';
export type { QueueTarget } from './queue.js';
export type { QueueSweepOptions } from './coordinator.js';
export type { SweepFitSpec, SweepFitOptions } from './fit-spec.js';
export { resolveInputs, type SweepInput } from './inputs.js';
export { readSweepSummary, type SweepSummary, type SweepRow, type SweepCounts } from './summary.js';
export type { JobOutcome } from './layout.js';
