/**
 * Refining a data-proposed subspace. Eigenvectors of the least-squares operator on the whole space are
 * tilted by the regression noise of every other dimension (an error of order 1/√N). The law's own
 * subspace is where the next state is best predicted from the current one *within* the subspace, so we
 * minimise the relative residual of the subspace's own linear fit,
 *   f(B) = min_M Σ |B z'_c − M B z_c|² / tr(B C Bᵀ)      (z_c centred, C the state covariance),
 * over orthonormal B by Riemannian gradient descent on moments only (variable projection: the gradient
 * is taken at the optimal M). Precision then follows the law's own noise, not the noise dimensions'.
 */
import { ResidentRows } from '../kernels/gram-simd.js';
import { type Mat, matmul, orthonormalRows, solve, transpose } from '../kernels/linalg.js';
import { median, trimmedRefit } from '../kernels/trimmed-refit.js';
import { type CentredMoments, type MaskedMomentsStorage, maskedSampleMoments, sampleCentredMoments, type SampleMoments } from './sample-moments.js';
import type { StateArray } from '../../types.js';


const sandwich = (B: Mat, S: Mat): Mat => matmul(matmul(B, S), transpose(B));

/** B·C for the moments C (and B·Cxy, Cxy = Cyxᵀ): the d² work of each refinement step. */
interface MomentProducts {
  xx(B: Mat): Mat;
  yx(B: Mat): Mat;
  yy(B: Mat): Mat;
  xy(B: Mat): Mat;
}

/** From this dimension the moments are kept in a WebAssembly instance for the whole refinement. */
const RESIDENT_FROM = 128;

/**
 * The products for refining a k-row basis on `m`: from {@link RESIDENT_FROM} dimensions on the SIMD
 * cross kernel with the moments kept in its memory (8× the plain product at d = 1024), else plain.
 */
function momentProducts(m: CentredMoments, k: number): MomentProducts {
  const d = m.cxx.length;
  if (d < RESIDENT_FROM) return plainProducts(m);
  // The kernel takes B against rows: B·C is B against the rows of Cᵀ (C itself where symmetric).
  const resident = ResidentRows.load([{ rows: m.cxx }, { rows: m.cyx, transposed: true }, { rows: m.cyy }, { rows: m.cyx }], d, k);
  if (!resident) return plainProducts(m);
  return { xx: (B) => resident.timesTransposed(0, B), yx: (B) => resident.timesTransposed(1, B), yy: (B) => resident.timesTransposed(2, B), xy: (B) => resident.timesTransposed(3, B) };
}

/** The products by the plain row-by-row multiplication (one objective, or few dimensions). */
function plainProducts(m: CentredMoments): MomentProducts {
  let cxy: Mat | undefined;
  return { xx: (B) => matmul(B, m.cxx), yx: (B) => matmul(B, m.cyx), yy: (B) => matmul(B, m.cyy), xy: (B) => matmul(B, (cxy ??= transpose(m.cyx))) };
}

/** The objective at B, with M, its denominator, and B·C for the moments (the gradient reuses them). */
export function objective(B: Mat, m: CentredMoments, products: MomentProducts = plainProducts(m)): { f: number; M: Mat; den: number; BCxx: Mat; BCyx: Mat; BCyy: Mat } {
  const Bt = transpose(B);
  const BCxx = products.xx(B);
  const BCyx = products.yx(B);
  const BCyy = products.yy(B);
  const bxx = matmul(BCxx, Bt);
  const byx = matmul(BCyx, Bt);
  const byy = matmul(BCyy, Bt);
  const M = transpose(solve(bxx, transpose(byx)));
  const k = B.length;
  let num = 0;
  let den = 0;
  // N = tr(byy) − 2 tr(M byxᵀ) + tr(M bxx Mᵀ)
  const MbxxMt = sandwich(M, bxx);
  for (let i = 0; i < k; i++) {
    num += byy[i][i] - 2 * M[i].reduce((s, v, j) => s + v * byx[i][j], 0) + MbxxMt[i][i];
    den += 0.5 * (bxx[i][i] + byy[i][i]);
  }
  return { f: den > 0 ? Math.max(num, 0) / den : Infinity, M, den, BCxx, BCyx, BCyy };
}

/** The Riemannian gradient at `at` (an {@link objective} result). */
function gradient(B: Mat, at: ReturnType<typeof objective>, products: MomentProducts): Mat {
  const { M, f, den, BCxx, BCyx, BCyy } = at;
  const Mt = transpose(M);
  // Small k × k factors first: Mᵀ(B Cyx) costs k²d, (Mᵀ B) Cyx k d².
  const MtBCyx = matmul(Mt, BCyx);
  const MBCxy = matmul(M, products.xy(B));
  const MtMBCxx = matmul(matmul(Mt, M), BCxx);
  const G = B.map((row, i) =>
    row.map((_, j) => {
      const gradN = 2 * BCyy[i][j] - 2 * (MtBCyx[i][j] + MBCxy[i][j]) + 2 * MtMBCxx[i][j];
      const gradD = BCxx[i][j] + BCyy[i][j];
      return (gradN - f * gradD) / den;
    }),
  );
  // Project onto the tangent space of the Stiefel manifold at B (rows orthonormal).
  const GBt = matmul(G, transpose(B));
  const proj = matmul(GBt, B);
  return G.map((row, i) => row.map((v, j) => v - proj[i][j]));
}

/** Refine an orthonormal basis; returns the improved basis (never worse than the input). */
export function refineSubspace(basis: Mat, m: CentredMoments, maxIter = 150): Mat {
  let B = basis.map((r) => r.slice());
  const products = momentProducts(m, B.length);
  let cur = objective(B, m, products);
  if (!Number.isFinite(cur.f)) return basis;
  let step = 0.1;
  for (let it = 0; it < maxIter; it++) {
    const G = gradient(B, cur, products);
    const gnorm = Math.sqrt(G.reduce((s, row) => s + row.reduce((t, v) => t + v * v, 0), 0));
    if (!(gnorm > 1e-15)) break;
    let accepted = false;
    for (let tries = 0; tries < 30; tries++) {
      const trial = orthonormalRows(B.map((row, i) => row.map((v, j) => v - (step / gnorm) * G[i][j])));
      if (trial.length !== B.length) {
        step /= 2;
        continue;
      }
      const next = objective(trial, m, products);
      if (next.f < cur.f) {
        const gain = cur.f - next.f;
        B = trial;
        cur = next;
        step *= 2;
        accepted = true;
        if (gain <= 1e-13 * Math.max(cur.f, 1e-300)) it = maxIter;
        break;
      }
      step /= 2;
      if (step < 1e-14) break;
    }
    if (!accepted) break;
  }
  return B;
}

/** A subspace refined on a subset of the sample, with what its residuals need. */
interface Refined {
  B: Mat;
  m: SampleMoments;
  bxx: Mat;
  M: Mat;
}


/**
 * Outlier transitions (cuts, glitches) bias moment-based refinement. Re-weight on a sample instead:
 * fit the subspace's own linear map, keep transitions within 5× the median residual (at most a tenth
 * of the spread), refine on those, and repeat a few rounds (iteratively trimmed least squares).
 * `wholeSample`, when given, returns the whole sample's moments, shared by the subspaces refined on it;
 * `reuse` holds the trimmed rounds' moments (one refinement at a time may use it).
 */
export function robustRefine(basis: Mat, states: StateArray, dim: number, starts: Uint32Array, sample: Uint32Array, wholeSample?: () => SampleMoments, reuse: MaskedMomentsStorage = {}, rounds = 8): Mat {
  const refineOn = (B: Mat, mask: Uint8Array | null): Refined => {
    const whole = wholeSample?.();
    const m = !whole ? sampleCentredMoments(states, dim, starts, sample, mask) : mask ? maskedSampleMoments(whole, states, dim, starts, sample, mask, reuse) : whole;
    const refined = refineSubspace(B, m);
    const bxx = sandwich(refined, m.cxx);
    const byx = sandwich(refined, m.cyx);
    return { B: refined, m, bxx, M: transpose(solve(bxx, transpose(byx))) };
  };
  const { fit } = trimmedRefit(refineOn(basis, null), {
    residuals: (f) => planeResiduals(f, states, dim, starts, sample),
    threshold: (r, f) => {
      let spread = 0;
      for (let p = 0; p < f.B.length; p++) spread += f.bxx[p][p];
      return Math.min(5 * median(r), 0.1 * Math.sqrt(spread / Math.max(sample.length, 1)));
    },
    // Fewer inliers: not a near-perfect law here, so keep what we have.
    minKept: Math.max(3 * dim, 0.5 * sample.length),
    maxRefits: rounds - 1,
    refit: (f, inliers) => {
      const mask = new Uint8Array(sample.length);
      for (const i of inliers) mask[i] = 1;
      return refineOn(f.B, mask);
    },
  });
  return fit.B;
}

/** Residual of each sampled transition under the subspace's own centred linear map. */
function planeResiduals(f: Refined, states: StateArray, dim: number, starts: Uint32Array, sample: Uint32Array): Float64Array {
  const { B, m, M } = f;
  const k = B.length;
  const r = new Float64Array(sample.length);
  const u = new Float64Array(k);
  const v = new Float64Array(k);
  for (let i = 0; i < sample.length; i++) {
    const a = starts[sample[i]] * dim;
    for (let p = 0; p < k; p++) {
      let su = 0;
      let sv = 0;
      for (let j = 0; j < dim; j++) {
        su += B[p][j] * (states[a + j] - m.meanX[j]);
        sv += B[p][j] * (states[a + dim + j] - m.meanY[j]);
      }
      u[p] = su;
      v[p] = sv;
    }
    let s2 = 0;
    for (let p = 0; p < k; p++) {
      let pred = 0;
      for (let q = 0; q < k; q++) pred += M[p][q] * u[q];
      s2 += (v[p] - pred) ** 2;
    }
    r[i] = Math.sqrt(s2);
  }
  return r;
}
