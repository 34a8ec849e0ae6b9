/**
 * Threads that fit whole inputs, several at once: the local sweep runs every input on them, and a
 * queue worker runs the jobs it takes. Each thread loads the engine once and fits input after input.
 */
import { Piscina } from 'piscina';
import { packageModule, runningSources } from '../package-files.js';
import type { FitJob } from './fit-job.js';
import type { JobOutcome } from './layout.js';

/** The thread's script: compiled JS next to this module, or the TypeScript source under tsx (tests). */
function threadLocation(): { filename: string; execArgv: string[] } {
  return { filename: packageModule('src/sweep/job-thread'), execArgv: runningSources ? ['--import', 'tsx'] : [] };
}

/** A pool of `threads` job threads. */
export class JobPool {
  readonly #piscina: Piscina;

  constructor(readonly threads: number) {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`jobs must be a whole number ≥ 1, got ${threads}`);
    const { filename, execArgv } = threadLocation();
    this.#piscina = new Piscina({ filename, execArgv, minThreads: threads, maxThreads: threads, idleTimeout: 60_000 });
  }

  /**
   * Fit one input on a free thread (queued until one is free).
   * @throws what the fit threw when it is not the input's fault, or why the pool stopped it
   */
  run(job: FitJob): Promise<JobOutcome> {
    return this.#piscina.run(job) as Promise<JobOutcome>;
  }

  #closed: Promise<void> | null = null;

  /** Stop the threads (jobs still running fail); later calls wait for the first. */
  close(): Promise<void> {
    this.#closed ??= this.#piscina.destroy();
    return this.#closed;
  }
}
