/**
 * The screening stage: every candidate fitted and scored from sufficient statistics, in batches that
 * follow subspaces, so the candidates sharing a projection and a sample feature pass run in one task
 * and share its cache (results do not depend on the batching or on the order batches run in).
 */
import { groupBy } from '../../collections.js';
import type { Expr } from '../../grammar/expr-ir.js';
import type { Failure, Subspace } from '../../types.js';
import type { CandidateSpec } from '../candidates/candidate.js';
import { FeatureCatalog } from '../model/features.js';
import type { Moments } from '../moments/moments.js';
import type { DataContext } from '../moments/transitions.js';
import type { Resolution } from '../moments/resolution.js';
import { newScreenCache, screenCandidate, type ScreenOutcome, type ScreenSuccess } from './screen.js';

/** Candidates per screening task (whole subspaces are never split between tasks). */
const SCREEN_BATCH = 48;

/** One batch of candidates, as a worker task. */
export interface ScreenTask {
  /** Trees of the library features the batch uses. */
  trees: [string, Expr][];
  candidates: CandidateSpec[];
  bases: Record<number, number[][]>;
  moments: Moments;
  /** The screening sample's transitions, in shared memory (see gatherSampleRows). */
  sampleRows: DataContext;
  threshold: number;
  resolution: Resolution;
}

/**
 * Screen one batch (on a worker or inline). `stop` is polled between candidates so Ctrl-C ends a
 * batch early; the candidates not reached are simply absent from the result.
 */
export function screenBatch(task: ScreenTask, stop?: Int32Array): ScreenOutcome[] {
  const cache = newScreenCache(task.candidates, task.bases, new FeatureCatalog(task.trees), task.resolution);
  const out: ScreenOutcome[] = [];
  for (const c of task.candidates) {
    if (stop && Atomics.load(stop, 0) !== 0) break;
    out.push(screenCandidate(c, task.bases[c.subspaceIndex], task.moments, task.sampleRows, task.threshold, cache));
  }
  return out;
}

export interface ScreenInput {
  candidates: CandidateSpec[];
  subspaces: Subspace[];
  moments: Moments;
  sampleRows: DataContext;
  catalog: FeatureCatalog;
  threshold: number;
  resolution: Resolution;
}

/** Screen every candidate through `run`; successes and failures in candidate order. */
export async function screenAll(
  input: ScreenInput,
  run: (task: ScreenTask) => Promise<ScreenOutcome[]>,
  progress: (done: number, total: number) => void,
): Promise<{ screened: ScreenSuccess[]; failures: Failure[]; ruledOut: number }> {
  let done = 0;
  const batches = batchBySubspace(input.candidates);
  const outcomes: Promise<ScreenOutcome[]>[] = new Array(batches.length);
  // Widest subspaces first: one full-space candidate at d = 1024 takes seconds, and a pool that starts it
  // last waits for it at the end. Outcomes stay in batch (candidate) order.
  const width = (batch: CandidateSpec[]) => input.subspaces[batch[0].subspaceIndex].basis.length;
  const order = batches.map((_, i) => i).sort((a, b) => width(batches[b]) - width(batches[a]) || a - b);
  for (const i of order) {
    const batch = batches[i];
    const bases: Record<number, number[][]> = {};
    for (const c of batch) bases[c.subspaceIndex] = input.subspaces[c.subspaceIndex].basis;
    const trees = input.catalog.subset(batch.flatMap((c) => c.libraryFeatures));
    outcomes[i] = run({ trees, candidates: batch, bases, moments: input.moments, sampleRows: input.sampleRows, threshold: input.threshold, resolution: input.resolution }).then((r) => {
      done += batch.length;
      progress(done, input.candidates.length);
      return r;
    });
  }
  const results = (await Promise.all(outcomes)).flat();
  const screened: ScreenSuccess[] = [];
  const failures: Failure[] = [];
  let ruledOut = 0;
  for (const o of results) {
    if (o.ok) screened.push(o);
    else if (o.ruledOut) ruledOut++;
    else failures.push({ id: o.id, error: o.error });
  }
  return { screened, failures, ruledOut };
}

/** Batches of about {@link SCREEN_BATCH} candidates made of whole subspaces, in candidate order. */
function batchBySubspace(candidates: CandidateSpec[]): CandidateSpec[][] {
  const batches: CandidateSpec[][] = [];
  let current: CandidateSpec[] = [];
  for (const group of groupBy(candidates, (c) => c.subspaceIndex).values()) {
    if (current.length > 0 && current.length + group.length > SCREEN_BATCH) {
      batches.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
