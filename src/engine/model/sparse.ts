/**
 * Fits over library features: sparse maps u' = W φ(u) by sequentially thresholded least squares
 * (SINDy's STLSQ, discrete-time form) and conserved quantities I = c·φ(u) as the smallest generalised
 * eigenvector of (Σ Δφ Δφᵀ, Cov φ), sparsified the same way. Both work on moment matrices only.
 */
import { type Mat, smallestGeneralizedEigen, solve } from '../kernels/linalg.js';
import type { FeatureStats } from './families.js';

/** Moments for invariant fitting over features φ of the states. */
export interface InvariantStats {
  n: number;
  /** Σ (φ(u') − φ(u)) (φ(u') − φ(u))ᵀ. */
  D: Mat;
  /** Σ (φ(u) − φ̄)(φ(u) − φ̄)ᵀ over the transitions' first states. */
  Cov: Mat;
}

/**
 * Powers of two near 1/√diag: multiplying features by them (exactly) brings terms of different degrees
 * (1, u, u², …) to one scale, so the ridge, the pseudo-inverse's cut-off and the eigen-solver's range
 * test treat every term alike whatever the data's units. Without it, at |u| ≈ 100 the ridge sized by
 * the u² terms swamps the constant term (a planted quadratic map came out 15% off), and at |u| ≈ 1e-3
 * the cut-off drops the u² terms as if they were zero.
 */
function equilibration(diag: number[]): number[] {
  return diag.map((g) => (g > 0 && g < Infinity ? 2 ** -Math.round(Math.log2(g) / 2) : 1));
}

/** M_SS with rows and columns multiplied by s (the support's equilibration). */
function scaledBlock(M: Mat, support: number[], s: number[]): Mat {
  return support.map((i, a) => support.map((j, b) => M[i][j] * s[a] * s[b]));
}

/** Solve G_SS w = c_S on a support set, with a tiny ridge so collinear library terms stay solvable. */
function solveOnSupport(G: Mat, c: number[], support: number[]): number[] {
  const s = equilibration(support.map((i) => G[i][i]));
  const Gs = scaledBlock(G, support, s);
  const ridge = 1e-12 * (Gs.reduce((sum, row, i) => sum + row[i], 0) / Math.max(support.length, 1));
  for (let i = 0; i < Gs.length; i++) Gs[i][i] += ridge;
  const w = solve(
    Gs,
    support.map((i, a) => [c[i] * s[a]]),
  ).map((r, a) => r[0] * s[a]);
  const full = new Array<number>(G.length).fill(0);
  support.forEach((j, idx) => (full[j] = w[idx]));
  return full;
}

/**
 * STLSQ on feature moments: least squares, then repeatedly drop coefficients whose scaled magnitude
 * |w_j|·rms(φ_j) is below `threshold` times the row's largest, and refit on what is left.
 * Returns W (k × m) with exact zeros off the support.
 */
export function stlsq(fs: FeatureStats, threshold: number, maxIter = 10): Mat {
  const m = fs.G.length;
  const n = Math.max(fs.n, 1);
  const scale = fs.G.map((row, j) => Math.sqrt(Math.max(row[j], 0) / n));
  return fs.C.map((cRow) => {
    let support = Array.from({ length: m }, (_, j) => j).filter((j) => scale[j] > 0);
    let w = solveOnSupport(fs.G, cRow, support);
    for (let it = 0; it < maxIter; it++) {
      const mags = w.map((v, j) => Math.abs(v) * scale[j]);
      const top = Math.max(...mags);
      const next = support.filter((j) => mags[j] >= threshold * top);
      if (next.length === support.length || next.length === 0) break;
      support = next;
      w = solveOnSupport(fs.G, cRow, support);
    }
    return w;
  });
}

/** Ratio Σ ΔI² / Σ (I − Ī)² of an invariant I = c·φ: 0 when exactly conserved, ≈ 2 for an unrelated quantity. */
export function invariantRatio(c: number[], st: InvariantStats): number {
  const quad = (M: Mat) => c.reduce((s, ci, i) => s + ci * M[i].reduce((t, mij, j) => t + mij * c[j], 0), 0);
  const den = quad(st.Cov);
  return den > 0 ? Math.max(quad(st.D), 0) / den : Infinity;
}

/**
 * The best-conserved combination of features, sparsified: the smallest generalised eigenvector of
 * (D, Cov) restricted to a shrinking support. A sparser support is kept only while it stays nearly as
 * well conserved (ratio within 10× or an absolute 1e-12), so a true sparse law is not traded for noise.
 * The result is scaled so that I has unit variance over the data; null when no feature varies.
 */
export function sparseInvariant(
  st: InvariantStats,
  threshold: number,
  maxIter = 10,
): { coefficients: number[]; ratio: number } | null {
  const m = st.D.length;
  const solveOn = (support: number[]) => {
    const s = equilibration(support.map((i) => st.Cov[i][i]));
    const eig = smallestGeneralizedEigen(scaledBlock(st.D, support, s), scaledBlock(st.Cov, support, s));
    if (eig.vectors.length === 0) return null;
    const c = new Array<number>(m).fill(0);
    support.forEach((j, idx) => (c[j] = eig.vectors[0][idx] * s[idx]));
    return { c, ratio: invariantRatio(c, st) };
  };
  let support = Array.from({ length: m }, (_, j) => j).filter((j) => st.Cov[j][j] > 0);
  // No feature varies across the data: nothing can be conserved non-trivially.
  if (support.length === 0) return null;
  let best = solveOn(support);
  if (!best) return null;
  for (let it = 0; it < maxIter; it++) {
    const mags = best.c.map((v, j) => Math.abs(v) * Math.sqrt(Math.max(st.Cov[j][j], 0)));
    const top = Math.max(...mags);
    const next = support.filter((j) => mags[j] >= threshold * top);
    if (next.length === support.length || next.length === 0) break;
    const trial = solveOn(next);
    if (!trial || trial.ratio > Math.max(10 * best.ratio, best.ratio + 1e-12)) break;
    support = next;
    best = trial;
  }
  const quadCov = best.c.reduce((s, ci, i) => s + ci * st.Cov[i].reduce((t, v, j) => t + v * best!.c[j], 0), 0);
  const norm = Math.sqrt(quadCov / Math.max(st.n, 1));
  if (!(norm > 0) || !Number.isFinite(norm)) return null;
  return { coefficients: best.c.map((v) => v / norm), ratio: best.ratio };
}

