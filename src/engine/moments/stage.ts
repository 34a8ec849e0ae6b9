/**
 * The statistics stage: one pass of sufficient statistics over all transitions, in fixed chunks
 * summed in chunk order, so the moments are the same for any number of workers.
 */
import { accumulateLagged, laggedStride, type LaggedMoments } from './lagged.js';
import { accumulateMoments, momentShift, type Moments, OrderedMomentSum } from './moments.js';
import { sharedFloat64 } from './shared.js';
import type { DataContext } from './transitions.js';

/**
 * Chunks of the moment pass: at most 32, each of at least {@link MIN_CHUNK_TRANSITIONS} transitions
 * and {@link MIN_CHUNK_WORK} multiply-adds. They depend only on the data's shape, so the sum's order
 * never depends on the worker count.
 */
const MAX_MOMENT_CHUNKS = 32;

/**
 * Every chunk returns its own (2d+2)² sums to be copied back and added, which costs about as much as
 * summing a thousand transitions: 396 transitions at d = 256 in 32 chunks spent more on those copies
 * than on the pass itself.
 */
const MIN_CHUNK_TRANSITIONS = 2048;

/** Least work of a chunk (about 8 ms of the Gram kernel), so tiny data sets are not split at all. */
const MIN_CHUNK_WORK = 2 ** 25;

/** How many chunks the moment pass over n transitions of dimension d takes. */
export function momentChunks(n: number, dim: number): number {
  const byWork = Math.floor((n * (2 * dim + 2) ** 2) / MIN_CHUNK_WORK);
  return Math.max(1, Math.min(MAX_MOMENT_CHUNKS, Math.floor(n / MIN_CHUNK_TRANSITIONS), byWork));
}

/** One chunk of the moment pass, as a worker task. */
export interface MomentTask {
  from: number;
  to: number;
  shift: number[];
  /** Stride of the lag-2 sums (see lagged.ts). */
  lagStride: number;
  /** Where to write the chunk's sums; without it they come back in arrays of their own. */
  into?: MomentBuffers;
}

/**
 * A chunk's sums in shared memory, reused chunk after chunk: the worker writes them there and they
 * cross back by reference, where a result of their own would be copied twice (4.7 MB a chunk at
 * d = 256) and leave the main thread garbage to collect. The left-out transitions of the lag-2 sums
 * (few) come back in the result itself.
 */
export type MomentBuffers = { sums: Float64Array } & Omit<LaggedMoments, 'n' | 'excluded'>;

/** Zeroed {@link MomentBuffers} for chunks of dimension `dim` with lag-2 sums at `lagStride`. */
export function momentBuffers(dim: number, lagStride: number): MomentBuffers {
  const m = 2 * dim + 1;
  return { sums: sharedFloat64(m * m), ...(lagStride === 1 ? {} : { base: sharedFloat64(m * m) }), ahead: sharedFloat64((dim + 1) * dim) };
}

/** Run one chunk (on a worker or inline). */
export function momentChunk(ctx: DataContext, task: MomentTask): Moments {
  const { states, dim, starts } = ctx;
  // Stride 1 writes straight into `into`; the thinned lag-2 sums of a pass of their own are copied there.
  if (task.lagStride === 1) return accumulateMoments(states, dim, starts, task.shift, task.from, task.to, true, task.into);
  const moments = accumulateMoments(states, dim, starts, task.shift, task.from, task.to, false, task.into);
  const lag = accumulateLagged(states, dim, starts, task.shift, task.from, task.to, task.lagStride);
  if (!task.into) return { ...moments, lag };
  task.into.ahead.set(lag.ahead);
  task.into.base!.set(lag.base!);
  return { ...moments, lag: { n: lag.n, base: task.into.base, ahead: task.into.ahead } };
}

/**
 * The moments of all transitions, chunk by chunk through `run`, with `lanes` chunks in flight (the
 * workers, or 1 inline): each chunk's sums are added as soon as its predecessors' are, so memory holds
 * about `lanes` chunks' sums rather than every chunk's. The first chunk's buffers become the totals.
 */
export async function computeMoments(ctx: DataContext, run: (task: MomentTask) => Promise<Moments>, progress: (done: number, total: number) => void, lanes = 1): Promise<Moments> {
  const n = ctx.starts.length;
  const shift = momentShift(ctx.states, ctx.dim);
  const lagStride = laggedStride(n);
  const chunks = momentChunks(n, ctx.dim);
  const total = new OrderedMomentSum();
  // Buffers of chunks not yet summed (an early chunk waits for its predecessors), and free ones.
  const held = new Map<number, MomentBuffers>();
  const free: MomentBuffers[] = [];
  let next = 0;
  let done = 0;
  const lane = async () => {
    for (let i = next++; i < chunks; i = next++) {
      const into = free.pop() ?? momentBuffers(ctx.dim, lagStride);
      held.set(i, into);
      total.add(i, await run({ from: Math.floor((i * n) / chunks), to: Math.floor(((i + 1) * n) / chunks), shift, lagStride, into }));
      for (const [chunk, buffers] of held)
        if (chunk < total.summed) {
          held.delete(chunk);
          if (chunk > 0) free.push(buffers);
        }
      progress(++done, chunks);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, chunks)) }, lane));
  return total.result();
}
