/**
 * Measurement noise on a subspace, from the moments alone. With readings z_t = x_t + e_t of a clean
 * state x_{t+1} = A x_t + b + w_t, white reading noise e (covariance R) and process noise w
 * (covariance Q), the lagged covariances over one set of transitions obey
 *   C1 = cov(z_{t+1}, z_t) = A Σx,   C2 = cov(z_{t+2}, z_t) = A C1,   C0 = cov(z_t) = Σx + R,
 * so A = C2 C1⁻¹ (the instrumental-variable estimate: unbiased where least squares shrinks every map),
 * Σx = C1 C2⁻¹ C1 and R = C0 − Σx; what the residual z' − A z − b has beyond R + A R Aᵀ is Q.
 */
import { type Mat, matmul, scale, solve, sub, symmetricEigen, trace, transpose, zeros } from '../kernels/linalg.js';
import { coordinatesOf } from '../kernels/project.js';
import { withoutExcluded } from './excluded.js';
import { centredInPlace, type Moments, projectedSums, type SubspaceMoments } from './moments.js';

/** The noise of a subspace's readings, per transition (covariances in the subspace's coordinates). */
export interface NoiseModel {
  /** Measurement noise covariance R. */
  measurement: Mat;
  /** Process noise covariance Q (what the clean state's map leaves). */
  process: Mat;
  /** The clean state's linear map (the lag-2 estimate). */
  map: Mat;
  /** tr R / tr C0: the share of the readings' variance that is measurement noise. */
  measurementShare: number;
  /** tr Q / tr C0. */
  processShare: number;
  /** tr(R + A R Aᵀ): the residual variance per transition of a law that holds for the clean state. */
  lawResidual: number;
  /** tr(C0 − R): the clean state's variance per transition. */
  cleanVariance: number;
  /** Transitions the lagged covariances were taken over. */
  n: number;
}

/** Smallest measurement-noise share (of variance; 3% in amplitude) that changes how laws are judged. */
export const MIN_MEASUREMENT_SHARE = 1e-3;

/**
 * Largest measurement-noise share (of variance) a subspace's laws are judged through: readings that
 * are mostly noise are a law's plane mixed with white-noise dimensions, and the law is stated on its
 * own plane (judging every such mixture would also cost each its own pass over the data).
 */
export const MAX_MEASUREMENT_SHARE = 0.5;

/** Largest tr Q, as a share of tr(R + A R Aᵀ), for the error to count as measurement noise. */
export const MAX_PROCESS_RATIO = 0.25;

/** Smallest correlation between successive readings (in their least-correlated direction) to estimate anything. */
const MIN_LAG_CORRELATION = 0.1;

/**
 * The noise model of the subspace spanned by the orthonormal rows of `basis`, or null when the data
 * cannot tell (no lag-2 moments, too few transitions, or successive readings barely correlated, as
 * for white noise or a static point: there is no clean motion to separate noise from).
 */
export function noiseModel(mom: Moments, basis: number[][]): NoiseModel | null {
  const lag = lagCovariances(mom, basis);
  if (!lag) return null;
  const { C0, C0next, C1, C2, n } = lag;
  if (smallestCorrelation(C0, C0next, C1) < Math.max(MIN_LAG_CORRELATION, 10 / Math.sqrt(n))) return null;
  if (smallestCorrelation(C0, C0next, C2) < Math.max(MIN_LAG_CORRELATION, 10 / Math.sqrt(n))) return null;
  const A = transpose(solve(transpose(C1), transpose(C2)));
  const clean = symmetrize(matmul(C1, solve(C2, C1)));
  const R = positivePart(symmetrize(sub(C0, clean)));
  // Residual of the clean map on the readings: cov(z' − A z).
  const AC1t = matmul(A, transpose(C1));
  const residual = symmetrize(addAll([C0next, scale(AC1t, -1), scale(transpose(AC1t), -1), matmul(matmul(A, C0), transpose(A))]));
  const ARAt = matmul(matmul(A, R), transpose(A));
  const Q = positivePart(symmetrize(sub(sub(residual, R), ARAt)));
  const total = trace(C0);
  if (!(total > 0) || ![A, R, Q].every((M) => M.every((row) => row.every(Number.isFinite)))) return null;
  return {
    measurement: R,
    process: Q,
    map: A,
    measurementShare: trace(R) / total,
    processShare: trace(Q) / total,
    lawResidual: trace(R) + trace(ARAt),
    cleanVariance: Math.max(total - trace(R), 0),
    n,
  };
}

/**
 * The readings' error is measurement noise that limits what maps on the subspace can reach: R is a
 * measurable share of the variance but not most of it, and the clean state's map leaves little beside it — Q at most a
 * {@link MAX_PROCESS_RATIO} of the noise a clean law leaves, and, less its uncertainty, within
 * `capRel` of the clean state's spread (the bar any law meets).
 */
export function limitsMaps(model: NoiseModel, capRel: number): boolean {
  const q = trace(model.process);
  // A variance estimated from n correlated residuals is uncertain by about 2/√n of its size.
  const resolved = Math.max(q - (4 / Math.sqrt(model.n)) * model.lawResidual, 0);
  const share = model.measurementShare;
  return share >= MIN_MEASUREMENT_SHARE && share <= MAX_MEASUREMENT_SHARE && q <= MAX_PROCESS_RATIO * model.lawResidual && resolved <= capRel * capRel * model.cleanVariance;
}

/**
 * Subspace moments with the measurement noise taken out of the states' second moments (Σ u uᵀ and
 * Σ u' u'ᵀ lose n R; cross moments carry none): fitted on them, every linear family is unbiased.
 */
export function withoutMeasurementNoise(sm: SubspaceMoments, R: Mat): SubspaceMoments {
  const less = (M: Mat) => M.map((row, i) => row.map((v, j) => v - sm.n * R[i][j]));
  return { ...sm, xx: less(sm.xx), yy: less(sm.yy), cxx: less(sm.cxx), cyy: less(sm.cyy) };
}

/**
 * Covariances per transition over the transitions with a state two steps on, projected on `basis`:
 * C0 = cov(u_t), C0next = cov(u_{t+1}), C1 = cov(u_{t+1}, u_t), C2 = cov(u_{t+2}, u_t).
 */
export function lagCovariances(mom: Moments, basis: number[][]): { C0: Mat; C0next: Mat; C1: Mat; C2: Mat; n: number } | null {
  const lag = mom.lag;
  const d = mom.dim;
  if (!lag || lag.n < 3 * basis.length + 3) return null;
  // The lag-2 set's sums: its own (thinned), or every transition's less those it leaves out.
  const project = (S: Float64Array) => projectedSums(S, d, basis);
  const shifted = lag.base ? project(lag.base) : withoutExcluded(project(mom.sums), lag.excluded!, d, basis, project);
  const sx = shifted.sx;
  const sm = centredInPlace(shifted, lag.n, basis, mom.shift);
  const n = lag.n;
  // Σ u u''ᵀ and Σ u'' in shifted coordinates, like sm's centred sums.
  const k = basis.length;
  const cross = zeros(k, k);
  const s2 = new Array<number>(k).fill(0);
  const coords = coordinatesOf(basis);
  if (coords) {
    // Unit vectors: the sums are picked out.
    coords.forEach((ca, a) => {
      coords.forEach((cb, b) => (cross[a][b] = lag.ahead[ca * d + cb]));
      s2[a] = lag.ahead[d * d + ca];
    });
  }
  // Row a of B·ahead first, walking `ahead` by rows (each entry still summed over p in order).
  const t = new Float64Array(d);
  for (let a = 0; a < (coords ? 0 : k); a++) {
    t.fill(0);
    for (let p = 0; p < d; p++) {
      const w = basis[a][p];
      if (w === 0) continue;
      for (let q = 0; q < d; q++) t[q] += w * lag.ahead[p * d + q];
    }
    for (let q = 0; q < d; q++) {
      for (let b = 0; b < k; b++) cross[a][b] += t[q] * basis[b][q];
      s2[a] += basis[a][q] * lag.ahead[d * d + q];
    }
  }
  // cov(u'', u) = (Σ u'' uᵀ − Σu'' Σuᵀ / n) / n.
  const C2 = zeros(k, k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) C2[a][b] = (cross[b][a] - (s2[a] * sx[b]) / n) / n;
  const per = (M: Mat) => M.map((row) => row.map((v) => v / n));
  return { C0: per(sm.cxx), C0next: per(sm.cyy), C1: per(sm.cyx), C2, n };
}

/** Smallest singular value of C0^{-1/2} C C0'^{-1/2}: the weakest correlation C carries. */
function smallestCorrelation(C0: Mat, C0next: Mat, C: Mat): number {
  const a = inverseRoot(C0);
  const b = inverseRoot(C0next);
  if (!a || !b) return 0;
  const M = matmul(matmul(a, C), b);
  const { values } = symmetricEigen(symmetrize(matmul(transpose(M), M)));
  return Math.sqrt(Math.max(Math.min(...values), 0));
}

function inverseRoot(S: Mat): Mat | null {
  const { values, vectors } = symmetricEigen(symmetrize(S));
  const k = S.length;
  const top = Math.max(...values);
  if (!(top > 0) || values.some((v) => !(v > 1e-12 * top))) return null;
  const out = zeros(k, k);
  values.forEach((v, i) => {
    for (let p = 0; p < k; p++) for (let q = 0; q < k; q++) out[p][q] += (vectors[i][p] * vectors[i][q]) / Math.sqrt(v);
  });
  return out;
}

/** The positive semidefinite part of a symmetric matrix (negative eigenvalues are estimation noise). */
function positivePart(S: Mat): Mat {
  const { values, vectors } = symmetricEigen(S);
  const out = zeros(S.length, S.length);
  values.forEach((v, i) => {
    if (!(v > 0)) return;
    for (let p = 0; p < S.length; p++) for (let q = 0; q < S.length; q++) out[p][q] += v * vectors[i][p] * vectors[i][q];
  });
  return out;
}

const symmetrize = (S: Mat): Mat => S.map((row, i) => row.map((v, j) => (v + S[j][i]) / 2));
const addAll = (ms: Mat[]): Mat => ms.slice(1).reduce((acc, m) => acc.map((row, i) => row.map((v, j) => v + m[i][j])), ms[0]);
