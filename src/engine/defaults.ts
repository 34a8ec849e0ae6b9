/**
 * The defaults of a fit, in one place and with no imports, so the command line, the worker pool and
 * `anneal` read them without loading the engine.
 */

/** The defaults of `FitOptions` (options.ts); the grammar's default is the bundled `grammar/default.grammar`. */
export const FIT_DEFAULTS: Readonly<{ seed: number; workers: number; tolerance: number | null; maxRelativeTolerance: number; minInlierFraction: number; maxMotionError: number; resolution: number; measureAllFinalists: boolean; measurementNoise: boolean }> = Object.freeze({
  seed: 1,
  workers: 2,
  tolerance: null,
  maxRelativeTolerance: 0.05,
  minInlierFraction: 0.5,
  maxMotionError: 0.5,
  resolution: 1e-3,
  measureAllFinalists: false,
  measurementNoise: true,
});

/** The settings of a fit that are plain data (a sweep sends them to other machines); see `FitOptions`. */
export interface SearchSettings {
  seed: number;
  tolerance: number | null;
  maxRelativeTolerance: number;
  minInlierFraction: number;
  maxMotionError: number;
  resolution: number;
  measureAllFinalists: boolean;
  measurementNoise: boolean;
  dt: number | null;
}

/** The settings given, with {@link FIT_DEFAULTS} for the rest (unchecked: `resolveFitOptions` checks). */
export function searchSettings(given: Partial<SearchSettings>): SearchSettings {
  return {
    seed: given.seed ?? FIT_DEFAULTS.seed,
    tolerance: given.tolerance ?? FIT_DEFAULTS.tolerance,
    maxRelativeTolerance: given.maxRelativeTolerance ?? FIT_DEFAULTS.maxRelativeTolerance,
    minInlierFraction: given.minInlierFraction ?? FIT_DEFAULTS.minInlierFraction,
    maxMotionError: given.maxMotionError ?? FIT_DEFAULTS.maxMotionError,
    resolution: given.resolution ?? FIT_DEFAULTS.resolution,
    measureAllFinalists: given.measureAllFinalists ?? FIT_DEFAULTS.measureAllFinalists,
    measurementNoise: given.measurementNoise ?? FIT_DEFAULTS.measurementNoise,
    dt: given.dt ?? null,
  };
}
