/**
 * Description length (MDL) in bits. A law's score is the cost of stating it (grammar production,
 * subspace, parameters at the precision the data supports) plus the cost of its residuals, measured
 * against the better of two null models, "predict the subspace's mean" and "nothing moves" (u' = u),
 * so laws on different subspaces compare fairly and a slow drift earns nothing: a law that explains
 * nothing scores about its own complexity, an exact law gains many bits per sample. Residuals below
 * the resolution floor cost the same, so among laws exact at that resolution the shortest wins.
 */

/** A parameter stated by a closed form (see ranking/snap.ts) instead of its fitted digits. */
export interface ExactConstant {
  /** mathjs expression. */
  expr: string;
  value: number;
  /** Bits to state it. */
  bits: number;
}

/** Residual variance ratios below this are numerical noise: every exact law ties, and complexity decides. */
export const RATIO_FLOOR = 1e-14;

/** The relative residual floor when a caller states none: √{@link RATIO_FLOOR}. */
export const NUMERIC_FLOOR = Math.sqrt(RATIO_FLOOR);

/**
 * Per-sample variance of the null model a map law must beat: the subspace's spread (predict the mean)
 * or, when smaller, the mean squared step |u' − u|² (predict that nothing moves), so a law on slowly
 * moving data is judged against the motion it has to explain. Where the data hold still (steps within
 * the floor) "nothing moves" is itself the law to find, so the mean is the null there.
 * @param variance Σ|u − ū|² over all n transitions; `persistence` Σ|u' − u|² over `nSteps` of them
 */
export function nullVariancePerSample(n: number, variance: number, floor: number, nSteps: number, persistence?: number): number {
  const mean = variance / Math.max(n, 1);
  if (persistence === undefined) return mean;
  const step = persistence / Math.max(nSteps, 1);
  if (!(step > floor * floor * mean)) return mean;
  return Math.min(mean, step);
}

/** Binary entropy in bits: the cost of telling which transitions are outliers. */
export function binaryEntropy(p: number): number {
  if (p <= 0 || p >= 1) return 0;
  return -(p * Math.log2(p) + (1 - p) * Math.log2(1 - p));
}

/**
 * Bits to state a fitted real parameter: its sign plus its magnitude to the precision of its standard
 * error (so a well-determined parameter costs more bits, and snapping it to an exact constant pays off).
 */
export function freeParameterBits(value: number, stderr: number): number {
  const se = Number.isFinite(stderr) && stderr > 0 ? stderr : Math.abs(value) * 2 ** -52 || 2 ** -52;
  return 1 + Math.min(52, Math.log2(1 + Math.abs(value) / se));
}

/**
 * Residual code length of a map law relative to the null model (see {@link nullVariancePerSample}).
 * @param nIn transitions coded by the law (inliers), k subspace dimension, n all transitions
 * @param rssIn residual sum of squares over the inliers, variance V = Σ|u − ū|² over all n
 * @param floor relative residual below which differences do not count (a share of the spread)
 * @param persistence Σ|u' − u|² over the inliers, when known
 */
export function mapResidualBits(n: number, nIn: number, k: number, rssIn: number, variance: number, floor = NUMERIC_FLOOR, persistence?: number): number {
  const perSample = Math.max(rssIn / Math.max(nIn, 1), (floor * floor * variance) / Math.max(n, 1));
  const ratio = perSample / nullVariancePerSample(n, variance, floor, nIn, persistence);
  return ((nIn * k) / 2) * Math.log2(ratio) + n * binaryEntropy((n - nIn) / Math.max(n, 1));
}

/**
 * Residual code length of an invariant I relative to an unconserved quantity, for which
 * Σ ΔI² / Σ (I − Ī)² ≈ 2. `ratioIn` is that ratio over the inliers.
 */
export function invariantResidualBits(n: number, nIn: number, ratioIn: number, floor = NUMERIC_FLOOR): number {
  const ratio = Math.max(ratioIn, floor * floor);
  return (nIn / 2) * Math.log2(ratio / 2) + n * binaryEntropy((n - nIn) / Math.max(n, 1));
}
