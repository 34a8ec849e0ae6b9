/**
 * Eigenvectors of a symmetric matrix one at a time, for the few eigenvalues a search keeps: inverse
 * iteration on the tridiagonal form (n work per step), then tred2's Householder reflections (n² per
 * vector). The tql2 iteration that forms every eigenvector costs about four times the eigenvalues
 * alone at 256 dimensions and five at 1024, while the principal directions use at most a few and a
 * dense invariant one.
 */
import { mulberry32 } from '../../random.js';

/** Inverse-iteration steps at most; the shift is an eigenvalue to rounding, so two or three settle a vector. */
const MAX_STEPS = 6;

/**
 * Largest ‖(T − λI) y‖∞ accepted for a unit vector y, as a share of ‖T‖_F. A settled vector leaves
 * rounding; a mixture of eigenvectors of two eigenvalues closer than this leaves more.
 */
const ACCEPTED_RESIDUAL = 1e-10;

/** Eigenvalues closer than this share of ‖T‖_F are one cluster: their vectors are kept orthogonal. */
const CLUSTER = 1e-3;

/** The tridiagonal T (diagonal `diag`, subdiagonal `sub[i]` = T[i][i−1], sub[0] unused) and tred2's reflections. */
export interface TridiagonalForm {
  n: number;
  diag: Float64Array;
  sub: Float64Array;
  /** Row i (columns 0…i−1) holds reflection i's vector u, n × n row-major. */
  reflectors: Float64Array;
  /** Reflection i is I − u uᵀ / h[i] on coordinates 0…i−1 (none where h[i] = 0). */
  h: Float64Array;
}

/**
 * Unit eigenvectors of A = Q T Qᵀ for the eigenvalues `values` (ascending order), or null when one does
 * not settle to {@link ACCEPTED_RESIDUAL} (the caller then decomposes fully).
 */
export function tridiagonalEigenvectors(form: TridiagonalForm, values: number[]): Float64Array[] | null {
  const { n, diag, sub } = form;
  let squares = 0;
  for (let i = 0; i < n; i++) squares += diag[i] ** 2 + 2 * (i > 0 ? sub[i] ** 2 : 0);
  const norm = Math.sqrt(squares);
  const tiny = Number.EPSILON * Math.max(norm, Number.MIN_VALUE);
  const found: { value: number; y: Float64Array }[] = [];
  for (const value of values) {
    const cluster = found.filter((f) => Math.abs(f.value - value) <= CLUSTER * norm).map((f) => f.y);
    let y = startVector(n);
    for (let step = 0; step < MAX_STEPS; step++) {
      y = solveShifted(diag, sub, n, value, y, tiny);
      for (const other of cluster) subtractProjection(y, other);
      if (!normalise(y)) return null;
    }
    if (residual(diag, sub, n, value, y) > ACCEPTED_RESIDUAL * norm) return null;
    found.push({ value, y });
  }
  // In place: each y is read by no other vector from here on.
  return found.map(({ y }) => applyReflections(form, y));
}

/** A fixed start with no special direction (LAPACK starts from random numbers; a seed keeps runs identical). */
function startVector(n: number): Float64Array {
  const rand = mulberry32(START_SEED);
  return Float64Array.from({ length: n }, () => rand() - 0.5);
}

const START_SEED = 0x2545f491;

/**
 * (T − λI) x = b by Gaussian elimination with row swaps between neighbours (U has two superdiagonals);
 * a zero pivot becomes `tiny`, as inverse iteration wants a near-singular solve, not an exact one.
 */
function solveShifted(diag: Float64Array, sub: Float64Array, n: number, value: number, b: Float64Array, tiny: number): Float64Array {
  const u0 = new Float64Array(n);
  const u1 = new Float64Array(n);
  const u2 = new Float64Array(n);
  const rhs = Float64Array.from(b);
  // The row being eliminated: its entries in columns k, k+1, k+2.
  let c0 = diag[0] - value;
  let c1 = n > 1 ? sub[1] : 0;
  let c2 = 0;
  for (let k = 0; k < n; k++) {
    if (k + 1 < n) {
      let n0 = sub[k + 1];
      let n1 = diag[k + 1] - value;
      let n2 = k + 2 < n ? sub[k + 2] : 0;
      if (Math.abs(n0) > Math.abs(c0)) {
        [c0, n0, c1, n1, c2, n2] = [n0, c0, n1, c1, n2, c2];
        [rhs[k], rhs[k + 1]] = [rhs[k + 1], rhs[k]];
      }
      if (c0 === 0) c0 = tiny;
      const f = n0 / c0;
      [u0[k], u1[k], u2[k]] = [c0, c1, c2];
      rhs[k + 1] -= f * rhs[k];
      [c0, c1, c2] = [n1 - f * c1, n2 - f * c2, 0];
    } else {
      u0[k] = c0 === 0 ? tiny : c0;
    }
  }
  const x = new Float64Array(n);
  for (let k = n - 1; k >= 0; k--) {
    let s = rhs[k];
    if (k + 1 < n) s -= u1[k] * x[k + 1];
    if (k + 2 < n) s -= u2[k] * x[k + 2];
    x[k] = s / u0[k];
  }
  return x;
}

function subtractProjection(y: Float64Array, unit: Float64Array): void {
  let dot = 0;
  for (let i = 0; i < y.length; i++) dot += y[i] * unit[i];
  for (let i = 0; i < y.length; i++) y[i] -= dot * unit[i];
}

/** Scaled to unit length (false when it is zero or not finite). */
function normalise(y: Float64Array): boolean {
  let top = 0;
  for (const v of y) top = Math.max(top, Math.abs(v));
  if (!(top > 0 && top < Infinity)) return false;
  let squares = 0;
  for (let i = 0; i < y.length; i++) squares += (y[i] / top) ** 2;
  const scale = top * Math.sqrt(squares);
  for (let i = 0; i < y.length; i++) y[i] /= scale;
  return true;
}

/** ‖(T − λI) y‖∞. */
function residual(diag: Float64Array, sub: Float64Array, n: number, value: number, y: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    let s = (diag[i] - value) * y[i];
    if (i > 0) s += sub[i] * y[i - 1];
    if (i + 1 < n) s += sub[i + 1] * y[i + 1];
    worst = Math.max(worst, Math.abs(s));
  }
  return worst;
}

/** x = Q y with Q = P_{n−1} ⋯ P_1, the product tred2 reduced A by (A = Q T Qᵀ). */
function applyReflections(form: TridiagonalForm, x: Float64Array): Float64Array {
  const { n, reflectors, h } = form;
  for (let i = 1; i < n; i++) {
    if (h[i] === 0) continue;
    const row = i * n;
    let dot = 0;
    for (let k = 0; k < i; k++) dot += reflectors[row + k] * x[k];
    const f = dot / h[i];
    for (let k = 0; k < i; k++) x[k] -= f * reflectors[row + k];
  }
  return x;
}
