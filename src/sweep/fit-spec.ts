/**
 * The options every fit of a sweep runs with, as plain data: they travel in a queue job to another
 * machine, and their canonical text is part of each job's key.
 */
import { resolve } from 'node:path';
import { FIT_DEFAULTS } from '../engine/defaults.js';
import type { FitOptions, ResolvedFitOptions } from '../engine/options.js';
import { defaultGrammarPath } from '../grammar/load.js';
import type { Grammar } from '../types.js';
import { SWEEP_FIT_WORKERS } from './defaults.js';

/** The options of {@link FitOptions} a sweep passes to every fit, as plain data (see FitOptions for each). */
type SweptFitOptions = Pick<ResolvedFitOptions, 'seed' | 'workers' | 'tolerance' | 'maxRelativeTolerance' | 'minInlierFraction' | 'maxMotionError' | 'resolution' | 'measureAllFinalists' | 'measurementNoise' | 'dt'>;

/** `fit`'s options for every input of a sweep; paths are absolute so that any machine reads the same file. */
export interface SweepFitSpec extends SweptFitOptions {
  /** Grammar file (absolute path). */
  grammar: string;
  /** For .npz inputs: the member to fit (as `fit --key`). */
  key?: string;
}

/** Fit options of a sweep as a caller gives them: any left out take `fit`'s defaults. */
export type SweepFitOptions = Partial<SweepFitSpec>;


/** Fill in `fit`'s defaults (but {@link SWEEP_FIT_WORKERS} workers) and make the grammar path absolute. */
export function sweepFitSpec(options: SweepFitOptions = {}): SweepFitSpec {
  const spec: SweepFitSpec = {
    grammar: resolve(options.grammar ?? defaultGrammarPath()),
    seed: options.seed ?? FIT_DEFAULTS.seed,
    workers: options.workers ?? SWEEP_FIT_WORKERS,
    tolerance: options.tolerance ?? FIT_DEFAULTS.tolerance,
    maxRelativeTolerance: options.maxRelativeTolerance ?? FIT_DEFAULTS.maxRelativeTolerance,
    minInlierFraction: options.minInlierFraction ?? FIT_DEFAULTS.minInlierFraction,
    maxMotionError: options.maxMotionError ?? FIT_DEFAULTS.maxMotionError,
    resolution: options.resolution ?? FIT_DEFAULTS.resolution,
    measureAllFinalists: options.measureAllFinalists ?? FIT_DEFAULTS.measureAllFinalists,
    measurementNoise: options.measurementNoise ?? FIT_DEFAULTS.measurementNoise,
    dt: options.dt ?? null,
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
  return {
    grammar,
    seed: spec.seed,
    workers: spec.workers,
    tolerance: spec.tolerance,
    maxRelativeTolerance: spec.maxRelativeTolerance,
    minInlierFraction: spec.minInlierFraction,
    maxMotionError: spec.maxMotionError,
    resolution: spec.resolution,
    measureAllFinalists: spec.measureAllFinalists,
    measurementNoise: spec.measurementNoise,
    dt: spec.dt,
  };
}
