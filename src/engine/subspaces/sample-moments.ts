/**
 * Centred full-space moments over the screening sample, or over the part of it a trimmed refit keeps.
 * A trimmed set's moments are the whole sample's less those of the transitions set aside: at d = 1024
 * each moment pass over the sample is a 2048-column Gram matrix, and a round sets aside a few percent.
 */
import { blockProducts } from '../kernels/block-products.js';
import type { Mat } from '../kernels/linalg.js';
import type { StateArray } from '../../types.js';

export interface CentredMoments {
  /** Σ (z − z̄)(z − z̄)ᵀ, Σ (z' − z̄')(z − z̄)ᵀ, Σ (z' − z̄')(z' − z̄')ᵀ over the full space. */
  cxx: Mat;
  cyx: Mat;
  cyy: Mat;
}

/** Sampled transitions for robust refinement of data-driven subspaces (outliers must not tilt them). */
export interface SampleData {
  states: StateArray;
  dim: number;
  starts: Uint32Array;
  sample: Uint32Array;
}

/** Centred moments of a sample, with its means. */
export type SampleMoments = CentredMoments & { meanX: number[]; meanY: number[] };

/** Where the sample's transitions are: transition idx[i] runs from state starts[idx[i]] to the next. */
interface SampleRows {
  states: StateArray;
  dim: number;
  starts: Uint32Array;
  idx: Uint32Array;
}

/** Rows of the sample per block of the moment kernels. */
const SAMPLE_BLOCK = 256;

/** Centred full-space moments over a subset of transitions (a sample, optionally masked). */
export function sampleCentredMoments(states: StateArray, dim: number, starts: Uint32Array, idx: Uint32Array, mask: Uint8Array | null): SampleMoments {
  const rows = { states, dim, starts, idx };
  const keep = (i: number) => !mask || mask[i] === 1;
  const { meanX, meanY } = sampleMeans(rows, keep);
  return { ...blocksOf(gramAbout(rows, keep, meanX, meanY), dim), meanX, meanY };
}

/**
 * {@link sampleCentredMoments} of the whole sample written into `gram` ((2·dim)², zeroed; the upper
 * triangle of the Gram matrix of [x; y] about the means) and `means` (x's, then y's), for
 * {@link sampleMomentsFrom} to read on another thread: the same values.
 */
export function sampleMomentsInto(states: StateArray, dim: number, starts: Uint32Array, idx: Uint32Array, gram: Float64Array, means: Float64Array): void {
  const rows = { states, dim, starts, idx };
  const { meanX, meanY } = sampleMeans(rows, () => true);
  gramAbout(rows, () => true, meanX, meanY, gram);
  means.set(meanX);
  means.set(meanY, dim);
}

/** The moments {@link sampleMomentsInto} wrote. */
export function sampleMomentsFrom(gram: Float64Array, means: Float64Array, dim: number): SampleMoments {
  return { ...blocksOf(gram, dim), meanX: Array.from(means.subarray(0, dim)), meanY: Array.from(means.subarray(dim, 2 * dim)) };
}

/** The means of x and y over the selected transitions of the sample. */
function sampleMeans(rows: SampleRows, keep: (i: number) => boolean): { meanX: number[]; meanY: number[] } {
  const { states, dim, starts, idx } = rows;
  const sx = new Array<number>(dim).fill(0);
  const sy = new Array<number>(dim).fill(0);
  let n = 0;
  // Plain loops, not forEach: V8 drops a dead callback's optimised code (docs/performance.md#v8-and-closures).
  for (let i = 0; i < idx.length; i++) {
    if (!keep(i)) continue;
    const a = starts[idx[i]] * dim;
    for (let j = 0; j < dim; j++) {
      sx[j] += states[a + j];
      sy[j] += states[a + dim + j];
    }
    n++;
  }
  return { meanX: sx.map((s) => s / Math.max(n, 1)), meanY: sy.map((s) => s / Math.max(n, 1)) };
}

/**
 * Storage that {@link maskedSampleMoments} fills again on each call instead of allocating: a trimmed
 * refinement takes one set of moments per round and drops the last (at d = 1024, 25 MB of arrays and a
 * 34 MB Gram matrix a round). Moments returned with it are valid until the next call with it.
 */
export interface MaskedMomentsStorage {
  gram?: Float64Array;
  moments?: CentredMoments;
}

/**
 * The moments of the sample's transitions with mask[i] = 1, from the whole sample's (`whole`, with
 * mask = null): the set-aside rows' Gram matrix about the whole sample's means is subtracted, then the
 * kept rows' mean shift δ (Σ_kept (v − v̄) = −Σ_aside (v − v̄)) is taken out as n_kept δ δᵀ. When more
 * rows are set aside than kept, the kept ones are summed directly.
 */
export function maskedSampleMoments(whole: SampleMoments, states: StateArray, dim: number, starts: Uint32Array, idx: Uint32Array, mask: Uint8Array, reuse?: MaskedMomentsStorage): SampleMoments {
  let kept = 0;
  for (let i = 0; i < idx.length; i++) kept += mask[i];
  if (idx.length - kept >= kept) return sampleCentredMoments(states, dim, starts, idx, mask);
  const rows = { states, dim, starts, idx };
  const aside = (i: number) => mask[i] === 0;
  const m = 2 * dim;
  const G = gramAbout(rows, aside, whole.meanX, whole.meanY, reuse ? (reuse.gram ??= new Float64Array(m * m)) : undefined);
  // δ over the 2·dim columns [x; y]: minus the set-aside rows' sum about the whole means, per kept row.
  const delta = new Float64Array(2 * dim);
  for (let i = 0; i < idx.length; i++) {
    if (!aside(i)) continue;
    const a = starts[idx[i]] * dim;
    for (let j = 0; j < dim; j++) {
      delta[j] -= states[a + j] - whole.meanX[j];
      delta[dim + j] -= states[a + dim + j] - whole.meanY[j];
    }
  }
  for (let j = 0; j < 2 * dim; j++) delta[j] /= Math.max(kept, 1);
  const entry = (r: number, c: number) => (r <= c ? G[r * m + c] : G[c * m + r]);
  const block = (wholeBlock: Mat, o1: number, o2: number, into?: Mat) => {
    const out = into ?? wholeBlock.map((row) => row.slice());
    for (let p = 0; p < dim; p++) {
      const row = wholeBlock[p];
      const to = out[p];
      for (let q = 0; q < dim; q++) to[q] = row[q] - entry(o1 + p, o2 + q) - kept * delta[o1 + p] * delta[o2 + q];
    }
    return out;
  };
  const previous = reuse?.moments;
  const moments = {
    cxx: block(whole.cxx, 0, 0, previous?.cxx),
    cyx: block(whole.cyx, dim, 0, previous?.cyx),
    cyy: block(whole.cyy, dim, dim, previous?.cyy),
  };
  if (reuse) reuse.moments = moments;
  return {
    ...moments,
    meanX: whole.meanX.map((m, j) => m + delta[j]),
    meanY: whole.meanY.map((m, j) => m + delta[dim + j]),
  };
}

/**
 * Upper triangle of Σ v vᵀ over the selected rows, v = [z − mx; z' − my] (2·dim × 2·dim, row-major);
 * the entry below the diagonal at (p, q) with p > q is read at (q, p).
 */
function gramAbout(rows: SampleRows, selected: (i: number) => boolean, mx: number[], my: number[], out?: Float64Array): Float64Array {
  const { states, dim, starts, idx } = rows;
  // Columns x (0 … d−1) and y (d … 2d−1) of a block; one Gram matrix of [x; y] holds all three moments.
  const B = SAMPLE_BLOCK;
  const m = 2 * dim;
  // The block and the sums stay where the kernels work (block-products.ts): at d = 1024 a copying
  // kernel moved 4 MB in and 2 million sums out per block.
  const block = blockProducts(m, B, [{ a: 0, ma: m }]);
  const { columns: V, stride } = block;
  let count = 0;
  for (let i = 0; i < idx.length; i++) {
    if (!selected(i)) continue;
    const a = starts[idx[i]] * dim;
    for (let j = 0; j < dim; j++) {
      V[j * stride + count] = states[a + j] - mx[j];
      V[(dim + j) * stride + count] = states[a + dim + j] - my[j];
    }
    if (++count === B) {
      block.add(count);
      count = 0;
    }
  }
  if (count > 0) block.add(count);
  const { values, rowStride } = block.sums(0);
  const G = out ?? new Float64Array(m * m);
  for (let p = 0; p < m; p++) G.set(values.subarray(p * rowStride + p, p * rowStride + m), p * m + p);
  return G;
}

/** The three d × d blocks of the Gram matrix of [x; y]. */
function blocksOf(G: Float64Array, dim: number): CentredMoments {
  const m = 2 * dim;
  const upper = (p: number, q: number) => (p <= q ? G[p * m + q] : G[q * m + p]);
  const block = (at: (p: number, q: number) => number) => Array.from({ length: dim }, (_, p) => Array.from({ length: dim }, (__, q) => at(p, q)));
  return {
    cxx: block((p, q) => upper(p, q)),
    cyx: block((p, q) => G[q * m + dim + p]),
    cyy: block((p, q) => upper(dim + p, dim + q)),
  };
}
