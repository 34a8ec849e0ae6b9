/**
 * Projection of states onto a subspace basis (orthonormal rows): u = B z, per state, with the
 * arithmetic every pass shares so that sample and full passes see the same coordinates.
 */
import type { StateArray } from '../../types.js';

/** The coordinate a basis row picks out when it is a unit vector (one 1, the rest 0), else −1. */
export function unitCoordinate(row: number[]): number {
  return row.every((v) => v === 0 || v === 1) && row.filter((v) => v === 1).length === 1 ? row.indexOf(1) : -1;
}

/** The coordinate of each row of a basis whose rows are unit vectors, or null for any other basis. */
export function coordinatesOf(basis: number[][]): number[] | null {
  const coords = basis.map(unitCoordinate);
  return coords.every((c) => c >= 0) ? coords : null;
}

/** Project state `s` (row of `states`) onto the basis rows into `u`. */
export function projectState(states: StateArray, dim: number, s: number, basis: number[][], u: Float64Array): void {
  const off = s * dim;
  for (let a = 0; a < basis.length; a++) {
    const row = basis[a];
    let acc = 0;
    for (let p = 0; p < dim; p++) acc += row[p] * states[off + p];
    u[a] = acc;
  }
}

/**
 * Projects states onto a basis, one at a time: state `s` into `out[at … at + k)`. The same kernel as
 * {@link blockProjector} with a block of one state, so sample and streaming passes agree exactly.
 */
export function projector(basis: number[][], dim: number): (states: StateArray, s: number, out: Float64Array, at: number) => void {
  const rows = projectRows(basis, dim);
  const one = new Int32Array(1);
  return (states, s, out, at) => {
    one[0] = s;
    rows(states, one, 1, out, at);
  };
}

/**
 * Projects many states at once: state `stateOf[i]` into row `at + i` of `out` (stride k), for i
 * below `nRows`. Streams call this once per block instead of a closure per state.
 */
export function blockProjector(basis: number[][], dim: number): (states: StateArray, stateOf: Int32Array, nRows: number, out: Float64Array, at: number) => void {
  const k = basis.length;
  const rows = projectRows(basis, dim);
  return (states, stateOf, nRows, out, at) => rows(states, stateOf, nRows, out, at * k);
}

/**
 * The projection kernel: state `stateOf[i]` into `out[base + i·k …]`, each coordinate summed in order
 * of p. A row that is a unit vector (coordinate subspaces, the whole space) is a copy: the same value
 * the sum gives for finite data, without its d multiplications. Dense planes and 3-d subspaces (the
 * common finalist shapes) are unrolled so each loaded coordinate feeds every row's sum.
 */
function projectRows(basis: number[][], dim: number): (states: StateArray, stateOf: Int32Array, nRows: number, out: Float64Array, base: number) => void {
  const k = basis.length;
  const B = Float64Array.from(basis.flat());
  const unit = Int32Array.from(basis, unitCoordinate);
  // Module-level kernels: V8 drops a dead closure's optimised code (docs/performance.md#v8-and-closures).
  if (unit.every((u) => u >= 0)) return (states, stateOf, nRows, out, base) => copyCoordinates(states, stateOf, nRows, out, base, unit, k, dim);
  if (k === 2 && unit.every((u) => u < 0)) return (states, stateOf, nRows, out, base) => projectPlane(states, stateOf, nRows, out, base, B, dim);
  if (k === 3 && unit.every((u) => u < 0)) return (states, stateOf, nRows, out, base) => projectSpace3(states, stateOf, nRows, out, base, B, dim);
  return (states, stateOf, nRows, out, base) => projectGeneral(states, stateOf, nRows, out, base, B, unit, k, dim);
}

function copyCoordinates(states: StateArray, stateOf: Int32Array, nRows: number, out: Float64Array, base: number, unit: Int32Array, k: number, dim: number): void {
  for (let i = 0; i < nRows; i++) {
    const off = stateOf[i] * dim;
    const o = base + i * k;
    for (let a = 0; a < k; a++) out[o + a] = states[off + unit[a]];
  }
}

function projectPlane(states: StateArray, stateOf: Int32Array, nRows: number, out: Float64Array, base: number, B: Float64Array, dim: number): void {
  for (let i = 0; i < nRows; i++) {
    const off = stateOf[i] * dim;
    let a0 = 0;
    let a1 = 0;
    for (let p = 0; p < dim; p++) {
      const x = states[off + p];
      a0 += B[p] * x;
      a1 += B[dim + p] * x;
    }
    const o = base + i * 2;
    out[o] = a0;
    out[o + 1] = a1;
  }
}

function projectSpace3(states: StateArray, stateOf: Int32Array, nRows: number, out: Float64Array, base: number, B: Float64Array, dim: number): void {
  for (let i = 0; i < nRows; i++) {
    const off = stateOf[i] * dim;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    for (let p = 0; p < dim; p++) {
      const x = states[off + p];
      a0 += B[p] * x;
      a1 += B[dim + p] * x;
      a2 += B[2 * dim + p] * x;
    }
    const o = base + i * 3;
    out[o] = a0;
    out[o + 1] = a1;
    out[o + 2] = a2;
  }
}

function projectGeneral(states: StateArray, stateOf: Int32Array, nRows: number, out: Float64Array, base: number, B: Float64Array, unit: Int32Array, k: number, dim: number): void {
  for (let i = 0; i < nRows; i++) {
    const off = stateOf[i] * dim;
    const o = base + i * k;
    for (let a = 0; a < k; a++) {
      if (unit[a] >= 0) {
        out[o + a] = states[off + unit[a]];
        continue;
      }
      const bo = a * dim;
      let acc = 0;
      for (let p = 0; p < dim; p++) acc += B[bo + p] * states[off + p];
      out[o + a] = acc;
    }
  }
}
