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
