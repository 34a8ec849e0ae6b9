/**
 * Closed-form fits of the linear rule families from subspace moments. Every map law is written as
 * u' = W φ(u) with φ = [u] (about the origin) or φ = [u; 1] (with an offset); a family is a
 * parametrisation p ↦ W(p), so one residual formula serves fitting, scoring and snapping constants.
 */
import { type FamilyName, INVARIANT_FAMILIES, type LawRole } from '../../types.js';
import { type Mat, identity, matmul, solve, svd, transpose, zeros } from '../kernels/linalg.js';
import type { SubspaceMoments } from '../moments/moments.js';
import { centreOf, fitSkewedShape, offsetAboutCentre, shapeMatrix } from './skewed.js';

/** Whether a family predicts the next state (map) or states a conserved quantity (invariant). */
export function roleOf(family: FamilyName): LawRole {
  return INVARIANT_FAMILIES.has(family) ? 'invariant' : 'map';
}

/** Second moments of features φ and targets y = u' over a set of transitions. */
export interface FeatureStats {
  n: number;
  /** Σ φ φᵀ (m × m). */
  G: Mat;
  /** Σ y φᵀ (k × m). */
  C: Mat;
  /** Σ y yᵀ (k × k). */
  Y: Mat;
}

/** The linear families (fitted from moments); library maps and invariants live in sparse.ts. */
export const LINEAR_MAP_FAMILIES: ReadonlySet<FamilyName> = new Set([
  'identity',
  'constant',
  'translation',
  'scaling',
  'rotation',
  'damped_rotation',
  'skewed_rotation',
  'damped_skewed_rotation',
  'orthogonal',
  'linear',
  'affine',
]);

/** Families whose form fixes whether an offset is present; the rest come in both variants. */
export function offsetVariants(family: FamilyName): boolean[] {
  switch (family) {
    case 'identity':
    case 'linear':
      return [false];
    case 'constant':
    case 'translation':
    case 'affine':
      return [true];
    default:
      return [false, true];
  }
}

/** Families that only make sense on a plane (k = 2) or need k ≥ 2. */
export function familyFitsDimension(family: FamilyName, k: number): boolean {
  if (family === 'rotation' || family === 'damped_rotation' || family === 'skewed_rotation' || family === 'damped_skewed_rotation') return k === 2;
  if (family === 'orthogonal') return k >= 2;
  return k >= 1;
}

/** Feature statistics for φ = [u] or φ = [u; 1] from subspace moments. */
export function linearFeatureStats(sm: SubspaceMoments, offset: boolean): FeatureStats {
  if (!offset) return { n: sm.n, G: sm.xx, C: sm.yx, Y: sm.yy };
  const k = sm.k;
  const G = zeros(k + 1, k + 1);
  const C = zeros(k, k + 1);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      G[i][j] = sm.xx[i][j];
      C[i][j] = sm.yx[i][j];
    }
    G[i][k] = G[k][i] = sm.sx[i];
    C[i][k] = sm.sy[i];
  }
  G[k][k] = sm.n;
  return { n: sm.n, G, C, Y: sm.yy };
}

/** Residual sum of squares of u' = W φ over the transitions summarised by `fs` (exact, from moments). */
export function residualSumOfSquares(W: Mat, fs: FeatureStats): number {
  let rss = 0;
  const m = fs.G.length;
  for (let r = 0; r < W.length; r++) {
    const w = W[r];
    rss += fs.Y[r][r];
    for (let j = 0; j < m; j++) {
      if (w[j] === 0) continue;
      rss -= 2 * w[j] * fs.C[r][j];
      let gw = 0;
      for (let l = 0; l < m; l++) gw += fs.G[j][l] * w[l];
      rss += w[j] * gw;
    }
  }
  return Math.max(rss, 0);
}

const rotation = (theta: number): Mat => [
  [Math.cos(theta), -Math.sin(theta)],
  [Math.sin(theta), Math.cos(theta)],
];

/** Names of a family's parameters on a k-dimensional subspace. */
export function parameterNames(family: FamilyName, k: number, offset: boolean): string[] {
  const idx = Array.from({ length: k }, (_, i) => i + 1);
  // k² names at k = 1024 are a million strings: made only for the families that have them.
  const matrix = () => idx.flatMap((i) => idx.map((j) => `A${i}${j}`));
  const offsets = offset ? idx.map((i) => `b${i}`) : [];
  switch (family) {
    case 'identity':
      return [];
    case 'constant':
      return idx.map((i) => `c${i}`);
    case 'translation':
      return offsets;
    case 'scaling':
      return ['a', ...offsets];
    case 'rotation':
      return ['theta', ...offsets];
    case 'damped_rotation':
      return ['rho', 'theta', ...offsets];
    case 'skewed_rotation':
    case 'damped_skewed_rotation':
      // About a centre c (u' = c + W(u − c)) rather than with an offset b.
      return [...(family === 'damped_skewed_rotation' ? ['rho'] : []), 'theta', 'axis_ratio', 'tilt', ...(offset ? ['c1', 'c2'] : [])];
    case 'orthogonal':
    case 'linear':
    case 'affine':
      return [...matrix(), ...offsets];
    default:
      throw new Error(`not a linear family: ${family}`);
  }
}

/** How many parameters a family has on a k-dimensional subspace: {@link parameterNames}' length, without the names. */
export function parameterCount(family: FamilyName, k: number, offset: boolean): number {
  switch (family) {
    case 'orthogonal':
    case 'linear':
    case 'affine':
      return k * k + (offset ? k : 0);
    default:
      return parameterNames(family, k, offset).length;
  }
}

/** The coefficient matrix W (k × m, m = k or k+1) of a linear family for given parameters. */
export function coefficientsOf(family: FamilyName, k: number, offset: boolean, p: number[]): Mat {
  let M: Mat;
  let rest: number[];
  switch (family) {
    case 'identity':
    case 'translation':
      M = identity(k);
      rest = p;
      break;
    case 'constant':
      M = zeros(k, k);
      rest = p;
      break;
    case 'scaling':
      M = identity(k).map((row) => row.map((v) => v * p[0]));
      rest = p.slice(1);
      break;
    case 'rotation':
      M = rotation(p[0]);
      rest = p.slice(1);
      break;
    case 'damped_rotation':
      M = rotation(p[1]).map((row) => row.map((v) => v * p[0]));
      rest = p.slice(2);
      break;
    case 'skewed_rotation':
    case 'damped_skewed_rotation': {
      const damped = family === 'damped_skewed_rotation';
      M = shapeMatrix(p, damped);
      rest = offset ? offsetAboutCentre(M, p.slice(damped ? 4 : 3)) : [];
      break;
    }
    default:
      M = Array.from({ length: k }, (_, i) => p.slice(i * k, i * k + k));
      rest = p.slice(k * k);
  }
  if (!offset) return M;
  return M.map((row, i) => [...row, rest[i] ?? 0]);
}

/**
 * Closed-form least-squares parameters of a linear family on a subspace. Structured families are fitted
 * on centred moments when an offset is present (the optimal offset is then ȳ − M x̄).
 */
export function fitLinearFamily(family: FamilyName, sm: SubspaceMoments, offset: boolean): number[] {
  const k = sm.k;
  const n = Math.max(sm.n, 1);
  const xx = offset ? sm.cxx : sm.xx;
  const yx = offset ? sm.cyx : sm.yx;
  const xbar = sm.sx.map((s) => s / n);
  const ybar = sm.sy.map((s) => s / n);
  const withOffset = (M: Mat, structural: number[]): number[] => {
    if (!offset) return structural;
    const b = ybar.map((y, i) => y - M[i].reduce((s, mij, j) => s + mij * xbar[j], 0));
    return [...structural, ...b];
  };
  switch (family) {
    case 'identity':
      return [];
    case 'constant':
      return ybar;
    case 'translation':
      return ybar.map((y, i) => y - xbar[i]);
    case 'scaling': {
      let num = 0;
      let den = 0;
      for (let i = 0; i < k; i++) {
        num += yx[i][i];
        den += xx[i][i];
      }
      const a = den > 0 ? num / den : 0;
      return withOffset(
        identity(k).map((r) => r.map((v) => v * a)),
        [a],
      );
    }
    case 'rotation':
    case 'damped_rotation': {
      // Procrustes in the plane: the optimal angle maximises tr(R(θ) C_yxᵀ).
      const s = yx[1][0] - yx[0][1];
      const c = yx[0][0] + yx[1][1];
      const theta = Math.atan2(s, c);
      if (family === 'rotation') return withOffset(rotation(theta), [theta]);
      const den = xx[0][0] + xx[1][1];
      const rho = den > 0 ? (Math.cos(theta) * c + Math.sin(theta) * s) / den : 0;
      return withOffset(
        rotation(theta).map((r) => r.map((v) => v * rho)),
        [rho, theta],
      );
    }
    case 'skewed_rotation':
    case 'damped_skewed_rotation': {
      const damped = family === 'damped_skewed_rotation';
      const yy = offset ? sm.cyy : sm.yy;
      const fs: FeatureStats = { n, G: xx, C: yx, Y: yy };
      const shape = fitSkewedShape({ G: xx, C: yx, rss: (W) => residualSumOfSquares(W, fs) }, damped);
      if (!offset) return shape;
      // The centre is the fixed point of u' = W u + b with the optimal offset b = ȳ − W x̄ (withOffset's
      // tail); a map that does not turn has none, and is stated about the mean state instead.
      const W = shapeMatrix(shape, damped);
      return [...shape, ...(centreOf(W, withOffset(W, [])) ?? xbar)];
    }
    case 'orthogonal': {
      // Orthogonal Procrustes: Q = U Vᵀ from the SVD of C_yx.
      const { u, v } = svd(yx);
      const Q = matmul(u, transpose(v));
      return withOffset(Q, Q.flat());
    }
    case 'linear':
    case 'affine': {
      // M = C_yx C_xx⁻¹ (least squares; pseudo-inverse when the subspace data is degenerate).
      const Mt = solve(xx, transpose(yx));
      const M = transpose(Mt);
      return withOffset(M, M.flat());
    }
    default:
      throw new Error(`not a linear family: ${family}`);
  }
}
