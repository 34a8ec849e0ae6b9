/**
 * A sweep from start to end: resolve the inputs, key them, fit what has no record yet (here, or through
 * a queue of workers), and write the summary table. The output folder is the sweep's memory: a re-run
 * fits only what is missing.
 */
import { mkdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { loadGrammar } from '../grammar/load.js';
import { VERSION } from '../version.js';
import type { QueueSweepOptions } from './coordinator.js';
import { sweepFitSpec, type SweepFitOptions } from './fit-spec.js';
import { resolveInputs } from './inputs.js';
import { removeStaleTemporaries, RESULTS_DIR, type JobOutcome } from './layout.js';
import { runLocal, type SweepHooks } from './local.js';
import { planSweep } from './plan.js';
import { countRows, summaryRow, writeSummary, type SweepSummary } from './summary.js';

/** Options of {@link sweep}. */
export interface SweepOptions {
  /** Glob patterns, manifests (one path per line) or data files. */
  inputs: string[];
  /** Output folder: one result per input and the summary (`sweep.json`, `sweep.csv`). */
  out: string;
  /** `fit`'s options for every input. */
  fit?: SweepFitOptions;
  /** Local sweep: inputs fitted at once, each on its own thread (default: the machine's cores). */
  jobs?: number;
  /** Distributed sweep: enqueue the inputs for workers instead of fitting them here. */
  queue?: QueueSweepOptions;
  /** Folder that relative inputs are taken from (default: the working folder). */
  cwd?: string;
  /** Stop waiting: the summary then lists the unfinished inputs as pending. */
  signal?: AbortSignal;
  /** Progress: inputs finished (recorded earlier or now) out of all. */
  onProgress?: (done: number, total: number, latest: { name: string; outcome: JobOutcome } | null) => void;
}

function makeFolders(out: string): void {
  try {
    mkdirSync(join(out, RESULTS_DIR), { recursive: true });
  } catch (err) {
    throw new InputError(out, `cannot create the output folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

/**
 * Fit every input as `fit` would and write one result per input plus the summary table.
 * @returns the summary (also written to `<out>/sweep.json` and `<out>/sweep.csv`)
 * @throws InputError for a bad grammar, a pattern matching nothing, an unusable output folder or an unreachable queue
 */
export async function sweep(options: SweepOptions): Promise<SweepSummary> {
  const started = Date.now();
  const cwd = options.cwd ?? process.cwd();
  // A relative grammar path is taken from the same folder as the inputs.
  const grammar = options.fit?.grammar === undefined ? undefined : resolve(cwd, options.fit.grammar);
  const spec = sweepFitSpec({ ...options.fit, grammar });
  loadGrammar(spec.grammar); // a bad grammar fails here, once, not in every job
  if (options.queue) await (await import('./queue.js')).checkRedis(options.queue.url);
  const inputs = await resolveInputs(options.inputs, cwd);
  const out = resolve(cwd, options.out);
  makeFolders(out);
  removeStaleTemporaries(out);
  const items = await planSweep(inputs, spec, out);
  let done = items.filter((i) => i.cached).length;
  options.onProgress?.(done, items.length, null);
  const hooks: SweepHooks = {
    signal: options.signal,
    onOutcome: (item, outcome) => options.onProgress?.(++done, items.length, { name: item.input.name, outcome }),
  };
  const jobs = options.jobs ?? availableParallelism();
  // The queue client loads only for a distributed sweep.
  const outcomes = options.queue ? await (await import('./coordinator.js')).runQueued(items, options.queue, hooks) : await runLocal(items, jobs, hooks);
  const rows = items.map((item) => summaryRow(item.input, item.cached ?? outcomes.get(item.key) ?? null, item.cached !== null, out));
  const summary: SweepSummary = {
    kind: 'latent-laws sweep', version: VERSION, mode: options.queue ? 'queue' : 'local', fit: spec,
    interrupted: options.signal?.aborted === true, elapsedMs: Date.now() - started, counts: countRows(rows), rows,
  };
  writeSummary(out, summary);
  return summary;
}
