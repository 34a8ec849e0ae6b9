/**
 * Small dense linear algebra on `number[][]` (matrices here are at most a few hundred wide: subspace
 * dimensions, feature counts, the latent dimension). The eigen-decompositions and the SVD are
 * ml-matrix's algorithms run on flat arrays (symmetric-eigen.ts, general-eigen.ts, svd.ts: the same
 * results, twice as fast at 256 dimensions); the least-squares solve is ml-matrix's. This file adapts
 * shapes and adds the few operations the engine needs that ml-matrix does not name.
 */
import { Matrix, solve as mlSolve } from 'ml-matrix';
import { flatGeneralEigen, flatGeneralEigenvalues } from './general-eigen.js';
import { eigenvectorOf, eliminationScratch, type EliminationScratch } from './eigenvectors-on-demand.js';
import { backSolveTransposedRows, choleskyLower, forwardSolveRows } from './cholesky.js';
import { flatSymmetricEigen, flatSymmetricEigenvalues, flatSymmetricEigenvaluesAndForm } from './symmetric-eigen.js';
import { tridiagonalEigenvectors } from './tridiagonal-eigenvectors.js';
import { flatSvd } from './svd.js';

export type Mat = number[][];

export function zeros(rows: number, cols: number): Mat {
  return Array.from({ length: rows }, () => new Array<number>(cols).fill(0));
}

export function identity(n: number): Mat {
  const m = zeros(n, n);
  for (let i = 0; i < n; i++) m[i][i] = 1;
  return m;
}

export function transpose(a: Mat): Mat {
  if (a.length === 0) return [];
  return a[0].map((_, j) => a.map((row) => row[j]));
}

export function matmul(a: Mat, b: Mat): Mat {
  const n = a.length;
  const m = b[0]?.length ?? 0;
  const inner = b.length;
  const out = zeros(n, m);
  for (let i = 0; i < n; i++) {
    const ai = a[i];
    const oi = out[i];
    for (let p = 0; p < inner; p++) {
      const aip = ai[p];
      if (aip === 0) continue;
      const bp = b[p];
      for (let j = 0; j < m; j++) oi[j] += aip * bp[j];
    }
  }
  return out;
}

export function trace(a: Mat): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i][i];
  return s;
}

/** tr(A Bᵀ) = Σ A_ij B_ij. */
export function frobeniusInner(a: Mat, b: Mat): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a[i].length; j++) s += a[i][j] * b[i][j];
  return s;
}

export function frobeniusNorm(a: Mat): number {
  return Math.sqrt(frobeniusInner(a, a));
}

export function sub(a: Mat, b: Mat): Mat {
  return a.map((row, i) => row.map((v, j) => v - b[i][j]));
}

export function scale(a: Mat, s: number): Mat {
  return a.map((row) => row.map((v) => v * s));
}

/**
 * Solve A X = B for square A: by the Cholesky factor when A is symmetric and well conditioned (normal
 * equations, Gram matrices; ml-matrix's SVD solve is many times slower), else least squares
 * (pseudo-inverse), which also serves a singular A.
 * @throws Error on a non-finite entry of A or B, or when X is not finite.
 */
export function solve(a: Mat, b: Mat): Mat {
  const ea = checkedExponent('solve', a);
  const eb = checkedExponent('solve', b);
  const spd = isSymmetric(a) ? choleskyLower(scaled(a, -ea), 1e-10) : null;
  if (spd) {
    const n = a.length;
    const r = b[0]?.length ?? 0;
    // Right-hand sides as rows: column c of b is row c of Y.
    const Y = new Float64Array(r * n);
    for (let i = 0; i < n; i++) for (let c = 0; c < r; c++) Y[c * n + i] = timesPow2(b[i][c], -eb);
    const X = backSolveTransposedRows(spd, n, forwardSolveRows(spd, n, Y, r), r);
    return checkedResult('solve', Array.from({ length: n }, (_, i) => Array.from({ length: r }, (__, c) => timesPow2(X[c * n + i], eb - ea))));
  }
  const x = mlSolve(new Matrix(scaled(a, -ea)), new Matrix(scaled(b, -eb)), true).to2DArray();
  return checkedResult('solve', scaled(x, eb - ea));
}

/**
 * tr(C G⁻¹ Cᵀ) for symmetric positive definite G, through G's Cholesky factor: one forward solve per
 * row of C, no back-substitution. Null when G is not safely positive definite.
 */
export function inverseQuadraticTrace(G: Mat, C: Mat): number | null {
  const diagonal = inverseQuadraticDiagonal(G, C);
  return diagonal && diagonal.reduce((s, v) => s + v, 0);
}

/** The diagonal of C G⁻¹ Cᵀ (what the least-squares fit of each row's target explains), as {@link inverseQuadraticTrace}. */
export function inverseQuadraticDiagonal(G: Mat, C: Mat): number[] | null {
  const e = checkedExponent('inverseQuadraticTrace', G);
  const L = isSymmetric(G) ? choleskyLower(scaled(G, -e), 1e-10) : null;
  if (!L) return null;
  const n = G.length;
  const X = forwardSolveRows(L, n, flattened(C), C.length);
  return C.map((_, c) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += X[c * n + i] ** 2;
    return timesPow2(sum, -e);
  });
}

/**
 * The diagonal of C G⁻¹ Cᵀ for symmetric G, whatever G's conditioning: through G's Cholesky factor
 * ({@link inverseQuadraticDiagonal}), else by the general solve.
 */
export function explainedDiagonal(G: Mat, C: Mat): number[] {
  const byCholesky = inverseQuadraticDiagonal(G, C);
  if (byCholesky) return byCholesky;
  const B = solve(G, transpose(C));
  return C.map((row, i) => row.reduce((t, v, j) => t + v * B[j][i], 0));
}

/**
 * Symmetric eigen-decomposition, eigenvalues ascending; `vectors[i]` is the i-th eigenvector.
 * @throws Error on a non-finite entry, or when the decomposition is not finite.
 */
export function symmetricEigen(a: Mat): { values: number[]; vectors: number[][] } {
  const { flat, n, e } = symmetricInput('symmetricEigen', a);
  const evd = flatSymmetricEigen(flat, n);
  const values = Array.from(evd.values, (x) => timesPow2(x, e));
  const vectors = unflatten(evd.vectors, n);
  checkedResult('symmetricEigen', vectors);
  checkedResult('symmetricEigen', [values]);
  return { values, vectors };
}

/** The eigenvalues of {@link symmetricEigen}, ascending, bit for bit, without the eigenvectors (a third of the work). */
export function symmetricEigenvalues(a: Mat): number[] {
  const { flat, n, e } = symmetricInput('symmetricEigen', a);
  const [values] = checkedResult('symmetricEigen', [Array.from(flatSymmetricEigenvalues(flat, n), (x) => timesPow2(x, e))]);
  return values;
}

/**
 * All eigenvalues of {@link symmetricEigen} (ascending, bit for bit) and the unit eigenvectors of those
 * at `wanted` (indices into that order), each signed so that its largest entry is positive. The
 * vectors come from inverse iteration on the tridiagonal form, a small part of the full decomposition,
 * which is the fallback when one does not settle (eigenvalues too close to tell apart).
 * @throws Error on a non-finite entry, or when the decomposition is not finite.
 */
export function symmetricEigenpairs(a: Mat, wanted: number[]): { values: number[]; vectors: number[][] } {
  const { flat, n, e } = symmetricInput('symmetricEigen', a);
  const { values: scaledValues, form } = flatSymmetricEigenvaluesAndForm(flat, n);
  const [values] = checkedResult('symmetricEigen', [Array.from(scaledValues, (x) => timesPow2(x, e))]);
  const found = tridiagonalEigenvectors(form, wanted.map((i) => scaledValues[i]));
  let vectors: number[][];
  if (found) vectors = found.map((v) => Array.from(v));
  else {
    const all = unflatten(flatSymmetricEigen(flat, n).vectors, n);
    vectors = wanted.map((i) => all[i]);
  }
  return { values, vectors: checkedResult('symmetricEigen', vectors.map(largestEntryPositive)) };
}

/** The vector or its negative, whichever has its entry of largest magnitude (the first of ties) positive. */
function largestEntryPositive(v: number[]): number[] {
  let top = 0;
  for (let i = 1; i < v.length; i++) if (Math.abs(v[i]) > Math.abs(v[top])) top = i;
  return v[top] < 0 ? v.map((x) => -x) : v;
}

/** The symmetrised lower triangle of `a`, scaled by 2^−e into range, as the flat solvers read it. */
function symmetricInput(what: string, a: Mat): { flat: Float64Array; n: number; e: number } {
  const e = checkedExponent(what, a);
  const n = a.length;
  const flat = new Float64Array(n * n);
  // Only the lower triangle is read: it holds the symmetrised matrix.
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) flat[i * n + j] = timesPow2(0.5 * (a[i][j] + a[j][i]), -e);
  return { flat, n, e };
}

/**
 * Real eigen-decomposition of a general square matrix. ml-matrix (a JAMA port) returns complex pairs as
 * two real columns (real and imaginary parts) whose span is an invariant plane: exactly the real Schur
 * block we need for rotation-plane candidates.
 * @throws Error on a non-finite entry, or when the decomposition is not finite.
 */
export function generalEigen(a: Mat): { re: number[]; im: number[]; vectors: number[][] } {
  // An exactly symmetric matrix takes the symmetric algorithm, as in ml-matrix (hqr2 never settles a zero matrix).
  if (exactlySymmetric(a)) {
    const { values, vectors } = symmetricEigen(a);
    return { re: values, im: values.map(() => 0), vectors };
  }
  const e = checkedExponent('generalEigen', a);
  const n = a.length;
  const evd = flatGeneralEigen(flattened(a, -e), n);
  // Column j of evd.vectors is the j-th eigenvector (or half of a complex pair).
  const vectors = transpose(unflatten(evd.vectors, n));
  checkedResult('generalEigen', vectors);
  const [re, im] = checkedResult('generalEigen', [Array.from(evd.re, (x) => timesPow2(x, e)), Array.from(evd.im, (x) => timesPow2(x, e))]);
  return { re, im, vectors };
}

/**
 * The eigenvalues of {@link generalEigen}, bit for bit, with each eigenvector computed only when asked
 * for: `vector(i)` is [x] for a real eigenvalue, [x, y] (real and imaginary parts, spanning the
 * invariant plane) for re[i] + i·im[i] with im[i] > 0. Cheaper when few vectors are wanted.
 * @throws Error on a non-finite entry, or when the decomposition or a vector is not finite.
 */
export function generalEigenvalues(a: Mat): { re: number[]; im: number[]; vector(i: number): number[][] } {
  if (exactlySymmetric(a)) {
    const full = generalEigen(a);
    return { re: full.re, im: full.im, vector: (i) => [full.vectors[i]] };
  }
  const e = checkedExponent('generalEigen', a);
  const n = a.length;
  const evd = flatGeneralEigenvalues(flattened(a, -e), n);
  const [re, im] = checkedResult('generalEigen', [Array.from(evd.re, (x) => timesPow2(x, e)), Array.from(evd.im, (x) => timesPow2(x, e))]);
  let full: ReturnType<typeof generalEigen> | undefined;
  // One scratch for every vector asked for: at n = 1024 each would otherwise allocate 16 MB.
  let scratch: EliminationScratch | undefined;
  const vector = (i: number) => {
    try {
      scratch ??= eliminationScratch(n);
      const { x, y } = eigenvectorOf(evd.hessenberg, evd.ort, n, evd.re[i], evd.im[i], scratch);
      return checkedResult('generalEigen', evd.im[i] > 0 ? [Array.from(x), Array.from(y)] : [Array.from(x)]);
    } catch {
      // A vector that did not settle (clustered eigenvalues) or left range (entries over hundreds of decades).
      full ??= generalEigen(a);
      return evd.im[i] > 0 ? [full.vectors[i], full.vectors[i + 1]] : [full.vectors[i]];
    }
  };
  return { re, im, vector };
}

/**
 * Thin SVD A = U diag(s) Vᵀ.
 * @throws Error on a non-finite entry, or when the decomposition is not finite.
 */
export function svd(a: Mat): { u: Mat; s: number[]; v: Mat } {
  const e = checkedExponent('svd', a);
  const dec = flatSvd(flattened(a, -e), a.length, a[0]?.length ?? 0);
  const [s] = checkedResult('svd', [Array.from(dec.s, (x) => timesPow2(x, e))]);
  return { u: checkedResult('svd', unflatten(dec.u, dec.uCols)), s, v: checkedResult('svd', unflatten(dec.v, dec.vCols)) };
}

/** The entries of `a` × 2^e, row-major in one array (the flat decompositions' and solves' input). */
export function flattened(a: Mat, e = 0): Float64Array {
  const cols = a[0]?.length ?? 0;
  const flat = new Float64Array(a.length * cols);
  if (e === 0) a.forEach((row, i) => flat.set(row, i * cols));
  else a.forEach((row, i) => row.forEach((v, j) => (flat[i * cols + j] = timesPow2(v, e))));
  return flat;
}

/** Rows of `cols` entries of a flat row-major matrix. */
export function unflatten(a: Float64Array, cols: number): Mat {
  return Array.from({ length: cols === 0 ? 0 : a.length / cols }, (_, i) => Array.from(a.subarray(i * cols, i * cols + cols)));
}

/**
 * Entries of magnitude outside [2^-256, 2^256] are brought near 1 by a power of two before a
 * decomposition: ml-matrix's eigen-solver never converges (loops forever) once a norm it sums
 * overflows, and on NaN or ±Infinity. Inside the range nothing changes, so results stay bit for bit.
 */
const SAFE_ENTRY = 2 ** 256;

/** log2 of the power of two to divide `a` by (0 inside the safe range). @throws Error naming a non-finite entry. */
function checkedExponent(what: string, a: Mat): number {
  let top = 0;
  for (let i = 0; i < a.length; i++) {
    const row = a[i];
    for (let j = 0; j < row.length; j++) {
      const v = Math.abs(row[j]);
      if (!(v <= Number.MAX_VALUE)) throw new Error(`${what}: non-finite matrix entry ${row[j]} at [${i}][${j}]`);
      if (v > top) top = v;
    }
  }
  if (top === 0 || (top >= 1 / SAFE_ENTRY && top <= SAFE_ENTRY)) return 0;
  return Math.floor(Math.log2(top));
}

/** `a` times 2^e (the same array when e = 0). */
function scaled(a: Mat, e: number): Mat {
  return e === 0 ? a : a.map((row) => row.map((v) => timesPow2(v, e)));
}

/** v · 2^e, exact barring overflow and subnormals, for any |e| (2^e alone overflows beyond ±1023). */
export function timesPow2(v: number, e: number): number {
  while (e > 1000) {
    v *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    v *= 2 ** -1000;
    e += 1000;
  }
  return v * 2 ** e;
}

/** `rows` unchanged. @throws Error when an entry is not finite (an overflow inside the decomposition). */
function checkedResult<T extends ArrayLike<number>[]>(what: string, rows: T): T {
  for (const row of rows) {
    for (let j = 0; j < row.length; j++) if (!Number.isFinite(row[j])) throw new Error(`${what}: the result is not finite (${row[j]})`);
  }
  return rows;
}

/**
 * Orthonormalise the given row vectors (modified Gram–Schmidt, twice for stability); drops vectors that
 * are numerically dependent on earlier ones.
 */
export function orthonormalRows(rows: number[][], tol = 1e-10): number[][] {
  const out: number[][] = [];
  for (const r of rows) {
    const v = r.slice();
    for (let pass = 0; pass < 2; pass++) {
      for (const q of out) {
        const dot = q.reduce((s, qi, i) => s + qi * v[i], 0);
        for (let i = 0; i < v.length; i++) v[i] -= dot * q[i];
      }
    }
    const norm = Math.hypot(...v);
    const ref = Math.hypot(...r);
    if (norm > tol * Math.max(ref, 1e-300)) out.push(v.map((x) => x / norm));
  }
  return out;
}

/**
 * Principal angles (radians, ascending) between the row spaces of two orthonormal bases. Used to tell
 * whether two laws act on the same subspace and, in tests, how close a found plane is to the truth.
 */
export function principalAngles(a: number[][], b: number[][]): number[] {
  const m = matmul(a, transpose(b));
  const { s } = svd(m);
  const k = Math.min(a.length, b.length);
  return s
    .slice(0, k)
    .map((x) => Math.acos(Math.min(1, Math.max(-1, x))))
    .sort((x, y) => x - y);
}

/** True when two orthonormal bases span the same subspace up to `tol` radians. */
export function sameSpan(a: number[][], b: number[][], tol = 1e-2): boolean {
  if (a.length !== b.length) return false;
  const angles = principalAngles(a, b);
  return angles.length === a.length && angles[angles.length - 1] <= tol;
}

/** True when one subspace lies inside the other, up to `tol` radians (a line inside a plane, a plane plus noise). */
export function nestedSpans(a: number[][], b: number[][], tol = 0.05): boolean {
  const [small, large] = a.length <= b.length ? [a, b] : [b, a];
  const angles = principalAngles(small, large);
  return angles.length === small.length && angles[angles.length - 1] < tol;
}

const exactlySymmetric = (a: Mat): boolean => a.every((row, i) => row.every((v, j) => v === a[j][i]));

/** Symmetric up to rounding (moment matrices summed in two orders). */
function isSymmetric(a: Mat): boolean {
  let top = 0;
  for (const row of a) for (const v of row) top = Math.max(top, Math.abs(v));
  for (let i = 0; i < a.length; i++) for (let j = 0; j < i; j++) if (!(Math.abs(a[i][j] - a[j][i]) <= 1e-12 * top)) return false;
  return true;
}
