/**
 * Finalists' work on the screening sample: the sample's transitions projected once into a compact
 * view, per-transition residuals, the invariant's spread, and statistics on a subset (the trimming
 * iterations). Also the conversion of summed feature moments into the statistics a family is fitted
 * and scored on, shared with the streaming pass over all transitions.
 */
import { MomentAccumulator, type Want } from '../passes/accumulator.js';
import type { FeatureStats } from '../model/families.js';
import { LINEAR_MAP_FAMILIES } from '../model/families.js';
import { type FeatureCatalog, subspaceVariables } from '../model/features.js';
import { PASS_BLOCK } from '../passes/feature-pass.js';
import { blockProjector } from '../kernels/project.js';
import { coefficientsFor, type LawFit, type ScoringStats } from '../model/law-fit.js';
import type { Mat } from '../kernels/linalg.js';
import { linearInvariantStats } from '../screening/screen.js';
import { type DataContext } from '../moments/transitions.js';
import type { SubspaceMoments } from '../moments/moments.js';
import type { InvariantStats } from '../model/sparse.js';

/** The sample's transitions in subspace coordinates: transition i is (U row 2i, U row 2i+1). */
export interface SampleView {
  U: Float64Array;
  starts: Uint32Array;
}

/**
 * Project the two states of every transition of `rows` (the screening sample's rows, see
 * readSampleRows), with the arithmetic of the streaming pass.
 */
export function sampleView(rows: DataContext, basis: number[][]): SampleView {
  const S = rows.starts.length;
  const U = new Float64Array(2 * S * basis.length);
  // Each transition's two states in turn: rows 2i and 2i + 1 where the sample was gathered, anywhere
  // in the data where it is read in place (readSampleRows).
  const all = new Int32Array(2 * S);
  for (let i = 0; i < S; i++) {
    all[2 * i] = rows.starts[i];
    all[2 * i + 1] = rows.starts[i] + 1;
  }
  blockProjector(basis, rows.dim)(rows.states, all, 2 * S, U, 0);
  const starts = new Uint32Array(S);
  for (let i = 0; i < S; i++) starts[i] = 2 * i;
  return { U, starts };
}

/**
 * A law's features on every row of a sample view (column j at j · rows), evaluated once by the block
 * compiler: the trimming iterations change only the coefficients, so they reuse these.
 */
export interface ViewFeatures {
  Phi: Float64Array;
  rows: number;
}

export function viewFeatures(view: SampleView, k: number, features: string[], catalog: FeatureCatalog): ViewFeatures {
  const rows = view.U.length / Math.max(k, 1);
  const Phi = new Float64Array(features.length * rows);
  if (rows > 0) catalog.compileBlock(features, subspaceVariables(k), rows)(view.U, rows, Phi, rows, 0);
  return { Phi, rows };
}

/** Per-transition residuals of a law: |u' − W φ(u)| for maps, |I(u') − I(u)| / scale for invariants. */
export function residualsOn(vf: ViewFeatures, U: Float64Array, k: number, starts: Uint32Array, fit: LawFit, params: number[], invariantScale = 1): Float64Array {
  const m = fit.features.length;
  // One typed array and a role flag: coefficientsFor's rows come in several element kinds, and each new
  // kind makes V8 discard code compiled for the others (docs/performance.md#element-kinds).
  const W = Float64Array.from(coefficientsFor(fit, params).flat());
  return fit.role === 'map' ? mapResidualsOn(vf.Phi, vf.rows, U, k, starts, W, m) : invariantResidualsOn(vf.Phi, vf.rows, starts, W, m, invariantScale);
}

function mapResidualsOn(Phi: Float64Array, rows: number, U: Float64Array, k: number, starts: Uint32Array, W: Float64Array, m: number): Float64Array {
  const r = new Float64Array(starts.length);
  for (let idx = 0; idx < starts.length; idx++) {
    const a = starts[idx];
    let s2 = 0;
    for (let i = 0; i < k; i++) {
      let pred = 0;
      for (let j = 0; j < m; j++) pred += W[i * m + j] * Phi[j * rows + a];
      const e = U[(a + 1) * k + i] - pred;
      s2 += e * e;
    }
    r[idx] = Math.sqrt(s2);
  }
  return r;
}

function invariantResidualsOn(Phi: Float64Array, rows: number, starts: Uint32Array, c: Float64Array, m: number, scale: number): Float64Array {
  const r = new Float64Array(starts.length);
  for (let idx = 0; idx < starts.length; idx++) {
    const a = starts[idx];
    let d = 0;
    for (let j = 0; j < m; j++) d += c[j] * (Phi[j * rows + a + 1] - Phi[j * rows + a]);
    r[idx] = Math.abs(d) / scale;
  }
  return r;
}

/** Standard deviation of I = c·φ over the transitions' first states. */
export function invariantStdOn(vf: ViewFeatures, starts: Uint32Array, fit: LawFit, params: number[]): number {
  const c = Float64Array.from(coefficientsFor(fit, params)[0]); // one element kind (see residualsOn)
  const { Phi, rows } = vf;
  let s1 = 0;
  let s2 = 0;
  for (let idx = 0; idx < starts.length; idx++) {
    const a = starts[idx];
    let I = 0;
    for (let j = 0; j < c.length; j++) I += c[j] * Phi[j * rows + a];
    s1 += I;
    s2 += I * I;
  }
  return stdOfSums(s1, s2, starts.length);
}

/** Standard deviation from the sum and the sum of squares of `count` values (0 for none). */
export function stdOfSums(s1: number, s2: number, count: number): number {
  const n = Math.max(count, 1);
  return Math.sqrt(Math.max(s2 / n - (s1 / n) ** 2, 0));
}

/**
 * Which feature moments a law's refit needs: linear families and linear invariants are fitted from
 * subspace moments (features u and 1, map statistics); other families from their own features.
 */
export function accumulationOf(fit: Pick<LawFit, 'family' | 'role' | 'features'>, k: number): { features: string[]; want: Want; linear: boolean } {
  if (LINEAR_MAP_FAMILIES.has(fit.family) || fit.family === 'linear_invariant') {
    return { features: [...subspaceVariables(k), '1'], want: { map: true, invariant: false }, linear: true };
  }
  return { features: fit.features, want: { map: fit.role === 'map', invariant: fit.role === 'invariant' }, linear: false };
}

/** Subspace moments from the map statistics of features [u1 … uk, 1]. */
function subspaceMomentsOf(pass: FeatureStats, k: number): SubspaceMoments {
  const n = pass.n;
  const xx = pass.G.slice(0, k).map((row) => row.slice(0, k));
  const sx = pass.G.slice(0, k).map((row) => row[k]);
  const yx = pass.C.map((row) => row.slice(0, k));
  const sy = pass.C.map((row) => row[k]);
  const center = (M: Mat, a: number[], b: number[]) => M.map((row, i) => row.map((v, j) => v - (n > 0 ? (a[i] * b[j]) / n : 0)));
  return { k, n, xx, yx, yy: pass.Y, sx, sy, cxx: center(xx, sx, sx), cyx: center(yx, sy, sx), cyy: center(pass.Y, sy, sy) };
}

/** Scoring statistics (and, for linear families, subspace moments) from summed feature moments. */
export function statsFromPass(
  fit: Pick<LawFit, 'family' | 'role' | 'features'>,
  k: number,
  pass: { map: FeatureStats | null; invariant: InvariantStats | null },
  variance: number,
  n: number,
): { stats: ScoringStats; sm: SubspaceMoments | null } {
  if (accumulationOf(fit, k).linear) {
    const sm = subspaceMomentsOf(pass.map!, k);
    if (fit.family === 'linear_invariant') return { stats: { ...linearInvariantStats(sm), n }, sm };
    const fs = fit.features.includes('1')
      ? { n: sm.n, G: [...sm.xx.map((row, i) => [...row, sm.sx[i]]), [...sm.sx, sm.n]], C: sm.yx.map((row, i) => [...row, sm.sy[i]]), Y: sm.yy }
      : { n: sm.n, G: sm.xx, C: sm.yx, Y: sm.yy };
    return { stats: { role: 'map', fs, n, nIn: sm.n, variance, k }, sm };
  }
  const stats: ScoringStats =
    fit.role === 'map' ? { role: 'map', fs: pass.map!, n, nIn: pass.map!.n, variance, k } : { role: 'invariant', st: pass.invariant!, n, nIn: pass.invariant!.n };
  return { stats, sm: null };
}

/**
 * Statistics over the transitions `select` of a sample view, from the accumulation features (see
 * accumulationOf) evaluated once on the whole view (`acc`): the trimming iterations change only which
 * transitions are summed, so they need not evaluate the features again. Blocks of PASS_BLOCK selected
 * transitions through the blocked kernels, exactly as featurePasses sums those transitions gathered into
 * a view of their own, so the result is the same bit for bit.
 */
export function statsOnRows(
  acc: ViewFeatures,
  U: Float64Array,
  k: number,
  starts: Uint32Array,
  fit: LawFit,
  variance: number,
  n: number,
  select: Uint32Array,
): { stats: ScoringStats; sm: SubspaceMoments | null } {
  const { features, want } = accumulationOf(fit, k);
  const { Phi, rows } = acc;
  const m = features.length;
  if (Phi.length !== m * rows) throw new Error(`internal: statsOnRows needs the ${m} accumulation features of ${fit.id}, got ${Phi.length / Math.max(rows, 1)} columns`);
  return statsFromPass(fit, k, sumSelected(Phi, rows, U, k, starts, select, m, want).result(), variance, n);
}

/**
 * The sums of statsOnRows, in a function of their own: V8 compiles the loop while it runs (on-stack
 * replacement) and then meets code after it that has never run; here that is only the return.
 */
function sumSelected(Phi: Float64Array, rows: number, U: Float64Array, k: number, starts: Uint32Array, select: Uint32Array, m: number, want: Want): MomentAccumulator {
  const B = PASS_BLOCK;
  const [isMap, isInvariant] = [want.map, want.invariant];
  const PU = new Float64Array(m * B);
  const DV = new Float64Array(isInvariant ? m * B : 0);
  const VX = new Float64Array(isMap ? k * B : 0);
  const cols = new Int32Array(m);
  for (let j = 0; j < m; j++) cols[j] = j;
  const sums = new MomentAccumulator(k, m, want);
  for (let from = 0; from < select.length; from += B) {
    const count = Math.min(B, select.length - from);
    for (let j = 0; j < m; j++) {
      const col = j * rows;
      const o = j * B;
      for (let c = 0; c < count; c++) {
        const a = starts[select[from + c]];
        PU[o + c] = Phi[col + a];
        if (isInvariant) DV[o + c] = Phi[col + a + 1] - Phi[col + a];
      }
    }
    if (isMap) for (let q = 0; q < k; q++) for (let c = 0; c < count; c++) VX[q * B + c] = U[(starts[select[from + c]] + 1) * k + q];
    sums.addBlock(PU, DV, VX, count, B, cols);
  }
  return sums;
}
