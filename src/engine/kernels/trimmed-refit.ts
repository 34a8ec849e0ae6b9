/**
 * Iteratively trimmed least squares, the one loop behind every robust refit (a data-proposed
 * subspace, a finalist on the screening sample): fit, keep the transitions whose residual is within a
 * threshold, refit on those, until the kept set is stable, too small, or the refits run out.
 */

/** How one kind of fit is trimmed. */
export interface TrimmedRefitSpec<F> {
  /** Residual per transition of a fit. */
  residuals(fit: F): Float64Array;
  /** Residuals above this are set aside for the next refit. */
  threshold(residuals: Float64Array, fit: F): number;
  /** Stop (keeping the current fit) when fewer transitions than this are within the threshold. */
  minKept: number;
  maxRefits: number;
  /** The fit on the given transitions (ascending indices); null when it failed, ending the loop. */
  refit(fit: F, inliers: Uint32Array): F | null;
}

/** Trim and refit from `fit`; the last fit and its residuals. */
export function trimmedRefit<F>(fit: F, spec: TrimmedRefitSpec<F>): { fit: F; residuals: Float64Array } {
  let r = spec.residuals(fit);
  let previousKept = -1;
  for (let refits = 0; refits < spec.maxRefits; refits++) {
    const inliers = within(r, spec.threshold(r, fit));
    if (inliers.length < spec.minKept || inliers.length === previousKept) break;
    previousKept = inliers.length;
    const next = spec.refit(fit, inliers);
    if (next === null) break;
    fit = next;
    r = spec.residuals(fit);
  }
  return { fit, residuals: r };
}

/** Median of a small array (0 when empty). */
export function median(r: Float64Array): number {
  return r.length ? Float64Array.from(r).sort()[Math.floor(r.length / 2)] : 0;
}

function within(r: Float64Array, threshold: number): Uint32Array {
  let count = 0;
  for (let i = 0; i < r.length; i++) if (r[i] <= threshold) count++;
  const out = new Uint32Array(count);
  for (let i = 0, j = 0; i < r.length; i++) if (r[i] <= threshold) out[j++] = i;
  return out;
}
