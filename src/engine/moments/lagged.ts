/**
 * Lag-2 moments: what measurement noise cannot bias. When each state is read with independent noise
 * (z_t = x_t + e_t), Σ z_{t+2} z_tᵀ and Σ z_{t+1} z_tᵀ pair readings taken at different times, so
 * the noise averages out of both, and their ratio is the clean state's map (see noise-model.ts).
 * They come with the moment pass, over the transitions t whose trajectory goes on to t + 2.
 */
import { addCross } from '../kernels/gram.js';

/** Lag-2 sums over the transitions t that have a state at t + 2 in their trajectory, with w = z − shift. */
export interface LaggedMoments {
  /** Number of such transitions. */
  n: number;
  /**
   * Σ v vᵀ over the other transitions (those ending a trajectory), v = [w_t; w_{t+1}; 1], (2d+1)²
   * row-major: the full moments minus these are the moments over the lagged set.
   */
  excluded: Float64Array;
  /** Σ [w_t; 1] w_{t+2}ᵀ, (d+1) × d row-major. */
  ahead: Float64Array;
}

const BLOCK = 256;

/** Lag-2 sums over transitions [from, to) of the global numbering (the next transitions may lie beyond `to`). */
export function accumulateLagged(states: Float64Array, dim: number, starts: Uint32Array, shift: number[], from: number, to: number): LaggedMoments {
  const d = dim;
  const m = 2 * d + 1;
  const V = new Float64Array((2 * d + 1) * BLOCK);
  V.fill(1, d * BLOCK, (d + 1) * BLOCK);
  const zOne = Int32Array.from({ length: d + 1 }, (_, i) => i * BLOCK);
  const ahead2 = Int32Array.from({ length: d }, (_, i) => (d + 1 + i) * BLOCK);
  const ahead = new Float64Array((d + 1) * d);
  const excluded = new Float64Array(m * m);
  const v = new Float64Array(m);
  let n = 0;
  let count = 0;
  for (let t = from; t < to; t++) {
    const st = starts[t];
    if (!(t + 1 < starts.length && starts[t + 1] === st + 1)) {
      addExcluded(states, d, shift, st, v, excluded);
      continue;
    }
    const a = st * d;
    for (let j = 0; j < d; j++) {
      V[j * BLOCK + count] = states[a + j] - shift[j];
      V[(d + 1 + j) * BLOCK + count] = states[a + 2 * d + j] - shift[j];
    }
    n++;
    if (++count === BLOCK) {
      addCross(V, zOne, V, ahead2, count, ahead, d);
      count = 0;
    }
  }
  if (count > 0) addCross(V, zOne, V, ahead2, count, ahead, d);
  return { n, excluded, ahead };
}

/** Sum partial lag-2 moments in the given order. */
export function addLagged(parts: LaggedMoments[]): LaggedMoments {
  const excluded = new Float64Array(parts[0].excluded.length);
  const ahead = new Float64Array(parts[0].ahead.length);
  let n = 0;
  for (const p of parts) {
    n += p.n;
    for (let i = 0; i < excluded.length; i++) excluded[i] += p.excluded[i];
    for (let i = 0; i < ahead.length; i++) ahead[i] += p.ahead[i];
  }
  return { n, excluded, ahead };
}

/** Add v vᵀ for the transition starting at state `st`, v = [w_t; w_{t+1}; 1] (one per trajectory end: rare). */
function addExcluded(states: Float64Array, d: number, shift: number[], st: number, v: Float64Array, out: Float64Array): void {
  const m = 2 * d + 1;
  for (let j = 0; j < d; j++) {
    v[j] = states[st * d + j] - shift[j];
    v[d + j] = states[(st + 1) * d + j] - shift[j];
  }
  v[2 * d] = 1;
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) out[i * m + j] += v[i] * v[j];
}
