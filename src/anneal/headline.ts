/**
 * The law a run is summed up by. The search ranks laws by description length, so a map of the whole
 * latent space that also describes its noise dimensions outranks the rotation in one plane; a reader of
 * a run wants the physics: the near-perfect law that says it in the fewest bits.
 */
import type { FitResult, Law } from '../types.js';

/** Inlier share at which a law counts as near-perfect (the bridge pulls hardest from here on). */
export const NEAR_PERFECT = 0.98;

/** Of the near-perfect laws, the one `better` prefers over all others; else the best-ranked law. */
function bestNearPerfect(result: Pick<FitResult, 'laws'> | null | undefined, better: (a: Law, b: Law) => boolean): Law | undefined {
  const laws = result?.laws ?? [];
  const near = laws.filter((l) => l.metrics.inlierFraction >= NEAR_PERFECT);
  if (near.length === 0) return laws[0];
  return near.reduce((best, l) => (better(l, best) ? l : best));
}

/** The simplest near-perfect law (least model complexity, then smaller error); else the best-ranked one. */
export function headlineLaw(result: Pick<FitResult, 'laws'> | null | undefined): Law | undefined {
  return bestNearPerfect(result, (l, best) => l.metrics.complexity < best.metrics.complexity || (l.metrics.complexity === best.metrics.complexity && l.metrics.inlierRelativeError < best.metrics.inlierRelativeError));
}

/**
 * The law the bridge pulls: of the near-perfect laws, the one closest to perfect (least relative error
 * on its inliers), else the best-ranked. Not the headline: a training search's tolerance is loose, so
 * nearly every rough law there is "near-perfect", and the fewest bits then named planes of a few latent
 * coordinates that only approximate the rotation's plane (docs/experiments.md#which-law-pulls).
 */
export function closestToPerfect(result: Pick<FitResult, 'laws'> | null | undefined): Law | undefined {
  return bestNearPerfect(result, (l, best) => l.metrics.inlierRelativeError < best.metrics.inlierRelativeError);
}
