/**
 * Description length (MDL) in bits. A law's score is the cost of stating it (grammar production,
 * subspace, parameters at the precision the data supports) plus the cost of its residuals, measured
 * against the null model "predict the subspace's mean", so laws on different subspaces compare fairly:
 * a law that explains nothing scores about its own complexity, an exact law gains many bits per sample.
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
 * Residual code length of a map law relative to the null model.
 * @param nIn transitions coded by the law (inliers), k subspace dimension, n all transitions
 * @param rssIn residual sum of squares over the inliers, variance V = Σ|u − ū|² over all n
 */
export function mapResidualBits(n: number, nIn: number, k: number, rssIn: number, variance: number): number {
  const perSample = Math.max(rssIn / Math.max(nIn, 1), (RATIO_FLOOR * variance) / Math.max(n, 1));
  const ratio = perSample / (variance / Math.max(n, 1));
  return ((nIn * k) / 2) * Math.log2(ratio) + n * binaryEntropy((n - nIn) / Math.max(n, 1));
}

/**
 * Residual code length of an invariant I relative to an unconserved quantity, for which
 * Σ ΔI² / Σ (I − Ī)² ≈ 2. `ratioIn` is that ratio over the inliers.
 */
export function invariantResidualBits(n: number, nIn: number, ratioIn: number): number {
  const ratio = Math.max(ratioIn, RATIO_FLOOR);
  return (nIn / 2) * Math.log2(ratio / 2) + n * binaryEntropy((n - nIn) / Math.max(n, 1));
}
