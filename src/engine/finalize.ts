/**
 * Finalists: the only candidates that get per-transition passes. A trimmed refit ignores outliers
 * (refit on the transitions within a robust threshold, twice), then the final residuals are summarised
 * as a log-histogram so the main thread can set tolerances and count inliers without holding N floats
 * per finalist. `evaluateLaw` is the exact pass for the laws finally reported (outlier indices).
 */
import { featurePass, compileFeatures } from './features.js';
import { coefficientsFor, type LawFit, type ScoringStats } from './law-fit.js';
import type { Mat } from './linalg.js';
import { type DataContext, fitOnStats, linearInvariantStats } from './screen.js';
import { LINEAR_MAP_FAMILIES } from './families.js';
import type { SubspaceMoments } from './stats.js';

/** Residuals above this multiple of the median are set aside while refitting (and, by default, at the end). */
export const TOLERANCE_FACTOR = 5;

/** Residual histogram: bins of 0.01 decade of residual/spread from 1e-16 to 1e4. */
export const HIST_LOW = -16;
export const HIST_STEP = 0.01;
export const HIST_BINS = 2000;

export function histBin(r: number, spread: number): number {
  if (!(r > 0)) return 0;
  const b = Math.floor((Math.log10(r / spread) - HIST_LOW) / HIST_STEP);
  return b < 0 ? 0 : b >= HIST_BINS ? HIST_BINS - 1 : b;
}

export function histValue(bin: number, spread: number): number {
  return spread * 10 ** (HIST_LOW + (bin + 0.5) * HIST_STEP);
}

/** Fraction of histogram mass at residuals ≤ tol (bins straddling tol counted in proportion, in log scale). */
export function fractionBelow(hist: Uint32Array, spread: number, tol: number): number {
  const total = hist.reduce((s, v) => s + v, 0);
  if (total === 0) return 0;
  const pos = (Math.log10(tol / spread) - HIST_LOW) / HIST_STEP;
  let below = 0;
  for (let b = 0; b < hist.length; b++) {
    if (b + 1 <= pos) below += hist[b];
    else if (b < pos) below += hist[b] * (pos - b);
  }
  return below / total;
}

export function histQuantile(hist: Uint32Array, spread: number, q: number): number {
  const total = hist.reduce((s, v) => s + v, 0);
  let acc = 0;
  for (let b = 0; b < hist.length; b++) {
    acc += hist[b];
    if (acc >= q * total) return histValue(b, spread);
  }
  return histValue(hist.length - 1, spread);
}

export interface FinalistGroupTask {
  basis: number[][];
  /** Σ|u − ū|² over all transitions on this subspace (from the full moments). */
  variance: number;
  members: { fit: LawFit; offset: boolean }[];
  threshold: number;
  /** The screening sample: trimming iterations run on it. */
  sample: Uint32Array;
}

export interface FinalistResult {
  fit: LawFit;
  /** Statistics over the trimmed (inlier) set: what snapping and the description length use. */
  stats: ScoringStats;
  n: number;
  /** Σ|u − ū|² over all transitions (maps). */
  variance: number;
  /** Residual scale unit: RMS spread of the subspace data (maps) or the invariant's std (invariants: 1). */
  spread: number;
  hist: Uint32Array;
  median: number;
}

/** Project every state onto the basis once: later passes work in the subspace's own coordinates. */
export function projectAll(ctx: DataContext, basis: number[][]): Float64Array {
  const k = basis.length;
  // The whole space in its own coordinates needs no copy (it would be as large as the data set).
  if (k === ctx.dim && basis.every((row, i) => row.every((v, j) => v === (i === j ? 1 : 0)))) return ctx.states;
  const nStates = ctx.states.length / ctx.dim;
  const U = new Float64Array(nStates * k);
  for (let s = 0; s < nStates; s++) {
    const off = s * ctx.dim;
    for (let a = 0; a < k; a++) {
      const row = basis[a];
      let acc = 0;
      for (let p = 0; p < ctx.dim; p++) acc += row[p] * ctx.states[off + p];
      U[s * k + a] = acc;
    }
  }
  return U;
}

/** Subspace moments over the selected transitions, from projected states. */
function projectedMoments(U: Float64Array, k: number, starts: Uint32Array, mask: Uint8Array | null, select: Uint32Array | null = null): SubspaceMoments {
  const vars = Array.from({ length: k }, (_, i) => `u${i + 1}`);
  const pass = featurePass(U, k, starts, null, [...vars, '1'], select, mask, { map: true, invariant: false }).map!;
  const n = pass.n;
  const xx = pass.G.slice(0, k).map((row) => row.slice(0, k));
  const sx = pass.G.slice(0, k).map((row) => row[k]);
  const yx = pass.C.map((row) => row.slice(0, k));
  const sy = pass.C.map((row) => row[k]);
  const center = (M: Mat, a: number[], b: number[]) => M.map((row, i) => row.map((v, j) => v - (n > 0 ? (a[i] * b[j]) / n : 0)));
  return { k, n, xx, yx, yy: pass.Y, sx, sy, cxx: center(xx, sx, sx), cyx: center(yx, sy, sx), cyy: center(pass.Y, sy, sy) };
}

/** Per-transition residuals of a law: |u' − W φ(u)| for maps, |I(u') − I(u)| / scale for invariants. */
export function residuals(U: Float64Array, k: number, starts: Uint32Array, fit: LawFit, params: number[], invariantScale = 1, select: Uint32Array | null = null): Float64Array {
  const W = coefficientsFor(fit, params);
  const vars = Array.from({ length: k }, (_, i) => `u${i + 1}`);
  const m = fit.features.length;
  // Linear features (u_i and 1) are read directly: no closure call per sample on the hot path.
  const direct = fit.features.map((f) => (f === '1' ? -2 : vars.indexOf(f)));
  const general = direct.some((j) => j === -1) ? compileFeatures(fit.features, vars) : null;
  const evalFeatures = (x: Float64Array, out: Float64Array) => {
    if (general) general(x, out);
    else for (let j = 0; j < m; j++) out[j] = direct[j] === -2 ? 1 : x[direct[j]];
  };
  const phi = new Float64Array(m);
  const phi2 = new Float64Array(m);
  const u = new Float64Array(k);
  const v = new Float64Array(k);
  const count = select ? select.length : starts.length;
  const r = new Float64Array(count);
  for (let idx = 0; idx < count; idx++) {
    const t = select ? select[idx] : idx;
    const a = starts[t] * k;
    for (let i = 0; i < k; i++) {
      u[i] = U[a + i];
      v[i] = U[a + k + i];
    }
    evalFeatures(u, phi);
    if (fit.role === 'map') {
      let s2 = 0;
      for (let i = 0; i < k; i++) {
        const w = W[i];
        let pred = 0;
        for (let j = 0; j < m; j++) pred += w[j] * phi[j];
        const e = v[i] - pred;
        s2 += e * e;
      }
      r[idx] = Math.sqrt(s2);
    } else {
      evalFeatures(v, phi2);
      const c = W[0];
      let d = 0;
      for (let j = 0; j < m; j++) d += c[j] * (phi2[j] - phi[j]);
      r[idx] = Math.abs(d) / invariantScale;
    }
  }
  return r;
}

function statsOnMask(U: Float64Array, k: number, starts: Uint32Array, fit: LawFit, mask: Uint8Array | null, variance: number, n: number, select: Uint32Array | null = null): { stats: ScoringStats; sm: SubspaceMoments | null } {
  if (LINEAR_MAP_FAMILIES.has(fit.family) || fit.family === 'linear_invariant') {
    const sm = projectedMoments(U, k, starts, mask, select);
    if (fit.family === 'linear_invariant') return { stats: { ...linearInvariantStats(sm), n }, sm };
    const offset = fit.features.includes('1');
    const fs = offset
      ? { n: sm.n, G: [...sm.xx.map((row, i) => [...row, sm.sx[i]]), [...sm.sx, sm.n]], C: sm.yx.map((row, i) => [...row, sm.sy[i]]), Y: sm.yy }
      : { n: sm.n, G: sm.xx, C: sm.yx, Y: sm.yy };
    return { stats: { role: 'map', fs, n, nIn: sm.n, variance, k }, sm };
  }
  const pass = featurePass(U, k, starts, null, fit.features, select, mask, { map: fit.role === 'map', invariant: fit.role === 'invariant' });
  const stats: ScoringStats =
    fit.role === 'map'
      ? { role: 'map', fs: pass.map!, n, nIn: pass.map!.n, variance, k }
      : { role: 'invariant', st: pass.invariant!, n, nIn: pass.invariant!.n };
  return { stats, sm: null };
}

/** Standard deviation of I = c·φ over the transitions' first states. */
export function invariantStd(U: Float64Array, k: number, starts: Uint32Array, fit: LawFit, params: number[], select: Uint32Array | null = null): number {
  const c = coefficientsFor(fit, params)[0];
  const evalFeatures = compileFeatures(fit.features, Array.from({ length: k }, (_, i) => `u${i + 1}`));
  const phi = new Float64Array(fit.features.length);
  const u = new Float64Array(k);
  let s1 = 0;
  let s2 = 0;
  const count = select ? select.length : starts.length;
  for (let idx = 0; idx < count; idx++) {
    const a = starts[select ? select[idx] : idx] * k;
    for (let i = 0; i < k; i++) u[i] = U[a + i];
    evalFeatures(u, phi);
    let I = 0;
    for (let j = 0; j < c.length; j++) I += c[j] * phi[j];
    s1 += I;
    s2 += I * I;
  }
  const n = Math.max(count, 1);
  return Math.sqrt(Math.max(s2 / n - (s1 / n) ** 2, 0));
}

/** Median of a small array (the screening sample's residuals). */
function median(r: Float64Array): number {
  return r.length ? Float64Array.from(r).sort()[Math.floor(r.length / 2)] : 0;
}

/**
 * Finalists sharing a subspace: the data is projected onto it once, then each member gets a trimmed
 * refit. The trimming iterations run on the screening sample (iteratively trimmed least squares:
 * refit on the transitions within 5× the median residual, until the inlier set is stable; an outlier-
 * contaminated first fit may be far off, so this trimming is not capped); then one pass over all
 * transitions gives the residual histogram, and a final refit on all transitions within the trimming
 * threshold gives the parameters and the inlier statistics used for snapping and scoring.
 */
export function finalizeGroup(ctx: DataContext, task: FinalistGroupTask): FinalistResult[] {
  const U = projectAll(ctx, task.basis);
  return task.members.map((member) => finalizeOne(U, ctx.starts, task, member));
}

function finalizeOne(U: Float64Array, starts: Uint32Array, task: FinalistGroupTask, member: { fit: LawFit; offset: boolean }): FinalistResult {
  const k = task.basis.length;
  const n = starts.length;
  const { variance, sample } = task;
  const isMap = member.fit.role === 'map';
  const spread = isMap ? Math.sqrt(variance / Math.max(n, 1)) : 1;
  let fit = member.fit;
  const refitOn = (mask: Uint8Array | null, select: Uint32Array | null) => {
    const on = statsOnMask(U, k, starts, fit, mask, variance, n, select);
    const refit = fitOnStats(fit.family, member.offset, k, fit.features, on.stats, on.sm, task.threshold);
    return refit.params.every(Number.isFinite) ? { fit: { ...fit, parametrization: refit.parametrization, params: refit.params }, stats: on.stats } : null;
  };
  let scale = isMap ? 1 : invariantStd(U, k, starts, fit, fit.params, sample);
  let r = residuals(U, k, starts, fit, fit.params, scale, sample);
  let previousKept = -1;
  for (let iter = 0; iter < 6; iter++) {
    const thr = TOLERANCE_FACTOR * median(r);
    const inliers = sample.filter((_, i) => r[i] <= thr);
    if (inliers.length < Math.max(3, 0.5 * sample.length) || inliers.length === previousKept) break;
    previousKept = inliers.length;
    const next = refitOn(null, inliers);
    if (!next) break;
    fit = next.fit;
    scale = isMap ? 1 : invariantStd(U, k, starts, fit, fit.params, sample);
    r = residuals(U, k, starts, fit, fit.params, scale, sample);
  }
  // One pass over everything: the residual histogram, then the final trimmed refit on all inliers.
  const rAll = residuals(U, k, starts, fit, fit.params, scale);
  const hist = histogram(rAll, spread);
  const med = histQuantile(hist, spread, 0.5);
  const mask = new Uint8Array(n);
  let kept = 0;
  for (let t = 0; t < n; t++) if (rAll[t] <= TOLERANCE_FACTOR * med) (mask[t] = 1), kept++;
  const final = kept >= Math.max(3, 0.5 * n) ? refitOn(mask, null) : null;
  let stats: ScoringStats;
  if (final) {
    fit = final.fit;
    stats = final.stats;
  } else stats = statsOnMask(U, k, starts, fit, null, variance, n).stats;
  if (!isMap) {
    // State invariants in units of their std over the data, so tolerances compare across laws.
    const std = invariantStd(U, k, starts, fit, fit.params, sample);
    if (std > 0) fit = { ...fit, params: fit.params.map((v) => v / std) };
  }
  return { fit, stats, n, variance, spread, hist, median: med };
}

function histogram(r: Float64Array, spread: number): Uint32Array {
  const hist = new Uint32Array(HIST_BINS);
  for (let t = 0; t < r.length; t++) hist[histBin(r[t], spread)]++;
  return hist;
}

export interface EvaluateTask {
  fit: LawFit;
  basis: number[][];
  /** Absolute tolerance on the residual (maps: data units; invariants: units of the invariant's std). */
  tolerance: number;
}

export interface EvaluateResult {
  outliers: Uint32Array;
  nIn: number;
  sumSqAll: number;
  sumSqIn: number;
  /** Std of the invariant over the data (1 for maps): residuals above are in these units. */
  scale: number;
}

/** Exact pass for a reported law: residuals against its final (possibly snapped) parameters. */
export function evaluateLaw(ctx: DataContext, task: EvaluateTask): EvaluateResult {
  const k = task.basis.length;
  const U = projectAll(ctx, task.basis);
  const scale = task.fit.role === 'map' ? 1 : invariantStd(U, k, ctx.starts, task.fit, task.fit.params) || 1;
  const r = residuals(U, k, ctx.starts, task.fit, task.fit.params, scale);
  const out: number[] = [];
  let sumSqAll = 0;
  let sumSqIn = 0;
  for (let t = 0; t < r.length; t++) {
    const e = r[t] * r[t];
    sumSqAll += e;
    if (r[t] <= task.tolerance) sumSqIn += e;
    else out.push(t);
  }
  return { outliers: Uint32Array.from(out), nIn: r.length - out.length, sumSqAll, sumSqIn, scale };
}
