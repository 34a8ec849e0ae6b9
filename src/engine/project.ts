/**
 * Projection of states onto a subspace basis (orthonormal rows): u = B z, per state, with the
 * arithmetic every pass shares so that sample and full passes see the same coordinates.
 */

/** The coordinate a basis row picks out when it is a unit vector (one 1, the rest 0), else −1. */
export function unitCoordinate(row: number[]): number {
  return row.every((v) => v === 0 || v === 1) && row.filter((v) => v === 1).length === 1 ? row.indexOf(1) : -1;
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
 * Projects states onto a basis. A row that is a unit vector (coordinate subspaces, the whole space)
 * is a copy: the same value the sum gives for finite data, without its d multiplications.
 */
export function projector(basis: number[][], dim: number): (states: Float64Array, s: number, out: Float64Array, at: number) => void {
  const k = basis.length;
  const B = Float64Array.from(basis.flat());
  const unit = Int32Array.from(basis, unitCoordinate);
  // Dense planes and small principal subspaces: all rows at once, each loaded coordinate feeding
  // every row's sum (each sum still in order of p, so the values are those of the loop below).
  if (k === 2 && unit.every((u) => u < 0)) {
    return (states, s, out, at) => {
      const off = s * dim;
      let a0 = 0;
      let a1 = 0;
      for (let p = 0; p < dim; p++) {
        const x = states[off + p];
        a0 += B[p] * x;
        a1 += B[dim + p] * x;
      }
      out[at] = a0;
      out[at + 1] = a1;
    };
  }
  if (k === 3 && unit.every((u) => u < 0)) {
    return (states, s, out, at) => {
      const off = s * dim;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      for (let p = 0; p < dim; p++) {
        const x = states[off + p];
        a0 += B[p] * x;
        a1 += B[dim + p] * x;
        a2 += B[2 * dim + p] * x;
      }
      out[at] = a0;
      out[at + 1] = a1;
      out[at + 2] = a2;
    };
  }
  if (k === 4 && unit.every((u) => u < 0)) {
    return (states, s, out, at) => {
      const off = s * dim;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let p = 0; p < dim; p++) {
        const x = states[off + p];
        a0 += B[p] * x;
        a1 += B[dim + p] * x;
        a2 += B[2 * dim + p] * x;
        a3 += B[3 * dim + p] * x;
      }
      out[at] = a0;
      out[at + 1] = a1;
      out[at + 2] = a2;
      out[at + 3] = a3;
    };
  }
  return (states, s, out, at) => {
    const off = s * dim;
    for (let a = 0; a < k; a++) {
      if (unit[a] >= 0) {
        out[at + a] = states[off + unit[a]];
        continue;
      }
      const bo = a * dim;
      let acc = 0;
      for (let p = 0; p < dim; p++) acc += B[bo + p] * states[off + p];
      out[at + a] = acc;
    }
  };
}

/**
 * Projects many states at once: state `stateOf[i]` into row `at + i` of `out` (stride k), for i
 * below `nRows`, with the arithmetic of `projector` row by row (each sum in order of p), so the
 * values are the same. Streams call this once per block instead of a closure per state; on
 * coordinate subspaces it is a plain gather.
 */
export function blockProjector(basis: number[][], dim: number): (states: Float64Array, stateOf: Int32Array, nRows: number, out: Float64Array, at: number) => void {
  const k = basis.length;
  const B = Float64Array.from(basis.flat());
  const unit = Int32Array.from(basis, unitCoordinate);
  if (unit.every((u) => u >= 0)) {
    return (states, stateOf, nRows, out, at) => {
      for (let i = 0; i < nRows; i++) {
        const off = stateOf[i] * dim;
        const o = (at + i) * k;
        for (let a = 0; a < k; a++) out[o + a] = states[off + unit[a]];
      }
    };
  }
  // Dense planes and 3-d subspaces unrolled as in `projector` (the common finalist shapes), with
  // the loop over states inside, so no call per state.
  if (k === 2 && unit.every((u) => u < 0)) {
    return (states, stateOf, nRows, out, at) => {
      for (let i = 0; i < nRows; i++) {
        const off = stateOf[i] * dim;
        let a0 = 0;
        let a1 = 0;
        for (let p = 0; p < dim; p++) {
          const x = states[off + p];
          a0 += B[p] * x;
          a1 += B[dim + p] * x;
        }
        const o = (at + i) * 2;
        out[o] = a0;
        out[o + 1] = a1;
      }
    };
  }
  if (k === 3 && unit.every((u) => u < 0)) {
    return (states, stateOf, nRows, out, at) => {
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
        const o = (at + i) * 3;
        out[o] = a0;
        out[o + 1] = a1;
        out[o + 2] = a2;
      }
    };
  }
  // Other bases (dense k = 4 included): the per-state projector, called from one loop.
  const one = projector(basis, dim);
  return (states, stateOf, nRows, out, at) => {
    for (let i = 0; i < nRows; i++) one(states, stateOf[i], out, (at + i) * k);
  };
}
