/**
 * The units of parallel work, as plain messages: the same functions run inside piscina workers and,
 * with `workers: 0`, inline on the main thread (which keeps results identical by construction).
 */
import { evaluateLaws, type EvaluateResult, type EvaluateTask } from '../output/exact-pass.js';
import { finalizeGroups, type FinalistFailure, type FinalistResult, type FinalistGroupTask } from '../finalists/finalize.js';
import { newScreenCache, screenCandidate, type ScreenOutcome } from '../screening/screen.js';
import { type CandidateSpec } from '../candidates/enumerate.js';
import { type DataContext } from '../moments/transitions.js';
import { accumulateMoments, type Moments } from '../moments/moments.js';
import { registerFeatureTrees } from '../model/features.js';
import type { Expr } from '../../grammar/expr-ir.js';

/** Validated trees of the library features a task uses (see registerFeatureTrees). */
type Trees = [string, Expr][];

export type Task =
  | { kind: 'moments'; from: number; to: number; shift: number[] }
  | {
      kind: 'screen';
      trees: Trees;
      candidates: CandidateSpec[];
      bases: Record<number, number[][]>;
      moments: Moments;
      /** The screening sample's transitions, in shared memory (see gatherSampleRows). */
      sampleRows: DataContext;
      threshold: number;
    }
  /** Finalist groups; several only when all are on coordinate subspaces (they share one pass). */
  | { kind: 'finalize'; tasks: FinalistGroupTask[]; trees: Trees }
  | { kind: 'evaluate'; basis: number[][]; tasks: EvaluateTask[]; trees: Trees };

export type TaskResult = Moments | ScreenOutcome[] | (FinalistResult | FinalistFailure)[][] | EvaluateResult[] | null;

/**
 * Run one task. `stop` is polled between candidates so Ctrl-C ends a screening batch early; the
 * candidates not reached are simply absent from the result.
 */
export function runTask(ctx: DataContext, task: Task, stop?: Int32Array): TaskResult {
  if (task.kind !== 'moments') registerFeatureTrees(task.trees);
  switch (task.kind) {
    case 'moments':
      return accumulateMoments(ctx.states, ctx.dim, ctx.starts, task.shift, task.from, task.to);
    case 'screen': {
      const cache = newScreenCache(task.candidates, task.bases);
      const out: ScreenOutcome[] = [];
      for (const c of task.candidates) {
        if (stop && Atomics.load(stop, 0) !== 0) break;
        out.push(screenCandidate(c, task.bases[c.subspaceIndex], task.moments, task.sampleRows, task.threshold, cache));
      }
      return out;
    }
    case 'finalize':
      // Queued finalists are skipped after Ctrl-C; the exact pass of reported laws always runs.
      if (stop && Atomics.load(stop, 0) !== 0) return null;
      return finalizeGroups(ctx, task.tasks);
    case 'evaluate':
      return evaluateLaws(ctx, task.basis, task.tasks);
  }
}
