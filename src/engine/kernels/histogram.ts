/**
 * Residual histograms: finalists summarise their residuals over all transitions as counts in
 * logarithmic bins, so tolerances and inlier counts are set on the main thread without N floats per law.
 */

/** Residual histogram: bins of 0.01 decade of residual/spread from 1e-16 to 1e4. */
export const HIST_LOW = -16;
export const HIST_STEP = 0.01;
export const HIST_BINS = 2000;

/** Bin of residual r (in units of `spread`); zero, negative and NaN residuals go to bin 0. */
export function histBin(r: number, spread: number): number {
  if (!(r > 0)) return 0;
  const b = Math.floor((Math.log10(r / spread) - HIST_LOW) / HIST_STEP);
  return b < 0 ? 0 : b >= HIST_BINS ? HIST_BINS - 1 : b;
}

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** Edges of the histogram bins for a spread: bin b holds residuals in [edges[b], edges[b + 1]). */
export function histEdges(spread: number): Float64Array {
  const edges = new Float64Array(HIST_BINS + 1);
  for (let b = 0; b <= HIST_BINS; b++) edges[b] = spread * 10 ** (HIST_LOW + b * HIST_STEP);
  return edges;
}

/**
 * First guess of the bin of y = residual/spread from the top bits of y's float: binary exponent and
 * MANT_BITS mantissa bits index a table of the bin holding the lower end of that interval. The
 * intervals (2^-8 relative, 0.0017 decade) are narrower than a bin (0.01 decade), so the guess is the
 * bin or the one below; histCount settles it against the exact edges.
 */
const MANT_BITS = 8;
const EXP_LO = 1023 + Math.floor(Math.log2(10 ** HIST_LOW)) - 1;
const EXP_HI = 1023 + Math.ceil(Math.log2(10 ** (HIST_LOW + HIST_BINS * HIST_STEP))) + 1;
const GUESS = (() => {
  const table = new Uint16Array((EXP_HI - EXP_LO + 1) << MANT_BITS);
  for (let key = 0; key < table.length; key++) {
    const e = (key >>> MANT_BITS) + EXP_LO - 1023;
    const y = 2 ** e * (1 + (key & ((1 << MANT_BITS) - 1)) / (1 << MANT_BITS));
    table[key] = histBin(y, 1);
  }
  return table;
})();

/**
 * Count a block of residuals into `hist` without a logarithm per residual: a first guess from a
 * table indexed by the float's exponent and leading mantissa bits, corrected against the bin edges.
 * This runs once per transition for every finalist. Zero, negative and NaN residuals go to bin 0.
 */
export function histCount(hist: Uint32Array, edges: Float64Array, r: Float64Array, count: number): void {
  const scale = 1 / edges[-HIST_LOW / HIST_STEP];
  const top = HIST_BINS - 1;
  const shift = 20 - MANT_BITS;
  for (let c = 0; c < count; c++) {
    const x = r[c];
    if (!(x > 0)) {
      hist[0]++;
      continue;
    }
    f64[0] = x * scale;
    const hi = u32[HI];
    const e = hi >>> 20; // sign is 0: x > 0
    let b = e < EXP_LO ? 0 : e > EXP_HI ? top : GUESS[(hi >>> shift) - (EXP_LO << MANT_BITS)];
    while (b < top && x >= edges[b + 1]) b++;
    while (b > 0 && x < edges[b]) b--;
    hist[b]++;
  }
}

/** Residual at the centre of a bin. */
export function histValue(bin: number, spread: number): number {
  return spread * 10 ** (HIST_LOW + (bin + 0.5) * HIST_STEP);
}

/** Fraction of histogram mass at residuals ≤ tol (bins straddling tol counted in proportion, in log scale). */
export function fractionBelow(hist: Uint32Array, spread: number, tol: number): number {
  const total = hist.reduce((s, v) => s + v, 0);
  if (total === 0) return 0;
  const pos = (Math.log10(tol / spread) - HIST_LOW) / HIST_STEP;
  let below = 0;
  for (let b = 0; b < hist.length; b++) {
    if (b + 1 <= pos) below += hist[b];
    else if (b < pos) below += hist[b] * (pos - b);
  }
  return below / total;
}

/** Residual at quantile q of the histogram (the centre of the bin where the cumulative count reaches q). */
export function histQuantile(hist: Uint32Array, spread: number, q: number): number {
  const total = hist.reduce((s, v) => s + v, 0);
  let acc = 0;
  for (let b = 0; b < hist.length; b++) {
    acc += hist[b];
    if (acc >= q * total) return histValue(b, spread);
  }
  return histValue(hist.length - 1, spread);
}
