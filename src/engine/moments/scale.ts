/**
 * Scale normalisation before the moment pass. The search forms products of up to eight coordinates
 * (fourth moments of quadratic features) summed over all transitions; far from unit magnitude these
 * overflow (1e150² is Infinity) or underflow (1e-150² is 0). Data whose largest |z| lies outside
 * [2^-100, 2^100] are therefore searched as a copy scaled by an exact power of two, and the laws are
 * stated back in the data's units (output/units.ts). Inside that range nothing changes at all.
 */
import { InputError } from '../../errors.js';
import type { StateArray } from '../../types.js';
import { timesPow2 } from '../kernels/linalg.js';

/**
 * Largest |z| searched as it is: 2^±100 leaves room for products of eight coordinates summed over 2^40
 * transitions (8·100 + 40 < 1022) on both sides, and covers every magnitude ordinary latents have.
 */
export const SAFE_MAGNITUDE = 2 ** 100;

/**
 * Largest |z| that can be fitted at all: the laws, residuals and differences z' − z are stated in data
 * units, and a few sums of coordinates of this size must stay finite (2^23 of headroom to 2^1023).
 */
export const MAX_MAGNITUDE = 2 ** 1000;

/** How the data are searched: as they are (factor 1) or scaled by 1/factor. */
export interface DataScale {
  /** Data units per search unit: an exact power of two, 2^exponent. */
  factor: number;
  exponent: number;
  /** The data's largest |z|. */
  largest: number;
}

/**
 * Measure the data's magnitude and choose the scaling (one pass over the states).
 * @param source the data's name for messages
 * @throws InputError when a value is not finite or the magnitude cannot be represented in data units
 */
export function chooseScale(states: StateArray, dim: number, source: string): DataScale {
  let largest = 0;
  let bad = -1;
  for (let i = 0; i < states.length; i++) {
    const v = Math.abs(states[i]);
    if (v > largest) largest = v;
    else if (v !== v) bad = i;
  }
  // Loaders reject these already; a data set built in code may still hold one.
  if (largest === Infinity || bad >= 0) {
    const i = bad >= 0 ? bad : states.findIndex((v) => !Number.isFinite(v));
    throw new InputError(source, `values are not finite: state ${Math.floor(i / dim)}, coordinate ${i % dim} is ${states[i]}`);
  }
  if (largest >= MAX_MAGNITUDE) {
    throw new InputError(source, `values too large to fit: |z| must stay below 2^1000 ≈ 1.07e301 for the laws and residuals stated in data units to be finite (largest |z| = ${largest.toPrecision(4)})`);
  }
  if (largest === 0 || (largest >= 1 / SAFE_MAGNITUDE && largest <= SAFE_MAGNITUDE)) return { factor: 1, exponent: 0, largest };
  // Scaled, the largest |z| is in [1, 2): products of coordinates stay near 1.
  const exponent = Math.floor(Math.log2(largest));
  return { factor: timesPow2(1, exponent), exponent, largest };
}

/**
 * The states times 2^-exponent, in shared memory (worker threads read it without a copy). Exact:
 * multiplying by a power of two only changes the exponent, barring values that become subnormal.
 */
export function scaleStates(states: StateArray, exponent: number): Float64Array {
  const out = new Float64Array(new SharedArrayBuffer(states.length * Float64Array.BYTES_PER_ELEMENT));
  const s = timesPow2(1, -exponent);
  // 2^-exponent itself overflows for the tiniest data (exponent < -1023): then two steps per value.
  if (Number.isFinite(s)) for (let i = 0; i < states.length; i++) out[i] = states[i] * s;
  else for (let i = 0; i < states.length; i++) out[i] = timesPow2(states[i], -exponent);
  return out;
}
