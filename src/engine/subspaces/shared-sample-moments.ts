/**
 * The screening sample's moments handed between two workers. The eigen task refines its modes on
 * them (a 2d-column Gram matrix of the sample: 1.8 s at d = 1024) only after its decomposition; the
 * other worker, idle while the main thread plans the other subspaces, sums them meanwhile into shared
 * memory. Whichever thread comes first claims the sum, so neither ever waits for a task that has not
 * started, and the values are those the eigen task would sum itself.
 */
import { type SampleData, sampleCentredMoments, sampleMomentsFrom, sampleMomentsInto, type SampleMoments } from './sample-moments.js';

/** Shared memory for one sum: a state word, then the Gram matrix and the means (see sampleMomentsInto). */
export interface SampleMomentsShare {
  buffer: SharedArrayBuffer;
  dim: number;
}

const UNCLAIMED = 0;
const SUMMING = 1;
const DONE = 2;
/** The eigen task came first and sums for itself. */
const TAKEN = 3;
const FAILED = 4;

/** Zeroed shared memory for the sample moments of `dim`-dimensional states. */
export function sampleMomentsShare(dim: number): SampleMomentsShare {
  const m = 2 * dim;
  return { buffer: new SharedArrayBuffer(8 + 8 * (m * m + m)), dim };
}

function views(share: SampleMomentsShare): { state: Int32Array; gram: Float64Array; means: Float64Array } {
  const m = 2 * share.dim;
  return { state: new Int32Array(share.buffer, 0, 1), gram: new Float64Array(share.buffer, 8, m * m), means: new Float64Array(share.buffer, 8 + 8 * m * m, m) };
}

/**
 * Sum the sample's moments into `share` unless the eigen task has claimed them. Runs on a worker
 * (the other thread may block on the result while it is summed).
 */
export function fillSampleMoments(share: SampleMomentsShare, samples: SampleData): void {
  const { state, gram, means } = views(share);
  if (Atomics.compareExchange(state, 0, UNCLAIMED, SUMMING) !== UNCLAIMED) return;
  let outcome = FAILED;
  try {
    sampleMomentsInto(samples.states, samples.dim, samples.starts, samples.sample, gram, means);
    outcome = DONE;
  } finally {
    Atomics.store(state, 0, outcome);
    Atomics.notify(state, 0);
  }
}

/**
 * The sample's moments for the eigen task: read from `share` once summed (waiting while the other
 * worker sums them), or summed here when that worker has not started or failed. Worker threads only:
 * the main thread may not block.
 */
export function takeSampleMoments(share: SampleMomentsShare, samples: SampleData): SampleMoments {
  const { state, gram, means } = views(share);
  const before = Atomics.compareExchange(state, 0, UNCLAIMED, TAKEN);
  if (before === SUMMING) while (Atomics.load(state, 0) === SUMMING) Atomics.wait(state, 0, SUMMING);
  if (Atomics.load(state, 0) === DONE) return sampleMomentsFrom(gram, means, share.dim);
  return sampleCentredMoments(samples.states, samples.dim, samples.starts, samples.sample, null);
}
