/**
 * Cholesky factors and the triangular solves through them, on one flat row-major array: the
 * well-conditioned symmetric systems of linalg.ts (solves, whitening, least-squares traces).
 */
type Mat = number[][];

/** Row-major lower Cholesky factor of b, or null when a pivot is not above `relPivot` × the largest diagonal entry. */
export function choleskyLower(b: Mat, relPivot: number): Float64Array | null {
  const n = b.length;
  let top = 0;
  for (let i = 0; i < n; i++) top = Math.max(top, b[i][i]);
  if (!(top > 0 && top < Infinity)) return null;
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let pivot = b[j][j];
    for (let k = 0; k < j; k++) pivot -= L[j * n + k] * L[j * n + k];
    if (!(pivot > relPivot * top)) return null;
    const diag = Math.sqrt(pivot);
    L[j * n + j] = diag;
    for (let i = j + 1; i < n; i++) {
      let t = b[i][j];
      for (let k = 0; k < j; k++) t -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = t / diag;
    }
  }
  return L;
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
