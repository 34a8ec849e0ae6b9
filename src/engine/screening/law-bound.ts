/**
 * A lower bound on the description length of any law of a linear-map family on a subspace, without
 * fitting it. Screening skips candidates whose bound is not below 0: no parameter setting of theirs
 * beats the null model, and only candidates that do become finalists, so the search's results are the
 * same. At d = 1024 the full space's orthogonal maps (two SVDs) and dense linear maps took about a
 * quarter of the whole search for candidates that were noise.
 */
import type { FamilyName } from '../../types.js';
import { inverseQuadraticTrace, matmul, symmetricEigenvalues, transpose } from '../kernels/linalg.js';
import { type FeatureStats, parameterCount } from '../model/families.js';
import { persistenceOf, type ScoringStats } from '../model/law-fit.js';
import { mapResidualBits } from '../model/mdl.js';
import type { SubspaceMoments } from '../moments/moments.js';

/** Relative slack on the least-squares residual, so that rounding in the bound never rules out a law. */
const RESIDUAL_SLACK = 1e-4;

/**
 * The least-squares residual Σ|u' − M φ|² over all k × m matrices M (φ = u, or [u; 1]): no map of a
 * linear family, whose features are the same, fits better. Null when the features are degenerate
 * (no candidate is then ruled out).
 */
export function leastSquaresResidual(fs: FeatureStats): number | null {
  let explained: number | null;
  try {
    explained = inverseQuadraticTrace(fs.G, fs.C);
  } catch {
    return null;
  }
  if (explained === null || !Number.isFinite(explained)) return null;
  let traceY = 0;
  for (let r = 0; r < fs.C.length; r++) traceY += fs.Y[r][r];
  return withSlack(traceY - explained, traceY);
}

/**
 * For orthogonal maps (and rotations, which are orthogonal), a floor of their own, far above the
 * least-squares one on noise: Σ|u' − Q u|² = tr(Y) + tr(G) − 2 tr(Q Cᵀ), and tr(Q Cᵀ) is at most the sum
 * of the row (or column) norms of C (moments about the mean for the offset variant).
 */
export function orthogonalResidual(sm: SubspaceMoments, offset: boolean): number {
  const { C, traces } = orthogonalTerms(sm, offset);
  let rows = 0;
  let cols = 0;
  for (let i = 0; i < sm.k; i++) {
    let row = 0;
    let col = 0;
    for (let j = 0; j < sm.k; j++) {
      row += C[i][j] * C[i][j];
      col += C[j][i] * C[j][i];
    }
    rows += Math.sqrt(row);
    cols += Math.sqrt(col);
  }
  return withSlack(traces - 2 * Math.min(rows, cols), traces);
}

/**
 * The orthogonal maps' own residual, exactly: max tr(Q Cᵀ) over orthogonal Q is the nuclear norm of C
 * (Procrustes), here from the eigenvalues of CᵀC with room for their rounding. A k × k eigenvalue
 * problem instead of the fit's SVD, standard errors and code lengths (k(k − 1)/2 parameters).
 */
export function orthogonalResidualExact(sm: SubspaceMoments, offset: boolean): number {
  const { C, traces } = orthogonalTerms(sm, offset);
  const squares = symmetricEigenvalues(matmul(transpose(C), C));
  const top = Math.max(...squares, 0);
  // Each eigenvalue of CᵀC is within a few k·ε·‖C‖² of the truth; the square root of the raised value bounds σ.
  const rounding = 8 * sm.k * Number.EPSILON * top;
  let nuclear = 0;
  for (const v of squares) nuclear += Math.sqrt(Math.max(v, 0) + rounding);
  return withSlack(traces - 2 * nuclear, traces);
}

/** C = Σ u' uᵀ and tr(Σ u uᵀ) + tr(Σ u' u'ᵀ): about the mean for the offset variant, else about the origin. */
function orthogonalTerms(sm: SubspaceMoments, offset: boolean): { C: number[][]; traces: number } {
  const [xx, yx, yy] = offset ? [sm.cxx, sm.cyx, sm.cyy] : [sm.xx, sm.yx, sm.yy];
  let traces = 0;
  for (let i = 0; i < sm.k; i++) traces += xx[i][i] + yy[i][i];
  return { C: yx, traces };
}

function withSlack(residual: number, scale: number): number {
  // The closed forms cancel when the fit is near-perfect; the slack then covers their rounding.
  return Math.max(0, residual * (1 - RESIDUAL_SLACK) - 1e-12 * scale);
}

/**
 * Whether every law of `family` on these statistics has a description length ≥ 0: its structure,
 * at least one bit per parameter, and the residual code of `rssFloor`, a residual no law of the family
 * goes below.
 */
export function cannotBeLaw(
  family: FamilyName,
  offset: boolean,
  structuralCost: number,
  features: string[],
  stats: Extract<ScoringStats, { role: 'map' }>,
  rssFloor: number,
  floor: number,
): boolean {
  const k = stats.k;
  const complexity = structuralCost + parameterCount(family, k, offset);
  const residualBits = mapResidualBits(stats.n, stats.nIn, k, rssFloor, stats.variance, floor, persistenceOf(features, stats.fs, k));
  return complexity + residualBits >= 0;
}
