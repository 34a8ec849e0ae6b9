/**
 * Fits over library features: sparse maps u' = W φ(u) by sequentially thresholded least squares
 * (SINDy's STLSQ, discrete-time form) and conserved quantities I = c·φ(u) as the smallest generalised
 * eigenvector of (Σ Δφ Δφᵀ, Cov φ), sparsified the same way. Both work on moment matrices only.
 */
import { smallestGeneralizedEigen, smallestPairFrom } from '../kernels/generalized-eigen.js';
import { type Mat, solve } from '../kernels/linalg.js';
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

/** {@link scaledBlock} as one row-major array (the same products). */
function scaledFlat(M: Mat, support: number[], s: number[]): Float64Array {
  const n = support.length;
  const out = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    const row = M[support[a]];
    for (let b = 0; b < n; b++) out[a * n + b] = row[support[b]] * s[a] * s[b];
  }
  return out;
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
  const scale = termScales(fs);
  return fs.C.map((cRow) => sparsifyRow(fs.G, cRow, scale, denseRow(fs.G, cRow, scale), threshold, maxIter).w);
}

/** rms(φ_j) of each term: coefficient sizes are compared as |w_j|·rms(φ_j). */
function termScales(fs: FeatureStats): number[] {
  const n = Math.max(fs.n, 1);
  return fs.G.map((row, j) => Math.sqrt(Math.max(row[j], 0) / n));
}

/** One row's least-squares fit on every term that varies. */
function denseRow(G: Mat, cRow: number[], scale: number[]): { support: number[]; w: number[] } {
  const support = scale.map((_, j) => j).filter((j) => scale[j] > 0);
  return { support, w: solveOnSupport(G, cRow, support) };
}

/** STLSQ from a fitted row: drop terms below `threshold` × the largest and refit, until the support holds. */
function sparsifyRow(G: Mat, cRow: number[], scale: number[], start: { support: number[]; w: number[] }, threshold: number, maxIter: number): { support: number[]; w: number[] } {
  let { support, w } = start;
  for (let it = 0; it < maxIter; it++) {
    const mags = w.map((v, j) => Math.abs(v) * scale[j]);
    const top = Math.max(...mags);
    const next = support.filter((j) => mags[j] >= threshold * top);
    if (next.length === support.length || next.length === 0) break;
    support = next;
    w = solveOnSupport(G, cRow, support);
  }
  return { support, w };
}

/** The least-squares map on every term that varies (where the threshold path starts). */
export function denseMap(fs: FeatureStats): Mat {
  const scale = termScales(fs);
  return fs.C.map((cRow) => denseRow(fs.G, cRow, scale).w);
}

/** The best-conserved combination of every feature that varies (where the threshold path starts). */
export interface DenseInvariant {
  support: number[];
  /** Null when no feature varies or the pencil has no solution. */
  fit: { c: number[]; ratio: number; dropCosts: number[] | null } | null;
}

export function denseInvariant(st: InvariantStats): DenseInvariant {
  const support = Array.from({ length: st.D.length }, (_, j) => j).filter((j) => st.Cov[j][j] > 0);
  return { support, fit: invariantOnSupport(st, support) };
}

/** A dense invariant's coefficients at unit variance over the data; null when I does not vary. */
export function unitDenseInvariant(dense: DenseInvariant, st: InvariantStats): number[] | null {
  return dense.fit && unitVariance(dense.fit.c, st);
}

/** Ratio Σ ΔI² / Σ (I − Ī)² of an invariant I = c·φ: 0 when exactly conserved, ≈ 2 for an unrelated quantity. */
export function invariantRatio(c: number[], st: InvariantStats): number {
  const quad = (M: Mat) => quadraticForm(M, c);
  const den = quad(st.Cov);
  return den > 0 ? Math.max(quad(st.D), 0) / den : Infinity;
}

/** cᵀ M c summed row by row, each row's product from 0 in column order (as nested reduces would). */
function quadraticForm(M: Mat, c: number[]): number {
  let s = 0;
  for (let i = 0; i < c.length; i++) {
    const row = M[i];
    let t = 0;
    for (let j = 0; j < c.length; j++) t = t + row[j] * c[j];
    s = s + c[i] * t;
  }
  return s;
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
  const solveOn = (support: number[]) => invariantOnSupport(st, support);
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


/**
 * Shares of the largest term at which sparse fits are cut: each gives one candidate support, from
 * dense to sparse, and the description length chooses among them (a small coefficient stays when the
 * data pin it down and it shortens the description; a term within the resolution goes).
 */
const PATH_SHARES = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.35, 0.5];

/** The thresholds of a path: the grammar's smallest share, then every path share above it. */
function pathThresholds(smallest: number): number[] {
  return [smallest, ...PATH_SHARES.filter((t) => t > smallest)];
}

/**
 * Sparse maps along the threshold path (see {@link PATH_SHARES}): STLSQ run to convergence at each
 * threshold in turn, each starting from the support the previous one left, so the whole path costs
 * about as many solves as it has distinct supports. Rows are fitted independently, as in STLSQ.
 */
export function stlsqPath(fs: FeatureStats, smallest: number, maxIter = 10, dense: Mat = denseMap(fs)): Mat[] {
  const scale = termScales(fs);
  const thresholds = pathThresholds(smallest);
  const varying = scale.map((_, j) => j).filter((j) => scale[j] > 0);
  const rows = fs.C.map((cRow, r) => {
    let fitted = { support: varying, w: dense[r] };
    return thresholds.map((t) => (fitted = sparsifyRow(fs.G, cRow, scale, fitted, t, maxIter)).w);
  });
  return distinct(thresholds.map((_, i) => rows.map((r) => r[i])));
}

/**
 * Sparse maps by backward elimination: each row drops, one at a time, the term whose removal raises its
 * residual least, and the rows' steps are merged smallest rise first into one path from dense to
 * sparse. Unlike thresholds it keeps the better of two collinear terms (u² rather than cos u − 1 on a
 * small range), since it weighs what each term adds to the fit, not the size of its coefficient.
 */
export function eliminationPath(fs: FeatureStats, maxTerms = 24): Mat[] {
  const m = fs.G.length;
  if (m > maxTerms) return [];
  const rows = fs.C.map((cRow) => rowElimination(fs, cRow));
  const at = rows.map(() => 0);
  const current = () => rows.map((seq, r) => seq[at[r]].w);
  const out: Mat[] = [current()];
  for (;;) {
    let best = -1;
    for (let r = 0; r < rows.length; r++) if (at[r] + 1 < rows[r].length && (best < 0 || rows[r][at[r] + 1].rise < rows[best][at[best] + 1].rise)) best = r;
    if (best < 0) break;
    at[best]++;
    out.push(current());
  }
  return out;
}

/**
 * One row's backward elimination: coefficients after each removal, with the residual rise it cost.
 * Removing term a from a least-squares fit raises the residual by w_a² / H_aa (H the inverse of the
 * support's Gram block) and moves w by −H_·a w_a / H_aa; H loses row and column a by the same rank-one
 * update, so the whole path costs one inverse instead of a refit per term and step.
 */
function rowElimination(fs: FeatureStats, cRow: number[]): { w: number[]; rise: number }[] {
  const support = Array.from({ length: fs.G.length }, (_, j) => j).filter((j) => fs.G[j][j] > 0);
  const w = solveOnSupport(fs.G, cRow, support);
  const out = [{ w, rise: 0 }];
  const s = equilibration(support.map((i) => fs.G[i][i]));
  const Gs = scaledBlock(fs.G, support, s);
  const ridge = 1e-12 * (Gs.reduce((sum, row, i) => sum + row[i], 0) / Math.max(support.length, 1));
  for (let i = 0; i < Gs.length; i++) Gs[i][i] += ridge;
  const H = solve(Gs, Gs.map((_, i) => Gs.map((__, j) => (i === j ? 1 : 0))));
  const x = support.map((j, a) => w[j] / s[a]);
  const alive = support.map(() => true);
  for (let left = support.length; left > 1; left--) {
    let a = -1;
    for (let b = 0; b < support.length; b++) if (alive[b] && H[b][b] > 0 && (a < 0 || x[b] ** 2 / H[b][b] < x[a] ** 2 / H[a][a])) a = b;
    if (a < 0) break;
    const rise = x[a] ** 2 / H[a][a];
    const ratio = x[a] / H[a][a];
    const column = H.map((row) => row[a]);
    for (let b = 0; b < support.length; b++) {
      if (!alive[b]) continue;
      x[b] -= column[b] * ratio;
      for (let c = 0; c < support.length; c++) if (alive[c]) H[b][c] -= (column[b] * column[c]) / column[a];
    }
    alive[a] = false;
    x[a] = 0;
    const next = new Array<number>(fs.G.length).fill(0);
    support.forEach((j, b) => (next[j] = alive[b] ? x[b] * s[b] : 0));
    out.push({ w: next, rise });
  }
  return out;
}

/** How many of the terms whose removal is predicted to cost least are refitted exactly at each step. */
const EXACT_TRIALS = 2;

/** The support's terms with the {@link EXACT_TRIALS} smallest predicted costs (all when a prediction failed). */
function likelyDrops(costs: number[] | null, support: number[]): number[] {
  if (!costs || costs.some((c) => !Number.isFinite(c))) return support;
  return support
    .map((j, a) => ({ j, c: costs[a] }))
    .sort((x, y) => x.c - y.c)
    .slice(0, EXACT_TRIALS)
    .map((x) => x.j);
}

/**
 * Sparse invariants by backward elimination: drop, one at a time, the feature whose removal worsens the
 * conservation ratio least, from all features down to one (see {@link eliminationPath}).
 */
export function invariantEliminationPath(st: InvariantStats, maxTerms = 24, dense?: DenseInvariant): { coefficients: number[]; ratio: number }[] {
  if (st.D.length > maxTerms) return [];
  let { support, fit: current } = dense ?? denseInvariant(st);
  const out: { coefficients: number[]; ratio: number }[] = [];
  while (current) {
    const unit = unitVariance(current.c, st);
    if (unit) out.push({ coefficients: unit, ratio: current.ratio });
    if (support.length <= 1) break;
    let best: ReturnType<typeof invariantOnSupport> = null;
    let bestJ = -1;
    for (const j of likelyDrops(current.dropCosts, support)) {
      const trial = invariantOnSupport(st, support.filter((x) => x !== j));
      if (trial && (!best || trial.ratio < best.ratio)) [best, bestJ] = [trial, j];
    }
    support = support.filter((x) => x !== bestJ);
    current = best;
  }
  return out;
}

/**
 * Sparse invariants along the threshold path, each threshold sparsifying the previous one's support
 * without a ratio guard: the description length, not a fixed factor, decides how sparse. Empty when
 * even all features together change by more than `stopAbove` (a ratio): no sparser support does better.
 */
export function sparseInvariantPath(st: InvariantStats, smallest: number, maxIter = 10, stopAbove = Infinity, dense: DenseInvariant = denseInvariant(st)): { coefficients: number[]; ratio: number }[] {
  let { support, fit: current } = dense;
  if (current && current.ratio > stopAbove) return [];
  const out: { coefficients: number[]; ratio: number }[] = [];
  for (const t of pathThresholds(smallest)) {
    for (let it = 0; it < maxIter && current; it++) {
      const mags = current.c.map((v, j) => Math.abs(v) * Math.sqrt(Math.max(st.Cov[j][j], 0)));
      const top = Math.max(...mags);
      const next = support.filter((j) => mags[j] >= t * top);
      if (next.length === support.length || next.length === 0) break;
      const trial = next.length > DECOMPOSE_UP_TO ? restrictedInvariant(st, next, current) : invariantOnSupport(st, next);
      if (!trial) break;
      support = next;
      current = trial;
    }
    const unit = current && unitVariance(current.c, st);
    if (unit && !out.some((o) => sameSupport([o.coefficients], [unit]))) out.push({ coefficients: unit, ratio: current!.ratio });
  }
  return out;
}

/** Supports up to this size are solved by a full decomposition along the paths; larger ones by inverse iteration. */
const DECOMPOSE_UP_TO = 24;

/**
 * The path's next invariant on a smaller support, by inverse iteration from the current one: dropping
 * terms only raises the smallest ratio, so the current ratio is a shift below it. About a tenth of a
 * decomposition on 256 features; a full one where the iteration does not settle.
 */
function restrictedInvariant(st: InvariantStats, support: number[], from: { c: number[]; ratio: number }): { c: number[]; ratio: number; dropCosts: null } | null {
  const s = equilibration(support.map((i) => st.Cov[i][i]));
  const below = from.ratio - 1e-9 * Math.max(from.ratio, 1e-300);
  const pair = smallestPairFrom(scaledFlat(st.D, support, s), scaledFlat(st.Cov, support, s), support.length, support.map((j, a) => from.c[j] / s[a]), below);
  if (!pair) {
    const full = invariantOnSupport(st, support);
    return full && { ...full, dropCosts: null };
  }
  const c = new Array<number>(st.D.length).fill(0);
  support.forEach((j, a) => (c[j] = pair.vector[a] * s[a]));
  return { c, ratio: invariantRatio(c, st), dropCosts: null };
}

/**
 * The smallest generalised eigenvector of (D, Cov) on a support (equilibrated), as a full coefficient
 * vector, with the predicted rise of its eigenvalue when each support term is removed.
 */
function invariantOnSupport(st: InvariantStats, support: number[]): { c: number[]; ratio: number; dropCosts: number[] | null } | null {
  if (support.length === 0) return null;
  const s = equilibration(support.map((i) => st.Cov[i][i]));
  // Only backward elimination (supports of DECOMPOSE_UP_TO terms at most) reads the other eigenvectors.
  const wanted = support.length <= DECOMPOSE_UP_TO ? Infinity : 1;
  const eig = smallestGeneralizedEigen(scaledBlock(st.D, support, s), scaledBlock(st.Cov, support, s), undefined, wanted);
  if (eig.vectors.length === 0) return null;
  const c = new Array<number>(st.D.length).fill(0);
  support.forEach((j, idx) => (c[j] = eig.vectors[0][idx] * s[idx]));
  return { c, ratio: invariantRatio(c, st), dropCosts: eig.vectors.length === support.length ? dropCostsOfInvariant(eig) : null };
}

/**
 * Second-order rise of the smallest eigenvalue λ₀ of a pencil when coordinate a is forced to zero:
 * v₀[a]² / Σ_{i≥1} v_i[a]² / (λ_i − λ₀), with the vectors B-orthonormal (the constrained minimum of
 * the Rayleigh quotient, as w_a² / (G⁻¹)_aa is for least squares).
 */
function dropCostsOfInvariant(eig: { values: number[]; vectors: number[][] }): number[] {
  const [v0, ...rest] = eig.vectors;
  return v0.map((x, a) => {
    let spread = 0;
    rest.forEach((v, i) => (spread += v[a] ** 2 / Math.max(eig.values[i + 1] - eig.values[0], 1e-300)));
    return (x * x) / spread;
  });
}

/** Coefficients scaled so that I has unit variance over the data; null when I does not vary. */
function unitVariance(c: number[], st: InvariantStats): number[] | null {
  const quadCov = c.reduce((s, ci, i) => s + ci * st.Cov[i].reduce((t, v, j) => t + v * c[j], 0), 0);
  const norm = Math.sqrt(quadCov / Math.max(st.n, 1));
  return norm > 0 && Number.isFinite(norm) ? c.map((v) => v / norm) : null;
}

function distinct(mats: Mat[]): Mat[] {
  const out: Mat[] = [];
  for (const W of mats) if (!out.some((o) => sameSupport(o, W))) out.push(W);
  return out;
}

function sameSupport(a: Mat, b: Mat): boolean {
  return a.every((row, r) => row.every((v, j) => (v === 0) === (b[r][j] === 0)));
}
