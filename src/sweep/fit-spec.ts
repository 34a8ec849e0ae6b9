/**
 * The options every fit of a sweep runs with, as plain data: they travel in a queue job to another
 * machine, and their canonical text is part of each job's key.
 */
import { resolve } from 'node:path';
import { type SearchSettings, searchSettings } from '../engine/defaults.js';
import type { FitOptions } from '../engine/options.js';
import { defaultGrammarPath } from '../grammar/load.js';
import type { Grammar } from '../types.js';
import { SWEEP_FIT_WORKERS } from './defaults.js';

/** `fit`'s options for every input of a sweep; paths are absolute so that any machine reads the same file. */
export interface SweepFitSpec extends SearchSettings {
  /** Grammar file (absolute path). */
  grammar: string;
  /** For .npz inputs: the member to fit (as `fit --key`). */
  key?: string;
  /** Worker threads of each fit (0: inline); recorded in each result's provenance. */
  workers: number;
}

/** Fit options of a sweep as a caller gives them: any left out take `fit`'s defaults. */
export type SweepFitOptions = Partial<SweepFitSpec>;


/** Fill in `fit`'s defaults (but {@link SWEEP_FIT_WORKERS} workers) and make the grammar path absolute. */
export function sweepFitSpec(options: SweepFitOptions = {}): SweepFitSpec {
  const spec: SweepFitSpec = {
    ...searchSettings(options),
    grammar: resolve(options.grammar ?? defaultGrammarPath()),
    workers: options.workers ?? SWEEP_FIT_WORKERS,
  };
  if (options.key !== undefined) spec.key = options.key;
  return spec;
}

/** The spec as canonical text (keys in a fixed order), so equal specs hash alike. */
export function canonicalSpec(spec: SweepFitSpec): string {
  const keys = Object.keys(spec).sort() as (keyof SweepFitSpec)[];
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k, spec[k]])));
}

/** The `fit` options of a spec, with its grammar already parsed. */
export function fitOptionsOf(spec: SweepFitSpec, grammar: Grammar): FitOptions {
  const { grammar: _path, key: _key, ...options } = spec;
  return { ...options, grammar };
}
