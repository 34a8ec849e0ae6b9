/**
 * A job thread: the piscina entry that fits whole inputs (job-pool.ts). Fits run here rather than on
 * the main thread so that the main thread stays free: a queue worker must renew its job locks while
 * a fit runs, and the local sweep must react to Ctrl-C.
 */
import { createFitPool, type FitPool } from '../engine/runtime/pool.js';
import { runFitJob, type FitJob } from './fit-job.js';
import type { JobOutcome } from './layout.js';

/** Fit threads of this job thread, kept across its jobs (they start, and compile the engine, once). */
let pool: FitPool | null = null;

/** Fit one input (see `runFitJob`), on this thread's fit threads when the spec asks for some. */
export default async function runJob(job: FitJob): Promise<JobOutcome> {
  if (job.spec.workers === 0) return runFitJob(job);
  if (pool?.workers !== job.spec.workers) {
    await pool?.close();
    pool = createFitPool(job.spec.workers);
  }
  return runFitJob(job, pool);
}
