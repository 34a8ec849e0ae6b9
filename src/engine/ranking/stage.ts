/**
 * The ranking stage: tolerances from the finalists' own noise floor, exact constants, description
 * lengths, one law per role and subspace, and invariants a kept map already conserves folded into it.
 * Runs on the main thread: finalists are few.
 */
import type { Subspace } from '../../types.js';
import type { FinalistEntry } from '../finalists/stage.js';
import type { FeatureCatalog } from '../model/features.js';
import { conservesOwnForm } from '../model/skewed.js';
import type { DataContext } from '../moments/transitions.js';
import { groupBy } from '../../collections.js';
import { roundingFloor } from '../moments/resolution.js';
import { type Conservation, type ConservationTask, isConserved } from './conservation.js';
import { constantLaw } from './constant.js';
import { foldDecompositions } from './decompose.js';
import { dropRepeatedInvariants } from './same-function.js';
import { conservedByMap } from './implied.js';
import { collapseDuplicates, type ScoredLaw, scoreFinalist, tolerances } from './rank.js';

export interface RankInput {
  finalists: FinalistEntry[];
  subspaces: Subspace[];
  ctx: DataContext;
  sample: Uint32Array;
  catalog: FeatureCatalog;
  maxRelativeTolerance: number;
  tolerance: number | null;
  minInlierFraction: number;
  snapMaxDenominator: number;
  maxLaws: number;
  /** The data's constant part: its subspace's index, values and the data's unit roundoff. */
  constant: { index: number; values: number[]; roundoff: number } | null;
}

/**
 * Every finalist scored (for the Pareto front), and the laws to report, best first. Invariants are
 * followed along whole trajectories through `run`; those that drift are not laws.
 */
export async function rankLaws(input: RankInput, run: (task: ConservationTask) => Promise<Conservation[]>): Promise<{ scored: ScoredLaw[]; ranked: ScoredLaw[] }> {
  const table = tolerances(input.finalists, input.maxRelativeTolerance, input.tolerance);
  const scored = input.finalists.map((f) => scoreFinalist(f, table[f.result.fit.role].get(f.subspaceIndex)!, input.snapMaxDenominator));
  const collapsed = collapseDuplicates(scored, input.subspaces.map((s) => s.basis), input.minInlierFraction);
  const bases = input.subspaces.map((s) => s.basis);
  const unique = dropRepeatedInvariants(await keepConserved(collapsed, input, run), bases, input.ctx, input.sample, input.catalog);
  const conserved = foldDecompositions(unique, bases);
  const c = input.constant;
  const laws = foldImpliedInvariants(conserved, input).slice(0, Math.max(input.maxLaws - (c ? 1 : 0), 0));
  if (!c) return { scored, ranked: laws };
  const rounding = roundingFloor(c.roundoff, Math.hypot(...c.values));
  const constant = constantLaw(input.subspaces[c.index], c.index, c.values, input.ctx.starts.length, rounding, input.snapMaxDenominator);
  return { scored, ranked: [...laws, constant] };
}

/** The laws without the invariants that drift along trajectories (one pass per subspace). */
async function keepConserved(laws: ScoredLaw[], input: RankInput, run: (task: ConservationTask) => Promise<Conservation[]>): Promise<ScoredLaw[]> {
  const groups = groupBy(laws.filter((l) => l.fit.role === 'invariant'), (l) => l.subspaceIndex);
  await Promise.all(
    [...groups].map(async ([index, group]) => {
      const trees = input.catalog.subset(group.flatMap((l) => l.fit.features));
      const results = await run({ basis: input.subspaces[index].basis, laws: group.map((l) => ({ fit: l.fit, tolerance: l.tolerance })), trees });
      results.forEach((r, i) => (group[i].conservation = r));
    }),
  );
  return laws.filter((l) => l.fit.role !== 'invariant' || (l.conservation && isConserved(l.conservation, l.tolerance, l.finalist.floor)));
}

/** An invariant that a kept map law on the same subspace already conserves is a note on that map, not a law. */
function foldImpliedInvariants(laws: ScoredLaw[], input: RankInput): ScoredLaw[] {
  const maps = laws.filter((l) => l.fit.role === 'map');
  return laws.filter((law) => {
    if (law.fit.role !== 'invariant') return true;
    const map = maps.find((m) => m.subspaceIndex === law.subspaceIndex && m.inlierFraction >= law.inlierFraction - 1e-9);
    if (!map) return true;
    const basis = input.subspaces[law.subspaceIndex].basis;
    const ok = conservedByMap(input.ctx, basis, map.fit, law.fit, input.sample, law.inlierRelativeError, input.catalog);
    // A rotation or orthogonal map about the origin already states that the norm is conserved, a
    // rotation in a linear frame its quadratic form.
    const radius = ((map.fit.family === 'rotation' || map.fit.family === 'orthogonal') && !map.offset) || conservesOwnForm(map.fit.family, map.exact);
    if (ok && !radius) map.conserves.push(law);
    return !ok;
  });
}
