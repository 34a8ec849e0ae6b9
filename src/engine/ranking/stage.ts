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
import { roundingFloor } from '../moments/resolution.js';
import { conservationOf, type ConservationSums, type ConservationTask } from './conservation.js';
import { trajectoryRanges } from '../passes/ranges.js';
import { chooseInvariants } from './invariant-choice.js';
import { constantLaw } from './constant.js';
import { foldDecompositions } from './decompose.js';
import { densestForm, independentInvariants } from './more-invariants.js';
import { dropNoisyCopies } from './noisy-copies.js';
import { dropRepeatedInvariants } from './same-function.js';
import { dropUntestedInvariants } from './sensitivity.js';
import { conservedByMap } from './implied.js';
import { collapseDuplicates, type ScoredLaw, scoreFinalist, tolerances } from './rank.js';

/** A snapped invariant is checked again as fitted when that is more exact by at least this factor. */
const ROUNDING_COST = 0.9;

export interface RankInput {
  finalists: FinalistEntry[];
  subspaces: Subspace[];
  ctx: DataContext;
  sample: Uint32Array;
  catalog: FeatureCatalog;
  maxRelativeTolerance: number;
  tolerance: number | null;
  minInlierFraction: number;
  /** Largest motion error of a reported map (FitOptions.maxMotionError). */
  maxMotionError: number;
  snapMaxDenominator: number;
  /** The search ran on data scaled by a power of two (moments/scale.ts): constants with units snap to 0 only. */
  rescaled: boolean;
  /** Smallest share of the largest term a sparse fit keeps (the grammar's stlsq_threshold). */
  threshold: number;
  maxLaws: number;
  /** The data's constant part: its subspace's index, values and the data's unit roundoff. */
  constant: { index: number; values: number[]; roundoff: number } | null;
}

/**
 * Every finalist scored (for the Pareto front), and the laws to report, best first. Invariants are
 * followed along whole trajectories through `run`; those that drift are not laws.
 */
export async function rankLaws(input: RankInput, run: (task: ConservationTask) => Promise<ConservationSums[]>): Promise<{ scored: ScoredLaw[]; ranked: ScoredLaw[] }> {
  const table = tolerances(input.finalists, input.maxRelativeTolerance, input.tolerance);
  // A law fitted through measurement noise is held to what the noise explains (unless the user set a tolerance).
  const toleranceOf = (f: FinalistEntry) => Math.max(table[f.result.fit.role].get(f.subspaceIndex)!, input.tolerance === null ? (f.result.noiseTolerance ?? 0) : 0);
  const scored = input.finalists.map((f) => scoreFinalist(f, toleranceOf(f), input.snapMaxDenominator, true, input.rescaled));
  const withCompanions = scored.flatMap((l) => [l, ...(l.descriptionLength < 0 ? independentInvariants(l, input.threshold, input.snapMaxDenominator, input.rescaled) : [])]);
  const bases = input.subspaces.map((s) => s.basis);
  const collapsed = dropNoisyCopies(collapseDuplicates(withCompanions, bases, input.minInlierFraction, input.maxMotionError), bases);
  const ranges = trajectoryRanges(input.ctx.starts);
  const check = async (index: number, group: ScoredLaw[]) => {
    const [laws, trees] = [group.map((l) => ({ fit: l.fit, tolerance: l.tolerance, scale: stdUnit(l) })), input.catalog.subset(group.flatMap((l) => l.fit.features))];
    const parts = await Promise.all(ranges.map((range) => run({ basis: bases[index], laws, trees, range })));
    return group.map((_, i) => conservationOf(parts.map((p) => p[i])));
  };
  const asFitted = (l: ScoredLaw): ScoredLaw => {
    const { fit, exact, inlierRelativeError, complexity, descriptionLength } = scoreFinalist({ result: l.finalist, subspaceIndex: l.subspaceIndex, offset: l.offset }, l.tolerance, input.snapMaxDenominator, false);
    return { ...l, fit, exact, inlierRelativeError, complexity, descriptionLength, conservation: undefined };
  };
  // As fitted only when rounding measurably cost exactness: else a second look is just a second chance.
  const unsnapped = (l: ScoredLaw) => (l.exact.some((e) => e !== null) ? [asFitted(l)].filter((f) => f.inlierRelativeError < ROUNDING_COST * l.inlierRelativeError) : []);
  const fallbacks = (l: ScoredLaw) => [...unsnapped(l), ...[densestForm(l, input.threshold)].filter((d) => d !== null)];
  const chosen = await chooseInvariants(collapsed, bases, check, fallbacks, vouchedByMaps(collapsed, input));
  const tested = dropUntestedInvariants(chosen, bases, input, stdUnit, input.minInlierFraction);
  const unique = dropRepeatedInvariants(tested, bases, input.ctx, input.sample, input.catalog);
  const conserved = foldDecompositions(unique, bases);
  const c = input.constant;
  const laws = foldImpliedInvariants(conserved, input).slice(0, Math.max(input.maxLaws - (c ? 1 : 0), 0));
  if (!c) return { scored, ranked: laws };
  const rounding = roundingFloor(c.roundoff, Math.hypot(...c.values));
  const constant = constantLaw(input.subspaces[c.index], c.index, c.values, input.ctx.starts.length, rounding, input.snapMaxDenominator, input.rescaled);
  return { scored, ranked: [...laws, constant] };
}

/**
 * One standard deviation of a scored invariant's I: finalists state I in those units, and scoring
 * rescales it so a coefficient is 1; the largest coefficient's ratio undoes that.
 */
function stdUnit(law: ScoredLaw): number {
  const before = law.finalist.fit.params;
  let j = 0;
  for (let i = 1; i < before.length; i++) if (Math.abs(before[i]) > Math.abs(before[j])) j = i;
  const ratio = Math.abs(law.fit.params[j] / before[j]);
  return Number.isFinite(ratio) && ratio > 0 ? ratio : 1;
}

/** The map law among `laws` that conserves the invariant `law`, and whether the map's statement already says so. */
function impliedBy(law: ScoredLaw, laws: ScoredLaw[], input: RankInput): { map: ScoredLaw; stated: boolean } | null {
  const map = laws.find((m) => m.fit.role === 'map' && m.subspaceIndex === law.subspaceIndex && m.inlierFraction >= law.inlierFraction - 1e-9);
  if (!map) return null;
  const basis = input.subspaces[law.subspaceIndex].basis;
  if (!conservedByMap(input.ctx, basis, map.fit, law.fit, input.sample, law.inlierRelativeError, input.catalog)) return null;
  // A rotation or orthogonal map about the origin already states that the norm is conserved, a
  // rotation in a linear frame its quadratic form.
  const stated = ((map.fit.family === 'rotation' || map.fit.family === 'orthogonal') && !map.offset) || conservesOwnForm(map.fit.family, map.exact);
  return { map, stated };
}

/**
 * Invariants whose conservation a map's own statement implies (a rotation's radius): they need no pass
 * along the trajectories, since the map holding on as many transitions says they are conserved there.
 */
function vouchedByMaps(laws: ScoredLaw[], input: RankInput): Set<ScoredLaw> {
  return new Set(laws.filter((l) => l.fit.role === 'invariant' && impliedBy(l, laws, input)?.stated));
}

/** An invariant that a kept map law on the same subspace already conserves is a note on that map, not a law. */
function foldImpliedInvariants(laws: ScoredLaw[], input: RankInput): ScoredLaw[] {
  return laws.filter((law) => {
    if (law.fit.role !== 'invariant') return true;
    const implied = impliedBy(law, laws, input);
    if (implied && !implied.stated) implied.map.conserves.push(law);
    return !implied;
  });
}
