/**
 * The output folder of a sweep, the only state it keeps besides the queue:
 *
 *     <out>/sweep.json, <out>/sweep.csv         the summary table
 *     <out>/results/<stem>.json                 an input's fit result, exactly as `fit --json` prints it
 *     <out>/results/<stem>.error.json           an input `fit` refused: { input, key, error }
 *
 * `<stem>` ends in the job key's first characters, so a re-run finds what is done by key alone.
 */
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SHORT_KEY } from './job-key.js';

/** The summary as JSON: what `report` looks for to recognise a sweep folder. */
export const SUMMARY_JSON = 'sweep.json';
/** The summary as CSV. */
export const SUMMARY_CSV = 'sweep.csv';
/** The folder of the per-input records. */
export const RESULTS_DIR = 'results';

/** What `fit` said about an input it refused. */
export interface ErrorRecord {
  input: string;
  key: string;
  /** `fit`'s one-line message (`FILE: what is wrong`). */
  error: string;
}

/** How one input's job ended. */
export type JobOutcome =
  | { status: 'done'; file: string }
  /** `inputError`: the input itself is bad (recorded in an error file; retrying cannot help). */
  | { status: 'failed'; error: string; inputError: boolean };

/** Where an input's result or error record goes. */
export function recordPaths(out: string, stem: string): { result: string; error: string } {
  return { result: join(out, RESULTS_DIR, `${stem}.json`), error: join(out, RESULTS_DIR, `${stem}.error.json`) };
}

const RECORD = new RegExp(`\\.([0-9a-f]{${SHORT_KEY}})(\\.error)?\\.json$`);

/** The records already in `out`, by short key (temporary files of interrupted writes start with a dot and are skipped). */
export function existingRecords(out: string): Map<string, { result?: string; error?: string }> {
  const found = new Map<string, { result?: string; error?: string }>();
  const dir = join(out, RESULTS_DIR);
  if (!existsSync(dir)) return found;
  for (const name of readdirSync(dir)) {
    const m = RECORD.exec(name);
    if (!m || name.startsWith('.')) continue;
    const entry = found.get(m[1]) ?? {};
    if (m[2]) entry.error = join(dir, name);
    else entry.result = join(dir, name);
    found.set(m[1], entry);
  }
  return found;
}

/** Read an error record; null when it is missing or not one (then the input is fitted again). */
export function readErrorRecord(file: string): ErrorRecord | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<ErrorRecord>;
    return typeof parsed.error === 'string' && typeof parsed.key === 'string' && typeof parsed.input === 'string' ? (parsed as ErrorRecord) : null;
  } catch {
    return null;
  }
}

/** The outcome an earlier run left for `key`, if any (a result wins over an error record). */
export function recordedOutcome(records: ReturnType<typeof existingRecords>, key: string): JobOutcome | null {
  const entry = records.get(key.slice(0, SHORT_KEY));
  if (entry?.result) return { status: 'done', file: entry.result };
  const record = entry?.error ? readErrorRecord(entry.error) : null;
  if (record && record.key === key) return { status: 'failed', error: record.error, inputError: true };
  return null;
}

/** A temporary file this old was left by a writer that died mid-write (a write takes milliseconds). */
const STALE_TEMPORARY_MS = 10 * 60_000;

/**
 * Remove the temporary files that killed writers left in the results folder (`.<record>.<pid>.<time>.tmp`,
 * see writeFileAtomic); recent ones may belong to a worker writing now and are kept.
 * @returns how many were removed
 */
export function removeStaleTemporaries(out: string, now = Date.now()): number {
  const dir = join(out, RESULTS_DIR);
  if (!existsSync(dir)) return 0;
  let removed = 0;
  for (const name of readdirSync(dir)) {
    if (!(name.startsWith('.') && name.endsWith('.tmp'))) continue;
    const file = join(dir, name);
    try {
      if (now - statSync(file).mtimeMs < STALE_TEMPORARY_MS) continue;
      rmSync(file, { force: true });
      removed++;
    } catch {
      // Gone already (another sweep cleaned it): nothing to do.
    }
  }
  return removed;
}
