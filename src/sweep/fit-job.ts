/**
 * One input of a sweep, fitted exactly as `latent-laws fit FILE --json` fits it, and its record
 * written atomically to the output folder: the result JSON, or for an input `fit` refuses, its
 * one-line message. Runs in a job thread (job-thread.ts), locally or on a queue worker.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadDatasetAsync } from '../data/load.js';
import { fit } from '../engine/fit.js';
import type { FitPool } from '../engine/runtime/pool.js';
import { flagOf, InputError, oneLine, OptionError } from '../errors.js';
import { loadGrammar } from '../grammar/load.js';
import { jsonText, writeFileAtomic } from '../io.js';
import type { Grammar } from '../types.js';
import { fitOptionsOf, type SweepFitSpec } from './fit-spec.js';
import type { ErrorRecord, JobOutcome } from './layout.js';

/** What a job carries: paths and options only, never data (every machine reads the shared files). */
export interface FitJob {
  /** Absolute path of the input. */
  input: string;
  key: string;
  /** Where the result goes, and where the error record of a bad input goes. */
  resultFile: string;
  errorFile: string;
  spec: SweepFitSpec;
}

const grammars = new Map<string, { mtimeMs: number; grammar: Grammar }>();

/** The parsed grammar, read again only when its file changed (a thread fits many inputs). */
function grammarOf(path: string): Grammar {
  const mtimeMs = statSync(path).mtimeMs;
  const cached = grammars.get(path);
  if (cached && cached.mtimeMs === mtimeMs) return cached.grammar;
  const grammar = loadGrammar(path);
  grammars.set(path, { mtimeMs, grammar });
  return grammar;
}

/** The message `fit` prints for a bad input: options named by their flags (`--key`), as on its command line. */
export function inputErrorMessage(err: InputError): string {
  return oneLine(err instanceof OptionError ? err.messageNaming((o) => flagOf(o)) : err.message);
}

function writeRecord(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileAtomic(path, jsonText(value));
}

/**
 * Fit one input and write its record.
 * @param pool worker threads for the fit when `spec.workers` > 0 (kept across jobs by the caller)
 * @returns `done` with the result file, or `failed` with `fit`'s one-line message for a bad input
 * @throws anything that is not the input's fault (a bug, a full disk): the queue retries those
 */
export async function runFitJob(job: FitJob, pool?: FitPool): Promise<JobOutcome> {
  // A bad grammar is not the input's fault: its error escapes, and the sweep checked it before starting.
  const grammar = grammarOf(job.spec.grammar);
  let result;
  try {
    result = await fit(await loadDatasetAsync(job.input, { key: job.spec.key }), { ...fitOptionsOf(job.spec, grammar), pool });
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const error = inputErrorMessage(err);
    const record: ErrorRecord = { input: job.input, key: job.key, error };
    writeRecord(job.errorFile, record);
    return { status: 'failed', error, inputError: true };
  }
  writeRecord(job.resultFile, result);
  return { status: 'done', file: job.resultFile };
}
