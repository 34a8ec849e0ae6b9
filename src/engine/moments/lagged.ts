/**
 * Lag-2 moments: what measurement noise cannot bias. When each state is read with independent noise
 * (z_t = x_t + e_t), Σ z_{t+2} z_tᵀ and Σ z_{t+1} z_tᵀ pair readings taken at different times, so
 * the noise averages out of both, and their ratio is the clean state's map (see noise-model.ts).
 * They come with the moment pass, over the transitions t whose trajectory goes on to t + 2.
 */
import { addCross, addGramUpper } from '../kernels/gram.js';
import type { ProductSums } from '../kernels/block-products.js';
import { type ExcludedTransitions, excludedRows } from './excluded.js';
import { CrossSum } from './outer-sums.js';
import { sharedFloat64 } from './shared.js';
import type { StateArray } from '../../types.js';

/**
 * Lag-2 sums over the lagged set: the transitions t with a state at t + 2 in their trajectory (every
 * one, or every `stride`-th by global number on large data sets), with w = z − shift.
 */
export interface LaggedMoments {
  /** Number of transitions in the lagged set. */
  n: number;
  /**
   * Stride 1: the transitions left out (those ending a trajectory): the full moments less their
   * outer products are the moments over the lagged set.
   */
  excluded?: ExcludedTransitions;
  /** Larger strides: Σ v vᵀ over the lagged set itself, (2d+1)² row-major, symmetric. */
  base?: Float64Array;
  /** Σ [w_t; 1] w_{t+2}ᵀ over the lagged set, (d+1) × d row-major. */
  ahead: Float64Array;
}

/**
 * Transitions in the lagged set at most, about. The noise covariance from a subset is less precise than
 * the moments it corrects (the corrected fit then resolves spurious detail), so only data sets far
 * larger than this are thinned, where the d² sum per transition would cost most.
 */
export const LAGGED_SAMPLE = 1 << 22;

/** The stride of the lagged set for `n` transitions. */
export const laggedStride = (n: number): number => Math.max(1, Math.floor(n / LAGGED_SAMPLE));

const BLOCK = 256;

/** Lag-2 sums over transitions [from, to) of the global numbering (the next transitions may lie beyond `to`). */
export function accumulateLagged(states: StateArray, dim: number, starts: Uint32Array, shift: number[], from: number, to: number, stride = 1): LaggedMoments {
  const left: number[] = [];
  const d = dim;
  const m = 2 * d + 1;
  // Block columns: w (0 … d−1), w' (d … 2d−1), 1 (2d), w'' (2d+1 … 3d).
  const V = new Float64Array((3 * d + 1) * BLOCK);
  V.fill(1, 2 * d * BLOCK, (2 * d + 1) * BLOCK);
  const all = Int32Array.from({ length: m }, (_, i) => i * BLOCK);
  const wOne = Int32Array.from({ length: d + 1 }, (_, i) => (i < d ? i : 2 * d) * BLOCK);
  const ahead2 = Int32Array.from({ length: d }, (_, i) => (2 * d + 1 + i) * BLOCK);
  const ahead = new Float64Array((d + 1) * d);
  const sums = new Float64Array(stride > 1 ? m * m : 0);
  let n = 0;
  let count = 0;
  const flush = () => {
    if (stride > 1) addGramUpper(V, all, count, sums, m);
    addCross(V, wOne, V, ahead2, count, ahead, d);
    count = 0;
  };
  for (let t = stride > 1 ? Math.ceil(from / stride) * stride : from; t < to; t += stride) {
    const st = starts[t];
    if (!(t + 1 < starts.length && starts[t + 1] === st + 1)) {
      if (stride === 1) left.push(st);
      continue;
    }
    const a = st * d;
    for (let j = 0; j < d; j++) {
      V[j * BLOCK + count] = states[a + j] - shift[j];
      V[(2 * d + 1 + j) * BLOCK + count] = states[a + 2 * d + j] - shift[j];
    }
    // w' enters only the thinned set's own moments; at stride 1 they come from the moment pass.
    if (stride > 1) for (let j = 0; j < d; j++) V[(d + j) * BLOCK + count] = states[a + d + j] - shift[j];
    n++;
    if (++count === BLOCK) flush();
  }
  if (count > 0) flush();
  if (stride === 1) return { n, excluded: excludedRows(states, d, shift, left), ahead };
  return { n, base: mirrorUpper(sums, m), ahead };
}

/**
 * Lag-2 sums at stride 1 from the moment pass's own blocks, so they cost no pass of their own: in a
 * block of consecutive transitions, z_{t+2} is the next row's z', so Σ [w_t; 1] w_{t+2}ᵀ is the cross
 * of the [w; 1] columns with the z' columns one row on. Pairs that straddle a trajectory's end are
 * taken out again, and each block's last row is paired with the state after it directly.
 */
export class LaggedFromBlocks {
  readonly #d: number;
  readonly #linked: Uint8Array;
  readonly #state: Uint32Array;
  readonly #ahead: ProductSums;
  readonly #left: number[] = [];
  /** The pairs the block products counted across a trajectory's end (taken out), and each block's last row with the state after it (put in). */
  readonly #straddling: CrossSum;
  readonly #blockEnds: CrossSum;
  readonly #x: Float64Array;
  readonly #y: Float64Array;
  #n = 0;

  /**
   * `wOne`, `next`: the block's offsets of the columns [w; 1] and w' (`block` rows at most each);
   * `ahead`: the running totals of [w; 1] against w' one row on, which the block products add to.
   */
  constructor(
    private readonly states: StateArray,
    dim: number,
    private readonly starts: Uint32Array,
    private readonly shift: Float64Array,
    block: number,
    private readonly wOne: Int32Array,
    private readonly next: Int32Array,
    ahead: ProductSums,
  ) {
    this.#d = dim;
    this.#linked = new Uint8Array(block);
    this.#state = new Uint32Array(block);
    this.#ahead = ahead;
    this.#straddling = new CrossSum(dim + 1, dim);
    this.#blockEnds = new CrossSum(dim + 1, dim);
    this.#x = new Float64Array(dim + 1);
    this.#y = new Float64Array(dim);
  }

  /** Note the transition `t` (starting at state `st`) gathered into row `row`. */
  note(row: number, t: number, st: number): void {
    const linked = t + 1 < this.starts.length && this.starts[t + 1] === st + 1;
    this.#linked[row] = linked ? 1 : 0;
    this.#state[row] = st;
    if (linked) this.#n++;
    else this.#left.push(st);
  }

  /** Note the corrections to the block's `count` rows, held in `V`, whose pairs the block products add. */
  flush(V: Float64Array, count: number): void {
    const [d, wOne, next, x, y] = [this.#d, this.wOne, this.next, this.#x, this.#y];
    for (let r = 0; r + 1 < count; r++) {
      if (this.#linked[r]) continue;
      for (let i = 0; i <= d; i++) x[i] = V[wOne[i] + r];
      for (let j = 0; j < d; j++) y[j] = V[next[j] + r + 1];
      this.#straddling.add(x, y);
    }
    const last = count - 1;
    if (!this.#linked[last]) return;
    const after = (this.#state[last] + 2) * d;
    for (let i = 0; i <= d; i++) x[i] = V[wOne[i] + last];
    for (let j = 0; j < d; j++) y[j] = this.states[after + j] - this.shift[j];
    this.#blockEnds.add(x, y);
  }

  /** The lag-2 sums, those ahead written into `ahead` when given ((d+1)·d values). */
  result(ahead: Float64Array = new Float64Array((this.#d + 1) * this.#d)): LaggedMoments {
    const d = this.#d, { values, rowStride } = this.#ahead;
    for (const sums of [this.#straddling, this.#blockEnds]) sums.flush();
    const [minus, plus] = [this.#straddling.cross, this.#blockEnds.cross];
    for (let i = 0; i <= d; i++) for (let j = 0; j < d; j++) ahead[i * d + j] = values[i * rowStride + j] - minus[i * d + j] + plus[i * d + j];
    return { n: this.#n, excluded: excludedRows(this.states, d, this.shift, this.#left), ahead };
  }
}

/**
 * Zeroed lag-2 sums of the same shape as `like`, in shared memory; the left-out transitions are
 * summed apart (ExcludedSum), so there are none.
 */
export function zeroLagged(like: LaggedMoments): LaggedMoments {
  const zero = (a: Float64Array | undefined) => (a ? sharedFloat64(a.length) : undefined);
  const base = zero(like.base);
  return { n: 0, ...(base ? { base } : {}), ahead: zero(like.ahead)! };
}

/** `total` + `part`, entry by entry into `total`'s arrays (both of one shape, see {@link zeroLagged}), but for the left-out transitions. */
export function addLaggedInto(total: LaggedMoments, part: LaggedMoments): LaggedMoments {
  const add = (out: Float64Array | undefined, a: Float64Array | undefined) => {
    if (out && a) for (let i = 0; i < out.length; i++) out[i] += a[i];
  };
  add(total.base, part.base);
  add(total.ahead, part.ahead);
  return { ...total, n: total.n + part.n };
}

/** Copy the upper triangle of the m × m row-major `a` onto its lower triangle. */
function mirrorUpper(a: Float64Array, m: number): Float64Array {
  for (let i = 0; i < m; i++) for (let j = 0; j < i; j++) a[i * m + j] = a[j * m + i];
  return a;
}
