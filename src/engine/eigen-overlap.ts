/**
 * The subspace stage as fit runs it: every subspace but the eigenspaces at once, then the
 * eigen-decomposition (the stage's costliest step, d³ with a large constant) overlapping the screening
 * of the candidates on the other subspaces, the sample's moments it reads summed by the other worker
 * meanwhile. The outcomes are those of running everything in turn.
 */
import type { Failure, Grammar, Subspace } from '../types.js';
import type { CandidateSpec } from './candidates/candidate.js';
import { enumerateCandidates } from './candidates/enumerate.js';
import { featureCatalogOf } from './candidates/feature-trees.js';
import type { FeatureCatalog } from './model/features.js';
import type { Moments } from './moments/moments.js';
import type { Resolution } from './moments/resolution.js';
import type { DataContext } from './moments/transitions.js';
import type { TaskRunner } from './runtime/pool.js';
import type { ScreenOutcome } from './screening/screen.js';
import { prescreen, type Prescreened, type ScreenTask } from './screening/stage.js';
import { eigenSubspaces, type EigenMode, type SampleData } from './subspaces/eigenspaces.js';
import { sampleMomentsShare } from './subspaces/shared-sample-moments.js';
import { eigenModesOrError, planSubspaces, type GeneratedSubspaces, type SubspacePlan } from './subspaces/generate.js';

/** What the stage reads: the moments, the sample (its indices and its gathered rows), the screening settings. */
export interface SubspaceStageInput {
  grammar: Grammar;
  moments: Moments;
  roundoff: number;
  samples: SampleData;
  sampleRows: DataContext;
  threshold: number;
  resolution: Resolution;
  /** Worker threads of the pool (0: everything runs here). */
  workers: number;
  /** Ctrl-C: the search then goes on without the eigenspaces (it states no law after an interruption here anyway). */
  signal?: AbortSignal;
  /** Steps done of the stage's total: the plan, then each eigen-decomposition. */
  progress?: (done: number, total: number) => void;
}

/**
 * The subspaces, and the screening already started for the candidates on all of them but the
 * eigenspaces (absent with no workers). With two workers or more the decomposition is a task of its
 * own and the screening batches queue behind it, so no thread waits and none shares a core; with one,
 * the decomposition runs here while the worker screens all those candidates in one task.
 */
export async function subspaceStage(s: SubspaceStageInput, runner: TaskRunner, screen: (t: ScreenTask) => Promise<ScreenOutcome[]>, failures: Failure[]): Promise<SubspaceStage> {
  const { generated, early } = await generateOverlapped(s, runner, screen, failures);
  // The constant part is stated once, after the laws; it is never searched.
  const subspaces = generated.constant ? [...generated.subspaces, generated.constant.subspace] : generated.subspaces;
  const candidates = enumerateCandidates(s.grammar, generated.subspaces);
  return { generated, subspaces, candidates, catalog: featureCatalogOf(candidates, s.grammar.limits.maxLibraryDim), early };
}

/** What the subspace stage hands on: the subspaces (the constant one last), their candidates and features, the screening begun. */
export interface SubspaceStage {
  generated: GeneratedSubspaces;
  subspaces: Subspace[];
  candidates: CandidateSpec[];
  catalog: FeatureCatalog;
  early?: Prescreened;
}

async function generateOverlapped(s: SubspaceStageInput, runner: TaskRunner, screen: (t: ScreenTask) => Promise<ScreenOutcome[]>, failures: Failure[]): Promise<{ generated: GeneratedSubspaces; early?: Prescreened }> {
  // The decomposition starts on a worker as soon as the varying directions are known; the other
  // generators (coordinate subsets, principal directions: seconds at d = 1024) run here meanwhile.
  let onWorkers: Promise<(EigenMode[] | Error)[]> | null = null;
  const step = stepCounter(s);
  const startEigen = (requests: SubspacePlan['eigenRequests']) => {
    if (s.workers < 2 || requests.length === 0) return;
    const share = sampleMomentsShare(s.moments.dim);
    const decompose = (r: SubspacePlan['eigenRequests'][number]) =>
      runner.run<EigenMode[]>({ kind: 'eigenspaces', moments: s.moments, varying: r.varying, maxCount: r.maxCount, sample: s.samples.sample, share }).catch((err: unknown) => eigenModesOrError(() => { throw err; }));
    onWorkers = Promise.all(requests.map((r) => decompose(r).finally(step)));
    // Queued second: the other worker, idle until the plan below is made, sums the sample's moments
    // that the decomposition's refinement reads (shared-sample-moments.ts). Its failure costs nothing:
    // the eigen task then sums them itself.
    runner.run<null>({ kind: 'sample-moments', sample: s.samples.sample, share }).catch(() => {});
  };
  const plan = planSubspaces(s.grammar, s.moments, s.roundoff, s.samples, failures, startEigen);
  step();
  const none = plan.eigenRequests.map(() => []);
  const decomposeHere = (r: SubspacePlan['eigenRequests'][number]) => {
    const modes = eigenModesOrError(() => eigenSubspaces(s.moments, r.varying, r.maxCount, s.samples));
    step();
    return modes;
  };
  const here = () => (s.signal?.aborted ? none : plan.eigenRequests.map(decomposeHere));
  if (s.workers === 0 || s.signal?.aborted) return { generated: plan.finish(here()) };
  const specs = enumerateCandidates(s.grammar, plan.known);
  const input = { candidates: specs, subspaces: plan.known, moments: s.moments, sampleRows: s.sampleRows, catalog: featureCatalogOf(specs, s.grammar.limits.maxLibraryDim), threshold: s.threshold, resolution: s.resolution };
  const early = prescreen(input, screen, onWorkers ? undefined : 1);
  return { generated: plan.finish(onWorkers ? await untilAborted(onWorkers, none, s.signal) : here()), early };
}

/**
 * Reports the stage's steps: the plan and one per eigenspaces generator of the grammar. None after
 * Ctrl-C: the stage then ends without the decompositions, which finish on their workers during the
 * later stages.
 */
function stepCounter(s: SubspaceStageInput): () => void {
  const total = 1 + s.grammar.subspaces.filter((gen) => gen.kind === 'eigenspaces').length;
  let done = 0;
  s.progress?.(done, total);
  return () => {
    if (!s.signal?.aborted) s.progress?.(Math.min(++done, total), total);
  };
}

/** `work`, or `instead` as soon as `signal` aborts (the work goes on where it runs; nobody waits for it). */
function untilAborted<T>(work: Promise<T>, instead: T, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(instead);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
