/**
 * Cholesky factors and the triangular solves through them, on one flat row-major array: the
 * well-conditioned symmetric systems of linalg.ts (solves, whitening, least-squares traces).
 */
import { addCross, addGramUpper } from './gram.js';

type Mat = number[][];

/** Columns per block of the blocked factorisation; below {@link BLOCKED_FROM} rows the plain one runs. */
const BLOCK = 64;
const BLOCKED_FROM = 3 * BLOCK;

/** Row-major lower Cholesky factor of b, or null when a pivot is not above `relPivot` × the largest diagonal entry. */
export function choleskyLower(b: Mat, relPivot: number): Float64Array | null {
  const n = b.length;
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) L[i * n + j] = b[i][j];
  return choleskyInPlace(L, n, relPivot);
}

/** {@link choleskyLower} of the n × n matrix whose lower triangle `L` holds (row-major, upper zero), in place. */
export function choleskyInPlace(L: Float64Array, n: number, relPivot: number): Float64Array | null {
  let top = 0;
  for (let i = 0; i < n; i++) top = Math.max(top, L[i * n + i]);
  if (!(top > 0 && top < Infinity)) return null;
  const floor = relPivot * top;
  if (n < BLOCKED_FROM) return factorColumns(L, n, 0, n, floor) ? L : null;
  // Right-looking by blocks of columns: the trailing update, n³/3 of the work, is one Gram matrix of
  // the panel's rows per block, on the moment kernels (WebAssembly SIMD: about 3× the plain loops).
  const update = new Float64Array((n - BLOCK) * (n - BLOCK));
  for (let k0 = 0; k0 < n; k0 += BLOCK) {
    const k1 = Math.min(k0 + BLOCK, n);
    if (!factorColumns(L, n, k0, k1, floor)) return null;
    const m = n - k1;
    if (m === 0) break;
    const offs = Int32Array.from({ length: m }, (_, i) => (k1 + i) * n + k0);
    update.fill(0, 0, m * m);
    addGramUpper(L, offs, k1 - k0, update, m);
    for (let a = 0; a < m; a++) for (let c = a; c < m; c++) L[(k1 + c) * n + k1 + a] -= update[a * m + c];
  }
  return L;
}

/**
 * Columns k0…k1−1 of the factor, in place in L (its lower triangle holds the matrix, already updated
 * for the columns before k0); false when a pivot is not above `floor`. With k0 = 0 and k1 = n, the
 * plain column-by-column factorisation.
 */
function factorColumns(L: Float64Array, n: number, k0: number, k1: number, floor: number): boolean {
  for (let j = k0; j < k1; j++) {
    let pivot = L[j * n + j];
    for (let k = k0; k < j; k++) pivot -= L[j * n + k] * L[j * n + k];
    if (!(pivot > floor)) return false;
    const diag = Math.sqrt(pivot);
    L[j * n + j] = diag;
    for (let i = j + 1; i < n; i++) {
      let t = L[i * n + j];
      for (let k = k0; k < j; k++) t -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = t / diag;
    }
  }
  return true;
}

/** x with Lx = y (L row-major lower triangular). */
export function forwardSolve(L: Float64Array, n: number, y: number[]): number[] {
  const x = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let t = y[i];
    for (let k = 0; k < i; k++) t -= L[i * n + k] * x[k];
    x[i] = t / L[i * n + i];
  }
  return x;
}

/**
 * x with U x = y for U = Lᵀ stored row-major: {@link backSolveTransposed}'s arithmetic, in its order,
 * reading rows instead of columns (for repeated solves with one factor, transposed once).
 */
export function backSolveUpper(U: Float64Array, n: number, y: number[]): number[] {
  const x = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    let t = y[i];
    const row = i * n;
    for (let k = i + 1; k < n; k++) t -= U[row + k] * x[k];
    x[i] = t / U[row + i];
  }
  return x;
}

/** The transpose of a row-major n × n lower triangle, row-major. */
export function transposedLower(L: Float64Array, n: number): Float64Array {
  const U = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = 0; k <= i; k++) U[k * n + i] = L[i * n + k];
  return U;
}

/** x with Lᵀx = y. */
export function backSolveTransposed(L: Float64Array, n: number, y: number[]): number[] {
  const x = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    let t = y[i];
    for (let k = i + 1; k < n; k++) t -= L[k * n + i] * x[k];
    x[i] = t / L[i * n + i];
  }
  return x;
}

/**
 * The rows xᵢ of X with L xᵢ = yᵢ for the r rows yᵢ of Y (r × n, row-major): forward solves for many
 * right-hand sides at once. From a few hundred rows on, in blocks of rows, the products with the
 * blocks solved before on the moment kernels; below, one {@link forwardSolve} per row.
 */
export function forwardSolveRows(L: Float64Array, n: number, Y: Float64Array, r: number): Float64Array {
  if (n < BLOCKED_FROM) return eachRow(Y, n, r, (y) => forwardSolve(L, n, y));
  const X = Float64Array.from(Y);
  const solved = new Float64Array(BLOCK * r);
  const xOffs = Int32Array.from({ length: r }, (_, c) => c * n);
  for (let k0 = 0; k0 < n; k0 += BLOCK) {
    const k1 = Math.min(k0 + BLOCK, n);
    if (k0 > 0) {
      // X[c][i] −= Σ_{k<k0} L[i][k] X[c][k] for the block's rows i.
      solved.fill(0);
      addCross(L, Int32Array.from({ length: k1 - k0 }, (_, i) => (k0 + i) * n), X, xOffs, k0, solved, r);
      for (let i = k0; i < k1; i++) for (let c = 0; c < r; c++) X[c * n + i] -= solved[(i - k0) * r + c];
    }
    for (let c = 0; c < r; c++) {
      const row = c * n;
      for (let i = k0; i < k1; i++) {
        let t = X[row + i];
        for (let k = k0; k < i; k++) t -= L[i * n + k] * X[row + k];
        X[row + i] = t / L[i * n + i];
      }
    }
  }
  return X;
}

/** The rows xᵢ of X with Lᵀ xᵢ = yᵢ, as {@link forwardSolveRows}. */
export function backSolveTransposedRows(L: Float64Array, n: number, Y: Float64Array, r: number): Float64Array {
  if (n < BLOCKED_FROM) return eachRow(Y, n, r, (y) => backSolveTransposed(L, n, y));
  const X = Float64Array.from(Y);
  // Rows of Lᵀ, so that the products read memory in order.
  const Lt = transposedLower(L, n);
  const solved = new Float64Array(BLOCK * r);
  for (let k1 = n; k1 > 0; k1 -= BLOCK) {
    const k0 = Math.max(k1 - BLOCK, 0);
    if (k1 < n) {
      // X[c][i] −= Σ_{k≥k1} L[k][i] X[c][k] for the block's rows i.
      solved.fill(0);
      const xOffs = Int32Array.from({ length: r }, (_, c) => c * n + k1);
      addCross(Lt, Int32Array.from({ length: k1 - k0 }, (_, i) => (k0 + i) * n + k1), X, xOffs, n - k1, solved, r);
      for (let i = k0; i < k1; i++) for (let c = 0; c < r; c++) X[c * n + i] -= solved[(i - k0) * r + c];
    }
    for (let c = 0; c < r; c++) {
      const row = c * n;
      for (let i = k1 - 1; i >= k0; i--) {
        let t = X[row + i];
        for (let k = i + 1; k < k1; k++) t -= Lt[i * n + k] * X[row + k];
        X[row + i] = t / Lt[i * n + i];
      }
    }
  }
  return X;
}

/** One solve per row of Y (r × n): small systems, solved one side at a time as before blocking. */
function eachRow(Y: Float64Array, n: number, r: number, solveOne: (y: number[]) => number[]): Float64Array {
  const X = new Float64Array(r * n);
  for (let c = 0; c < r; c++) X.set(solveOne(Array.from(Y.subarray(c * n, c * n + n))), c * n);
  return X;
}
