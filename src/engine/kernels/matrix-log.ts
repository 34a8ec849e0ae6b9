/**
 * The principal real logarithm of a square matrix: the generator L with exp(L) = A whose eigenvalues
 * have imaginary parts in (−π, π). It exists exactly when A has no eigenvalue on the closed negative
 * real axis. Computed by inverse scaling and squaring (square roots until A is near I, then a series),
 * which, unlike an eigendecomposition, also holds for defective matrices such as shears and the
 * augmented matrix of a translation.
 */
import { frobeniusNorm, generalEigen, identity, matmul, type Mat, scale, solve, sub } from './linalg.js';

/** The logarithm, or why there is no real one. */
export type RealLogarithm = { log: Mat } | { reason: string };

/** Eigenvalues within this share of the matrix's norm of the negative real axis (or of 0) count as on it. */
const AXIS_TOLERANCE = 1e-10;
/** Square roots are taken until ‖A^(1/2^s) − I‖ is below this; the series then converges fast. */
const NEAR_IDENTITY = 0.25;
const MAX_SQUARE_ROOTS = 64;
const MAX_ITERATIONS = 100;
/** Relative size below which an entry of the result is rounding: 256 units of double precision. */
const ROUNDING = 256 * Number.EPSILON;

const add = (a: Mat, b: Mat): Mat => a.map((row, i) => row.map((v, j) => v + b[i][j]));
const inverse = (a: Mat): Mat => solve(a, identity(a.length));

/** Why `a` has no principal real logarithm, or null when it has one. */
function missingLogarithm(a: Mat): string | null {
  const norm = Math.max(frobeniusNorm(a), Number.MIN_VALUE);
  const { re, im } = eigenvalues(a, norm);
  for (let i = 0; i < re.length; i++) {
    if (Math.hypot(re[i], im[i]) <= AXIS_TOLERANCE * norm) return 'the map is not invertible (eigenvalue 0)';
    if (re[i] < 0 && Math.abs(im[i]) <= AXIS_TOLERANCE * norm)
      return `eigenvalue ${Number(re[i].toPrecision(4))} is negative real, so no real generator gives this step`;
  }
  return null;
}

/**
 * The eigenvalues of `a`. The eigen-solver can overflow on entries near the smallest doubles; such
 * entries are then read as 0, which moves no eigenvalue by a share of the norm that matters here.
 */
function eigenvalues(a: Mat, norm: number): { re: number[]; im: number[] } {
  try {
    return generalEigen(a);
  } catch {
    return generalEigen(a.map((row) => row.map((v) => (Math.abs(v) < 1e-150 * norm ? 0 : v))));
  }
}

/** Denman–Beavers iteration for the principal square root (A has no eigenvalue on the closed negative axis). */
function squareRoot(a: Mat): Mat {
  let y = a;
  let z = identity(a.length);
  for (let it = 0; it < MAX_ITERATIONS; it++) {
    const next = scale(add(y, inverse(z)), 0.5);
    z = scale(add(z, inverse(y)), 0.5);
    const change = frobeniusNorm(sub(next, y));
    y = next;
    if (change <= 1e-15 * frobeniusNorm(y)) break;
  }
  return y;
}

/** log(A) for A near I: 2·Σ Z^(2k+1)/(2k+1) with Z = (A − I)(A + I)⁻¹ (the series of atanh). */
function logNearIdentity(a: Mat): Mat {
  const n = a.length;
  const z = matmul(sub(a, identity(n)), inverse(add(a, identity(n))));
  const z2 = matmul(z, z);
  let power = z;
  let sum = z;
  for (let k = 1; k < 60; k++) {
    power = matmul(power, z2);
    const term = scale(power, 1 / (2 * k + 1));
    sum = add(sum, term);
    if (frobeniusNorm(term) <= 1e-17 * frobeniusNorm(sum)) break;
  }
  return scale(sum, 2);
}

/**
 * The principal real logarithm of a square matrix.
 * @returns `{ log }`, or `{ reason }` when an eigenvalue is 0 or negative real (within a tolerance
 *   relative to the matrix's norm), an entry is not finite, or the computation leaves double range
 */
export function realLogarithm(a: Mat): RealLogarithm {
  if (!a.every((row) => row.every(Number.isFinite))) return { reason: 'the map has a non-finite entry' };
  try {
    const missing = missingLogarithm(a);
    if (missing) return { reason: missing };
    const n = a.length;
    let root = a;
    let squarings = 0;
    while (frobeniusNorm(sub(root, identity(n))) > NEAR_IDENTITY && squarings < MAX_SQUARE_ROOTS) {
      root = squareRoot(root);
      squarings++;
    }
    const log = scale(logNearIdentity(root), 2 ** squarings);
    // Entries at the rounding level of the square roots are zeros that rounding moved (a translation's L is 0).
    const floor = ROUNDING * frobeniusNorm(log);
    if (log.every((row) => row.every(Number.isFinite))) return { log: log.map((row) => row.map((v) => (Math.abs(v) <= floor ? 0 : v))) };
  } catch {
    // The decompositions refuse values they cannot represent; the answer is then the same as below.
  }
  return { reason: 'the logarithm could not be computed in double precision' };
}
