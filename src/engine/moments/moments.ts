/**
 * Sufficient statistics of the transitions (z_t, z_{t+1}): one pass over the data yields the moment
 * matrix of v = [z − c; z' − c; 1], from which every linear-family candidate on every linear subspace is
 * fitted and scored without touching the samples again.
 */
import { blockProducts, type BlockProduct, type ProductSums } from '../kernels/block-products.js';
import { type Mat, zeros } from '../kernels/linalg.js';
import { coordinatesOf } from '../kernels/project.js';
import { ExcludedSum, type ShiftedSums } from './excluded.js';
import { addLaggedInto, LaggedFromBlocks, type LaggedMoments, zeroLagged } from './lagged.js';
import { GramSum } from './outer-sums.js';
import { sharedFloat64 } from './shared.js';
import type { StateArray } from '../../types.js';

/** Accumulated moments of v = [z − shift; z' − shift; 1] over a set of transitions (full symmetric matrix). */
export interface Moments {
  dim: number;
  /** Number of transitions summed. */
  n: number;
  shift: number[];
  /** (2d+1)² entries, row-major, symmetric. */
  sums: Float64Array;
  /** Lag-2 sums (see lagged.ts); absent where the moments were not gathered by the moment pass. */
  lag?: LaggedMoments;
}

/**
 * Shift used to centre the moment pass: the mean of (at most) the first 4096 states. Moments about a
 * point near the data's centre avoid the cancellation that raw moments of far-from-origin latents suffer.
 */
export function momentShift(states: StateArray, dim: number): number[] {
  const count = Math.min(4096, Math.floor(states.length / dim));
  const shift = new Array<number>(dim).fill(0);
  for (let i = 0; i < count; i++) for (let j = 0; j < dim; j++) shift[j] += states[i * dim + j];
  return shift.map((s) => (count > 0 ? s / count : 0));
}

/** Transitions per block of the moment pass: a block's columns (2d+1 of them) stay in cache. */
const MOMENT_BLOCK = 256;

/**
 * Moments over transitions [from, to) of the global numbering.
 *
 * Transitions are gathered block by block into columns, and the sums taken with the blocked kernels
 * (block-products.ts; each entry one running sum per block): Σ over [z; 1] (Gram) and Σ z z'ᵀ (cross). Σ z' z'ᵀ needs
 * no sum of its own: along a run of consecutive transitions of one trajectory, z' is the next z,
 * so Σ z' z'ᵀ = Σ z zᵀ − (the run's first z)(…)ᵀ + (its last z')(…)ᵀ; likewise Σ z'. That saves a
 * quarter of the multiply-adds of summing v vᵀ for v = [z − shift; z' − shift; 1]. With `lagged`,
 * the stride-1 lag-2 sums are taken from the same blocks (lagged.ts). With `into`, the sums are
 * written there rather than into arrays of their own.
 */
export function accumulateMoments(
  states: StateArray,
  dim: number,
  starts: Uint32Array,
  shift: number[],
  from: number,
  to: number,
  lagged = false,
  into?: { sums: Float64Array; ahead: Float64Array },
): Moments {
  const d = dim;
  const m = 2 * d + 1;
  const B = MOMENT_BLOCK;
  // Block columns: z − shift (0 … d−1), 1 (d), z' − shift (d+1 … 2d). Products: the Gram matrix of
  // [z; 1], the cross z z'ᵀ and, with `lagged`, [z; 1] against z' one row on (lagged.ts).
  const products: BlockProduct[] = [{ a: 0, ma: d + 1 }, { a: 0, ma: d, b: d + 1, mb: d }];
  if (lagged) products.push({ a: 0, ma: d + 1, b: d + 1, mb: d, shift: 1 });
  const block = blockProducts(m, B, products);
  const { columns: V, stride } = block;
  V.fill(1, d * stride, d * stride + B);
  const zOne = Int32Array.from({ length: d + 1 }, (_, i) => i * stride);
  const zNext = Int32Array.from({ length: d }, (_, i) => (d + 1 + i) * stride);
  // Run ends minus run starts: Σ w wᵀ (upper) and Σ w over those states, w = z − shift.
  const [ends, runStarts] = [new GramSum(d), new GramSum(d)];
  const w = new Float64Array(d);
  const sh = Float64Array.from(shift);
  const lag = lagged ? new LaggedFromBlocks(states, d, starts, sh, B, zOne, zNext, block.sums(2)) : null;
  // The block's first states, gathered into columns once the block is full (see gatherBlock).
  const rowState = new Uint32Array(B);
  let n = 0;
  let count = 0;
  let prevEnd = -1;
  const flush = () => {
    gatherBlock(states, d, sh, rowState, count, V, stride);
    block.add(count);
    lag?.flush(V, count);
    count = 0;
  };
  for (let t = from; t < to; t++) {
    const st = starts[t];
    if (st !== prevEnd) {
      // A run ends (its last z' counts) and another starts (its first z does not count as a z').
      if (prevEnd >= 0) ends.add(centred(states, d, sh, prevEnd, w));
      runStarts.add(centred(states, d, sh, st, w));
    }
    prevEnd = st + 1;
    rowState[count] = st;
    lag?.note(count, t, st);
    n++;
    if (++count === B) flush();
  }
  if (count > 0) flush();
  if (prevEnd >= 0) ends.add(centred(states, d, sh, prevEnd, w));
  ends.flush();
  runStarts.flush();
  const E = ends.gram.map((v, i) => v - runStarts.gram[i]);
  const e1 = ends.sum.map((v, i) => v - runStarts.sum[i]);
  const sums = momentMatrix(d, block.sums(0), block.sums(1), E, e1, into?.sums);
  return { dim, n, shift, sums, ...(lag ? { lag: lag.result(into?.ahead) } : {}) };
}

/**
 * The moment matrix of v = [z; z'; 1] from the block totals: Gram of [z; 1] (`G`), cross z z'ᵀ (`X`),
 * and the run edges' corrections that give Σ z' z'ᵀ and Σ z' from Σ z zᵀ and Σ z.
 */
function momentMatrix(d: number, G: ProductSums, X: ProductSums, E: Float64Array, e1: Float64Array, sums: Float64Array = new Float64Array((2 * d + 1) ** 2)): Float64Array {
  const m = 2 * d + 1;
  const g = (a: number, b: number) => G.values[a * G.rowStride + b];
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      sums[a * m + b] = g(a, b);
      sums[(d + a) * m + d + b] = g(a, b) + E[a * d + b];
    }
    for (let b = 0; b < d; b++) sums[a * m + d + b] = X.values[a * X.rowStride + b];
    sums[a * m + 2 * d] = g(a, d);
    sums[(d + a) * m + 2 * d] = g(a, d) + e1[a];
  }
  sums[2 * d * m + 2 * d] = g(d, d);
  for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) sums[i * m + j] = sums[j * m + i];
  return sums;
}

/** Columns of a block hold this many coordinates at a time in {@link gatherBlock}. */
const GATHER_TILE = 32;

/**
 * The block's rows (z and z' of the transitions starting at states `rows`, less the shift) into its
 * columns: z in columns 0 … d−1, z' in d+1 … 2d, `stride` apart. A few coordinates at a time: row
 * by row, each column is 2 KB from the next at 256 rows, so at d = 256 one row's writes touched 512
 * memory pages.
 */
function gatherBlock(states: StateArray, d: number, sh: Float64Array, rows: Uint32Array, count: number, V: Float64Array, stride: number): void {
  for (let j0 = 0; j0 < d; j0 += GATHER_TILE) {
    const j1 = Math.min(j0 + GATHER_TILE, d);
    for (let c = 0; c < count; c++) {
      const a = rows[c] * d;
      for (let j = j0; j < j1; j++) {
        V[j * stride + c] = states[a + j] - sh[j];
        V[(d + 1 + j) * stride + c] = states[a + d + j] - sh[j];
      }
    }
  }
}

/**
 * Partial moments summed in chunk order as the chunks arrive: a fixed order keeps the sums identical
 * for any worker count, and a chunk that finishes early waits only for its predecessors, so the sum
 * holds the chunks in flight rather than all of them (at d = 1024 each is 42 MB). The totals live in
 * shared memory, so tasks carrying them pass them by reference; the first chunk's sums, when shared
 * already, become the totals rather than being copied into zeroed ones.
 */
export class OrderedMomentSum {
  #next = 0;
  readonly #early = new Map<number, Moments>();
  #total: Moments | null = null;
  #excluded: ExcludedSum | null = null;

  /** How many chunks are in the sum: 0 … summed − 1, whose arrays it no longer reads. */
  get summed(): number {
    return this.#next;
  }

  /** Add chunk `index` (0, 1, 2, … each once, in any order). */
  add(index: number, part: Moments): void {
    this.#early.set(index, part);
    for (let p = this.#early.get(this.#next); p; p = this.#early.get(++this.#next)) {
      this.#early.delete(this.#next);
      this.#total = this.#total ? addInto(this.#total, p) : isShared(p) ? p : addInto(zeroMoments(p), p);
      if (p.lag?.excluded) (this.#excluded ??= new ExcludedSum(2 * p.dim + 1)).add(p.lag.excluded);
    }
  }

  /** The sum of every chunk added. @throws Error when a chunk before the last one added is missing. */
  result(): Moments {
    if (!this.#total || this.#early.size > 0) throw new Error(`moment chunk ${this.#next} is missing`);
    const { lag } = this.#total;
    if (!lag || !this.#excluded) return this.#total;
    return { ...this.#total, lag: { ...lag, excluded: this.#excluded.result() } };
  }
}

/** Whether the moments' arrays are in shared memory, so that tasks can read them in place. */
function isShared(p: Moments): boolean {
  const arrays = [p.sums, p.lag?.base, p.lag?.ahead].filter((a) => a !== undefined);
  return arrays.every((a) => a.buffer instanceof SharedArrayBuffer);
}

function zeroMoments(like: Moments): Moments {
  const { dim, shift, sums, lag } = like;
  return { dim, n: 0, shift, sums: sharedFloat64(sums.length), ...(lag ? { lag: zeroLagged(lag) } : {}) };
}

/** `total` + `part`, entry by entry into `total`; the lag-2 sums only while every part has them. */
function addInto(total: Moments, part: Moments): Moments {
  const sums = total.sums;
  for (let i = 0; i < sums.length; i++) sums[i] += part.sums[i];
  const lag = total.lag && part.lag ? addLaggedInto(total.lag, part.lag) : undefined;
  return { dim: total.dim, n: total.n + part.n, shift: total.shift, sums, ...(lag ? { lag } : {}) };
}

/** Moments of a subspace: u = B z, u' = B z' (k coordinates), raw (about the origin) and centred. */
export interface SubspaceMoments {
  k: number;
  n: number;
  /** Σ u uᵀ, Σ u' uᵀ, Σ u' u'ᵀ about the origin of the input coordinates. */
  xx: Mat;
  yx: Mat;
  yy: Mat;
  /** Σ u, Σ u'. */
  sx: number[];
  sy: number[];
  /** Centred versions: Σ (u − ū)(u − ū)ᵀ etc. */
  cxx: Mat;
  cyx: Mat;
  cyy: Mat;
}

/** Project the full moments onto the subspace spanned by the orthonormal rows of `basis`. */
export function projectMoments(mom: Moments, basis: number[][]): SubspaceMoments {
  return subspaceMoments(projectedSums(mom.sums, mom.dim, basis), mom.n, basis, mom.shift);
}

/** {@link ShiftedSums} on the orthonormal rows of `basis` from moment sums `S` ((2d+1)², as in {@link Moments}). */
export function projectedSums(S: ArrayLike<number>, d: number, basis: number[][]): ShiftedSums {
  const m = 2 * d + 1;
  // Rows of the projection applied to v = [z−c; z'−c; 1]: [B 0 0] for u, [0 B 0] for u'.
  const coords = coordinatesOf(basis);
  const blockSum = (oi: number, oj: number): Mat => (coords ? selectedBlock(S, m, coords, oi, oj) : projectedBlock(S, m, d, basis, oi, oj));
  const vecSum = (oi: number): number[] => basis.map((row) => row.reduce((s, w, p) => s + w * S[(oi + p) * m + (m - 1)], 0));
  return { sx: vecSum(0), sy: vecSum(d), xx: blockSum(0, 0), yx: blockSum(d, 0), yy: blockSum(d, d) };
}

/** The subspace moments of n transitions from their sums about `shift` (raw ones about the origin, and centred in place of `shifted`'s). */
export function subspaceMoments(shifted: ShiftedSums, n: number, basis: number[][], shift: number[]): SubspaceMoments {
  const { sx, sy } = shifted;
  const beta = shiftAlong(basis, shift);
  const raw = (c: Mat, s1: number[], s2: number[]) => c.map((row, i) => row.map((v, j) => aboutOrigin(v, beta[i], beta[j], s1[i], s2[j], n)));
  // The raw sums first: centring overwrites the shifted ones.
  const [xx, yx, yy] = [raw(shifted.xx, sx, sx), raw(shifted.yx, sy, sx), raw(shifted.yy, sy, sy)];
  const sxRaw = sx.map((s, i) => s + n * beta[i]);
  const syRaw = sy.map((s, i) => s + n * beta[i]);
  return { k: basis.length, n, xx, yx, yy, sx: sxRaw, sy: syRaw, ...centreInPlace(shifted, n) };
}

/** Centred subspace moments, and the diagonal of the raw Σ u uᵀ (about the origin). */
export interface CentredProjection {
  k: number;
  n: number;
  cxx: Mat;
  cyx: Mat;
  cyy: Mat;
  xxDiagonal: number[];
}

/**
 * {@link projectMoments} but for the raw sums: for the projections on the whole space that the
 * subspace stage holds, three d × d arrays where that makes six (8 MB each at d = 1024), the same bits.
 */
export function projectCentred(mom: Moments, basis: number[][]): CentredProjection {
  return centredInPlace(projectedSums(mom.sums, mom.dim, basis), mom.n, basis, mom.shift);
}

/** The {@link CentredProjection} of n transitions from their sums about `shift`, centred in place of `shifted`'s matrices. */
export function centredInPlace(shifted: ShiftedSums, n: number, basis: number[][], shift: number[]): CentredProjection {
  const { sx, xx } = shifted;
  const beta = shiftAlong(basis, shift);
  const xxDiagonal = xx.map((row, i) => aboutOrigin(row[i], beta[i], beta[i], sx[i], sx[i], n));
  return { k: basis.length, n, ...centreInPlace(shifted, n), xxDiagonal };
}

/** Entry (i, j) of a sum about the origin from its sum `v` about the shift β, with Σ u_i, Σ u_j about the shift. */
const aboutOrigin = (v: number, bi: number, bj: number, si: number, sj: number, n: number): number => v + bi * sj + si * bj + n * bi * bj;

/** The shift's coordinates on the basis rows. */
const shiftAlong = (basis: number[][], shift: number[]): number[] => basis.map((row) => row.reduce((s, w, p) => s + w * shift[p], 0));

/** Σ (u − ū)(u − ū)ᵀ etc. from the sums about the shift, written over them. */
function centreInPlace(shifted: ShiftedSums, n: number): { cxx: Mat; cyx: Mat; cyy: Mat } {
  const { sx, sy } = shifted;
  const centre = (c: Mat, s1: number[], s2: number[]) => {
    for (let i = 0; i < c.length; i++) for (let j = 0; j < c[i].length; j++) c[i][j] = c[i][j] - (n > 0 ? (s1[i] * s2[j]) / n : 0);
    return c;
  };
  return { cxx: centre(shifted.xx, sx, sx), cyx: centre(shifted.yx, sy, sx), cyy: centre(shifted.yy, sy, sy) };
}

/** Total variance (sum over coordinates) of the states u in a subspace: the scale laws are judged against. */
export function subspaceVariance(sm: SubspaceMoments): number {
  let s = 0;
  for (let i = 0; i < sm.k; i++) s += sm.cxx[i][i] + sm.cyy[i][i];
  return s / 2;
}

// Module-level loops: V8 drops a dead closure's optimised code (docs/performance.md#v8-and-closures).

/** State `state` less the shift, into `w`. */
function centred(states: StateArray, d: number, sh: Float64Array, state: number, w: Float64Array): Float64Array {
  const o = state * d;
  for (let a = 0; a < d; a++) w[a] = states[o + a] - sh[a];
  return w;
}

/** {@link projectedBlock} for a basis of unit vectors (coordinates `coords`): the block's entries picked out. */
function selectedBlock(S: ArrayLike<number>, m: number, coords: number[], oi: number, oj: number): Mat {
  return coords.map((ca) => coords.map((cb) => S[(oi + ca) * m + oj + cb]));
}

/** B S_(oi,oj) Bᵀ: the d × d block of the moment sums `S` (stride m) at (oi, oj), projected on `basis`. */
function projectedBlock(S: ArrayLike<number>, m: number, d: number, basis: number[][], oi: number, oj: number): Mat {
  const k = basis.length;
  const out = zeros(k, k);
  const tmp = new Float64Array(d);
  for (let a = 0; a < k; a++) {
    const ba = basis[a];
    tmp.fill(0);
    for (let p = 0; p < d; p++) {
      const w = ba[p];
      if (w === 0) continue;
      const row = (oi + p) * m + oj;
      for (let q = 0; q < d; q++) tmp[q] += w * S[row + q];
    }
    for (let b = 0; b < k; b++) {
      let s = 0;
      const bb = basis[b];
      for (let q = 0; q < d; q++) s += tmp[q] * bb[q];
      out[a][b] = s;
    }
  }
  return out;
}
