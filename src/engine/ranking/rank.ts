/**
 * From finalists to ranked laws: tolerances from the data's own noise scale, inlier fractions, exact
 * constants, description length, duplicate collapsing and the Pareto front. Pure: no I/O, no workers.
 */
import { type FinalistResult, TOLERANCE_FACTOR } from '../finalists/finalize.js';
import type { LawRole } from '../../types.js';
import { fractionBelow } from '../kernels/histogram.js';
import { descriptionLength, type LawFit, parameterStdErrors, persistenceOf, relativeErrorOf, type ScoringStats, worstMotionError } from '../model/law-fit.js';
import type { ExactConstant } from '../model/mdl.js';
import { unitPowers } from '../model/unit-powers.js';
import { snapParameters } from './snap.js';
import type { Conservation } from './conservation.js';
import { nestedSpans } from '../kernels/linalg.js';


/** Laws with more parameters than this keep their fitted values (no exact constants tried). */
export const MAX_SNAPPED_PARAMETERS = 40;

/** Alternatives kept per law: each adds one more residual per transition to its law's exact pass. */
const MAX_ALTERNATIVES = 4;

/** Largest angle (rad) between a clearly less exact map's subspace and a better map's for it to be a tilted copy. */
const TILTED = 0.08;

export interface ScoredLaw {
  fit: LawFit;
  subspaceIndex: number;
  offset: boolean;
  exact: (ExactConstant | null)[];
  tolerance: number;
  inlierFraction: number;
  /** Relative error over the trimmed inliers (scale-free). */
  inlierRelativeError: number;
  complexity: number;
  descriptionLength: number;
  finalist: FinalistResult;
  /** Invariants this map law already conserves, stated as notes of the map ("conserves I = …"). */
  conserves: ScoredLaw[];
  /** For invariants: how the quantity fares along whole trajectories (see conservation.ts). */
  conservation?: Conservation;
  /** For invariants: 1 for a subspace's simplest, 2, 3… for those independent of it (see more-invariants.ts). */
  companion?: number;
  /** For companions: the densest form on their deflated path (see densestForm in more-invariants.ts). */
  densest?: number[];
  /** For a map folded into its parts: the laws that state it together (see decompose.ts). */
  decomposes?: ScoredLaw[];
  /**
   * For maps: the inlier residual as a share of the step it predicts, in the worst-predicted direction
   * (1: no better than "nothing moves" there; see worstMotionError); undefined where the data hold still.
   */
  motionError?: number;
  /**
   * Laws of other families on the same subspace that fit about as well with a longer description,
   * shortest first ("also fits as …" notes): a shorter law can still be the worse one to iterate (a
   * library map's quadratic terms may drift where an affine map stays on the data).
   */
  alternatives: ScoredLaw[];
}

/** Tolerance per role and subspace (index into the fit's subspaces). */
export type ToleranceTable = Record<LawRole, Map<number, number>>;

/**
 * Tolerance per (role, subspace): TOLERANCE_FACTOR × the smallest median residual any finalist reaches
 * there (the noise floor of that subspace), never more than capRel × the subspace's own spread, so that
 * on a pure-noise subspace no law is "near-perfect", and never less than the resolution floor, so a
 * noise-free exact law holds on every transition. A user tolerance (data units) overrides it for maps.
 */
export function tolerances(
  finalists: { result: FinalistResult; subspaceIndex: number }[],
  capRel: number,
  userTolerance: number | null,
): ToleranceTable {
  const best: Record<LawRole, Map<number, { median: number; spread: number; floor: number }>> = { map: new Map(), invariant: new Map() };
  for (const f of finalists) {
    const table = best[f.result.fit.role];
    const cur = table.get(f.subspaceIndex);
    if (!cur || f.result.median < cur.median) table.set(f.subspaceIndex, { median: f.result.median, spread: f.result.spread, floor: f.result.floor });
  }
  const out: ToleranceTable = { map: new Map(), invariant: new Map() };
  for (const role of ['map', 'invariant'] as const) {
    for (const [index, { median, spread, floor }] of best[role]) {
      const auto = Math.min(Math.max(TOLERANCE_FACTOR * median, floor * spread), Math.max(capRel, floor) * spread);
      out[role].set(index, role === 'map' && userTolerance !== null ? userTolerance : Math.max(auto, 1e-300));
    }
  }
  return out;
}

/** How many of an invariant's terms, largest first, are tried as its unit coefficient. */
const UNIT_TRIALS = 4;

/**
 * The terms whose coefficient may be an invariant's unit: the {@link UNIT_TRIALS} largest by their
 * share of I's variation (|c_j|·std φ_j). A unit on a minor term rarely states I shorter, and each
 * trial snaps every coefficient again.
 */
function unitCandidates(params: number[], featureOf: (j: number) => number, stats: ScoringStats): number[] {
  const spread = (j: number) => (stats.role === 'invariant' ? Math.sqrt(Math.max(stats.st.Cov[featureOf(j)]?.[featureOf(j)] ?? 0, 0)) : 1) || 1;
  return params
    .map((v, j) => ({ j, weight: Math.abs(v) * spread(j) }))
    .filter((x) => x.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.j - b.j)
    .slice(0, UNIT_TRIALS)
    .map((x) => x.j)
    .sort((a, b) => a - b);
}

/**
 * Score one finalist at its tolerance, snapping its constants where that shortens the description
 * (`snap` false: as fitted). `rescaled`: the search ran on data scaled by a power of two.
 */
export function scoreFinalist(
  f: { result: FinalistResult; subspaceIndex: number; offset: boolean },
  tolerance: number,
  maxDenominator: number,
  snap = true,
  rescaled = false,
): ScoredLaw {
  const { result } = f;
  const inlierFraction = fractionBelow(result.hist, result.spread, tolerance);
  const stats = result.stats;
  let fit = result.fit;
  let params = fit.params;
  let bestSnap: { values: number[]; exact: (ExactConstant | null)[]; descriptionLength: number } | null = null;
  // A closed form in a scaled search's units is none in the data's (a decimal of z·2^457 is no decimal
  // of z), yet snapping would move the value: there a parameter carrying units snaps to 0 only.
  const zeroOnly = (unit: number): boolean[] => {
    if (!rescaled) return [];
    const powers = unitPowers(fit, unit);
    return 'unscaled' in powers ? params.map(() => true) : powers.param.map((g) => g !== 0);
  };
  if (snap && fit.role === 'invariant' && fit.parametrization.kind === 'sparse') {
    // An invariant is defined up to scale: try its largest terms' coefficients as the unit and keep the shortest.
    const positions = fit.parametrization.positions;
    for (const i of params.length <= MAX_SNAPPED_PARAMETERS ? unitCandidates(params, (j) => positions[j][1], stats) : []) {
      const scaled = params.map((v) => v / params[i]);
      const se = parameterStdErrors(fit, scaled, stats, result.floor);
      const dataSe = parameterStdErrors(fit, scaled, stats);
      const snap = snapParameters(scaled, se, maxDenominator, (v, ex) => descriptionLength(fit, v, ex, se, stats, result.sampleScale, result.floor).total, dataSe, zeroOnly(i));
      if (!bestSnap || snap.descriptionLength < bestSnap.descriptionLength) bestSnap = snap;
    }
  }
  if (!bestSnap) {
    const se = parameterStdErrors(fit, params, stats, result.floor);
    // A large matrix is not stated entry by entry in closed form; trying would cost O(p²·m²).
    bestSnap =
      snap && params.length <= MAX_SNAPPED_PARAMETERS
        ? snapParameters(params, se, maxDenominator, (v, ex) => descriptionLength(fit, v, ex, se, stats, result.sampleScale, result.floor).total, parameterStdErrors(fit, params, stats), zeroOnly(-1))
        : { values: params, exact: params.map(() => null), descriptionLength: descriptionLength(fit, params, params.map(() => null), se, stats, result.sampleScale, result.floor).total };
  }
  params = bestSnap.values;
  fit = { ...fit, params };
  const se = parameterStdErrors(fit, params, stats, result.floor);
  const dl = descriptionLength(fit, params, bestSnap.exact, se, stats, result.sampleScale, result.floor);
  return {
    fit,
    subspaceIndex: f.subspaceIndex,
    offset: f.offset,
    exact: bestSnap.exact,
    tolerance,
    inlierFraction,
    inlierRelativeError: relativeErrorOf(dl.measure, stats),
    motionError: motionErrorOf(fit, result.cleanStats ?? stats, result.floor),
    complexity: dl.complexity,
    descriptionLength: dl.total,
    finalist: result,
    conserves: [],
    alternatives: [],
  };
}

/** See {@link ScoredLaw.motionError}. */
function motionErrorOf(fit: LawFit, stats: ScoringStats, floor: number): number | undefined {
  if (stats.role !== 'map') return undefined;
  const steps = persistenceOf(fit.features, stats.fs, stats.k);
  const still = (floor * floor * stats.variance) / Math.max(stats.n, 1) / stats.k;
  if (steps === undefined || !(steps / Math.max(stats.nIn, 1) > still * stats.k)) return undefined;
  return worstMotionError(fit, fit.params, stats.fs, still);
}

/** Generic maps, which a rotation-like family fitting as well states better. */
const GENERIC = new Set(['linear', 'affine', 'library_map']);
const ROTATIONS = new Set(['rotation', 'damped_rotation', 'skewed_rotation', 'damped_skewed_rotation']);

/**
 * A rotation (in any linear frame) that fits about as well as the generic map chosen on its subspace
 * is the law, the generic map an alternative: its angle and frame say what the four coefficients of
 * a linear map do not, and the two tie within a few bits.
 */
function preferRotation(law: ScoredLaw): ScoredLaw {
  if (!GENERIC.has(law.fit.family)) return law;
  const rotation = law.alternatives.find((a) => ROTATIONS.has(a.fit.family) && a.inlierFraction >= law.inlierFraction - 0.01);
  if (!rotation) return law;
  const others = law.alternatives.filter((a) => a !== rotation);
  return { ...rotation, alternatives: [{ ...law, alternatives: [] }, ...others] };
}

/**
 * Keep one law per (role, subspace): the shortest description. The others on the same subspace are
 * the same law stated with more freedom (a linear map where a rotation suffices) or a worse law; when
 * they fit about as well they are kept as alternatives of the surviving law (notes and the laws
 * themselves, at most {@link MAX_ALTERNATIVES}, in order of description length). Dropped as well:
 * - laws that do not beat the null model (description length ≥ 0): they are not laws;
 * - laws holding on less than `minInlierFraction` of the transitions (slowly varying quantities and
 *   rough trends compress a little, but a researcher asks for rules that hold);
 * - maps that leave more than half the step they predict (a slow drift restated as u' ≈ u);
 * - a law whose subspace contains, or lies inside, the subspace of a better law of the same role: the
 *   better law already says what happens there (a line inside a rotation plane, the plane plus noise).
 */
export function collapseDuplicates(laws: ScoredLaw[], bases: number[][][], minInlierFraction: number, maxMotionError: number): ScoredLaw[] {
  const byDl = (a: ScoredLaw, b: ScoredLaw) => a.descriptionLength - b.descriptionLength || (a.fit.id < b.fit.id ? -1 : 1);
  const perSubspace: ScoredLaw[] = [];
  for (const law of [...laws].sort(byDl)) {
    if (!(law.descriptionLength < 0) || law.inlierFraction < minInlierFraction || (law.motionError ?? 0) > maxMotionError) continue;
    const same = perSubspace.find((w) => w.fit.role === law.fit.role && w.subspaceIndex === law.subspaceIndex && (w.companion ?? 1) === (law.companion ?? 1));
    if (!same) perSubspace.push(law);
    else if (law.inlierRelativeError <= 2 * Math.max(same.inlierRelativeError, same.finalist.floor) && same.alternatives.length < MAX_ALTERNATIVES) {
      same.alternatives.push(law);
    }
  }
  for (let i = 0; i < perSubspace.length; i++) perSubspace[i] = preferRotation(perSubspace[i]);
  // Nested subspaces: the clearly less exact of the two goes (a union of two planes fitted by one
  // linear map loses to the exact rotation in one of them). Equally exact laws on subspaces of one
  // span (up to the nesting angle) are one law: the shorter stays. On nested subspaces of different
  // dimension both stay here; a whole that its parts decompose is folded later (see decompose.ts).
  // Relative errors below the resolution floor are all 'exact', never 'clearly worse'.
  const worse = (a: ScoredLaw, b: ScoredLaw) => a.inlierRelativeError > 2 * Math.max(b.inlierRelativeError, b.finalist.floor, a.finalist.floor);
  const sameDimension = (a: ScoredLaw, b: ScoredLaw) => bases[a.subspaceIndex].length === bases[b.subspaceIndex].length;
  const beats = (w: ScoredLaw, law: ScoredLaw) =>
    worse(law, w) || (!worse(w, law) && (w.inlierFraction > law.inlierFraction + 0.02 || (sameDimension(w, law) && byDl(w, law) < 0)));
  // Invariants on nested subspaces are weighed after conservation along trajectories (see
  // invariant-choice.ts): here every subspace keeps its own.
  const tiltedCopy = (w: ScoredLaw, law: ScoredLaw) => worse(law, w) && onTiltedCopy(law, w, bases);
  return perSubspace
    .filter((law) => law.fit.role === 'invariant' || !perSubspace.some((w) => w !== law && w.fit.role === 'map' && ((nestedSpans(bases[w.subspaceIndex], bases[law.subspaceIndex]) && beats(w, law)) || tiltedCopy(w, law))))
    .sort(byDl);
}

/**
 * Whether `law` lies on a tilted copy of `map`'s subspace: another subspace of its dimension within
 * {@link TILTED} of it. A plane leaning a little out of an exact law's plane into noise directions
 * carries a blurred copy of that law at a looser tolerance of its own; where such a law is clearly
 * worse than the map (less exact, or for an invariant, holding on fewer transitions), it goes.
 */
export function onTiltedCopy(law: ScoredLaw, map: ScoredLaw, bases: number[][][]): boolean {
  const [a, b] = [bases[map.subspaceIndex], bases[law.subspaceIndex]];
  return map.subspaceIndex !== law.subspaceIndex && a.length === b.length && nestedSpans(a, b, TILTED);
}

/** Pareto front of complexity vs relative error (non-dominated points), cheapest first. */
export function paretoFront<T extends { complexity: number; inlierRelativeError: number }>(laws: T[]): T[] {
  const sorted = [...laws].sort((a, b) => a.complexity - b.complexity || a.inlierRelativeError - b.inlierRelativeError);
  const front: T[] = [];
  let bestErr = Infinity;
  for (const l of sorted) {
    if (l.inlierRelativeError < bestErr) {
      front.push(l);
      bestErr = l.inlierRelativeError;
    }
  }
  return front;
}
