/**
 * Piscina worker: holds the data set (shared memory from workerData, never copied per task) and runs
 * fitting tasks. Results are small by design (moment matrices, residual histograms, outlier indices),
 * so they are cloned back rather than transferred.
 */
import { workerData } from 'node:worker_threads';
import { runTask, type Task, type TaskResult } from '../src/engine/tasks.js';
import type { DataContext } from '../src/engine/screen.js';

interface SharedData {
  states: SharedArrayBuffer;
  starts: SharedArrayBuffer;
  dim: number;
  stop: SharedArrayBuffer;
}

const shared = workerData as SharedData;
const ctx: DataContext = {
  states: new Float64Array(shared.states),
  starts: new Uint32Array(shared.starts),
  dim: shared.dim,
};
const stop = new Int32Array(shared.stop);

export default function run(task: Task): TaskResult {
  return runTask(ctx, task, stop);
}
