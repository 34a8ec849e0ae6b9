/**
 * Calling a function under a deadline. A synchronous endless loop (an eigen-solver that never converges)
 * blocks the test's own thread, so no timer there could end it: the call runs in a worker thread, which
 * is terminated when the deadline passes, and the test fails instead of hanging the suite.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

/** What the call gave: its value, or the error it threw (name and message). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; name: string; message: string };

/**
 * Run `module`'s export `name` on `args` (structured-cloneable) in a worker thread.
 * @throws Error when the call has not returned after `ms` milliseconds.
 */
export function callWithDeadline<T>(module: URL, name: string, args: unknown[], ms: number): Promise<Outcome<T>> {
  const worker = new Worker(new URL('./deadline-worker.cjs', import.meta.url), { workerData: { file: fileURLToPath(module), name, args }, execArgv: ['--import', 'tsx'] });
  return new Promise<Outcome<T>>((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`${name} did not return within ${ms} ms (an endless loop?)`));
    }, ms);
    worker.once('message', (m: Outcome<T>) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(m);
    });
    worker.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}
