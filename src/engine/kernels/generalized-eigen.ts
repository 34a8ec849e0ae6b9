/**
 * Generalised symmetric eigenproblems A x = λ B x with B positive semi-definite: the conserved
 * combinations of features are their smallest eigenvectors (Σ ΔI² against Σ (I − Ī)²).
 */
import { backSolveTransposed, backSolveUpper, choleskyInPlace, choleskyLower, forwardSolve, forwardSolveRows, transposedLower } from './cholesky.js';
import { flattened, type Mat, matmul, symmetricEigen, symmetricEigenpairs, transpose, unflatten } from './linalg.js';

/**
 * Smallest generalised eigenpairs of the symmetric pencil (A, B) with B positive semi-definite:
 * minimise xᵀAx / xᵀBx over the range of B. Directions where B is (numerically) zero are constants of
 * the data, not laws, so they are projected out rather than regularised in. Every eigenvalue comes
 * back, and the eigenvectors of the smallest `count` (all by default; fewer cost far less when large).
 */
export function smallestGeneralizedEigen(
  a: Mat,
  b: Mat,
  relTol = 1e-10,
  count = Infinity,
): { values: number[]; vectors: number[][] } {
  // Cholesky whitening costs one decomposition where B is well conditioned (about half the work).
  const L = choleskyLower(b, CHOLESKY_PIVOT);
  if (L) return whitenedEigen(a, L, count);
  const eb = symmetricEigen(b);
  const top = Math.max(...eb.values.map(Math.abs), 0);
  const keep = eb.values.map((v, i) => ({ v, i })).filter(({ v }) => v > relTol * top && v > 0);
  if (keep.length === 0) return { values: [], vectors: [] };
  // W = V_keep Λ^{-1/2}: whitening of B on its range.
  const w = keep.map(({ v, i }) => eb.vectors[i].map((x) => x / Math.sqrt(v)));
  const aw = matmul(matmul(w, a), transpose(w));
  const ea = smallestEigenpairs(aw, count);
  const vectors = ea.vectors.map((y) => {
    const x = new Array<number>(a.length).fill(0);
    for (let r = 0; r < w.length; r++) for (let j = 0; j < x.length; j++) x[j] += y[r] * w[r][j];
    return x;
  });
  return { values: ea.values, vectors };
}

/** Smallest pivot, as a share of the largest diagonal entry, for which B is whitened by its Cholesky factor. */
const CHOLESKY_PIVOT = 1e-8;

/** Eigenpairs of the pencil (A, LLᵀ) from those of L⁻¹AL⁻ᵀ: x = L⁻ᵀy, so xᵀBx = 1 as in the projected path. */
function whitenedEigen(a: Mat, L: Float64Array, count: number): { values: number[]; vectors: number[][] } {
  const n = a.length;
  // Columns of L⁻¹A, then of L⁻¹(L⁻¹A)ᵀ = L⁻¹AL⁻ᵀ (A symmetric), all solved as rows.
  const half = forwardSolveRows(L, n, flattened(a), n);
  const halfT = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let c = 0; c < n; c++) halfT[c * n + i] = half[i * n + c];
  const flat = forwardSolveRows(L, n, halfT, n);
  const whitened = unflatten(flat, n);
  const e = smallestEigenpairs(whitened, count);
  return { values: e.values, vectors: e.vectors.map((y) => backSolveTransposed(L, n, y)) };
}

/** Every eigenvalue, and the vectors of the smallest `count` (the full decomposition when that is all of them). */
function smallestEigenpairs(a: Mat, count: number): { values: number[]; vectors: number[][] } {
  if (count >= a.length) return symmetricEigen(a);
  return symmetricEigenpairs(a, Array.from({ length: count }, (_, i) => i));
}

/**
 * The smallest eigenpair of the pencil (A, B) by inverse iteration from `start`, for a shift `below`
 * the smallest eigenvalue (A − σB is then positive definite, and the eigenvalue nearest σ is the
 * smallest): one Cholesky factor and a few solves instead of a full decomposition. Null when the
 * shift is not below it or the iteration does not settle; the caller then decomposes. A and B are
 * n × n row-major: at a thousand terms, arrays of rows for the shifted pencil cost as much as its
 * Cholesky factor.
 */
export function smallestPairFrom(A: Float64Array, B: Float64Array, n: number, start: number[], below: number, maxIter = 60): { value: number; vector: number[] } | null {
  const shifted = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) shifted[i * n + j] = A[i * n + j] - below * B[i * n + j];
  const L = choleskyInPlace(shifted, n, 1e-13);
  if (!L) return null;
  const U = transposedLower(L, n);
  let x = start;
  let value = NaN;
  for (let it = 0; it < maxIter; it++) {
    const y = backSolveUpper(U, n, forwardSolve(L, n, flatTimes(B, n, x)));
    const By = flatTimes(B, n, y);
    const norm = Math.sqrt(y.reduce((t, v, i) => t + v * By[i], 0));
    if (!(norm > 0 && Number.isFinite(norm))) return null;
    x = y.map((v) => v / norm);
    const Ax = flatTimes(A, n, x);
    const next = x.reduce((t, v, i) => t + v * Ax[i], 0);
    if (Math.abs(next - value) <= 1e-14 * Math.max(Math.abs(next), 1e-300)) return { value: next, vector: x };
    value = next;
  }
  return null;
}

/** M x for row-major n × n M, each entry summed from 0 in column order (as a row's reduce would). */
function flatTimes(M: Float64Array, n: number, x: number[]): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let t = 0;
    const row = i * n;
    for (let j = 0; j < n; j++) t = t + M[row + j] * x[j];
    out[i] = t;
  }
  return out;
}
