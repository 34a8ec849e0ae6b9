/**
 * A discovered law as a fast-check property: each case is a short segment of trajectory (from held-out
 * data, from a region of states and a step function, or from an observation generator and an encoder)
 * and the property fails when the law's residual on it exceeds the law's tolerance times a slack.
 */
import fc from 'fast-check';
import type { Law } from '../types.js';
import { compileLaw } from '../laws/compile.js';
import { judgeSegment, type SegmentVerdict } from './judge.js';
import { validateLaw } from './laws-file.js';
import { prepareSource, type LawSource, type PreparedSource } from './sources.js';

/** Options of {@link lawProperty}. */
export interface LawPropertyOptions {
  /**
   * Longest segment, in transitions (default 4). Each case is a segment of 1 … steps transitions: a map
   * law is rolled out over it, an invariant must stay constant along it. 1 checks single transitions.
   */
  steps?: number;
  /**
   * A residual fails when it exceeds slack × the law's tolerance (default 2). The fit's tolerance is
   * 5× the noise floor's median residual, which Gaussian noise in one dimension still exceeds about
   * once in 1300 transitions; doubling it puts noise-only failures below one in 10¹⁰ while a
   * violated law's residuals stay far larger.
   */
  slack?: number;
  /**
   * Per-step growth of a map rollout's error bound (b_1 = tol, b_j = growth·b_{j−1} + tol). Default:
   * the map's local stretch (Jacobian spectral norm) along the rollout, i.e. what the one-step law implies.
   */
  growth?: number;
}

/** Defaults of {@link LawPropertyOptions}. */
export const PROPERTY_DEFAULTS = { steps: 4, slack: 2 } as const;

/** The error a failing case throws inside the property: says which law, where, and by how much. */
export class LawViolation extends Error {
  constructor(
    readonly lawId: string,
    readonly where: string,
    readonly verdict: SegmentVerdict,
  ) {
    const r = verdict.residual;
    super(
      `law ${lawId} fails at ${where}: ` +
        (Number.isFinite(r)
          ? `residual ${r.toExponential(3)} > allowed ${verdict.allowed.toExponential(3)} at step ${verdict.step} of ${verdict.steps}`
          : `the law is undefined (${r}) at step ${verdict.step} of ${verdict.steps}`),
    );
    this.name = 'LawViolation';
  }
}

/** A law prepared against a source: the arbitrary of cases and how to judge one. */
export interface PreparedLaw<C = unknown> {
  law: Law;
  source: PreparedSource<C>;
  options: Required<Omit<LawPropertyOptions, 'growth'>> & Pick<LawPropertyOptions, 'growth'>;
  /** The verdict on a case, and its segment. */
  judge(c: C): { verdict: SegmentVerdict; segment: number[][] };
  /** Throws a {@link LawViolation} for a failing case (the property's predicate). */
  assertCase(c: C): SegmentVerdict;
}

function checkOptions(options: LawPropertyOptions): PreparedLaw['options'] {
  const steps = options.steps ?? PROPERTY_DEFAULTS.steps;
  const slack = options.slack ?? PROPERTY_DEFAULTS.slack;
  if (!(Number.isInteger(steps) && steps >= 1)) throw new RangeError(`steps must be a positive integer, got ${steps}`);
  if (!(slack > 0 && Number.isFinite(slack))) throw new RangeError(`slack must be a positive number, got ${slack}`);
  if (options.growth !== undefined && !(options.growth >= 0 && Number.isFinite(options.growth)))
    throw new RangeError(`growth must be a non-negative number, got ${options.growth}`);
  return { steps, slack, growth: options.growth };
}

/**
 * Validate and compile `law`, and prepare `source` for it. Shared by {@link lawProperty} and the checker.
 * @throws InputError if the law is malformed or a data set has the wrong dimension; RangeError on bad options
 */
export function prepareLaw(law: Law, source: LawSource, options: LawPropertyOptions = {}): PreparedLaw {
  const opts = checkOptions(options);
  validateLaw(law, 'lawProperty', law && typeof law.id === 'string' ? law.id : 'law');
  const compiled = compileLaw(law);
  const prepared = prepareSource(compiled, source, opts.steps);
  const judge = (c: unknown) => {
    const segment = prepared.segment(c);
    return { verdict: judgeSegment(compiled, segment, { slack: opts.slack, growth: opts.growth }), segment };
  };
  const assertCase = (c: unknown) => {
    const { verdict } = judge(c);
    if (!verdict.ok) throw new LawViolation(law.id, prepared.describe(c), verdict);
    return verdict;
  };
  return { law, source: prepared, options: opts, judge, assertCase };
}

/**
 * The law as a fast-check property, to run with `fc.assert` / `fc.check` (numRuns, seed, path).
 *
 * Sources: a {@link Dataset} (held-out transitions; shrinking moves to the shortest segment and the
 * failing transition of smallest norm in the law's subspace), `{ step, dataset | box }` (states drawn in
 * the data's bounding box plus a margin, advanced by `step`; shrinking moves toward the origin of the
 * subspace), or `{ sample, step, render, encode }` (an observation generator and an encoder).
 *
 * Replay: the same law, source and options with fast-check's `{ seed, path }` of a failure give the
 * same counterexample (data sources must hold the same trajectories in the same order).
 *
 * @example
 * ```ts
 * import fc from 'fast-check';
 * import { lawProperty, loadDataset } from 'latent-laws/check';
 * fc.assert(lawProperty(law, loadDataset('heldout.npy'), { steps: 4 }), { numRuns: 200, seed: 1 });
 * ```
 * @throws InputError if the law is malformed or the data's dimension differs from the law's
 */
export function lawProperty(law: Law, source: LawSource, options: LawPropertyOptions = {}): fc.IPropertyWithHooks<[unknown]> {
  const prepared = prepareLaw(law, source, options);
  return fc.property(prepared.source.arbitrary, (c) => {
    prepared.assertCase(c);
  });
}
