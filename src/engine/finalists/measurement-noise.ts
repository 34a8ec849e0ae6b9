/**
 * Maps judged through measurement noise. On a subspace whose readings' error is measurement noise
 * (moments/noise-model.ts), least squares shrinks every map and the residual of even the true law is
 * the noise, far above any tolerance meant for exact laws. There the linear families are fitted again
 * on moments with the noise taken out (unbiased), scored on statistics without it (so "near-perfect"
 * means perfect for the clean state), with the noise as the resolution below which parameters are not
 * resolved, and held to a tolerance the noise explains.
 */
import type { MeasurementNoise } from '../../types.js';
import { fitLinearFamily, LINEAR_MAP_FAMILIES } from '../model/families.js';
import { residualMeasure, type ScoringStats } from '../model/law-fit.js';
import { type Moments, projectMoments, type SubspaceMoments } from '../moments/moments.js';
import { limitsMaps, type NoiseModel, noiseModel, withoutMeasurementNoise } from '../moments/noise-model.js';
import type { FinalistResult } from './finalize.js';

/** Share of a true law's residuals a noise tolerance leaves out (the χ² tail it cuts). */
const TAIL = 1e-3;

/** What a subspace's finalists need to be judged through its measurement noise. */
export interface SubspaceNoise {
  model: NoiseModel;
  basis: number[][];
  /** Residual norm (data units of the search) a law holding for the clean state stays under but for {@link TAIL}. */
  tolerance: number;
}

/** The measurement noise of a subspace when it limits what its maps can reach (see limitsMaps), else null. */
export function subspaceNoise(moments: Moments, basis: number[][], capRel: number): SubspaceNoise | null {
  const model = noiseModel(moments, basis);
  if (!model || !limitsMaps(model, capRel)) return null;
  const k = basis.length;
  return { model, basis, tolerance: Math.sqrt((model.lawResidual * chiSquareQuantile(k)) / k) };
}

/** Below this share of the noise a clean law leaves, a fitted residual is structure the noise model missed. */
const STRUCTURE_SHARE = 0.5;

/**
 * The finalists of a subspace whose readings' error looked like measurement noise, judged through it
 * (see {@link judgeThroughNoise}) — unless a finalist of another family fits below that noise: then
 * the error is structure that happens to be uncorrelated in time (an encoder's distortion that varies
 * quickly with the state), which a nonlinear map states better, and nothing is judged through it.
 */
export function judgeGroupThroughNoise<E extends { result: FinalistResult; offset: boolean }>(entries: E[], noise: SubspaceNoise, moments: Moments): E[] {
  const structured = entries.some(({ result }) => {
    if (result.fit.role !== 'map' || LINEAR_MAP_FAMILIES.has(result.fit.family) || result.stats.role !== 'map') return false;
    const perTransition = residualMeasure(result.fit, result.fit.params, result.stats) / Math.max(result.stats.nIn, 1);
    return perTransition < STRUCTURE_SHARE * noise.model.lawResidual;
  });
  if (structured) return entries;
  // The subspace's clean-state moments, once for all its finalists.
  const cleanMoments = withoutMeasurementNoise(projectMoments(moments, noise.basis), noise.model.measurement);
  return entries.map((e) => ({ ...e, result: judgeThroughNoise(e.result, noise, cleanMoments, e.offset) }));
}

/** A map finalist on a noise-limited subspace, refitted and scored as stated in the module comment. */
function judgeThroughNoise(result: FinalistResult, noise: SubspaceNoise, cleanMoments: SubspaceMoments, offset: boolean): FinalistResult {
  // Only the linear families are what the noise model describes; the rest keep their judgement.
  if (result.fit.role !== 'map' || !LINEAR_MAP_FAMILIES.has(result.fit.family) || result.stats.role !== 'map') return result;
  const { model } = noise;
  const params = fitLinearFamily(result.fit.family, cleanMoments, offset);
  const clean = statsWithoutNoise(result.stats, result.fit.features, model.measurement, 0);
  if (!params.every(Number.isFinite) || !clean) return result;
  const judged: FinalistResult = { ...result, noiseTolerance: noise.tolerance, noise: measurementSummary(model, result.spread) };
  // Scored with the noise a clean law leaves as a constant residual: differences between fits are
  // measured against it (as likelihoods are), without the pull toward shrinking maps.
  const scored = statsWithoutNoise(result.stats, result.fit.features, model.measurement, model.lawResidual)!;
  return { ...judged, fit: { ...result.fit, params }, stats: scored, cleanStats: clean };
}

/**
 * Map statistics over the inliers with n R taken from Σ u uᵀ and Σ u' u'ᵀ (features u1…uk, maybe 1)
 * and n × `residual` added to every fit's residual sum; null when the features are not these.
 */
function statsWithoutNoise(stats: Extract<ScoringStats, { role: 'map' }>, features: string[], R: number[][], residual: number): ScoringStats | null {
  const k = stats.k;
  const cols = Array.from({ length: k }, (_, i) => features.indexOf(`u${i + 1}`));
  if (cols.some((c) => c < 0)) return null;
  const n = stats.fs.n;
  const G = stats.fs.G.map((row) => [...row]);
  const Y = stats.fs.Y.map((row, i) => row.map((v, j) => v - n * R[i][j] + (i === j ? (n * residual) / k : 0)));
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) G[cols[i]][cols[j]] -= n * R[i][j];
  return { ...stats, fs: { ...stats.fs, G, Y } };
}

/** The noise as reported with a law: scales per coordinate (RMS) and shares of the readings' spread. */
function measurementSummary(model: NoiseModel, spread: number): MeasurementNoise {
  const k = model.measurement.length;
  const rms = (M: number[][]) => Math.sqrt(Math.max(M.reduce((s, row, i) => s + row[i], 0), 0) / k);
  const signal = spread / Math.sqrt(k);
  return {
    measurementRms: rms(model.measurement),
    processRms: rms(model.process),
    measurementShare: rms(model.measurement) / Math.max(signal, 1e-300),
    processShare: rms(model.process) / Math.max(signal, 1e-300),
  };
}

/** The standard normal quantile at 1 − {@link TAIL}. */
const Z_TAIL = 3.090232306167813;

/** χ²_k quantile at 1 − {@link TAIL} (Wilson–Hilferty: within 3% at k = 1, closer above). */
function chiSquareQuantile(k: number): number {
  const c = 2 / (9 * k);
  return k * (1 - c + Z_TAIL * Math.sqrt(c)) ** 3;
}
