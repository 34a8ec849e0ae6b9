/**
 * The screening sample: the one random choice of the search, drawn from an explicit seed so a result
 * can be reproduced exactly.
 */
import { mulberry32 } from '../../random.js';
import type { StateArray } from '../../types.js';

/** `count` distinct transition indices out of n (all of them when n ≤ count), sorted. */
export function sampleIndices(n: number, count: number, seed: number): Uint32Array {
  if (n <= count) return Uint32Array.from({ length: n }, (_, i) => i);
  const rand = mulberry32(seed);
  // Floyd's algorithm: exactly `count` distinct draws without materialising 0..n-1.
  const chosen = new Set<number>();
  for (let j = n - count; j < n; j++) {
    const t = Math.floor(rand() * (j + 1));
    chosen.add(chosen.has(t) ? j : t);
  }
  return Uint32Array.from([...chosen].sort((a, b) => a - b));
}

/**
 * The sampled transitions as a data set of their own, transition i being rows 2i and 2i + 1, in shared
 * memory: tasks carry it without a copy, and sample passes read 2·count contiguous rows instead of rows
 * scattered over the whole data set. Values are copied exactly, so results are those of the sample
 * read in place.
 */
export function gatherSampleRows(ctx: { states: StateArray; dim: number; starts: Uint32Array }, sample: Uint32Array): { states: Float64Array; dim: number; starts: Uint32Array } {
  const d = ctx.dim;
  const states = new Float64Array(new SharedArrayBuffer(2 * sample.length * d * 8));
  const starts = new Uint32Array(new SharedArrayBuffer(sample.length * 4));
  for (let i = 0; i < sample.length; i++) {
    const from = ctx.starts[sample[i]] * d;
    states.set(ctx.states.subarray(from, from + 2 * d), 2 * i * d);
    starts[i] = 2 * i;
  }
  return { states, dim: d, starts };
}

/**
 * The sample's rows as tasks read them: gathered (see {@link gatherSampleRows}) unless the gathered
 * rows would be a quarter of the data's states or more, where they are read in place: the copy would
 * then cost memory on the scale of the data (67 MB of 84 MB at 10⁴ × 1024) and buy little locality.
 * In place only for float64 data in shared memory, so that tasks still carry the rows by reference.
 */
export function readSampleRows(ctx: { states: StateArray; dim: number; starts: Uint32Array }, sample: Uint32Array): { states: Float64Array; dim: number; starts: Uint32Array } {
  const { states, dim } = ctx;
  const inPlace = states instanceof Float64Array && states.buffer instanceof SharedArrayBuffer && 2 * sample.length * IN_PLACE_SHARE >= states.length / dim;
  if (!inPlace) return gatherSampleRows(ctx, sample);
  const starts = new Uint32Array(new SharedArrayBuffer(sample.length * 4));
  for (let i = 0; i < sample.length; i++) starts[i] = ctx.starts[sample[i]];
  return { states, dim, starts };
}

/** The sample's rows are read in place from 1/IN_PLACE_SHARE of the data's states on. */
const IN_PLACE_SHARE = 4;

