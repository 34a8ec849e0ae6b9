/**
 * The finalist stage: the best screened candidates get trimmed refits and a pass over all
 * transitions. Finalists on one subspace share one streaming pass, coordinate subspaces are bundled
 * to share one pass among them, and tasks are queued largest first so two workers finish close
 * together; results are gathered in subspace order whatever order they finish in.
 */
import { groupBy } from '../../collections.js';
import { errorMessage } from '../../errors.js';
import type { Expr } from '../../grammar/expr-ir.js';
import type { Failure, LawRole, Subspace } from '../../types.js';
import { nestedSpans } from '../kernels/linalg.js';
import { LINEAR_MAP_FAMILIES } from '../model/families.js';
import { FeatureCatalog } from '../model/features.js';
import { type Moments, projectMoments, subspaceVariance } from '../moments/moments.js';
import { type Resolution, subspaceFloors } from '../moments/resolution.js';
import type { DataContext } from '../moments/transitions.js';
import type { ScreenSuccess } from '../screening/screen.js';
import { type FinalistGroupTask, type FinalistResult, finalizeGroups, type SampleVerdict } from './finalize.js';
import { judgeGroupThroughNoise, subspaceNoise, type SubspaceNoise } from './measurement-noise.js';
import { finalistUnits, groupCost } from './schedule.js';
import { coordinatesOf } from '../kernels/project.js';

/** Finalists per subspace and role at most: the rest are the same law with more freedom. */
const MAX_PER_SUBSPACE = 6;

/** Screening relative errors within this factor of a subspace's best are one fit told apart by outliers. */
const SAME_FIT = 1.05;

/** A finished finalist and where it lives. */
export interface FinalistEntry {
  result: FinalistResult;
  subspaceIndex: number;
  offset: boolean;
}

/** Finalist groups as a worker task; several only when all are on coordinate subspaces (they share one pass). */
export interface FinalizeTask {
  tasks: FinalistGroupTask[];
  trees: [string, Expr][];
}

/** Run one task (on a worker or inline); null when skipped after an interrupt. */
export function finalizeBatch(ctx: DataContext, task: FinalizeTask, stop?: Int32Array): (FinalistResult | Failure)[][] | null {
  // Queued finalists are skipped after Ctrl-C; the exact pass of reported laws always runs.
  if (stop && Atomics.load(stop, 0) !== 0) return null;
  return finalizeGroups(ctx, task.tasks, new FeatureCatalog(task.trees));
}

export interface FinalistInput {
  screened: ScreenSuccess[];
  subspaces: Subspace[];
  moments: Moments;
  sampleRows: DataContext;
  /** Transitions in the whole data set, and in the screening sample. */
  nTransitions: number;
  nSample: number;
  dim: number;
  catalog: FeatureCatalog;
  maxFinalists: number;
  threshold: number;
  /** When members may skip the pass over all transitions; null: never (measure every finalist). */
  verdict: SampleVerdict | null;
  resolution: Resolution;
  /** FitOptions.maxRelativeTolerance: the clean state's error a law through measurement noise may leave. */
  maxRelativeTolerance: number;
  /** FitOptions.measurementNoise: judge linear maps through measurement noise where it limits them. */
  measurementNoise: boolean;
}

/** Choose the finalists and finish them through `run`; entries in subspace order. */
export async function finishFinalists(
  input: FinalistInput,
  run: (task: FinalizeTask) => Promise<(FinalistResult | Failure)[][] | null>,
  progress: (done: number, total: number) => void,
  stopped: () => boolean,
): Promise<{ finalists: FinalistEntry[]; failures: Failure[] }> {
  const chosen = chooseFinalists(input.screened, input.maxFinalists, input.subspaces);
  const groups = [...groupBy(chosen, (s) => s.subspaceIndex)];
  const costs = groups.map(([index, members]) => groupCost(input.subspaces[index].basis.length, input.dim, members, input.nSample / Math.max(input.nTransitions, 1), input.verdict !== null));
  const failures: Failure[] = [];
  const results: FinalistEntry[][] = groups.map(() => []);
  const noise = groups.map(([index, members]) => (input.measurementNoise && members.some((m) => m.fit.role === 'map') ? subspaceNoise(input.moments, input.subspaces[index].basis, input.maxRelativeTolerance) : null));
  let done = 0;
  const collect = (g: number, finished: (FinalistResult | Failure)[]) => {
    const members = groups[g][1];
    done += members.length;
    progress(done, chosen.length);
    const entries = finished.flatMap((result, i): FinalistEntry[] => {
      if ('error' in result) failures.push({ id: members[i].fit.id, error: result.error });
      else if (result.fit.params.some((v) => !Number.isFinite(v))) failures.push({ id: members[i].fit.id, error: 'refit produced a non-finite value' });
      else return [{ result, subspaceIndex: members[i].subspaceIndex, offset: members[i].offset }];
      return [];
    });
    results[g] = noise[g] ? judgeGroupThroughNoise(entries, noise[g], input.moments) : entries;
  };
  const runUnit = async (unit: number[]): Promise<void> => {
    if (stopped()) return;
    const members = unit.flatMap((g) => groups[g][1]);
    const task = { trees: input.catalog.subset(members.flatMap((m) => m.fit.features)), tasks: unit.map((g) => groupTask(input, groups[g][0], groups[g][1], noise[g])) };
    try {
      (await run(task))?.forEach((r, j) => collect(unit[j], r));
    } catch (err) {
      for (const m of members) failures.push({ id: m.fit.id, error: errorMessage(err) });
    }
  };
  const coordinate = groups.map(([index]) => coordinatesOf(input.subspaces[index].basis) !== null);
  await Promise.all(finalistUnits(coordinate, costs).map(runUnit));
  return { finalists: results.flat(), failures };
}

function groupTask(input: FinalistInput, subspaceIndex: number, members: ScreenSuccess[], noise: SubspaceNoise | null): FinalistGroupTask {
  const basis = input.subspaces[subspaceIndex].basis;
  const sm = projectMoments(input.moments, basis);
  // A map that holds through measurement noise must not be ruled out on the sample for its noisy residuals.
  const spread = Math.sqrt(subspaceVariance(sm) / Math.max(sm.n, 1));
  const verdict = input.verdict && noise ? { ...input.verdict, capRel: Math.max(input.verdict.capRel, noise.tolerance / Math.max(spread, 1e-300)) } : input.verdict;
  return {
    basis,
    variance: subspaceVariance(sm),
    floors: subspaceFloors(sm, input.resolution),
    members: members.map((m) => ({ fit: m.fit, offset: m.offset })),
    threshold: input.threshold,
    sampleRows: input.sampleRows,
    verdict,
  };
}

/**
 * Finalists: the best screened descriptions that beat the null model, at most
 * {@link MAX_PER_SUBSPACE} per subspace and role, none on a subspace nested with an already chosen one
 * of the same role that it fits clearly worse (a noise dimension added to a rotation plane), and a
 * quarter of the places kept for invariants so maps cannot crowd them out.
 */
export function chooseFinalists(screened: ScreenSuccess[], max: number, subspaces: Subspace[]): ScreenSuccess[] {
  const byDl = [...screened].sort((a, b) => a.descriptionLength - b.descriptionLength || (a.fit.id < b.fit.id ? -1 : 1));
  const pick = (role: LawRole, quota: number) => {
    const chosen: ScreenSuccess[] = [];
    const perSubspace = new Map<number, number>();
    const simplest = simplestOfBestFits(byDl, role);
    for (const s of byDl) {
      if (chosen.length >= quota) break;
      if (s.fit.role !== role || !(s.descriptionLength < 0)) continue;
      const keep = simplest.get(s.subspaceIndex)!;
      const room = keep === s || chosen.includes(keep) ? MAX_PER_SUBSPACE : MAX_PER_SUBSPACE - 1;
      if ((perSubspace.get(s.subspaceIndex) ?? 0) >= room) continue;
      const basis = subspaces[s.subspaceIndex].basis;
      // Invariants are weighed as functions of z after ranking (a plane's |u|² stays even when a larger
      // subspace fits a tilted copy of it a little better), so only maps are pruned by nesting here.
      const dominated = role === 'map' && chosen.some((c) => c.subspaceIndex !== s.subspaceIndex && s.relativeError > 2 * Math.max(c.relativeError, 1e-6) && nestedSpans(subspaces[c.subspaceIndex].basis, basis));
      if (dominated) continue;
      perSubspace.set(s.subspaceIndex, (perSubspace.get(s.subspaceIndex) ?? 0) + 1);
      chosen.push(s);
    }
    return chosen;
  };
  const invariants = withoutWiderCopies(pick('invariant', Math.ceil(max / 4)), subspaces);
  return [...pick('map', max - invariants.length), ...invariants];
}

/**
 * Invariants on a subspace that contains another finalist invariant's smaller subspace, and conserve
 * no better than it: the plane's radius restated on a 4-D subspace around the plane. Ranking would
 * fold them into the plane's law; dropping them here saves their pass over all transitions.
 */
function withoutWiderCopies(invariants: ScreenSuccess[], subspaces: Subspace[]): ScreenSuccess[] {
  const dim = (s: ScreenSuccess) => subspaces[s.subspaceIndex].basis.length;
  return invariants.filter(
    (s) => !invariants.some((c) => dim(c) < dim(s) && c.relativeError <= SAME_FIT * s.relativeError && nestedSpans(subspaces[c.subspaceIndex].basis, subspaces[s.subspaceIndex].basis)),
  );
}

/**
 * Per subspace, the simplest candidate (least complexity) among those that screen about as well as the
 * best there. Screening sees every transition, and outlier jumps favour the freer families by a few
 * bits (a rotation ranks below its spiral, skewed and linear forms); the trimmed refit may find the
 * simplest one exact, so it keeps a place among the subspace's finalists. Errors are compared only
 * among candidates scored on the same transitions: linear families on all of them (moments), library
 * and quadratic families on the screening sample, which at d = 256 held fewer jumps than the whole
 * and so hid the rotation behind its library map.
 */
function simplestOfBestFits(screened: ScreenSuccess[], role: LawRole): Map<number, ScreenSuccess> {
  const candidates = screened.filter((s) => s.fit.role === role && s.descriptionLength < 0);
  const onSample = (s: ScreenSuccess) => !LINEAR_MAP_FAMILIES.has(s.fit.family) && s.fit.family !== 'linear_invariant';
  const key = (s: ScreenSuccess) => 2 * s.subspaceIndex + (onSample(s) ? 1 : 0);
  const best = new Map<number, number>();
  for (const s of candidates) best.set(key(s), Math.min(best.get(key(s)) ?? Infinity, s.relativeError));
  const out = new Map<number, ScreenSuccess>();
  for (const s of candidates) {
    if (!(s.relativeError <= SAME_FIT * best.get(key(s))!)) continue;
    const current = out.get(s.subspaceIndex);
    if (!current || s.complexity < current.complexity) out.set(s.subspaceIndex, s);
  }
  return out;
}
