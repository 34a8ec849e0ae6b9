/**
 * Fixed ranges of the transitions for passes split across workers. The ranges depend only on the
 * data, never on the worker count, and partial results are combined in range order, so a law's
 * figures are the same with any number of workers.
 */
import type { PassRange } from './stream.js';

/** Transitions per range of a split pass: fewer are not worth a task of their own. */
export const PASS_RANGE = 1 << 18;

/** [0, n) in about equal ranges of at least `size` transitions (one range for small n). */
export function passRanges(n: number, size = PASS_RANGE): PassRange[] {
  const parts = Math.max(1, Math.floor(n / size));
  return Array.from({ length: parts }, (_, i) => ({ from: Math.floor((i * n) / parts), to: Math.floor(((i + 1) * n) / parts) }));
}

/**
 * Like {@link passRanges}, but each range starts where a trajectory starts, so a pass that follows
 * trajectories sees each one whole (one range when the data are one long trajectory).
 */
export function trajectoryRanges(starts: Uint32Array, size = PASS_RANGE): PassRange[] {
  const n = starts.length;
  const cuts = [0];
  for (const { from } of passRanges(n, size).slice(1)) {
    let t = Math.max(from, cuts[cuts.length - 1] + 1);
    while (t < n && starts[t] === starts[t - 1] + 1) t++;
    if (t < n) cuts.push(t);
  }
  return cuts.map((from, i) => ({ from, to: i + 1 < cuts.length ? cuts[i + 1] : n }));
}
