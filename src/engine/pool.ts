/**
 * Where tasks run: a piscina pool sized to the requested workers, with the data set placed once in
 * SharedArrayBuffers, or inline on the main thread when `workers` is 0.
 */
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { runTask, type Task, type TaskResult } from './tasks.js';
import type { DataContext } from './screen.js';

export interface TaskRunner {
  run<T extends TaskResult>(task: Task): Promise<T>;
  /** Ask running tasks to stop between candidates (Ctrl-C). */
  requestStop(): void;
  close(): Promise<void>;
  readonly workers: number;
}

/** Copy data into shared memory (once) so every worker sees it without a per-task copy. */
export function shareContext(ctx: DataContext): DataContext {
  const states = new Float64Array(new SharedArrayBuffer(ctx.states.byteLength));
  states.set(ctx.states);
  const starts = new Uint32Array(new SharedArrayBuffer(ctx.starts.byteLength));
  starts.set(ctx.starts);
  return { states, starts, dim: ctx.dim };
}

/** The worker script: compiled JS next to dist/src, or the TypeScript source under tsx (tests, dev). */
function workerLocation(): { filename: string; execArgv: string[] } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    return { filename: fileURLToPath(new URL('../../workers/fit-worker.ts', here)), execArgv: ['--import', 'tsx'] };
  }
  return { filename: fileURLToPath(new URL('../../workers/fit-worker.js', here)), execArgv: [] };
}

export function createRunner(ctx: DataContext, workers: number): TaskRunner {
  const stopBuffer = new SharedArrayBuffer(4);
  const stop = new Int32Array(stopBuffer);
  if (workers <= 0) {
    return {
      workers: 0,
      run: async <T extends TaskResult>(task: Task) => runTask(ctx, task, stop) as T,
      requestStop: () => Atomics.store(stop, 0, 1),
      close: async () => {},
    };
  }
  const shared = ctx.states.buffer instanceof SharedArrayBuffer ? ctx : shareContext(ctx);
  const { filename, execArgv } = workerLocation();
  const pool = new Piscina({
    filename,
    execArgv,
    minThreads: workers,
    maxThreads: workers,
    idleTimeout: 60_000,
    workerData: { states: shared.states.buffer, starts: shared.starts.buffer, dim: shared.dim, stop: stopBuffer },
  });
  return {
    workers,
    run: <T extends TaskResult>(task: Task) => pool.run(task) as Promise<T>,
    requestStop: () => Atomics.store(stop, 0, 1),
    close: () => pool.destroy(),
  };
}
