/**
 * Reading an anneal run folder for the report. The file names are those `anneal` writes (see
 * src/anneal/index.ts): `run.json`, `log.jsonl`, and once finished `latents.npy`, `laws.json`,
 * `heldout-latents.npy`, `heldout-laws.json`, `summary.json`, `model/`. An unfinished or interrupted run
 * has only the first two; the report then shows its training curves and says the laws are missing.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset } from '../data/load.js';
import { errorMessage, InputError } from '../errors.js';
import type { Dataset, FitResult } from '../types.js';
import type { EpochPoint } from './anneal-charts.js';

/** What the report knows about an anneal run. */
export interface AnnealRun {
  dir: string;
  /** `run.json` as written by `anneal` (its RunConfig), kept loose: the report only displays it. */
  config: Record<string, unknown>;
  /** One point per epoch, from the `epoch` records of `log.jsonl` (the last record wins for an epoch). */
  epochs: EpochPoint[];
  /** The `start` record's backend choice and reason, when logged. */
  backend?: { name: string; reason?: string };
  /** Laws found on the final training latents, and those latents (finished runs only). */
  laws?: FitResult;
  latents?: Dataset;
  heldoutLaws?: FitResult;
  /** `summary.json`: reconstruction errors and more (finished runs only). */
  summary?: Record<string, unknown>;
  /** Whether `model/` holds the trained encoder and decoder (sample frames can be drawn). */
  hasModel: boolean;
  /** Lines of `log.jsonl` that could not be parsed (a run killed mid-write leaves at most one). */
  skippedLogLines: number;
}

/** Parse a JSON file; a missing or malformed file is a one-line input error naming it. */
export function readJson<T>(path: string): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    throw new InputError(path, `cannot be read as JSON: ${errorMessage(err)}`);
  }
}

/** Shape check of a laws file, so a wrong file fails with one line rather than deep inside a chart. */
export function asFitResult(value: unknown, path: string): FitResult {
  const r = value as Partial<FitResult> | null;
  if (!r || !Array.isArray(r.laws) || !Array.isArray(r.pareto) || typeof r.provenance !== 'object' || r.provenance === null)
    throw new InputError(path, 'is not a latent-laws fit result (expected "laws", "pareto" and "provenance")');
  return r as FitResult;
}

/**
 * Read an anneal run folder.
 * @throws InputError when `dir` is not a run folder or one of its files is unreadable
 */
export function readAnnealRun(dir: string): AnnealRun {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(dir, 'is not a folder');
  const configPath = join(dir, 'run.json');
  if (!existsSync(configPath)) throw new InputError(dir, 'is not an anneal run folder (no run.json)');
  const config = readJson<Record<string, unknown>>(configPath);
  const byEpoch = new Map<number, EpochPoint>();
  let backend: AnnealRun['backend'];
  let skipped = 0;
  const logPath = join(dir, 'log.jsonl');
  if (existsSync(logPath)) {
    for (const line of readFileSync(logPath, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(line) as Record<string, unknown>;
      } catch {
        skipped++;
        continue;
      }
      if (rec.type === 'start' && typeof rec.backend === 'string') backend = { name: rec.backend, reason: typeof rec.reason === 'string' ? rec.reason : undefined };
      if (rec.type === 'resume' && typeof rec.backend === 'string') backend = { name: rec.backend, reason: backend?.reason };
      if (rec.type === 'epoch' && typeof rec.epoch === 'number') byEpoch.set(rec.epoch, rec as unknown as EpochPoint);
    }
  }
  const run: AnnealRun = {
    dir, config, backend, skippedLogLines: skipped,
    epochs: [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch),
    hasModel: existsSync(join(dir, 'model', 'encoder', 'model.json')) && existsSync(join(dir, 'model', 'decoder', 'model.json')),
  };
  const file = (name: string) => join(dir, name);
  if (existsSync(file('laws.json'))) run.laws = asFitResult(readJson(file('laws.json')), file('laws.json'));
  if (existsSync(file('latents.npy'))) run.latents = loadDataset(file('latents.npy'));
  if (existsSync(file('heldout-laws.json'))) run.heldoutLaws = asFitResult(readJson(file('heldout-laws.json')), file('heldout-laws.json'));
  if (existsSync(file('summary.json'))) run.summary = readJson(file('summary.json'));
  if (run.laws && !run.latents) throw new InputError(dir, 'has laws.json but no latents.npy to draw them on');
  return run;
}
