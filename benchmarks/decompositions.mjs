// Eigen-decompositions and the SVD: the engine's flat-array versions against ml-matrix's on the same
// random matrices.
// Usage: npm run build && node benchmarks/decompositions.mjs [sizes=64,256,512]
//   → per size, the fastest of five runs (after one warm-up) of each, in ms, and whether the results agree
//     bit for bit (they run the same arithmetic: src/engine/kernels/general-eigen.ts, symmetric-eigen.ts, svd.ts).
//   "eigenvaluesAnd8Vectors": the eigenvalues alone, then eight eigenvectors by inverse iteration
//     (eigenvectors-on-demand.ts), as the eigen-subspaces ask for them; its eigenvalues are checked
//     bit for bit against the full decomposition's.
//   "eigenvaluesAnd4Vectors" (symmetric): all eigenvalues, then the four largest eigenvalues' vectors by
//     inverse iteration on the tridiagonal form (tridiagonal-eigenvectors.ts), as the principal
//     directions ask for them.
//   "choleskyMs": the factor of S·Sᵀ + n·I, and forward then back solves for n right-hand sides, blocked
//     on the moment kernels from 192 rows (cholesky.ts), against the plain loops one side at a time.
import { EigenvalueDecomposition, Matrix, SingularValueDecomposition } from 'ml-matrix';
import { flatGeneralEigen, flatGeneralEigenvalues } from '../dist/src/engine/kernels/general-eigen.js';
import { eigenvectorOf } from '../dist/src/engine/kernels/eigenvectors-on-demand.js';
import { flatSymmetricEigen, flatSymmetricEigenvaluesAndForm } from '../dist/src/engine/kernels/symmetric-eigen.js';
import { tridiagonalEigenvectors } from '../dist/src/engine/kernels/tridiagonal-eigenvectors.js';
import { backSolveTransposed, backSolveTransposedRows, choleskyLower, forwardSolve, forwardSolveRows } from '../dist/src/engine/kernels/cholesky.js';
import { flatSvd } from '../dist/src/engine/kernels/svd.js';

const sizes = (process.argv[2] ?? '64,256,512').split(',').map(Number);
let seed = 7;
const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5;
const fastest = (f) => {
  f();
  let best = Infinity;
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    f();
    best = Math.min(best, performance.now() - t);
  }
  return +best.toFixed(1);
};
/** The eigenvalues, then the vectors of the eight of largest modulus (one per complex pair). */
function eightVectors(a, n) {
  const evd = flatGeneralEigenvalues(a, n);
  const order = Array.from(evd.re.keys()).filter((i) => evd.im[i] >= 0).sort((i, j) => Math.hypot(evd.re[j], evd.im[j]) - Math.hypot(evd.re[i], evd.im[i]));
  for (const i of order.slice(0, 8)) eigenvectorOf(evd.hessenberg, evd.ort, n, evd.re[i], evd.im[i]);
}

/** All eigenvalues, then the vectors of the four largest. */
function fourSymmetricVectors(s, n) {
  const { values, form } = flatSymmetricEigenvaluesAndForm(s, n);
  if (!tridiagonalEigenvectors(form, Array.from(values.slice(Math.max(n - 4, 0))).reverse())) throw new Error('a vector did not settle');
}

/** The Cholesky factor of a positive definite P, then n right-hand sides solved both ways. */
function choleskyAndSolves(P, n, rows) {
  const L = choleskyLower(P, 1e-12);
  const Y = Float64Array.from({ length: n * n }, (_, i) => Math.sin(i));
  if (rows) return backSolveTransposedRows(L, n, forwardSolveRows(L, n, Y, n), n);
  for (let c = 0; c < n; c++) backSolveTransposed(L, n, forwardSolve(L, n, Array.from(Y.subarray(c * n, c * n + n))));
}

function sameEigenvalues(a, n) {
  const [full, values] = [flatGeneralEigen(a, n), flatGeneralEigenvalues(a, n)];
  return full.re.every((v, i) => v === values.re[i]) && full.im.every((v, i) => v === values.im[i]);
}

for (const n of sizes) {
  const A = Array.from({ length: n }, () => Array.from({ length: n }, random));
  const S = A.map((row, i) => row.map((v, j) => v + A[j][i]));
  const [a, s] = [Float64Array.from(A.flat()), Float64Array.from(S.flat())];
  const P = S.map((row, i) => S.map((other, j) => row.reduce((t, v, k) => t + v * other[k], i === j ? n : 0)));
  const reference = new EigenvalueDecomposition(new Matrix(A)).eigenvectorMatrix.to1DArray();
  const same = Array.from(flatGeneralEigen(a, n).vectors).every((v, i) => v === reference[i]);
  const leftReference = new SingularValueDecomposition(new Matrix(A), { autoTranspose: true }).leftSingularVectors.to1DArray();
  const sameSvd = Array.from(flatSvd(a, n, n).u).every((v, i) => v === leftReference[i]);
  console.log(JSON.stringify({
    n,
    generalMs: { flat: fastest(() => flatGeneralEigen(a, n)), mlMatrix: fastest(() => new EigenvalueDecomposition(new Matrix(A))), eigenvaluesAnd8Vectors: fastest(() => eightVectors(a, n)) },
    symmetricMs: { flat: fastest(() => flatSymmetricEigen(s, n)), mlMatrix: fastest(() => new EigenvalueDecomposition(new Matrix(S), { assumeSymmetric: true })), eigenvaluesAnd4Vectors: fastest(() => fourSymmetricVectors(s, n)) },
    choleskyMs: { blocked: fastest(() => choleskyAndSolves(P, n, true)), oneSideAtATime: fastest(() => choleskyAndSolves(P, n, false)) },
    svdMs: { flat: fastest(() => flatSvd(a, n, n)), mlMatrix: fastest(() => new SingularValueDecomposition(new Matrix(A), { autoTranspose: true })) },
    bitIdentical: { general: same, svd: sameSvd, eigenvalues: sameEigenvalues(a, n) },
  }));
}
