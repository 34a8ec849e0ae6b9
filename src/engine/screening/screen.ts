/**
 * Screening: fit and score one candidate from sufficient statistics only. Linear families and linear
 * invariants use the projected full-data moments; library and quadratic families use feature moments
 * of a fixed screening sample (computed once per subspace and family, then shared). No candidate costs
 * a pass over all transitions here.
 */
import type { Failure, FamilyName, LawRole } from '../../types.js';
import { errorMessage } from '../../errors.js';
import type { CandidateSpec } from '../candidates/candidate.js';
import type { DataContext } from '../moments/transitions.js';
import { type FeatureStats, fitLinearFamily, LINEAR_MAP_FAMILIES, linearFeatureStats, residualSumOfSquares } from '../model/families.js';
import { type FeatureCatalog, quadraticFeatures, subspaceVariables } from '../model/features.js';
import { featurePasses } from '../passes/feature-pass.js';
import { cannotBeLaw, leastSquaresResidual, orthogonalResidual, orthogonalResidualExact } from './law-bound.js';
import { type Resolution, type SubspaceFloors, subspaceFloors } from '../moments/resolution.js';
import {
  descriptionLength,
  type LawFit,
  type Parametrization,
  parameterStdErrors,
  relativeErrorOf,
  type ScoringStats,
} from '../model/law-fit.js';
import { type Moments, projectMoments, type SubspaceMoments, subspaceVariance } from '../moments/moments.js';
import { type DenseInvariant, denseInvariant, denseMap, eliminationPath, invariantEliminationPath, sparseInvariantPath, stlsqPath, unitDenseInvariant } from '../model/sparse.js';

export interface ScreenSuccess {
  ok: true;
  fit: LawFit;
  /** The candidate's subspace (an index into the fit's subspaces) and offset variant. */
  subspaceIndex: number;
  offset: boolean;
  descriptionLength: number;
  complexity: number;
  relativeError: number;
}
/** A candidate ruled out without a fit: no law of its family on its subspace beats the null model (law-bound.ts). */
export interface ScreenRuledOut {
  ok: false;
  ruledOut: true;
  id: string;
}
export type ScreenOutcome = ScreenSuccess | ScreenRuledOut | ({ ok: false; ruledOut?: undefined } & Failure);

/** Per-task caches so candidates on the same subspace share projections and feature passes. */
export interface ScreenCache {
  projected: Map<number, SubspaceMoments>;
  sampled: Map<string, ScoringStats>;
  /** Per subspace, the sample statistics the task's candidates there will ask for (one pass gives all). */
  planned: Map<number, { role: LawRole; features: string[] }[]>;
  /** Trees of the task's library features. */
  catalog: FeatureCatalog;
  resolution: Resolution;
  /** Residual floors per subspace (see subspaceFloors). */
  floors: Map<number, SubspaceFloors>;
  /** Per subspace and offset variant, the linear features' statistics and the least-squares map's residual (see leastSquaresResidual). */
  linear: Map<string, { fs: FeatureStats; leastSquares: number | null }>;
}

/**
 * Caches for one screening task. Given the task's candidates (and their bases), the library and
 * quadratic candidates on a subspace get their sample statistics from one shared pass.
 */
export function newScreenCache(candidates: CandidateSpec[], bases: Record<number, number[][]>, catalog: FeatureCatalog, resolution: Resolution): ScreenCache {
  const planned = new Map<number, { role: LawRole; features: string[] }[]>();
  for (const c of candidates) {
    if (LINEAR_MAP_FAMILIES.has(c.family) || c.family === 'linear_invariant' || !bases[c.subspaceIndex]) continue;
    const list = planned.get(c.subspaceIndex) ?? [];
    list.push({ role: c.role, features: featuresFor(c, bases[c.subspaceIndex].length) });
    planned.set(c.subspaceIndex, list);
  }
  return { projected: new Map(), sampled: new Map(), planned, catalog, resolution, floors: new Map(), linear: new Map() };
}

const sampleKey = (subspaceIndex: number, role: LawRole, features: string[]) => `${subspaceIndex}|${role}|${features.join(';')}`;

/**
 * Sample statistics for every planned request on a subspace (and the one asked for), from one pass
 * over the union of their features; equal features in other spellings are evaluated once.
 */
function sampleStatistics(sampleRows: DataContext, subspaceIndex: number, basis: number[][], sm: SubspaceMoments, cache: ScreenCache, asked: { role: LawRole; features: string[] }): void {
  const seen = new Set<string>();
  const requests = [asked, ...(cache.planned.get(subspaceIndex) ?? [])].filter((r) => {
    const key = sampleKey(subspaceIndex, r.role, r.features);
    if (cache.sampled.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const { union, cols } = cache.catalog.union(requests.map((r) => r.features));
  const passes = featurePasses(sampleRows.states, sampleRows.dim, sampleRows.starts, basis, union, requests.map((r, i) => ({ cols: cols[i], want: { map: r.role === 'map', invariant: r.role === 'invariant' } })), cache.catalog);
  requests.forEach((r, i) => {
    const pass = passes[i];
    const stats: ScoringStats =
      r.role === 'map'
        ? { role: 'map', fs: pass.map!, n: pass.map!.n, nIn: pass.map!.n, variance: subspaceVariance(sm) * (pass.map!.n / Math.max(sm.n, 1)), k: basis.length }
        : { role: 'invariant', st: pass.invariant!, n: pass.invariant!.n, nIn: pass.invariant!.n };
    cache.sampled.set(sampleKey(subspaceIndex, r.role, r.features), stats);
  });
}

/** The feature list a candidate's family uses on a k-dimensional subspace. */
export function featuresFor(c: Pick<CandidateSpec, 'family' | 'offset' | 'libraryFeatures'>, k: number): string[] {
  const vars = subspaceVariables(k);
  switch (c.family) {
    case 'quadratic_invariant':
      return quadraticFeatures(vars);
    case 'library_invariant':
      return c.libraryFeatures;
    case 'library_map':
      return [...c.libraryFeatures, '1'];
    case 'linear_invariant':
      return vars;
    default:
      return c.offset ? [...vars, '1'] : vars;
  }
}

export function sparseParametrization(W: number[][], features: string[], role: LawRole): { p: Parametrization; params: number[] } {
  const positions: [number, number][] = [];
  const params: number[] = [];
  const names: string[] = [];
  W.forEach((row, r) =>
    row.forEach((v, j) => {
      if (v === 0) return;
      positions.push([r, j]);
      params.push(v);
      names.push(role === 'map' ? `c[u${r + 1}',${features[j]}]` : `c[${features[j]}]`);
    }),
  );
  return { p: { kind: 'sparse', positions, rows: W.length, cols: features.length, names }, params };
}

/** A fitted parameter setting of a candidate. */
export interface StatsFit {
  parametrization: Parametrization;
  params: number[];
}

/**
 * Fit a candidate's parameters on given statistics (shared by screening and trimmed refits). Sparse
 * families fit one support per threshold of a path (model/sparse.ts) and keep the one `score` (a
 * description length) likes best; `threshold` is the smallest share of the largest term tried.
 */
export function fitOnStats(
  family: FamilyName,
  offset: boolean,
  k: number,
  features: string[],
  stats: ScoringStats,
  sm: SubspaceMoments | null,
  threshold: number,
  score: (fit: StatsFit) => number,
): StatsFit {
  if (LINEAR_MAP_FAMILIES.has(family)) {
    if (!sm) throw new Error('linear family needs subspace moments');
    return { parametrization: { kind: 'linear', family, offset }, params: fitLinearFamily(family, sm, offset) };
  }
  // Two paths from dense to sparse: thresholds on coefficient size (cheap, any size) and backward
  // elimination (what each term adds to the fit; up to 24 terms). Elimination only refines a law the
  // thresholds found: where no support beats the null model (DL ≥ 0: noise), there is none to refine.
  const asFits = (path: { p: Parametrization; params: number[] }[]) => path.map(({ p, params }) => ({ parametrization: p, params }));
  const isMap = stats.role === 'map';
  // The dense fit starts both paths; far from any law it is the candidate's statement (see FAR_MAP).
  let thresholds: StatsFit[];
  let dense: DenseInvariant | undefined;
  if (stats.role === 'map') {
    const W = denseMap(stats.fs);
    if (mapIsFar(stats, features, W)) return asFits([sparseParametrization(W, features, 'map')])[0];
    thresholds = asFits(stlsqPath(stats.fs, threshold, undefined, W).map((rows) => sparseParametrization(rows, features, 'map')));
  } else {
    dense = denseInvariant(stats.st);
    const unit = unitDenseInvariant(dense, stats.st);
    if (unit && invariantIsFar(stats, features, dense.fit!.ratio)) return asFits([sparseParametrization([unit], features, 'invariant')])[0];
    thresholds = asFits(sparseInvariantPath(stats.st, threshold, undefined, undefined, dense).map((inv) => sparseParametrization([inv.coefficients], features, 'invariant')));
  }
  if (thresholds.length === 0) throw new Error('no quantity in this subspace varies across the data');
  const scored = thresholds.map((fit) => ({ fit, score: score(fit) }));
  if (scored.some((x) => x.score < 0)) {
    const eliminated = asFits(
      isMap
        ? eliminationPath(stats.fs).map((W) => sparseParametrization(W, features, 'map'))
        : invariantEliminationPath(stats.st, undefined, dense).map((inv) => sparseParametrization([inv.coefficients], features, 'invariant')),
    );
    for (const fit of eliminated) scored.push({ fit, score: score(fit) });
  }
  let best = 0;
  for (let i = 1; i < scored.length; i++) if (scored[i].score < scored[best].score) best = i;
  return scored[best].fit;
}

/**
 * Dense fits this far from a law are stated as they are: dropping terms only fits worse, so no support
 * of theirs can hold within any tolerance a law may have (a map leaving most of the spread, an invariant
 * changing per step by about its spread: noise), and their sparse paths would cost most of the screening.
 * "Far" is a share of what m free terms fitted to n transitions of noise reach: a map's residual
 * 1 − m/n of the spread, an invariant's ratio 2(1 − √(m/n))² (the lower edge of the Marchenko–Pastur
 * law), so 256 coefficients fitted to 396 transitions of noise count as noise, not as a near-law.
 */
const FAR_MAP = 0.8; // share of the noise level of Σ residual² / Σ |u − ū|²
const FAR_INVARIANT = 0.6; // share of the noise level of Σ ΔI² / Σ (I − Ī)² (about 2 for an unrelated quantity)

/** The dense map W leaves the noise level's share {@link FAR_MAP} of the spread or more. */
function mapIsFar(stats: Extract<ScoringStats, { role: 'map' }>, features: string[], W: number[][]): boolean {
  const spread = stats.variance * (stats.nIn / Math.max(stats.n, 1));
  const noiseLevel = Math.max(1 - features.length / Math.max(stats.nIn, 1), 0);
  return residualSumOfSquares(W, stats.fs) > FAR_MAP * noiseLevel * spread;
}

/** The dense invariant's ratio is the noise level's share {@link FAR_INVARIANT} or more. */
function invariantIsFar(stats: ScoringStats, features: string[], ratio: number): boolean {
  const noiseLevel = 2 * Math.max(1 - Math.sqrt(features.length / Math.max(stats.nIn, 1)), 0) ** 2;
  return ratio > FAR_INVARIANT * noiseLevel;
}

/** The description length of a parameter setting of `fit` on `stats`: the score sparse paths are chosen by. */
export function descriptionLengthScore(fit: Omit<LawFit, 'parametrization' | 'params'>, stats: ScoringStats, sampleScale: number, floor: number): (f: StatsFit) => number {
  return ({ parametrization, params }) => {
    const candidate = { ...fit, parametrization, params };
    const stderrs = parameterStdErrors(candidate, params, stats, floor);
    const total = descriptionLength(candidate, params, params.map(() => null), stderrs, stats, sampleScale, floor).total;
    return Number.isFinite(total) ? total : Infinity;
  };
}

/** Invariant statistics of the linear features u straight from moments: Δu = u' − u. */
export function linearInvariantStats(sm: SubspaceMoments): ScoringStats {
  const D = sm.yy.map((row, i) => row.map((v, j) => v - sm.yx[i][j] - sm.yx[j][i] + sm.xx[i][j]));
  return { role: 'invariant', st: { n: sm.n, D, Cov: sm.cxx }, n: sm.n, nIn: sm.n };
}

/** Screen one candidate. Errors (a singular fit, NaN) are returned, not thrown: the search goes on. */
export function screenCandidate(
  c: CandidateSpec,
  basis: number[][],
  moments: Moments,
  /** The screening sample's transitions (see readSampleRows). */
  sampleRows: DataContext,
  threshold: number,
  cache: ScreenCache,
): ScreenOutcome {
  try {
    const k = basis.length;
    const role = c.role;
    const features = featuresFor(c, k);
    let sm = cache.projected.get(c.subspaceIndex);
    if (!sm) {
      sm = projectMoments(moments, basis);
      cache.projected.set(c.subspaceIndex, sm);
      cache.floors.set(c.subspaceIndex, subspaceFloors(sm, cache.resolution));
    }
    const floor = cache.floors.get(c.subspaceIndex)![role];
    let stats: ScoringStats;
    let sampleScale = 1;
    if (LINEAR_MAP_FAMILIES.has(c.family)) {
      const key = `${c.subspaceIndex}|${c.offset}`;
      if (!cache.linear.has(key)) {
        const fs = linearFeatureStats(sm, c.offset);
        cache.linear.set(key, { fs, leastSquares: leastSquaresResidual(fs) });
      }
      const { fs, leastSquares } = cache.linear.get(key)!;
      const mapStats = { role: 'map' as const, fs, n: sm.n, nIn: sm.n, variance: subspaceVariance(sm), k };
      const orthogonalFamily = c.family === 'orthogonal' || c.family === 'rotation';
      const ruledOut = (rssFloor: number) => rssFloor > 0 && cannotBeLaw(c.family, c.offset, c.structuralCost, features, mapStats, rssFloor, floor);
      if (ruledOut(Math.max(leastSquares ?? 0, orthogonalFamily ? orthogonalResidual(sm, c.offset) : 0))) return { ok: false, ruledOut: true, id: c.id };
      // The exact orthogonal floor costs a k × k eigenvalue problem: worth it where the fit is an SVD and more.
      if (c.family === 'orthogonal' && k > 2 && ruledOut(orthogonalResidualExact(sm, c.offset))) return { ok: false, ruledOut: true, id: c.id };
      stats = mapStats;
    } else if (c.family === 'linear_invariant') {
      stats = linearInvariantStats(sm);
    } else {
      const key = sampleKey(c.subspaceIndex, role, features);
      if (!cache.sampled.has(key)) sampleStatistics(sampleRows, c.subspaceIndex, basis, sm, cache, { role, features });
      stats = cache.sampled.get(key)!;
      sampleScale = sm.n / Math.max(stats.n, 1);
    }
    const featureCosts = c.family === 'library_map' ? [...c.libraryCosts, 0] : c.family === 'library_invariant' ? c.libraryCosts : undefined;
    const meta = { id: c.id, family: c.family, role, k, features, structuralCost: c.structuralCost, featureCosts };
    const { parametrization, params } = fitOnStats(c.family, c.offset, k, features, stats, sm, threshold, descriptionLengthScore(meta, stats, sampleScale, floor));
    const fit: LawFit = { ...meta, parametrization, params };
    const stderrs = parameterStdErrors(fit, params, stats, floor);
    const dl = descriptionLength(fit, params, params.map(() => null), stderrs, stats, sampleScale, floor);
    const relativeError = relativeErrorOf(dl.measure, stats);
    if (!Number.isFinite(dl.total) || !Number.isFinite(relativeError) || params.some((v) => !Number.isFinite(v))) {
      return { ok: false, id: c.id, error: 'fit produced a non-finite value' };
    }
    return { ok: true, fit, subspaceIndex: c.subspaceIndex, offset: c.offset, descriptionLength: dl.total, complexity: dl.complexity, relativeError };
  } catch (err) {
    return { ok: false, id: c.id, error: errorMessage(err) };
  }
}
