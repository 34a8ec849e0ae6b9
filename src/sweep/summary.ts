/**
 * The sweep's summary table: one row per input (what was found, or why nothing was), written as
 * JSON (`sweep.json`, which `report` recognises) and CSV (`sweep.csv`), each atomically.
 */
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { InputError } from '../errors.js';
import { jsonText, writeFileAtomic } from '../io.js';
import type { FitResult, Law } from '../types.js';
import type { SweepFitSpec } from './fit-spec.js';
import type { SweepInput } from './inputs.js';
import { SUMMARY_CSV, SUMMARY_JSON, type JobOutcome } from './layout.js';

/** One input's row. The per-law columns list the laws in rank order. */
export interface SweepRow {
  /** Absolute path of the input (the fit's `provenance.source`). */
  input: string;
  /** The input's path relative to the common folder of all inputs. */
  name: string;
  /** `done`: fitted; `failed`: `fit` refused it or the fit failed; `pending`: not finished (interrupted). */
  status: 'done' | 'failed' | 'pending';
  /** True when the record came from an earlier run (no fitting work this run). */
  cached: boolean;
  /** The result file, relative to the output folder (null unless done). */
  result: string | null;
  lawsFound: number | null;
  families: string[];
  /** Per law, its exact constants as `name = form`, comma-separated ('' when none were snapped). */
  exactConstants: string[];
  inlierFractions: number[];
  /** Description lengths in bits. */
  descriptionLengths: number[];
  /** The fit's own time (`provenance.elapsedMs`). */
  timeMs: number | null;
  /** `fit`'s one-line message for a bad input, or why the job failed. */
  error: string | null;
}

/** Counts of a sweep's rows; `fittedThisRun` are the finished rows that were not cached. */
export interface SweepCounts {
  inputs: number;
  done: number;
  failed: number;
  pending: number;
  cached: number;
  fittedThisRun: number;
}

/** The whole summary (`sweep.json`). */
export interface SweepSummary {
  kind: 'latent-laws sweep';
  version: string;
  mode: 'local' | 'queue';
  fit: SweepFitSpec;
  interrupted: boolean;
  elapsedMs: number;
  counts: SweepCounts;
  rows: SweepRow[];
}

/** A law's exact constants as `theta = pi/7, c = 1/2`. */
export function exactConstantsOf(law: Pick<Law, 'parameters'>): string {
  return law.parameters.filter((p) => p.exact !== undefined).map((p) => `${p.name} = ${p.exact}`).join(', ');
}

/** The row of an input from its outcome (null: not finished). Result files are read back from the output folder. */
export function summaryRow(input: SweepInput, outcome: JobOutcome | null, cached: boolean, out: string): SweepRow {
  const row: SweepRow = {
    input: input.path, name: input.name, status: outcome?.status ?? 'pending', cached, result: null, lawsFound: null,
    families: [], exactConstants: [], inlierFractions: [], descriptionLengths: [], timeMs: null, error: null,
  };
  if (outcome?.status === 'failed') row.error = outcome.error;
  if (outcome?.status !== 'done') return row;
  const result = JSON.parse(readFileSync(outcome.file, 'utf8')) as FitResult;
  row.result = relative(out, outcome.file).split(sep).join('/');
  row.lawsFound = result.laws.length;
  row.families = result.laws.map((l) => l.family);
  row.exactConstants = result.laws.map(exactConstantsOf);
  row.inlierFractions = result.laws.map((l) => l.metrics.inlierFraction);
  row.descriptionLengths = result.laws.map((l) => l.metrics.descriptionLength);
  row.timeMs = result.provenance.elapsedMs;
  return row;
}

/** Count the rows by status. */
export function countRows(rows: SweepRow[]): SweepCounts {
  const count = (f: (r: SweepRow) => boolean) => rows.filter(f).length;
  return {
    inputs: rows.length,
    done: count((r) => r.status === 'done'),
    failed: count((r) => r.status === 'failed'),
    pending: count((r) => r.status === 'pending'),
    cached: count((r) => r.cached),
    fittedThisRun: count((r) => r.status !== 'pending' && !r.cached),
  };
}

/** The CSV's header, in column order (the JSON rows' fields in snake case, without `name`). */
export const CSV_COLUMNS = ['input', 'status', 'cached', 'laws_found', 'families', 'exact_constants', 'inlier_fractions', 'description_lengths', 'time_ms', 'error', 'result'] as const;

function csvCell(value: string | number | boolean | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The summary as CSV: one line per input; per-law lists joined by "; " in rank order. */
export function summaryCsv(summary: SweepSummary): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of summary.rows) {
    const cells = [
      r.input, r.status, r.cached, r.lawsFound, r.families.join('; '), r.exactConstants.map((c) => c || '-').join('; '),
      r.inlierFractions.map((q) => q.toFixed(4)).join('; '), r.descriptionLengths.map((d) => d.toFixed(1)).join('; '),
      r.timeMs, r.error, r.result,
    ];
    lines.push(cells.map(csvCell).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Write `sweep.json` and `sweep.csv` into the output folder, each atomically. */
export function writeSummary(out: string, summary: SweepSummary): void {
  writeFileAtomic(join(out, SUMMARY_CSV), summaryCsv(summary));
  writeFileAtomic(join(out, SUMMARY_JSON), jsonText(summary));
}

/** Whether parsed JSON is a sweep summary. */
export function isSweepSummary(value: unknown): value is SweepSummary {
  const v = value as Partial<SweepSummary> | null;
  return typeof v === 'object' && v !== null && v.kind === 'latent-laws sweep' && Array.isArray(v.rows);
}

/**
 * Read a sweep's `sweep.json`.
 * @throws InputError when it is missing, not JSON or not a sweep summary
 */
export function readSweepSummary(file: string): SweepSummary {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(file, code ? `cannot read (${code})` : `is not JSON (${(err as Error).message})`);
  }
  if (!isSweepSummary(parsed)) throw new InputError(file, 'is not a sweep summary (no "kind": "latent-laws sweep" with rows)');
  return parsed;
}
