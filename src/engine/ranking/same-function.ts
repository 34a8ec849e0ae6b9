/**
 * One law, one entry: two invariants that are the same function of z (their values on the data are
 * affinely related) are one law, whatever subspaces they were found on; the shorter statement stays.
 */
import { subspaceVariables, type FeatureCatalog } from '../model/features.js';
import { coefficientsFor } from '../model/law-fit.js';
import { projectState } from '../kernels/project.js';
import type { DataContext } from '../moments/transitions.js';
import type { ScoredLaw } from './rank.js';

/** |correlation| above which two invariants are the same function (rounding and noise below it). */
const SAME = 1 - 1e-9;

/** An invariant within this many tolerances of a combination of kept ones restates them. */
const REPEAT = 2;

/** |correlation| at which two invariants state one quantity, one of them less exactly. */
const TWIN = 0.98;

/**
 * The laws without invariants that repeat others: an invariant whose values on the data are a linear
 * function of invariants already kept says nothing new. Kept first are the invariants a subspace
 * states together (a system's several invariants, see more-invariants.ts), then single ones on the
 * smallest subspace (then the shorter statement): a map there may already state it.
 */
export function dropRepeatedInvariants(laws: ScoredLaw[], bases: number[][][], ctx: DataContext, sample: Uint32Array, catalog: FeatureCatalog): ScoredLaw[] {
  const invariants = laws.filter((l) => l.fit.role === 'invariant');
  if (invariants.length < 2) return laws;
  const perSubspace = new Map<number, number>();
  for (const l of invariants) perSubspace.set(l.subspaceIndex, (perSubspace.get(l.subspaceIndex) ?? 0) + 1);
  const together = (l: ScoredLaw) => (perSubspace.get(l.subspaceIndex)! > 1 ? 0 : 1);
  const order = [...invariants].sort((a, b) => together(a) - together(b) || a.fit.k - b.fit.k || a.descriptionLength - b.descriptionLength);
  const kept: { law: ScoredLaw; values: Float64Array }[] = [];
  const dropped = new Set<ScoredLaw>();
  for (const law of order) {
    const values = valuesOn(law, bases[law.subspaceIndex], ctx, sample, catalog);
    // One quantity stated twice (a plane's |u|², and a larger subspace's copy of it with a drifting
    // direction mixed in): the more exact statement stays.
    const twin = kept.find((k) => Math.abs(correlation(values, k.values)) >= TWIN);
    if (twin) {
      if (law.inlierRelativeError < 0.5 * twin.law.inlierRelativeError) {
        dropped.add(twin.law);
        kept.splice(kept.indexOf(twin), 1, { law, values });
      } else dropped.add(law);
    } else if (explained(values, kept.map((k) => k.values), law.tolerance)) dropped.add(law);
    else kept.push({ law, values });
  }
  return laws.filter((l) => !dropped.has(l));
}

/**
 * Whether y is a constant plus a combination of `xs` to within its tolerance (in units of its spread):
 * then it restates them (a plane's |u|² seen again, slightly tilted, on a larger subspace).
 */
function explained(y: Float64Array, xs: Float64Array[], tolerance: number): boolean {
  if (xs.length === 0) return false;
  const n = y.length;
  const p = xs.length;
  const mean = (v: Float64Array) => v.reduce((t, x) => t + x, 0) / n;
  const cy = centred(y, mean(y));
  const cx = xs.map((x) => centred(x, mean(x)));
  const G = cx.map((a) => cx.map((b) => dot(a, b)));
  const r = cx.map((a) => dot(a, cy));
  const w = solveSmall(G, r);
  if (!w) return false;
  const total = dot(cy, cy);
  const fitted = w.reduce((t, wi, i) => t + wi * r[i], 0);
  return total > 0 && 1 - fitted / total <= Math.max((REPEAT * tolerance) ** 2, 1 - SAME * SAME) + 1e-12 * p;
}

const centred = (v: Float64Array, m: number) => v.map((x) => x - m);
const dot = (a: Float64Array, b: Float64Array) => a.reduce((t, x, i) => t + x * b[i], 0);

/** Gaussian elimination with partial pivoting for a small system; null when singular. */
function solveSmall(A: number[][], b: number[]): number[] | null {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[piv][c])) piv = r;
    if (!(Math.abs(M[piv][c]) > 0)) return null;
    [M[c], M[piv]] = [M[piv], M[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  return M.map((row, i) => row[n] / row[i]);
}

/** The invariant's value at the first state of each sampled transition. */
function valuesOn(law: ScoredLaw, basis: number[][], ctx: DataContext, sample: Uint32Array, catalog: FeatureCatalog): Float64Array {
  const k = basis.length;
  const evaluate = catalog.compileAll(law.fit.features, subspaceVariables(k));
  const c = coefficientsFor(law.fit, law.fit.params)[0];
  const u = new Float64Array(k);
  const phi = new Float64Array(c.length);
  const out = new Float64Array(sample.length);
  for (let i = 0; i < sample.length; i++) {
    projectState(ctx.states, ctx.dim, ctx.starts[sample[i]], basis, u);
    evaluate(u, phi);
    let v = 0;
    for (let j = 0; j < c.length; j++) v += c[j] * phi[j];
    out[i] = v;
  }
  return out;
}


function correlation(x: Float64Array, y: Float64Array): number {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i] / n;
    my += y[i] / n;
  }
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}
