/**
 * Feature moments of a set of transitions in one pass: the screening sample's statistics for library
 * and quadratic candidates (map moments of φ(u) against u', invariant moments of Δφ and of φ).
 */
import { blockProjector } from '../kernels/project.js';
import type { FeatureStats } from '../model/families.js';
import { type FeatureCatalog, subspaceVariables } from '../model/features.js';
import type { InvariantStats } from '../model/sparse.js';
import { MomentAccumulator, type Want } from './accumulator.js';
import type { StateArray } from '../../types.js';

/** Transitions per block of a sample feature pass (and of `statsOnRows`, which must sum as it does). */
export const PASS_BLOCK = 512;

/** Statistics one pass gathers for a subset of its features. */
export interface PassRequest {
  /** Positions in the pass's feature list, in the order the statistics list them. */
  cols: number[];
  want: Want;
}

/**
 * One pass over every transition computing, for each request, map statistics (φ(u) against u') and
 * invariant statistics (Δφ moments and the covariance of φ) over its columns of a feature list on a
 * subspace (screening passes run on the sample's own rows, see readSampleRows). `basis` null means
 * `states` are already subspace coordinates (dim = k). States are projected and features
 * evaluated once, and each request sums the moments of its own columns. Each moment is the same
 * running sum whichever other requests share the pass, so results equal separate passes bit for bit.
 * Transitions are taken block by block: states projected into rows (u's, then u''s at row
 * PASS_BLOCK), features evaluated column by column by the block compiler, moments summed with the
 * blocked kernels — no closure call per sample.
 */
export function featurePasses(
  states: StateArray,
  dim: number,
  starts: Uint32Array,
  basis: number[][] | null,
  features: string[],
  requests: PassRequest[],
  catalog: FeatureCatalog,
): { map: FeatureStats | null; invariant: InvariantStats | null }[] {
  const k = basis ? basis.length : dim;
  const m = features.length;
  const B = PASS_BLOCK;
  const R = 2 * B;
  const anyMap = requests.some((r) => r.want.map);
  const anyInvariant = requests.some((r) => r.want.invariant);
  const projectRows = blockProjector(basis ?? Array.from({ length: dim }, (_, i) => Array.from({ length: dim }, (_, j) => (i === j ? 1 : 0))), dim);
  // The block's first states, then their successors: projected together when the block is flushed.
  const stateU = new Int32Array(B);
  const stateV = new Int32Array(B);
  const evalBlock = catalog.compileBlock(features, subspaceVariables(k), R);
  const X = new Float64Array(R * k);
  // Column j of Phi: φ_j(u) of the block's transitions from j·R, φ_j(u') from j·R + B.
  const Phi = new Float64Array(R * m);
  const DV = new Float64Array(anyInvariant ? R * m : 0);
  const VX = new Float64Array(anyMap ? R * k : 0);
  const accs = requests.map((r) => new MomentAccumulator(k, r.cols.length, r.want));
  const cols = requests.map((r) => Int32Array.from(r.cols));
  // The successors' rows, as views: their features are evaluated only when an invariant reads them
  // (map moments take u' from X), and only the block's filled rows are evaluated.
  const XV = X.subarray(B * k);
  const PhiV = Phi.subarray(B);
  let count = 0;
  const flush = () => {
    projectRows(states, stateU, count, X, 0);
    projectRows(states, stateV, count, X, B);
    evalBlock(X, count, Phi, R, 0);
    if (anyInvariant) {
      evalBlock(XV, count, PhiV, R, 0);
      successorDifferences(Phi, DV, m, R, B, count);
    }
    if (anyMap) successorColumns(X, VX, k, R, B, count);
    for (let i = 0; i < accs.length; i++) accs[i].addBlock(Phi, DV, VX, count, R, cols[i]);
    count = 0;
  };
  for (let t = 0; t < starts.length; t++) {
    stateU[count] = starts[t];
    stateV[count] = starts[t] + 1;
    if (++count === B) flush();
  }
  if (count > 0) flush();
  return accs.map((a) => a.result());
}

// Module-level loops: V8 drops a dead closure's optimised code (docs/performance.md#v8-and-closures).

/** Δφ = φ(u') − φ(u) per column: rows `B + c` of `Phi` hold the successors of rows `c`. */
function successorDifferences(Phi: Float64Array, DV: Float64Array, m: number, R: number, B: number, count: number): void {
  for (let j = 0; j < m; j++) {
    const o = j * R;
    for (let c = 0; c < count; c++) DV[o + c] = Phi[o + B + c] - Phi[o + c];
  }
}

/** The successors' coordinates (rows `B + c` of `X`, stride k) as columns of stride R. */
function successorColumns(X: Float64Array, VX: Float64Array, k: number, R: number, B: number, count: number): void {
  for (let q = 0; q < k; q++) for (let c = 0; c < count; c++) VX[q * R + c] = X[(B + c) * k + q];
}
