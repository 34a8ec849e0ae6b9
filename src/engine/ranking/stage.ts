/**
 * The ranking stage: tolerances from the finalists' own noise floor, exact constants, description
 * lengths, one law per role and subspace, and invariants a kept map already conserves folded into it.
 * Runs on the main thread: finalists are few.
 */
import type { Subspace } from '../../types.js';
import type { FinalistEntry } from '../finalists/stage.js';
import type { FeatureCatalog } from '../model/features.js';
import type { DataContext } from '../moments/transitions.js';
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
}

/** Every finalist scored (for the Pareto front), and the laws to report, best first. */
export function rankLaws(input: RankInput): { scored: ScoredLaw[]; ranked: ScoredLaw[] } {
  const table = tolerances(input.finalists, input.maxRelativeTolerance, input.tolerance);
  const scored = input.finalists.map((f) => scoreFinalist(f, table[f.result.fit.role].get(f.subspaceIndex)!, input.snapMaxDenominator));
  const collapsed = collapseDuplicates(scored, input.subspaces.map((s) => s.basis), input.minInlierFraction);
  const ranked = foldImpliedInvariants(collapsed, input).slice(0, input.maxLaws);
  return { scored, ranked };
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
    // A rotation or orthogonal map about the origin already states that the norm is conserved.
    const radius = (map.fit.family === 'rotation' || map.fit.family === 'orthogonal') && !map.offset;
    if (ok && !radius) map.conserves.push(law);
    return !ok;
  });
}
