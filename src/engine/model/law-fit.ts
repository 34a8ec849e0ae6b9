/**
 * A fitted candidate as plain data (it crosses worker boundaries): how its parameters map to the
 * coefficient matrix of its features, and the description length of any parameter setting computed
 * exactly from its sufficient statistics.
 */
import type { FamilyName, LawRole } from '../../types.js';
import { coefficientsOf, type FeatureStats, parameterNames, residualSumOfSquares } from './families.js';
import { type Mat, matmul, symmetricEigen, zeros } from '../kernels/linalg.js';
import { freeParameterBits, invariantResidualBits, mapResidualBits, NUMERIC_FLOOR } from './mdl.js';
import type { ExactConstant } from '../model/mdl.js';
import { invariantRatio, type InvariantStats } from './sparse.js';

/** How parameters fill the coefficient matrix: a linear family's own form, or free entries of a sparse fit. */
export type Parametrization =
  | { kind: 'linear'; family: FamilyName; offset: boolean }
  | { kind: 'sparse'; positions: [number, number][]; rows: number; cols: number; names: string[] };

/** One candidate fitted on one subspace (plain data; no closures). */
export interface LawFit {
  id: string;
  family: FamilyName;
  role: LawRole;
  /** Subspace dimension. */
  k: number;
  features: string[];
  parametrization: Parametrization;
  params: number[];
  /** Bits for the grammar production and the subspace. */
  structuralCost: number;
  /** Grammar cost of each feature (library families): a term is paid for once if any coefficient uses it. */
  featureCosts?: number[];
}

export function parameterNamesOf(fit: Pick<LawFit, 'parametrization' | 'k'>): string[] {
  const p = fit.parametrization;
  return p.kind === 'linear' ? parameterNames(p.family, fit.k, p.offset) : p.names;
}

/** Coefficient matrix (maps: k × m; invariants: 1 × m) for given parameter values. */
export function coefficientsFor(fit: Pick<LawFit, 'parametrization' | 'k'>, params: number[]): Mat {
  const p = fit.parametrization;
  if (p.kind === 'linear') return coefficientsOf(p.family, fit.k, p.offset, params);
  const W = Array.from({ length: p.rows }, () => new Array<number>(p.cols).fill(0));
  p.positions.forEach(([r, c], i) => (W[r][c] = params[i]));
  return W;
}

/** Statistics a law is scored on: map moments or invariant moments, plus counts and the subspace variance. */
export type ScoringStats =
  | { role: 'map'; fs: FeatureStats; n: number; nIn: number; variance: number; k: number }
  | { role: 'invariant'; st: InvariantStats; n: number; nIn: number };

/** Residual error measure: RSS for maps, the conservation ratio Σ ΔI² / Σ (I − Ī)² for invariants. */
export function residualMeasure(fit: Pick<LawFit, 'parametrization' | 'k'>, params: number[], s: ScoringStats): number {
  const W = coefficientsFor(fit, params);
  return s.role === 'map' ? residualSumOfSquares(W, s.fs) : invariantRatio(W[0], s.st);
}

/** Relative error per sample: sqrt((RSS/nIn) / (V/n)) for maps, sqrt(ratio) for invariants. */
export function relativeErrorOf(measure: number, s: ScoringStats): number {
  if (s.role === 'invariant') return Math.sqrt(measure);
  return Math.sqrt(measure / Math.max(s.variance * (s.nIn / Math.max(s.n, 1)), 1e-300));
}

/** Families whose parameters from this index on are offsets, entry (i, k) of W each. */
const OFFSET_AFTER: Partial<Record<FamilyName, number>> = { constant: 0, translation: 0, scaling: 1, rotation: 1, damped_rotation: 2 };

/**
 * Standard errors of the parameters from the Fisher information of the Gaussian residual model
 * (Gauss–Newton: F_ii = tr(∂W/∂p_i · G · ∂W/∂p_iᵀ) / σ²); they set the precision a free parameter is
 * stated to and the window in which exact constants are tried.
 */
export function parameterStdErrors(fit: Pick<LawFit, 'parametrization' | 'k'>, params: number[], s: ScoringStats, floor = NUMERIC_FLOOR): number[] {
  // Below the residual floor the data cannot tell values apart (the resolution, or rounding on
  // noise-free data): the floor sets the smallest standard error, so parameters are stated only as
  // precisely as the data at that resolution need, and exact constants stay reachable.
  const raw = residualMeasure(fit, params, s);
  const f2 = floor * floor;
  const measure = s.role === 'invariant' ? Math.max(raw, f2) : Math.max(raw, (f2 * s.variance * s.nIn) / Math.max(s.n, 1));
  if (s.role === 'invariant') {
    const sigma2 = (measure * trace2(s.st.Cov, coefficientsFor(fit, params)[0])) / Math.max(s.nIn, 1);
    const p = fit.parametrization;
    if (p.kind !== 'sparse') return params.map(() => NaN);
    return p.positions.map(([, j]) => Math.sqrt(sigma2 / Math.max(s.st.D[j][j], 1e-300)));
  }
  const sigma2 = measure / Math.max(s.nIn * s.k, 1);
  const p = fit.parametrization;
  // Parameters that are single entries of W (sparse maps; linear, affine, orthogonal matrices and
  // offsets) have Fisher information G_jj: no numerical derivative, which would cost O(p·k·m²).
  const entryColumn = (i: number): number | null => {
    if (p.kind === 'sparse') return p.positions[i][1];
    const k = fit.k;
    if (p.family === 'linear' || p.family === 'affine' || p.family === 'orthogonal') return i < k * k ? i % k : k;
    // Offsets (and a constant map's values) are entries of the column of the feature 1.
    const structural = OFFSET_AFTER[p.family];
    return structural !== undefined && i >= structural ? k : null;
  };
  // A loop, not params.map: V8 drops a dead callback's optimised code, and this one (coefficientsFor
  // inlined) is costly to compile again (docs/performance.md#v8-and-closures).
  const out: number[] = [];
  for (let i = 0; i < params.length; i++) {
    const col = entryColumn(i);
    if (col !== null) {
      out.push(Math.sqrt(sigma2 / Math.max(s.fs.G[col][col], 1e-300)));
      continue;
    }
    const h = 1e-6 * Math.max(1, Math.abs(params[i]));
    const up = params.slice();
    const down = params.slice();
    up[i] += h;
    down[i] -= h;
    const Wu = coefficientsFor(fit, up);
    const Wd = coefficientsFor(fit, down);
    const dW = Wu.map((row, r) => row.map((x, c) => (x - Wd[r][c]) / (2 * h)));
    let info = 0;
    const G = s.fs.G;
    for (const row of dW) {
      for (let a = 0; a < row.length; a++) {
        if (row[a] === 0) continue;
        for (let b = 0; b < row.length; b++) info += row[a] * G[a][b] * row[b];
      }
    }
    out.push(info > 0 ? Math.sqrt(sigma2 / info) : Infinity);
  }
  return out;
}

function trace2(M: Mat, c: number[]): number {
  return c.reduce((s, ci, i) => s + ci * M[i].reduce((t, v, j) => t + v * c[j], 0), 0);
}

/**
 * Full description length of a law for given parameters: structure + parameters (exact constants at
 * their own cost, free ones at their precision) + residuals (robust: inliers coded by the law,
 * outliers by the null model plus their positions).
 */
export function descriptionLength(
  fit: Pick<LawFit, 'parametrization' | 'k' | 'structuralCost' | 'featureCosts' | 'features'>,
  params: number[],
  exact: (ExactConstant | null)[],
  stderrs: number[],
  s: ScoringStats,
  sampleScale = 1,
  floor = NUMERIC_FLOOR,
): { total: number; complexity: number; measure: number } {
  let complexity = fit.structuralCost;
  const p = fit.parametrization;
  if (p.kind === 'sparse' && fit.featureCosts) {
    const used = new Set(p.positions.filter((_, i) => params[i] !== 0).map(([, j]) => j));
    for (const j of used) complexity += fit.featureCosts[j] ?? 0;
  }
  params.forEach((v, i) => {
    complexity += exact[i] ? exact[i]!.bits : freeParameterBits(v, stderrs[i]);
  });
  const measure = residualMeasure(fit, params, s);
  // Extrapolating a sample's code length to all transitions would multiply its overfitting gain too:
  // use the unbiased residual (degrees of freedom corrected) whenever the statistics are a sample.
  const dof = sampleScale > 1 ? Math.max(1 - params.length / Math.max(s.nIn * (s.role === 'map' ? s.k : 1), 1), 1e-3) : 1;
  const residualBits =
    s.role === 'map'
      ? mapResidualBits(s.n, s.nIn, s.k, measure / dof, s.variance, floor, persistenceOf(fit.features, s.fs, s.k))
      : invariantResidualBits(s.n, s.nIn, measure / dof, floor);
  return { total: complexity + residualBits * sampleScale, complexity, measure };
}

/**
 * Σ|u' − u|² over the transitions summarised by `fs` (the "nothing moves" model's residual), when the
 * features include every coordinate u1…uk; undefined otherwise.
 */
export function persistenceOf(features: readonly string[], fs: FeatureStats, k: number): number | undefined {
  let sum = 0;
  for (let r = 0; r < k; r++) {
    const j = features.indexOf(`u${r + 1}`);
    if (j < 0) return undefined;
    sum += fs.Y[r][r] - 2 * fs.C[r][j] + fs.G[j][j];
  }
  return Math.max(sum, 0);
}

/**
 * The inlier residual as a share of the step it predicts, in the direction where that share is worst:
 * sqrt(λ_max) of the residual covariance against the step covariance |u' − u| (a law on a rotation
 * plane plus a drifting direction explains the rotation, not the drift). Directions where the data
 * hold still count as moving by `stillStep` (a residual variance per sample below which nothing is
 * resolved). Undefined when the features do not include every coordinate.
 */
export function worstMotionError(fit: Pick<LawFit, 'parametrization' | 'k' | 'features'>, params: number[], fs: FeatureStats, stillStep: number): number | undefined {
  const k = fit.k;
  const cols = Array.from({ length: k }, (_, r) => fit.features.indexOf(`u${r + 1}`));
  if (cols.some((j) => j < 0)) return undefined;
  const W = coefficientsFor(fit, params);
  const m = fs.G.length;
  const WG = W.map((w) => fs.G.map((_, b) => w.reduce((t, x, a) => t + x * fs.G[a][b], 0)));
  const R = zeros(k, k);
  const M = zeros(k, k);
  for (let p = 0; p < k; p++) {
    for (let q = 0; q < k; q++) {
      let wc = 0;
      let cw = 0;
      let wgw = 0;
      for (let j = 0; j < m; j++) {
        wc += W[p][j] * fs.C[q][j];
        cw += fs.C[p][j] * W[q][j];
        wgw += WG[p][j] * W[q][j];
      }
      R[p][q] = fs.Y[p][q] - wc - cw + wgw;
      M[p][q] = fs.Y[p][q] - fs.C[p][cols[q]] - fs.C[q][cols[p]] + fs.G[cols[p]][cols[q]] + (p === q ? stillStep * fs.n : 0);
    }
  }
  return Math.sqrt(Math.max(largestGeneralizedEigenvalue(R, M), 0));
}

/** Largest λ of R x = λ M x for symmetric R and positive definite M (through M^{-1/2} R M^{-1/2}). */
function largestGeneralizedEigenvalue(R: Mat, M: Mat): number {
  const { values, vectors } = symmetricEigen(M);
  const k = R.length;
  const inv = zeros(k, k);
  for (let i = 0; i < k; i++) {
    if (!(values[i] > 0)) return Infinity;
    for (let p = 0; p < k; p++) for (let q = 0; q < k; q++) inv[p][q] += (vectors[i][p] * vectors[i][q]) / Math.sqrt(values[i]);
  }
  const S = matmul(matmul(inv, R), inv);
  return Math.max(...symmetricEigen(S.map((row, p) => row.map((v, q) => (v + S[q][p]) / 2))).values);
}
