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
  const subsets = (function* () {
    for (const c of combinations(coords.length, k)) yield c.map((i) => coords[i]);
  })();
  if (binomial(coords.length, k) <= cap) return [...subsets];
  // The `cap` best, kept in a heap whose root is the worst of them: 523 776 pairs at d = 1024 are scored,
  // not all held and sorted.
  const best = new WorstFirstHeap(cap);
  let order = 0;
  if (k === 2) {
    // Pairs scored without building arrays per pair (3 µs each at d = 1024 before), in the same order.
    for (let a = 0; a < coords.length; a++)
      for (let b = a + 1; b < coords.length; b++) {
        const score = pairPredictability(mom, coords[a], coords[b]);
        if (best.accepts(score, order)) best.insert({ subset: [coords[a], coords[b]], order, score });
        order++;
      }
  } else
    for (const subset of subsets) {
      const score = subsetPredictability(mom, subset);
      if (best.accepts(score, order)) best.insert({ subset, order, score });
      order++;
    }
  return best
    .items()
    .sort((a, b) => a.order - b.order)
    .map((s) => s.subset);
}

/** C(n, k): each step's product is the next binomial coefficient, exact while it fits a double's 53 bits. */
export function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

interface Scored {
  subset: number[];
  order: number;
  score: number;
}

/** Better: higher score, then earlier in lexicographic order (the ranking's own tie-break). */
const better = (a: Scored, b: Scored) => ranksAbove(a.score, a.order, b);
const ranksAbove = (score: number, order: number, b: Scored) => score > b.score || (score === b.score && order < b.order);

/** At most `size` items, the best by {@link better}; the root is the worst kept. */
class WorstFirstHeap {
  readonly #heap: Scored[] = [];
  constructor(readonly size: number) {}

  /** Whether a subset with this score and order would be kept (asked first, so the rest build nothing). */
  accepts(score: number, order: number): boolean {
    const h = this.#heap;
    return h.length < this.size || (this.size > 0 && ranksAbove(score, order, h[0]));
  }

  /** Keep an item that {@link accepts} admitted. */
  insert(item: Scored): void {
    const h = this.#heap;
    if (h.length < this.size) {
      h.push(item);
      for (let i = h.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!better(h[parent], h[i])) break;
        [h[parent], h[i]] = [h[i], h[parent]];
        i = parent;
      }
      return;
    }
    h[0] = item;
    for (let i = 0; ; ) {
      const [l, r] = [2 * i + 1, 2 * i + 2];
      let worst = i;
      if (l < h.length && better(h[worst], h[l])) worst = l;
      if (r < h.length && better(h[worst], h[r])) worst = r;
      if (worst === i) break;
      [h[worst], h[i]] = [h[i], h[worst]];
      i = worst;
    }
  }

  items(): Scored[] {
    return this.#heap.slice();
  }
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
  let B: number[][] | null = k === 2 ? choleskySolve2(Cxx, Cxy) : null;
  try {
    B ??= solve(Cxx, Cxy);
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

/**
 * {@link subsetPredictability} of the pair {a, b}, the same arithmetic on plain numbers: the covariances,
 * {@link choleskySolve2}'s solve, and the best coordinate's share. Where that solve would not apply it
 * defers to subsetPredictability.
 */
export function pairPredictability(mom: Moments, a: number, b: number): number {
  const { dim: d, n, sums } = mom;
  if (n <= 4) return 0;
  const m = 2 * d + 1;
  // Scalars only, no arrays or closures: the pairs are scored by the half million at d = 1024.
  const ya = d + a;
  const yb = d + b;
  const a00 = centredMoment(sums, m, n, a, a);
  const a10 = centredMoment(sums, m, n, b, a);
  const a11 = centredMoment(sums, m, n, b, b);
  // Cxy: rows a, b; columns a's next, b's next.
  const r00 = centredMoment(sums, m, n, a, ya);
  const r01 = centredMoment(sums, m, n, a, yb);
  const r10 = centredMoment(sums, m, n, b, ya);
  const r11 = centredMoment(sums, m, n, b, yb);
  const top = Math.max(a00, a11);
  const fast = centredMoment(sums, m, n, a, b) === a10 && unscaledFour(a00, a10, a11, 0) && unscaledFour(r00, r01, r10, r11) && top > 0 && top < Infinity && a00 > 1e-10 * top;
  const l00 = Math.sqrt(a00);
  const l10 = a10 / l00;
  const pivot = a11 - l10 * l10;
  if (!fast || !(pivot > 1e-10 * top)) return subsetPredictability(mom, [a, b]);
  const l11 = Math.sqrt(pivot);
  const best = Math.max(Math.max(-Infinity, pairShare(mom, a, ya, r00, r10, l00, l10, l11)), pairShare(mom, b, yb, r01, r11, l00, l10, l11));
  return Number.isFinite(best) ? best : 0;
}

/** Σ (p − p̄)(q − q̄) / n from the moment sums, as {@link subsetPredictability} takes it. */
function centredMoment(sums: Float64Array, m: number, n: number, p: number, q: number): number {
  const one = m - 1;
  return sums[p * m + q] / n - (sums[p * m + one] / n) * (sums[q * m + one] / n);
}

/**
 * One coordinate c (next value at column y) of {@link pairPredictability}: its share of the null
 * model's error that the pair's solve removes, −∞ when the null model leaves none.
 */
function pairShare(mom: Moments, c: number, y: number, top0: number, top1: number, l00: number, l10: number, l11: number): number {
  const { n, sums } = mom;
  const m = 2 * mom.dim + 1;
  const y0 = top0 / l00;
  const x1 = (top1 - l10 * y0) / l11 / l11;
  const x0 = (y0 - l10 * x1) / l00;
  const variance = centredMoment(sums, m, n, y, y);
  const explained = 0 + top0 * x0 + top1 * x1;
  const step = (sums[y * m + y] - 2 * sums[c * m + y] + sums[c * m + c]) / n;
  const nullError = Math.min(variance, step);
  if (!(nullError > 0)) return -Infinity;
  const residual = Math.max(variance - explained, 0);
  return 1 - (residual / (n - 2 - 1)) / (nullError / (n - 1));
}

/**
 * solve(A, R) for a 2 × 2 symmetric positive definite A, by the same Cholesky arithmetic as linalg's
 * solve, without its checks and copies: pairs are scored by the ten thousand. Null where solve would
 * scale A or R first (see {@link unscaledBySolve}) or would not take the Cholesky path.
 */
export function choleskySolve2(A: number[][], R: number[][]): number[][] | null {
  const [a00, a10, a11] = [A[0][0], A[1][0], A[1][1]];
  if (A[0][1] !== a10 || !unscaledBySolve([a00, a10, a11]) || !unscaledBySolve([...R[0], ...R[1]])) return null;
  const top = Math.max(a00, a11);
  if (!(top > 0 && top < Infinity) || !(a00 > 1e-10 * top)) return null;
  const l00 = Math.sqrt(a00);
  const l10 = a10 / l00;
  const pivot = a11 - l10 * l10;
  if (!(pivot > 1e-10 * top)) return null;
  const l11 = Math.sqrt(pivot);
  const columns = R[0].map((_, c) => {
    const y0 = R[0][c] / l00;
    const y1 = (R[1][c] - l10 * y0) / l11;
    const x1 = y1 / l11;
    return [(y0 - l10 * x1) / l00, x1];
  });
  return [columns.map((x) => x[0]), columns.map((x) => x[1])];
}

/** Whether linalg's solve leaves these entries unscaled: all finite, the largest |entry| 0 or within 2^±256. */
function unscaledBySolve(values: number[]): boolean {
  let top = 0;
  for (const v of values) top = Math.max(top, Math.abs(v));
  return unscaledTop(top);
}

/** {@link unscaledBySolve} of four numbers (a 0 for a missing one changes nothing), without an array. */
function unscaledFour(a: number, b: number, c: number, d: number): boolean {
  return unscaledTop(Math.max(Math.max(Math.max(Math.max(0, Math.abs(a)), Math.abs(b)), Math.abs(c)), Math.abs(d)));
}

const unscaledTop = (top: number) => top === 0 || (top >= 2 ** -256 && top <= 2 ** 256);
