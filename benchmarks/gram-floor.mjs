// The floor a fit is measured against: one Gram matrix of [z; 1; z'] over every transition, on one
// thread with the library's own (SIMD) moment kernel. The search needs at least this one pass.
import { addGramUpper } from '../dist/src/engine/kernels/gram.js';

const BLOCK = 256;

/** Milliseconds for one Gram pass over the data set's transitions. */
export function gramFloorMs(data) {
  const d = data.dim;
  const m = 2 * d + 1;
  const V = new Float64Array(m * BLOCK);
  V.fill(1, d * BLOCK, (d + 1) * BLOCK);
  const offs = Int32Array.from({ length: m }, (_, j) => j * BLOCK);
  const G = new Float64Array(m * m);
  const t0 = performance.now();
  let count = 0;
  for (let k = 0; k + 1 < data.offsets.length; k++) {
    for (let s = data.offsets[k]; s + 1 < data.offsets[k + 1]; s++) {
      for (let j = 0; j < d; j++) {
        V[j * BLOCK + count] = data.states[s * d + j];
        V[(d + 1 + j) * BLOCK + count] = data.states[(s + 1) * d + j];
      }
      if (++count === BLOCK) {
        addGramUpper(V, offs, count, G, m);
        count = 0;
      }
    }
  }
  if (count > 0) addGramUpper(V, offs, count, G, m);
  return performance.now() - t0;
}
