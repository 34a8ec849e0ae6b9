/**
 * What the laws do not cover. The directions of the latent space outside every reported law's subspace
 * and outside its constant part are summarised, so that a user knows whether the rest is noise or
 * structure no law explains: their number, their RMS spread, and how much of their value one or two
 * steps on their current value predicts (lag-1 and lag-2 linear fits, from the moments already gathered).
 */
import type { ComplementSummary } from '../../types.js';
import { explainedDiagonal, identity, type Mat, orthonormalRows, timesPow2 } from '../kernels/linalg.js';
import { type Moments, projectCentred } from '../moments/moments.js';
import { lagCovariances } from '../moments/noise-model.js';

/** Share of the next value a linear fit may predict for the rest still to count as white noise. */
export const WHITE_NOISE_MAX = 0.05;

/** One of the complement's two predictabilities, as a worker task (see {@link predictedShareAt}). */
export interface ComplementTask {
  moments: Moments;
  /** Orthonormal rows of the covered directions. */
  covered: number[][];
  lag: 1 | 2;
}

/**
 * Summary of the complement of `covered` (orthonormal rows of laws' subspaces and of the constant
 * part, in data coordinates), or null when the laws and constants span the whole space (or its
 * moments are degenerate). `share` computes the two predictabilities, each a d³ solve at d = 1024,
 * so fit.ts runs them on two workers at once; by default they run here. `progress` counts them
 * (0 of 2, then one as each ends), only where there is a complement.
 * @param exponent the data were searched × 2^-exponent: the spread is stated back in data units
 */
export async function describeComplement(
  mom: Moments,
  covered: number[][],
  exponent: number,
  share: (task: ComplementTask) => Promise<ComplementShare> = async (task) => predictedShareAt(task),
  progress: (done: number, total: number) => void = () => {},
): Promise<ComplementSummary | null> {
  // Laws' subspaces may overlap (nested or shared directions); tol: directions already covered to 1e-6.
  const q = orthonormalRows(covered, 1e-6);
  const k = mom.dim - q.length;
  if (k <= 0) return null;
  let done = 0;
  progress(done, 2);
  const counted = async (task: ComplementTask) => {
    const result = await share(task);
    progress(++done, 2);
    return result;
  };
  try {
    const [oneStep, twoSteps] = await Promise.all(([1, 2] as const).map((lag) => counted({ moments: mom, covered: q, lag })));
    const predictedShare = Math.max(oneStep.share, twoSteps.share);
    return {
      dim: k,
      rms: timesPow2(Math.sqrt(Math.max(oneStep.variance ?? 0, 0)), exponent),
      predictedShare,
      verdict: predictedShare <= WHITE_NOISE_MAX ? 'white noise' : 'structure left',
    };
  } catch {
    return null; // degenerate moments (a direction without variance): nothing to say about it
  }
}

/** What a {@link ComplementTask} finds: the predicted share, and at lag 1 the mean variance per direction. */
export interface ComplementShare {
  share: number;
  variance?: number;
}

/**
 * The share of the complement's next value (lag 1), or of the one after (lag 2), that a linear fit on
 * its current value predicts, adjusted for what chance explains; 0 at lag 2 without lag-2 moments.
 * Structure that skips a step (a period-2 flip seen through noise, a slow oscillation) is not white
 * noise either. Figures come from the full space's moments and P = I − QᵀQ, the projector on the
 * complement of the covered rows Q: each is a trace, unchanged by the basis of the complement, so none
 * is built (at d = 1024 projecting the moments on one cost seconds). @throws Error on degenerate moments.
 */
export function predictedShareAt(task: ComplementTask): ComplementShare {
  const { moments: mom, covered: q, lag: steps } = task;
  const k = mom.dim - q.length;
  if (steps === 1) {
    const sm = projectCentred(mom, identity(mom.dim)); // coordinates: picked out, not multiplied
    const cxx = onComplement(sm.cxx, q);
    // Residual of u' on u: cyy − cyx cxx⁻¹ cxy, its trace the unpredicted part.
    const explained = explainedOnComplement(cxx, onComplement(sm.cyx, q), q);
    return { share: adjustedShare(explained, trace(onComplement(sm.cyy, q)), sm.n, k), variance: trace(cxx) / Math.max(sm.n, 1) / k };
  }
  const lag = lagCovariances(mom, identity(mom.dim));
  if (!lag) return { share: 0 };
  const C0 = onComplement(lag.C0, q);
  return { share: adjustedShare(explainedOnComplement(C0, onComplement(lag.C2, q), q), trace(C0), lag.n, k) };
}

/**
 * tr(B Cyx Bᵀ (B Cxx Bᵀ)⁻¹ B Cxy Bᵀ) for an orthonormal basis B of the complement, from PCxxP and
 * PCyxP: (B Cxx Bᵀ)⁻¹ = B M⁻¹ Bᵀ with M = P Cxx P + s QᵀQ (M is B Cxx Bᵀ on the complement and s·I on
 * the covered rows; s, the mean variance, keeps M as well conditioned as B Cxx Bᵀ).
 */
export function explainedOnComplement(pCxxP: Mat, pCyxP: Mat, q: number[][]): number {
  const d = pCxxP.length;
  const s = trace(pCxxP) / Math.max(d - q.length, 1);
  const M: Mat = new Array(d);
  for (let i = 0; i < d; i++) {
    const row = pCxxP[i];
    const out = new Array<number>(d);
    for (let j = 0; j < d; j++) {
      let qq = 0;
      for (let a = 0; a < q.length; a++) qq += q[a][i] * q[a][j];
      out[j] = row[j] + s * qq;
    }
    M[i] = out;
  }
  return explainedBy(M, pCyxP);
}

/**
 * P X P with P = I − QᵀQ (Q orthonormal rows), by rank-r updates instead of d × d products. Walks X
 * along its rows, as it is stored (columns of a 1024-row array of rows miss the cache at every entry).
 */
export function onComplement(X: Mat, q: number[][]): Mat {
  if (q.length === 0) return X;
  const d = X.length;
  const r = q.length;
  const qX = q.map(() => new Float64Array(d)); // Q X
  const Xq = X.map(() => new Float64Array(r)); // X Qᵀ
  for (let i = 0; i < d; i++) {
    const row = X[i];
    for (let a = 0; a < r; a++) {
      const qa = q[a];
      const acc = qX[a];
      const w = qa[i];
      let dot = 0;
      for (let j = 0; j < d; j++) {
        acc[j] += w * row[j];
        dot += row[j] * qa[j];
      }
      Xq[i][a] = dot;
    }
  }
  const qXq = q.map((_, a) => q.map((qb) => dotOf(qX[a], qb))); // Q X Qᵀ
  const out: Mat = new Array(d);
  const qtQXQ = new Float64Array(r); // row i of Qᵀ Q X Qᵀ
  for (let i = 0; i < d; i++) {
    for (let b = 0; b < r; b++) {
      let acc = 0;
      for (let a = 0; a < r; a++) acc += q[a][i] * qXq[a][b];
      qtQXQ[b] = acc;
    }
    const row = X[i];
    const xq = Xq[i];
    const o = new Array<number>(d);
    for (let j = 0; j < d; j++) {
      let v = row[j];
      for (let a = 0; a < r; a++) v += -q[a][i] * qX[a][j] - xq[a] * q[a][j] + qtQXQ[a] * q[a][j];
      o[j] = v;
    }
    out[i] = o;
  }
  return out;
}

/** Σ x_j y_j in index order. */
function dotOf(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let acc = 0;
  for (let j = 0; j < x.length; j++) acc += x[j] * y[j];
  return acc;
}

/** tr(C_yx C_xx⁻¹ C_xy): the variance of the target y a linear fit on x explains. */
function explainedBy(Cxx: Mat, Cyx: Mat): number {
  return explainedDiagonal(Cxx, Cyx).reduce((s, v) => s + v, 0);
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

const trace = (m: Mat) => m.reduce((s, row, i) => s + row[i], 0);
