/**
 * The coordinator of a distributed sweep: it only enqueues one job per input (job id = the input's
 * key, so an input already queued, running or done is not queued twice) and waits until every job has
 * finished. Workers fit and write the records; the coordinator reads them from the shared output
 * folder. Stopping it (the signal) leaves the queue as it is, and a re-run picks up from there.
 */
import { existsSync } from 'node:fs';
import { Queue, QueueEvents, type Job } from 'bullmq';
import type { FitJob } from './fit-job.js';
import { readErrorRecord, type JobOutcome } from './layout.js';
import type { SweepHooks } from './local.js';
import type { SweepItem } from './plan.js';
import { QUEUE_DEFAULTS } from './defaults.js';
import { connectionOf, type QueueTarget } from './queue.js';

/** Options of the coordinator. */
export interface QueueSweepOptions extends QueueTarget {
  /** Tries of a job that fails for a reason other than its input (default 3). */
  attempts?: number;
  /** First retry delay in ms, doubling after each try (default 5000). */
  backoffMs?: number;
  /** How often to ask Redis for the state of unfinished jobs, besides its events (ms, default 2000). */
  pollMs?: number;
}

/** The outcome a finished job left in the output folder, or null when it left none here. */
function recordOf(job: FitJob): JobOutcome | null {
  if (existsSync(job.resultFile)) return { status: 'done', file: job.resultFile };
  const record = existsSync(job.errorFile) ? readErrorRecord(job.errorFile) : null;
  return record ? { status: 'failed', error: record.error, inputError: true } : null;
}

/** How long a finished job's record may take to appear here (a shared file system's caches) before it counts as lost. */
const RECORD_GRACE_MS = 60_000;

/** Enqueues, watches and settles the jobs of one sweep. */
class Coordinator {
  readonly outcomes = new Map<string, JobOutcome>();
  readonly #pending: Map<string, SweepItem>;
  readonly #missingSince = new Map<string, number>();
  #wake: () => void = () => {};

  constructor(readonly queue: Queue, items: SweepItem[], readonly options: QueueSweepOptions, readonly hooks: SweepHooks) {
    this.#pending = new Map(items.filter((i) => !i.cached).map((i) => [i.key, i]));
  }

  get done(): boolean {
    return this.#pending.size === 0;
  }

  /** Resolves at the next settled job, at {@link wake}, or after `ms`. */
  nap(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  wake(): void {
    this.#wake();
  }

  #finish(item: SweepItem, outcome: JobOutcome): void {
    if (!this.#pending.delete(item.key)) return;
    this.outcomes.set(item.key, outcome);
    this.hooks.onOutcome?.(item, outcome);
    this.#wake();
  }

  async #add(items: SweepItem[]): Promise<void> {
    const o = this.options;
    const keep = { age: QUEUE_DEFAULTS.keepFinishedSeconds };
    const opts = (key: string) => ({
      jobId: key, attempts: o.attempts ?? QUEUE_DEFAULTS.attempts, backoff: { type: 'exponential', delay: o.backoffMs ?? QUEUE_DEFAULTS.backoffMs },
      removeOnComplete: keep, removeOnFail: keep,
    });
    if (items.length) await this.queue.addBulk(items.map((i) => ({ name: 'fit', data: i.job, opts: opts(i.key) })));
  }

  /**
   * A job that completed while we waited, without a record here: if it wrote to another output folder
   * (queued by an earlier sweep), it runs again for ours; otherwise its record may still be on its way
   * through a shared file system's caches, so it gets a grace period.
   */
  async #completedWithoutRecord(item: SweepItem, job: Job | undefined): Promise<'queue' | 'wait'> {
    if ((job?.data as FitJob | undefined)?.resultFile !== item.job.resultFile) {
      await job?.remove();
      return 'queue';
    }
    const since = this.#missingSince.get(item.key) ?? Date.now();
    this.#missingSince.set(item.key, since);
    if (Date.now() - since > RECORD_GRACE_MS) {
      const error = `a worker fitted it but its result ${item.job.resultFile} is not here: the output folder must be on a file system every machine shares`;
      this.#finish(item, { status: 'failed', error, inputError: false });
    }
    return 'wait';
  }

  /**
   * Look at one job and settle it when it has finished.
   * @param enqueue at the start: a job that finished earlier without leaving a record here (it failed
   *   for a reason that may not recur, its record was deleted, or it wrote to another output folder) runs again
   * @returns 'queue' when the job is not in the queue (new, vanished or removed to run again) and must be added
   */
  async check(key: string, enqueue = false): Promise<'queue' | 'wait'> {
    const item = this.#pending.get(key);
    if (!item) return 'wait';
    const state = await this.queue.getJobState(key);
    if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return 'wait';
    const record = recordOf(item.job);
    if (record) {
      this.#finish(item, record);
      return 'wait';
    }
    if (state === 'unknown') return 'queue';
    const job = await this.queue.getJob(key);
    if (enqueue) {
      await job?.remove();
      return 'queue';
    }
    if (state === 'completed') return this.#completedWithoutRecord(item, job);
    this.#finish(item, { status: 'failed', error: job?.failedReason || 'the job failed', inputError: false });
    return 'wait';
  }

  /** Check every pending job (at the start, and as a fallback for missed events), adding those not in the queue. */
  async review(enqueue = false): Promise<void> {
    const items = [...this.#pending.values()];
    const missing: SweepItem[] = [];
    // A few dozen requests in flight at once: one round trip each would make a long queue slow to review.
    for (let i = 0; i < items.length; i += 50) {
      const batch = items.slice(i, i + 50);
      const actions = await Promise.all(batch.map((item) => this.check(item.key, enqueue)));
      batch.forEach((item, j) => actions[j] === 'queue' && missing.push(item));
    }
    await this.#add(missing);
  }
}

/**
 * Enqueue the items that have no record and wait until their jobs finish, or until the signal.
 * Redis is checked by the caller (sweep.ts), before any folder is made.
 * @returns the outcome of every item that finished during the wait, by key
 */
export async function runQueued(items: SweepItem[], options: QueueSweepOptions, hooks: SweepHooks = {}): Promise<Map<string, JobOutcome>> {
  const name = options.name ?? QUEUE_DEFAULTS.name;
  const connection = connectionOf(options.url);
  const queue = new Queue(name, { connection });
  const events = new QueueEvents(name, { connection });
  const coordinator = new Coordinator(queue, items, options, hooks);
  const onAbort = () => coordinator.wake();
  try {
    await events.waitUntilReady();
    const settle = ({ jobId }: { jobId: string }) => void coordinator.check(jobId).catch(() => {});
    events.on('completed', settle);
    events.on('failed', settle);
    await coordinator.review(true);
    hooks.signal?.addEventListener('abort', onAbort);
    const pollMs = options.pollMs ?? QUEUE_DEFAULTS.pollMs;
    let reviewed = Date.now();
    while (!coordinator.done && !hooks.signal?.aborted) {
      await coordinator.nap(Math.max(0, reviewed + pollMs - Date.now()));
      if (coordinator.done || hooks.signal?.aborted || Date.now() - reviewed < pollMs) continue;
      await coordinator.review();
      reviewed = Date.now();
    }
  } finally {
    hooks.signal?.removeEventListener('abort', onAbort);
    await events.close();
    await queue.close();
  }
  return coordinator.outcomes;
}
