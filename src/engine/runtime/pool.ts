/**
 * Where tasks run: a piscina pool of worker threads, or inline on the main thread when `workers` is 0.
 * A pool outlives a fit when the caller asks for one (`createFitPool`): V8 compiles the engine's code
 * afresh in every worker, so callers that fit many data sets (a sweep, the anneal's searches) pay most
 * of that once (docs/performance.md#pools-kept-across-fits). Each task carries
 * its data set as SharedArrayBuffers, which cross to a worker by reference, never copied.
 */
import { Piscina } from 'piscina';
import { FIT_DEFAULTS } from '../defaults.js';
import { YOUNG_GENERATION_MB } from './heap.js';
import type { runTask, Task, TaskResult } from './tasks.js';
import type { DataContext } from '../moments/transitions.js';
import { workerScript } from '../../worker-script.js';

/** What a worker receives: the task and the shared memory it reads. */
export interface PoolMessage {
  /** `float32`: the states are float32 values (as read from a float32 file), else float64. */
  data: { states: SharedArrayBuffer; float32: boolean; starts: SharedArrayBuffer; dim: number };
  /** Nonzero once the fit that sent the task is interrupted. */
  stop: SharedArrayBuffer;
  task: Task;
}

/** The tasks of one fit, on a pool. */
export interface TaskRunner {
  run<T extends TaskResult>(task: Task): Promise<T>;
  /** Ask running tasks to stop between candidates (Ctrl-C). */
  requestStop(): void;
}

/** Copy data into shared memory (once per fit) so every worker sees it without a per-task copy. */
function shareContext(ctx: DataContext): DataContext {
  const share = <T extends Float64Array | Float32Array | Uint32Array>(a: T, Kind: { new (b: SharedArrayBuffer): T }): T => {
    if (a.buffer instanceof SharedArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength) return a;
    const out = new Kind(new SharedArrayBuffer(a.byteLength));
    out.set(a);
    return out;
  };
  const states = ctx.states instanceof Float32Array ? share(ctx.states, Float32Array) : share(ctx.states, Float64Array);
  return { states, starts: share(ctx.starts, Uint32Array), dim: ctx.dim };
}

/** Worker threads kept across fits: pass to `fit` as `options.pool`, and `close` when done. */
export class FitPool {
  /** Null for a pool of 0 workers: tasks then run inline on the calling thread. */
  readonly #piscina: Piscina | null;

  /**
   * Start `workers` threads (0: none). Results of a fit do not depend on the pool it runs on, nor on
   * what ran on the pool before.
   */
  constructor(readonly workers = FIT_DEFAULTS.workers) {
    if (!Number.isInteger(workers) || workers < 0) throw new RangeError(`workers must be a whole number ≥ 0, got ${workers}`);
    const { filename, execArgv } = workerScript('fit-worker');
    this.#piscina = workers === 0 ? null : new Piscina({ filename, execArgv, minThreads: workers, maxThreads: workers, idleTimeout: 60_000, resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB } });
    this.#piscina?.on('error', ignoreSettledReplies);
  }

  /** Stop the threads; fits still running on the pool fail. */
  close(): Promise<void> {
    return this.#piscina?.destroy() ?? Promise.resolve();
  }

  /**
   * @internal A fit's tasks on this pool, reading `ctx` (shared once here). A pool of 0 workers runs
   * them through `runInline`, passed by the fit so that this module does not load the engine: the
   * command line starts the threads before it loads its own copy.
   */
  runner(ctx: DataContext, runInline: typeof runTask): TaskRunner {
    const stopBuffer = new SharedArrayBuffer(4);
    const stop = new Int32Array(stopBuffer);
    const requestStop = () => Atomics.store(stop, 0, 1);
    const piscina = this.#piscina;
    if (!piscina) return { run: async <T extends TaskResult>(task: Task) => runInline(ctx, task, stop) as T, requestStop };
    const shared = shareContext(ctx);
    const data = { states: shared.states.buffer as SharedArrayBuffer, float32: shared.states instanceof Float32Array, starts: shared.starts.buffer as SharedArrayBuffer, dim: shared.dim };
    return { run: <T extends TaskResult>(task: Task) => piscina.run({ data, stop: stopBuffer, task } satisfies PoolMessage) as Promise<T>, requestStop };
  }
}

/**
 * The pool's errors that belong to no task. Piscina reports a worker's reply to a task it has
 * already settled as one: after Ctrl-C a fit returns while stopped batches are still replying, and
 * closing the pool settles them first (seen once in eight interrupted fits on a loaded machine),
 * which crashed the command with exit code 1. Such a reply carries nothing anyone waits for; any other
 * error is thrown as before.
 */
export function ignoreSettledReplies(err: Error): void {
  if (!err.message.startsWith('Unexpected message from Worker')) throw err;
}

/** `new FitPool(workers)`: start `workers` threads (0: tasks run inline). */
export const createFitPool = (workers = FIT_DEFAULTS.workers): FitPool => new FitPool(workers);
