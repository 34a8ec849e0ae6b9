/**
 * The statistics stage: one pass of sufficient statistics over all transitions, in fixed chunks
 * summed in chunk order, so the moments are the same for any number of workers.
 */
import { accumulateLagged, laggedStride } from './lagged.js';
import { accumulateMoments, addMoments, momentShift, type Moments } from './moments.js';
import type { DataContext } from './transitions.js';

/** Chunks of the moment pass: fixed, so the sum's order never depends on the worker count. */
const MOMENT_CHUNKS = 32;

/** One chunk of the moment pass, as a worker task. */
export interface MomentTask {
  from: number;
  to: number;
  shift: number[];
  /** Stride of the lag-2 sums (see lagged.ts). */
  lagStride: number;
}

/** Run one chunk (on a worker or inline). */
export function momentChunk(ctx: DataContext, task: MomentTask): Moments {
  const { states, dim, starts } = ctx;
  if (task.lagStride === 1) return accumulateMoments(states, dim, starts, task.shift, task.from, task.to, true);
  const moments = accumulateMoments(states, dim, starts, task.shift, task.from, task.to);
  return { ...moments, lag: accumulateLagged(states, dim, starts, task.shift, task.from, task.to, task.lagStride) };
}

/** The moments of all transitions, chunk by chunk through `run`. */
export async function computeMoments(ctx: DataContext, run: (task: MomentTask) => Promise<Moments>, progress: (done: number, total: number) => void): Promise<Moments> {
  const n = ctx.starts.length;
  const shift = momentShift(ctx.states, ctx.dim);
  const lagStride = laggedStride(n);
  let done = 0;
  const parts = await Promise.all(
    Array.from({ length: MOMENT_CHUNKS }, (_, i) =>
      run({ from: Math.floor((i * n) / MOMENT_CHUNKS), to: Math.floor(((i + 1) * n) / MOMENT_CHUNKS), shift, lagStride }).then((m) => {
        progress(++done, MOMENT_CHUNKS);
        return m;
      }),
    ),
  );
  return addMoments(parts);
}
