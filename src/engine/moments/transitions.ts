/**
 * Transitions as the engine reads them: pairs (z_t, z_{t+1}) of consecutive states of one trajectory,
 * numbered trajectory by trajectory, over states in (possibly shared) memory.
 */

import type { StateArray } from '../../types.js';

/** The data every task reads: shared (not copied) between worker threads. */
export interface DataContext {
  states: StateArray;
  dim: number;
  starts: Uint32Array;
}

/** State index of z_t for each transition, in the global transition numbering (trajectory by trajectory). */
export function transitionStarts(offsets: ArrayLike<number>): Uint32Array {
  let n = 0;
  for (let k = 0; k + 1 < offsets.length; k++) n += Math.max(0, offsets[k + 1] - offsets[k] - 1);
  const starts = new Uint32Array(n);
  let j = 0;
  for (let k = 0; k + 1 < offsets.length; k++) {
    for (let s = offsets[k]; s < offsets[k + 1] - 1; s++) starts[j++] = s;
  }
  return starts;
}
