/** Comparing laws found by `fit` with the laws planted in the data, independently of the basis chosen. */
import { principalAngles, matmul, transpose } from '../../../src/engine/kernels/linalg.ts';
import { featureCatalogFor } from '../../../src/engine/candidates/feature-trees.ts';
import type { Dataset, Law } from '../../../src/types.ts';

/** Largest principal angle between a law's subspace and the truth (Infinity if dimensions differ). */
export function planeError(law: Law, truthBasis: number[][]): number {
  if (law.subspace.basis.length !== truthBasis.length) return Infinity;
  const a = principalAngles(law.subspace.basis, truthBasis);
  return a[a.length - 1];
}

/** The full-space operator Bᵀ M B (and offset Bᵀ b) of a map law, comparable across bases. */
export function fullSpaceMap(law: Law): { A: number[][]; b: number[] } {
  const B = law.subspace.basis;
  const k = B.length;
  const W = law.model.coefficients;
  // A library map may list terms it does not use (zero coefficients): only u1…uk and 1 may carry one.
  const features = law.model.features;
  const nonlinear = features.some((f, j) => f !== '1' && !/^u\d+$/.test(f) && W.some((row) => row[j] !== 0));
  if (nonlinear) throw new Error('not a linear law');
  const M = W.map((row) => Array.from({ length: k }, (_, q) => { const j = features.indexOf(`u${q + 1}`); return j >= 0 ? row[j] : 0; }));
  const off = W.map((row) => { const j = features.indexOf('1'); return j >= 0 ? row[j] : 0; });
  const A = matmul(matmul(transpose(B), M), B);
  const b = transpose(B).map((col) => col.reduce((s, v, i) => s + v * off[i], 0));
  return { A, b };
}

/** Evaluate an invariant law on every state of the data set. */
export function invariantValues(law: Law, data: Dataset): number[] {
  const B = law.subspace.basis;
  const evalF = featureCatalogFor(law.model.features, law.model.variables).compileAll(law.model.features, law.model.variables);
  const c = law.model.coefficients[0];
  const u = new Float64Array(B.length);
  const phi = new Float64Array(c.length);
  const out: number[] = [];
  const nStates = data.states.length / data.dim;
  for (let s = 0; s < nStates; s++) {
    for (let a = 0; a < B.length; a++) u[a] = B[a].reduce((acc, w, j) => acc + w * data.states[s * data.dim + j], 0);
    evalF(u, phi);
    out.push(c.reduce((acc, w, j) => acc + w * phi[j], 0));
  }
  return out;
}

export function correlation(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** States projected onto a basis (rows), for evaluating a true invariant. */
export function projectStates(data: Dataset, basis: number[][]): number[][] {
  const nStates = data.states.length / data.dim;
  return Array.from({ length: nStates }, (_, s) => basis.map((row) => row.reduce((acc, w, j) => acc + w * data.states[s * data.dim + j], 0)));
}
