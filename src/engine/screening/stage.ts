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
  /** The screening sample's transitions, in shared memory (see readSampleRows). */
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

/**
 * Candidates screened ahead of the rest (those on every subspace but the eigenspaces, while the
 * eigen-decomposition runs: eigen-overlap.ts), on the subspaces they were enumerated on. An outcome
 * stands for a final candidate with the same specification on the same basis.
 */
export interface Prescreened {
  candidates: CandidateSpec[];
  subspaces: Subspace[];
  outcomes: Promise<Map<CandidateSpec, ScreenOutcome>>;
}

/**
 * Start screening `input.candidates`: in `parts` tasks of whole subspaces when given (a task per
 * worker that is free while this thread is busy: tasks queued beyond that would wait for this thread),
 * else in the usual batches.
 */
export function prescreen(input: ScreenInput, run: (task: ScreenTask) => Promise<ScreenOutcome[]>, parts?: number): Prescreened {
  const size = parts ? Math.max(1, Math.ceil(input.candidates.length / parts)) : SCREEN_BATCH;
  const outcomes = screenOutcomes(input, run, () => {}, size);
  // Handled now, awaited later: this thread may be busy before it looks at them.
  outcomes.catch(() => {});
  return { candidates: input.candidates, subspaces: input.subspaces, outcomes };
}

/**
 * Screen every candidate through `run`; successes and failures in batch order (whole subspaces, in
 * the order the candidates first name them), whatever order the batches ran in. Candidates
 * `prescreened` already are not screened again.
 */
export async function screenAll(
  input: ScreenInput,
  run: (task: ScreenTask) => Promise<ScreenOutcome[]>,
  progress: (done: number, total: number) => void,
  prescreened?: Prescreened,
): Promise<{ screened: ScreenSuccess[]; failures: Failure[]; ruledOut: number }> {
  const outcomes = prescreened ? await reusable(input, prescreened) : new Map<CandidateSpec, ScreenOutcome>();
  const rest = input.candidates.filter((c) => !outcomes.has(c));
  const reused = outcomes.size;
  for (const [c, o] of await screenOutcomes({ ...input, candidates: rest }, run, (done) => progress(reused + done, input.candidates.length))) outcomes.set(c, o);
  const screened: ScreenSuccess[] = [];
  const failures: Failure[] = [];
  let ruledOut = 0;
  for (const c of batchBySubspace(input.candidates, SCREEN_BATCH).flat()) {
    const o = outcomes.get(c);
    if (!o) continue; // not reached before an interruption
    if (o.ok) screened.push(o);
    else if (o.ruledOut) ruledOut++;
    else failures.push({ id: o.id, error: o.error });
  }
  return { screened, failures, ruledOut };
}

/** Outcomes of prescreened candidates for the final candidates they stand for, moved to the final subspace indices. */
async function reusable(input: ScreenInput, prescreened: Prescreened): Promise<Map<CandidateSpec, ScreenOutcome>> {
  const outcomes = await prescreened.outcomes;
  const key = (c: CandidateSpec) => JSON.stringify([c.id, c.family, c.role, c.offset, c.structuralCost, c.libraryFeatures, c.libraryCosts]);
  const earlier = new Map<string, { outcome: ScreenOutcome; subspaceIndex: number }>();
  for (const c of prescreened.candidates) {
    const outcome = outcomes.get(c);
    if (outcome) earlier.set(key(c), { outcome, subspaceIndex: c.subspaceIndex });
  }
  // Once per pair of subspaces, not per candidate: at d = 1024 a full-space basis has 10⁶ entries.
  const same = new Map<string, boolean>();
  const sameBasis = (before: number, now: number) => {
    const pair = `${before},${now}`;
    let equal = same.get(pair);
    if (equal === undefined) same.set(pair, (equal = sameRows(prescreened.subspaces[before].basis, input.subspaces[now].basis)));
    return equal;
  };
  const reused = new Map<CandidateSpec, ScreenOutcome>();
  for (const c of input.candidates) {
    const found = earlier.get(key(c));
    if (!found || !sameBasis(found.subspaceIndex, c.subspaceIndex)) continue;
    reused.set(c, found.outcome.ok ? { ...found.outcome, subspaceIndex: c.subspaceIndex } : found.outcome);
  }
  return reused;
}

const sameRows = (a: number[][], b: number[][]) => a.length === b.length && a.every((row, i) => row.length === b[i].length && row.every((v, j) => v === b[i][j]));

/** The outcome of each of `input.candidates` (absent when an interruption came first), in batches of about `batchSize`. */
async function screenOutcomes(input: ScreenInput, run: (task: ScreenTask) => Promise<ScreenOutcome[]>, progress: (done: number, total: number) => void, batchSize = SCREEN_BATCH): Promise<Map<CandidateSpec, ScreenOutcome>> {
  let done = 0;
  const batches = batchBySubspace(input.candidates, batchSize);
  const outcomes = new Map<CandidateSpec, ScreenOutcome>();
  // Widest subspaces first: one full-space candidate at d = 1024 takes seconds, and a pool that starts it
  // last waits for it at the end.
  const width = (batch: CandidateSpec[]) => input.subspaces[batch[0].subspaceIndex].basis.length;
  const order = batches.map((_, i) => i).sort((a, b) => width(batches[b]) - width(batches[a]) || a - b);
  await Promise.all(order.map((i) => {
    const batch = batches[i];
    const bases: Record<number, number[][]> = {};
    for (const c of batch) bases[c.subspaceIndex] = input.subspaces[c.subspaceIndex].basis;
    const trees = input.catalog.subset(batch.flatMap((c) => c.libraryFeatures));
    return run({ trees, candidates: batch, bases, moments: input.moments, sampleRows: input.sampleRows, threshold: input.threshold, resolution: input.resolution }).then((r) => {
      // A batch cut short by an interruption has outcomes for its first candidates only.
      r.forEach((o, j) => outcomes.set(batch[j], o));
      done += batch.length;
      progress(done, input.candidates.length);
    });
  }));
  return outcomes;
}

/** Batches of about `size` candidates made of whole subspaces, in the order the candidates first name the subspaces. */
function batchBySubspace(candidates: CandidateSpec[], size: number): CandidateSpec[][] {
  const batches: CandidateSpec[][] = [];
  let current: CandidateSpec[] = [];
  for (const group of groupBy(candidates, (c) => c.subspaceIndex).values()) {
    if (current.length > 0 && current.length + group.length > size) {
      batches.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
