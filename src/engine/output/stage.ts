/**
 * The output stage: an exact pass over all transitions for the reported laws, their alternatives and
 * the invariants their maps conserve (outlier indices, final metrics), then the laws and the Pareto
 * front as the user gets them. A law and those share a subspace, hence one pass.
 */
import { groupBy } from '../../collections.js';
import type { Failure, FitResult, Law, Subspace } from '../../types.js';
import type { FeatureCatalog } from '../model/features.js';
import { paretoFront, type ScoredLaw } from '../ranking/rank.js';
import { evaluateLaws, type EvaluateResult, type ExactPassRunner } from './exact-pass.js';
import { toLaw } from './law-output.js';
import { lawsInDataUnits } from './units.js';

/**
 * The reported laws, measured exactly through `run`, in rank order. When the data were searched scaled
 * by 2^-exponent, the laws are stated back in data units, and those that cannot be are failures. A law
 * that holds on fewer than `minInlierFraction` of the transitions when measured exactly is not reported:
 * ranking reads inlier fractions off histograms and samples, and a companion invariant borrows its
 * first invariant's (more-invariants.ts). `reported` are the laws kept, for the Pareto front's marks.
 */
export async function measureLaws(
  ranked: ScoredLaw[],
  subspaces: Subspace[],
  dim: number,
  nTransitions: number,
  catalog: FeatureCatalog,
  run: ExactPassRunner,
  progress: (done: number, total: number) => void,
  exponent = 0,
  minInlierFraction = 0,
): Promise<{ laws: Law[]; failures: Failure[]; reported: ScoredLaw[] }> {
  const groups = groupBy(ranked.flatMap((l) => [l, ...l.alternatives, ...l.conserves]), (law) => law.subspaceIndex);
  const total = [...groups.values()].reduce((a, g) => a + g.length, 0);
  let done = 0;
  const evaluation = new Map<ScoredLaw, EvaluateResult>();
  await Promise.all(
    [...groups].map(async ([subspaceIndex, group]) => {
      const trees = catalog.subset(group.flatMap((law) => law.fit.features));
      const tasks = group.map((law) => ({ fit: law.fit, tolerance: law.tolerance }));
      const results = await evaluateLaws(nTransitions, subspaces[subspaceIndex].basis, tasks, trees, run);
      results.forEach((r, i) => evaluation.set(group[i], r));
      done += group.length;
      progress(done, total);
    }),
  );
  const reported = ranked.filter((law) => evaluation.get(law)!.nIn >= minInlierFraction * nTransitions);
  if (exponent !== 0) return { ...lawsInDataUnits(reported, evaluation, subspaces, dim, nTransitions, exponent), reported };
  return { laws: reported.map((law, i) => toLaw(law, evaluation, subspaces, dim, i + 1, nTransitions)), failures: [], reported };
}

/** Complexity against relative error over all finalists: the non-dominated points, cheapest first. */
export function paretoPoints(scored: ScoredLaw[], ranked: ScoredLaw[], subspaces: Subspace[]): FitResult['pareto'] {
  const front = new Set(paretoFront(scored).map((s) => s.fit.id));
  const chosen = new Set(ranked.map((r) => r.fit.id));
  return scored
    .filter((s) => front.has(s.fit.id))
    .sort((a, b) => a.complexity - b.complexity)
    .map((s) => ({
      id: s.fit.id,
      family: s.fit.family,
      subspace: subspaces[s.subspaceIndex].label,
      complexity: s.complexity,
      relativeError: s.inlierRelativeError,
      chosen: chosen.has(s.fit.id),
      ...(s.finalist.sampleScale ? { sampleOnly: true } : {}),
    }));
}
