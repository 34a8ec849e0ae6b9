/**
 * A queue worker: takes fit jobs from the sweep's queue and runs them on its job threads, writing each
 * record to the shared output folder. An input `fit` refuses fails its job at once (retrying cannot
 * help); other failures are retried by the queue. A worker that dies mid-job loses nothing: its lock
 * lapses and another worker takes the job back.
 */
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { FitJob } from './fit-job.js';
import { JobPool } from './job-pool.js';
import type { JobOutcome } from './layout.js';
import { QUEUE_DEFAULTS } from './defaults.js';
import { checkRedis, connectionOf, type QueueTarget } from './queue.js';

/** Options of {@link startWorker}. */
export interface SweepWorkerOptions extends QueueTarget {
  /** Jobs run at once, each on its own thread (default 1). */
  jobs?: number;
  /** A job whose lock this worker fails to renew for this long is taken back (ms, default 30000). */
  lockDurationMs?: number;
  /** How often this worker looks for jobs whose lock lapsed (ms, default 30000). */
  stalledIntervalMs?: number;
  /** How often a job may be taken back before it fails (default 2). */
  maxStalledCount?: number;
  /** What happened, for a log. */
  onEvent?: (event: WorkerEvent) => void;
}

/** A worker's log events. */
export type WorkerEvent =
  | { kind: 'started'; input: string }
  | { kind: 'done'; input: string; file: string; ms: number }
  | { kind: 'failed'; input: string; error: string; final: boolean }
  | { kind: 'error'; error: string };

/** A running worker. */
export interface SweepWorker {
  /** Stop taking jobs, let the running ones finish, then release the threads. */
  close(): Promise<void>;
}

/** The job's data, checked: a job of another producer on the same queue fails without running. */
function fitJobOf(job: Job): FitJob {
  const d = job.data as Partial<FitJob> | null;
  const ok = d && typeof d.input === 'string' && typeof d.key === 'string' && typeof d.resultFile === 'string' && typeof d.errorFile === 'string' && typeof d.spec === 'object';
  if (!ok) throw new UnrecoverableError(`job ${job.id} is not a latent-laws sweep job`);
  return d as FitJob;
}

/**
 * Connect to the queue and start taking jobs.
 * @throws InputError when Redis cannot be reached
 */
export async function startWorker(options: SweepWorkerOptions): Promise<SweepWorker> {
  await checkRedis(options.url);
  const jobs = options.jobs ?? 1;
  const pool = new JobPool(jobs);
  const log = options.onEvent ?? (() => {});
  const processor = async (job: Job): Promise<JobOutcome> => {
    const started = Date.now();
    const fitJob = fitJobOf(job);
    log({ kind: 'started', input: fitJob.input });
    const outcome = await pool.run(fitJob);
    if (outcome.status === 'failed') throw new UnrecoverableError(outcome.error);
    log({ kind: 'done', input: fitJob.input, file: outcome.file, ms: Date.now() - started });
    return outcome;
  };
  const worker = new Worker(options.name ?? QUEUE_DEFAULTS.name, processor, {
    connection: connectionOf(options.url),
    concurrency: jobs,
    lockDuration: options.lockDurationMs ?? QUEUE_DEFAULTS.lockDurationMs,
    stalledInterval: options.stalledIntervalMs ?? QUEUE_DEFAULTS.stalledIntervalMs,
    maxStalledCount: options.maxStalledCount ?? QUEUE_DEFAULTS.maxStalledCount,
  });
  worker.on('failed', (job, err) => {
    const final = !job || err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    log({ kind: 'failed', input: (job?.data as FitJob | undefined)?.input ?? '?', error: err.message, final });
  });
  worker.on('error', (err) => log({ kind: 'error', error: err.message }));
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      await pool.close();
    },
  };
}
