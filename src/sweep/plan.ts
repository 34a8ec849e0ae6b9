/**
 * The plan of a sweep: every input's job key, the job to run, and what an earlier run already left
 * in the output folder for that key.
 */
import { resolve } from 'node:path';
import type { SweepFitSpec } from './fit-spec.js';
import type { FitJob } from './fit-job.js';
import type { SweepInput } from './inputs.js';
import { fileDigest, jobKey, resultStem } from './job-key.js';
import { existingRecords, recordedOutcome, recordPaths, type JobOutcome } from './layout.js';

/** One input of the plan. */
export interface SweepItem {
  input: SweepInput;
  key: string;
  job: FitJob;
  /** The record an earlier run left (null: the input still has to be fitted). */
  cached: JobOutcome | null;
}

/** Run `f` over `items` with at most `limit` calls in flight, keeping the order. */
async function mapLimited<T, R>(items: T[], limit: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

/**
 * Key every input (hashing its content; a few files are read at once) and look up earlier records.
 * @param out the output folder (absolute or relative; job paths are made absolute)
 */
export async function planSweep(inputs: SweepInput[], spec: SweepFitSpec, out: string): Promise<SweepItem[]> {
  const folder = resolve(out);
  const grammar = await fileDigest(spec.grammar);
  const records = existingRecords(folder);
  return mapLimited(inputs, 4, async (input) => {
    const key = jobKey(input.path, await fileDigest(input.path), spec, grammar);
    const paths = recordPaths(folder, resultStem(input.name, key));
    const job: FitJob = { input: input.path, key, resultFile: paths.result, errorFile: paths.error, spec };
    return { input, key, job, cached: recordedOutcome(records, key) };
  });
}
