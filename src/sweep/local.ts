/**
 * The local sweep: every input that has no record yet is fitted on this machine's job threads, several
 * at once. Ctrl-C (the signal) drops the queued inputs and stops the running fits; what finished is kept.
 */
import { errorMessage } from '../errors.js';
import { JobPool } from './job-pool.js';
import type { JobOutcome } from './layout.js';
import type { SweepItem } from './plan.js';

/** Hooks of a running sweep. */
export interface SweepHooks {
  /** Stop: inputs not finished stay pending (a re-run fits them). */
  signal?: AbortSignal;
  /** Called as each input finishes. */
  onOutcome?: (item: SweepItem, outcome: JobOutcome) => void;
}

/**
 * Fit the items that have no record, `jobs` at a time.
 * @returns the outcome of every item that finished in this run, by key
 */
export async function runLocal(items: SweepItem[], jobs: number, hooks: SweepHooks = {}): Promise<Map<string, JobOutcome>> {
  const outcomes = new Map<string, JobOutcome>();
  const todo = items.filter((item) => !item.cached);
  const signal = hooks.signal;
  if (todo.length === 0 || signal?.aborted) return outcomes;
  const pool = new JobPool(Math.min(jobs, todo.length));
  // Stopping the threads ends the running fits at once; nothing they were writing is renamed into place.
  const stop = () => void pool.close();
  signal?.addEventListener('abort', stop, { once: true });
  let next = 0;
  const lane = async () => {
    while (next < todo.length && !signal?.aborted) {
      const item = todo[next++];
      let outcome: JobOutcome;
      try {
        outcome = await pool.run(item.job);
      } catch (err) {
        if (signal?.aborted) return;
        // Not the input's fault (no error record is written): a re-run tries it again.
        outcome = { status: 'failed', error: `internal error: ${errorMessage(err)}`, inputError: false };
      }
      outcomes.set(item.key, outcome);
      hooks.onOutcome?.(item, outcome);
    }
  };
  try {
    await Promise.all(Array.from({ length: pool.threads }, lane));
  } finally {
    signal?.removeEventListener('abort', stop);
    if (!signal?.aborted) await pool.close();
  }
  return outcomes;
}
