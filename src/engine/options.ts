/**
 * Every option of a fit with its default, filled in one place: `fit`, the worker pool, the command
 * line and `anneal` read their defaults from here.
 */
import { defaultGrammarPath, loadGrammar } from '../grammar/load.js';
import type { Grammar } from '../types.js';
import { FIT_DEFAULTS, type SearchSettings, searchSettings } from './defaults.js';
import type { FitPool } from './runtime/pool.js';

export { FIT_DEFAULTS } from './defaults.js';

/**
 * What a fit reports while it runs: a stage and how far into it. `subspaces` counts the plan of the
 * subspaces and each eigen-decomposition (seconds each at d = 1024); `complement` the two
 * predictabilities of what the laws leave (a d³ solve each), reported only where they leave something.
 */
export interface FitProgress {
  stage: 'moments' | 'subspaces' | 'screening' | 'finalists' | 'evaluating' | 'complement';
  done: number;
  total: number;
}

export interface FitOptions {
  /** Parsed grammar; the bundled default grammar when absent. */
  grammar?: Grammar;
  /** Seed of the screening sample (the only random choice). Default {@link FIT_DEFAULTS}.seed. */
  seed?: number;
  /** Worker threads; 0 runs inline. Default {@link FIT_DEFAULTS}.workers. Ignored when `pool` is given. */
  workers?: number;
  /**
   * Worker threads to run on, kept across fits (see `createFitPool`): a fit on a pool that has run
   * before skips the threads' start-up and most of V8's compilation of the engine. Results are the same.
   * Left open; without it, the fit starts `workers` threads and stops them when it ends.
   */
  pool?: FitPool;
  /** Absolute inlier tolerance for map residuals (data units); default: from the data's noise scale. */
  tolerance?: number | null;
  /** Trimming and tolerance never exceed this share of a subspace's spread. */
  maxRelativeTolerance?: number;
  /** Laws holding on fewer transitions than this share are not reported. */
  minInlierFraction?: number;
  /**
   * A map is reported only if, in the direction of its subspace where it does worst, its inlier
   * residual is at most this share of the step it predicts (`metrics.motionError`): it must explain
   * the motion, not restate that little moves. 1: it need only beat "nothing moves" in every direction.
   */
  maxMotionError?: number;
  /**
   * Relative residual (a share of a subspace's spread, or of an invariant's spread) below which laws
   * count as exact: residual differences below it do not decide the ranking, so among laws exact at
   * this resolution the one with the fewest terms is the law. The data's own rounding (the values'
   * storage precision at their magnitude) is a floor under it.
   */
  resolution?: number;
  /**
   * Give every finalist a pass over all transitions, even those the screening sample already rules
   * out as laws: the reported laws are the same, only the Pareto front's `sampleOnly` points get
   * exact errors.
   */
  measureAllFinalists?: boolean;
  /**
   * Judge linear maps through measurement noise where the data's lag structure shows it (README, step 6
   * of How the search works); false: every law is judged on the readings as they are.
   */
  measurementNoise?: boolean;
  /**
   * Time between consecutive states, when they are samples of a process in time: the result records
   * it and restates map laws that are linear in u in continuous time (`Law.continuousTime`). It does
   * not change the search or the laws.
   */
  dt?: number | null;
  /** Stop early (Ctrl-C): the result then holds what was ranked so far. */
  signal?: AbortSignal;
  onProgress?: (p: FitProgress) => void;
}

/** {@link FitOptions} with every default filled in and every value checked. */
export interface ResolvedFitOptions extends SearchSettings {
  grammar: Grammar;
  workers: number;
  pool: FitPool | undefined;
  signal: AbortSignal | undefined;
  onProgress: (p: FitProgress) => void;
}

/**
 * Fill in the defaults and check the values.
 * @throws RangeError naming the option when a value is out of range.
 */
export function resolveFitOptions(options: FitOptions = {}): ResolvedFitOptions {
  const resolved: ResolvedFitOptions = {
    ...searchSettings(options),
    grammar: options.grammar ?? loadGrammar(defaultGrammarPath()),
    workers: options.pool?.workers ?? options.workers ?? FIT_DEFAULTS.workers,
    pool: options.pool,
    signal: options.signal,
    onProgress: options.onProgress ?? (() => {}),
  };
  check('seed', resolved.seed, Number.isInteger(resolved.seed) && resolved.seed >= 0, 'a whole number ≥ 0');
  check('workers', resolved.workers, Number.isInteger(resolved.workers) && resolved.workers >= 0, 'a whole number ≥ 0');
  const tol = resolved.tolerance;
  check('tolerance', tol, tol === null || (Number.isFinite(tol) && tol > 0), 'a positive number');
  check('maxRelativeTolerance', resolved.maxRelativeTolerance, resolved.maxRelativeTolerance >= 0 && resolved.maxRelativeTolerance <= 1, 'in [0, 1]');
  check('minInlierFraction', resolved.minInlierFraction, resolved.minInlierFraction >= 0 && resolved.minInlierFraction <= 1, 'in [0, 1]');
  check('maxMotionError', resolved.maxMotionError, resolved.maxMotionError > 0, 'a positive number');
  check('resolution', resolved.resolution, resolved.resolution >= 0 && resolved.resolution < 1, 'in [0, 1)');
  const dt = resolved.dt;
  check('dt', dt, dt === null || (Number.isFinite(dt) && dt > 0), 'a positive number');
  return resolved;
}

function check(option: string, value: unknown, ok: boolean, expected: string): void {
  if (!ok) throw new RangeError(`${option} must be ${expected}, got ${String(value)}`);
}
