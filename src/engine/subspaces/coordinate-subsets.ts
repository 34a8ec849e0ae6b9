/**
 * Coordinate subsets to search. With many coordinates there are too many pairs to screen them all (32 640
 * in 256 dimensions, most of them noise beside noise), so beyond a cap the subsets come ranked by how
 * well their own linear fit predicts their next value, read from the moment matrix in one sweep: a
 * subset whose coordinates move by no law of their own state ranks last.
 */
import type { Moments } from '../moments/moments.js';
import { solve } from '../kernels/linalg.js';

/** Index sets {i₁ < … < i_k} of 0 … n−1, in lexicographic order. */
export function* combinations(n: number, k: number, start = 0, prefix: number[] = []): Generator<number[]> {
  if (prefix.length === k) {
    yield prefix;
    return;
  }
  for (let i = start; i < n; i++) yield* combinations(n, k, i + 1, [...prefix, i]);
}

/**
 * The k-subsets of `coords` to search: all of them when there are at most `cap`, else the `cap` most
 * predictable (see {@link subsetPredictability}), in the lexicographic order of the rest.
 */
export function coordinateSubsets(mom: Moments, coords: number[], k: number, cap: number): number[][] {
  const all = [...combinations(coords.length, k)].map((c) => c.map((i) => coords[i]));
  if (all.length <= cap) return all;
  const scored = all.map((subset, order) => ({ subset, order, score: subsetPredictability(mom, subset) }));
  scored.sort((a, b) => b.score - a.score || a.order - b.order);
  return scored
    .slice(0, cap)
    .sort((a, b) => a.order - b.order)
    .map((s) => s.subset);
}

/**
 * How well the subset's state predicts its next value: the largest, over its coordinates, of the
 * share of the null model's error (predict the mean, or nothing moves, whichever is smaller, as the
 * description length judges maps) that the least-squares affine map of the subset removes, adjusted
 * for its k + 1 parameters. Near 0 for noise or a random walk; near 1 for a rotation or a pendulum.
 */
export function subsetPredictability(mom: Moments, subset: number[]): number {
  const { dim: d, n, sums } = mom;
  const k = subset.length;
  if (n <= k + 2) return 0;
  const m = 2 * d + 1;
  const one = 2 * d;
  const mean = (a: number) => sums[a * m + one] / n;
  const cov = (a: number, b: number) => sums[a * m + b] / n - mean(a) * mean(b);
  const next = subset.map((c) => d + c);
  const Cxx = subset.map((a) => subset.map((b) => cov(a, b)));
  const Cxy = subset.map((a) => next.map((b) => cov(a, b)));
  let B: number[][];
  try {
    B = solve(Cxx, Cxy);
  } catch {
    return 0;
  }
  let best = -Infinity;
  next.forEach((y, q) => {
    const variance = cov(y, y);
    const explained = Cxy.reduce((t, row, a) => t + row[q] * B[a][q], 0);
    const c = subset[q];
    const step = (sums[y * m + y] - 2 * sums[c * m + y] + sums[c * m + c]) / n;
    const nullError = Math.min(variance, step);
    if (!(nullError > 0)) return;
    const residual = Math.max(variance - explained, 0);
    best = Math.max(best, 1 - (residual / (n - k - 1)) / (nullError / (n - 1)));
  });
  return Number.isFinite(best) ? best : 0;
}
