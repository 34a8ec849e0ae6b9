/**
 * What the laws do not cover. The directions of the latent space outside every reported law's subspace
 * and outside its constant part are summarised, so that a user knows whether the rest is noise or
 * structure no law explains: their number, their RMS spread, and how much of their value one or two
 * steps on their current value predicts (lag-1 and lag-2 linear fits, from the moments already gathered).
 */
import type { ComplementSummary } from '../../types.js';
import { type Mat, orthonormalRows, solve, symmetricEigen, timesPow2, transpose } from '../kernels/linalg.js';
import { type Moments, projectMoments } from '../moments/moments.js';
import { lagCovariances } from '../moments/noise-model.js';

/** Share of the next value a linear fit may predict for the rest still to count as white noise. */
export const WHITE_NOISE_MAX = 0.05;

/**
 * Summary of the complement of `covered` (orthonormal rows of laws' subspaces and of the constant
 * part, in data coordinates), or null when the laws and constants span the whole space (or its
 * moments are degenerate).
 * @param exponent the data were searched × 2^-exponent: the spread is stated back in data units
 */
export function describeComplement(mom: Moments, covered: number[][], exponent: number): ComplementSummary | null {
  const basis = complementBasis(mom.dim, covered);
  if (basis.length === 0) return null;
  try {
    return summarise(mom, basis, exponent);
  } catch {
    return null; // degenerate moments (a direction without variance): nothing to say about it
  }
}

function summarise(mom: Moments, basis: number[][], exponent: number): ComplementSummary {
  const sm = projectMoments(mom, basis);
  const k = basis.length;
  const total = trace(sm.cyy);
  const variance = trace(sm.cxx) / Math.max(sm.n, 1) / k;
  // Residual of u' on u: cyy − cyx cxx⁻¹ cxy, its trace the unpredicted part.
  const predictedShare = Math.max(adjustedShare(explainedBy(sm.cxx, sm.cyx), total, sm.n, k), twoStepShare(mom, basis));
  return {
    dim: k,
    rms: timesPow2(Math.sqrt(Math.max(variance, 0)), exponent),
    predictedShare,
    verdict: predictedShare <= WHITE_NOISE_MAX ? 'white noise' : 'structure left',
  };
}

/**
 * Share of u_{t+2} a linear fit on u_t predicts: structure that skips a step (a period-2 flip seen
 * through noise, a slow oscillation) is not white noise either. 0 without lag-2 moments.
 */
function twoStepShare(mom: Moments, basis: number[][]): number {
  const lag = lagCovariances(mom, basis);
  if (!lag) return 0;
  return adjustedShare(explainedBy(lag.C0, lag.C2), trace(lag.C0), lag.n, basis.length);
}

/** tr(C_yx C_xx⁻¹ C_xy): the variance of the target y a linear fit on x explains. */
function explainedBy(Cxx: Mat, Cyx: Mat): number {
  const B = solve(Cxx, transpose(Cyx));
  let explained = 0;
  for (let i = 0; i < Cyx.length; i++) for (let j = 0; j < Cxx.length; j++) explained += Cyx[i][j] * B[j][i];
  return explained;
}

/**
 * The share of a target's variance a linear fit on k predictors explains, less what k predictors
 * explain of noise by chance over n samples (adjusted R²: 1 − (1 − R²)(n − 1)/(n − k − 1)); 0 when
 * there are too few samples to tell.
 */
function adjustedShare(explained: number, total: number, n: number, k: number): number {
  if (!(total > 0) || n - k - 1 <= 0) return 0;
  const r2 = explained / total;
  return Math.min(Math.max(1 - ((1 - r2) * (n - 1)) / (n - k - 1), 0), 1);
}

/** Orthonormal rows spanning the directions of R^d orthogonal to every row of `covered`. */
function complementBasis(d: number, covered: number[][]): number[][] {
  const P: Mat = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (__, j) => (i === j ? 1 : 0)));
  // Laws' subspaces may overlap (nested or shared directions); tol: directions already covered to 1e-6.
  const q = orthonormalRows(covered, 1e-6);
  for (const row of q) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) P[i][j] -= row[i] * row[j];
  const { values, vectors } = symmetricEigen(P);
  return vectors.filter((_, i) => values[i] > 0.5);
}

const trace = (m: Mat) => m.reduce((s, row, i) => s + row[i], 0);
