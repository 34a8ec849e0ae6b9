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

/** The laws without invariants that repeat a shorter one (laws in ranking order, best first). */
export function dropRepeatedInvariants(laws: ScoredLaw[], bases: number[][][], ctx: DataContext, sample: Uint32Array, catalog: FeatureCatalog): ScoredLaw[] {
  const invariants = laws.filter((l) => l.fit.role === 'invariant');
  if (invariants.length < 2) return laws;
  const values = new Map(invariants.map((l) => [l, valuesOn(l, bases[l.subspaceIndex], ctx, sample, catalog)]));
  const dropped = new Set<ScoredLaw>();
  invariants.forEach((law, i) => {
    if (dropped.has(law)) return;
    for (const other of invariants.slice(i + 1)) {
      if (!dropped.has(other) && Math.abs(correlation(values.get(law)!, values.get(other)!)) > SAME) dropped.add(other);
    }
  });
  return laws.filter((l) => !dropped.has(l));
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
