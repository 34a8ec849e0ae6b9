/**
 * The units of parallel work, as plain messages: each stage's worker-side function runs inside
 * piscina workers and, with `workers: 0`, inline on the main thread (which keeps results identical
 * by construction).
 */
import type { Failure } from '../../types.js';
import type { FinalistResult } from '../finalists/finalize.js';
import { finalizeBatch, type FinalizeTask } from '../finalists/stage.js';
import type { Moments } from '../moments/moments.js';
import { type ComplementShare, type ComplementTask, predictedShareAt } from '../output/complement.js';
import { momentChunk, type MomentTask } from '../moments/stage.js';
import type { DataContext } from '../moments/transitions.js';
import { type EvaluateBatch, evaluateBatch, type EvaluatePart, type InvariantSums, invariantSumsBatch } from '../output/exact-pass.js';
import type { ScreenOutcome } from '../screening/screen.js';
import { conservationBatch, type ConservationSums, type ConservationTask } from '../ranking/conservation.js';
import { screenBatch, type ScreenTask } from '../screening/stage.js';
import { eigenTask, type EigenMode, type EigenTask, sampleMomentsTask, type SampleMomentsTask } from '../subspaces/eigenspaces.js';

export type Task =
  | ({ kind: 'moments' } & MomentTask)
  | ({ kind: 'screen' } & ScreenTask)
  | ({ kind: 'eigenspaces' } & EigenTask)
  | ({ kind: 'sample-moments' } & SampleMomentsTask)
  | ({ kind: 'finalize' } & FinalizeTask)
  | ({ kind: 'conservation' } & ConservationTask)
  | ({ kind: 'invariant-sums' } & EvaluateBatch)
  | ({ kind: 'evaluate' } & EvaluateBatch & { scales: number[] })
  | ({ kind: 'complement' } & ComplementTask);

export type TaskResult = Moments | ScreenOutcome[] | EigenMode[] | (FinalistResult | Failure)[][] | ConservationSums[] | InvariantSums | EvaluatePart[] | ComplementShare | null;

/** Run one task; `stop` is the fit's interrupt flag (polled between candidates and before finalists). */
export function runTask(ctx: DataContext, task: Task, stop?: Int32Array): TaskResult {
  switch (task.kind) {
    case 'moments':
      return momentChunk(ctx, task);
    case 'screen':
      return screenBatch(task, stop);
    case 'eigenspaces':
      return eigenTask(ctx, task);
    case 'sample-moments':
      return sampleMomentsTask(ctx, task);
    case 'finalize':
      return finalizeBatch(ctx, task, stop);
    case 'conservation':
      return conservationBatch(ctx, task);
    case 'invariant-sums':
      return invariantSumsBatch(ctx, task);
    case 'evaluate':
      return evaluateBatch(ctx, task);
    case 'complement':
      return predictedShareAt(task);
  }
}
