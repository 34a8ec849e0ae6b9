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
