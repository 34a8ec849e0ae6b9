/**
 * Piscina worker: runs fitting tasks on the data set each task names by its SharedArrayBuffers (seen
 * by reference, never copied), so one thread serves fit after fit. Results are small by design
 * (moment matrices, residual histograms, outlier indices), so they are cloned back rather than
 * transferred.
 */
import { runTask, type TaskResult } from '../src/engine/runtime/tasks.js';
import type { PoolMessage } from '../src/engine/runtime/pool.js';

export default function run({ data, stop, task }: PoolMessage): TaskResult {
  const ctx = { states: data.float32 ? new Float32Array(data.states) : new Float64Array(data.states), starts: new Uint32Array(data.starts), dim: data.dim };
  return runTask(ctx, task, new Int32Array(stop));
}
