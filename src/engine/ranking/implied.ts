/**
 * Whether a map law already implies an invariant: the invariant is conserved by the map's own
 * prediction (I(f(u)) = I(u)) on the screening sample, to within the invariant's observed error.
 */
import type { DataContext } from '../moments/transitions.js';
import { type FeatureCatalog, subspaceVariables } from '../model/features.js';
import { projectState } from '../kernels/project.js';
import { coefficientsFor, type LawFit } from '../model/law-fit.js';

export function conservedByMap(
  ctx: DataContext,
  basis: number[][],
  map: LawFit,
  invariant: LawFit,
  sample: Uint32Array,
  invariantRelativeError: number,
  catalog: FeatureCatalog,
): boolean {
  const k = basis.length;
  const vars = subspaceVariables(k);
  const mapFeatures = catalog.compileAll(map.features, vars);
  const invFeatures = catalog.compileAll(invariant.features, vars);
  const W = coefficientsFor(map, map.params);
  const c = coefficientsFor(invariant, invariant.params)[0];
  const u = new Float64Array(k);
  const pred = new Float64Array(k);
  const phiMap = new Float64Array(map.features.length);
  const phiInv = new Float64Array(invariant.features.length);
  const I = (x: Float64Array) => {
    invFeatures(x, phiInv);
    let s = 0;
    for (let j = 0; j < c.length; j++) s += c[j] * phiInv[j];
    return s;
  };
  let s1 = 0;
  let s2 = 0;
  let d2 = 0;
  for (const t of sample) {
    projectState(ctx.states, ctx.dim, ctx.starts[t], basis, u);
    mapFeatures(u, phiMap);
    for (let i = 0; i < k; i++) pred[i] = W[i].reduce((s, w, j) => s + w * phiMap[j], 0);
    const before = I(u);
    const after = I(pred);
    s1 += before;
    s2 += before * before;
    d2 += (after - before) ** 2;
  }
  const m = Math.max(sample.length, 1);
  const std = Math.sqrt(Math.max(s2 / m - (s1 / m) ** 2, 0));
  if (!(std > 0)) return false;
  return Math.sqrt(d2 / m) / std <= 3 * invariantRelativeError + 1e-9;
}
