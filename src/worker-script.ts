/**
 * Where a worker thread's script lives: the compiled JavaScript next to dist/src, or the TypeScript
 * source under tsx (tests, development).
 */
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { packageModule, runningSources } from './package-files.js';

/** The file and Node flags that start the worker `workers/<name>`. */
export function workerScript(name: string): { filename: string; execArgv: string[] } {
  return { filename: packageModule(`workers/${name}`), execArgv: runningSources ? ['--import', 'tsx'] : [] };
}

/**
 * Start `workers/<name>` as a plain worker thread. Under tsx the TypeScript source is loaded through
 * tsx's own import, because hooks passed in a worker's execArgv are not ready when its script loads.
 */
export function startWorker(name: string): Worker {
  const { filename } = workerScript(name);
  if (!filename.endsWith('.ts')) return new Worker(filename);
  const url = JSON.stringify(pathToFileURL(filename).href);
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return new Worker(`import(${tsx}).then(({ tsImport }) => tsImport(${url}, ${url}))`, { eval: true });
}
