/**
 * Feature libraries over subspace coordinates and the passes that turn samples into feature moments.
 * Monomials (u1, u1*u2, u1^2) get direct index arithmetic; every other term goes through the restricted
 * expression compiler, never through mathjs per sample.
 */
import { compileExpr, type Expr } from '../grammar/expr-ir.js';
import type { FeatureStats } from './families.js';
import { type Mat, zeros } from './linalg.js';
import type { InvariantStats } from './sparse.js';

/** Names of the subspace coordinates u1 … uk. */
export function subspaceVariables(k: number): string[] {
  return Array.from({ length: k }, (_, i) => `u${i + 1}`);
}

/** Degree-1 and degree-2 monomials: the feature set of quadratic invariants. */
export function quadraticFeatures(variables: string[]): string[] {
  const out = [...variables];
  for (let i = 0; i < variables.length; i++) {
    for (let j = i; j < variables.length; j++) {
      out.push(i === j ? `${variables[i]}^2` : `${variables[i]}*${variables[j]}`);
    }
  }
  return out;
}

type FeatureFn = (u: Float64Array) => number;

/**
 * Validated expression trees of library features, keyed by expression text. The main thread parses
 * user text (restricted mathjs) and ships the trees with each task; this module never loads mathjs.
 */
const featureTrees = new Map<string, Expr>();

export function registerFeatureTrees(entries: Iterable<[string, Expr]>): void {
  for (const [expr, tree] of entries) featureTrees.set(expr, tree);
}

/** Compile one feature expression over u1…uk; `1` is the constant feature. */
export function compileFeature(expr: string, variables: string[]): FeatureFn {
  const index = (name: string) => variables.indexOf(name);
  if (expr === '1') return () => 1;
  const single = index(expr);
  if (single >= 0) return (u) => u[single];
  const square = /^(u\d+)\^2$/.exec(expr);
  if (square && index(square[1]) >= 0) {
    const i = index(square[1]);
    return (u) => u[i] * u[i];
  }
  const product = /^(u\d+)\*(u\d+)$/.exec(expr);
  if (product && index(product[1]) >= 0 && index(product[2]) >= 0) {
    const i = index(product[1]);
    const j = index(product[2]);
    return (u) => u[i] * u[j];
  }
  const tree = featureTrees.get(expr);
  if (!tree) throw new Error(`feature '${expr}' was not registered (parse it with expressionTree first)`);
  const general = compileExpr(tree, new Map(variables.map((v, i) => [v, i])));
  return (u) => general(u);
}

/** Evaluate all features into `out`. */
export function compileFeatures(exprs: string[], variables: string[]): (u: Float64Array, out: Float64Array) => void {
  const fns = exprs.map((e) => compileFeature(e, variables));
  return (u, out) => {
    for (let i = 0; i < fns.length; i++) out[i] = fns[i](u);
  };
}

/** Project state `s` (row of `states`) onto the basis rows into `u`. */
export function projectState(states: Float64Array, dim: number, s: number, basis: number[][], u: Float64Array): void {
  const off = s * dim;
  for (let a = 0; a < basis.length; a++) {
    const row = basis[a];
    let acc = 0;
    for (let p = 0; p < dim; p++) acc += row[p] * states[off + p];
    u[a] = acc;
  }
}

/**
 * One pass over the chosen transitions computing map statistics (φ(u) against u') and invariant
 * statistics (Δφ moments and the covariance of φ) for a feature list on a subspace.
 * `select` lists transition indices (a screening sample) or is null for all; `mask` drops outliers.
 */
export function featurePass(
  states: Float64Array,
  dim: number,
  starts: Uint32Array,
  basis: number[][],
  features: string[],
  select: Uint32Array | null,
  mask: Uint8Array | null,
  want: { map: boolean; invariant: boolean },
): { map: FeatureStats | null; invariant: InvariantStats | null } {
  const k = basis.length;
  const m = features.length;
  const variables = subspaceVariables(k);
  const evalFeatures = compileFeatures(features, variables);
  const u = new Float64Array(k);
  const v = new Float64Array(k);
  const phi = new Float64Array(m);
  const phi2 = new Float64Array(m);
  const G = zeros(m, m);
  const C = zeros(k, m);
  const Y = zeros(k, k);
  const D = zeros(m, m);
  const S2 = zeros(m, m);
  const S1 = new Array<number>(m).fill(0);
  let n = 0;
  const count = select ? select.length : starts.length;
  for (let idx = 0; idx < count; idx++) {
    const t = select ? select[idx] : idx;
    if (mask && mask[t] === 0) continue;
    const s = starts[t];
    projectState(states, dim, s, basis, u);
    projectState(states, dim, s + 1, basis, v);
    evalFeatures(u, phi);
    n++;
    if (want.map) {
      for (let i = 0; i < m; i++) {
        const pi = phi[i];
        for (let j = i; j < m; j++) G[i][j] += pi * phi[j];
        for (let r = 0; r < k; r++) C[r][i] += v[r] * pi;
      }
      for (let r = 0; r < k; r++) for (let q = r; q < k; q++) Y[r][q] += v[r] * v[q];
    }
    if (want.invariant) {
      evalFeatures(v, phi2);
      for (let i = 0; i < m; i++) {
        const di = phi2[i] - phi[i];
        S1[i] += phi[i];
        for (let j = i; j < m; j++) {
          D[i][j] += di * (phi2[j] - phi[j]);
          S2[i][j] += phi[i] * phi[j];
        }
      }
    }
  }
  const symmetrize = (M: Mat) => {
    for (let i = 0; i < M.length; i++) for (let j = 0; j < i; j++) M[i][j] = M[j][i];
    return M;
  };
  let invariant: InvariantStats | null = null;
  if (want.invariant) {
    const Cov = symmetrize(S2).map((row, i) => row.map((x, j) => x - (n > 0 ? (S1[i] * S1[j]) / n : 0)));
    invariant = { n, D: symmetrize(D), Cov };
  }
  return { map: want.map ? { n, G: symmetrize(G), C, Y: symmetrize(Y) } : null, invariant };
}
