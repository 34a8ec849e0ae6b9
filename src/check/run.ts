/**
 * Running law properties and reporting the outcome as data: per law pass/fail, the shrunk
 * counterexample with its residual against the allowed residual, and the seed and path that replay it.
 *
 * Replay contract: fast-check draws every case from `seed`, and `path` (the `counterexamplePath` of a
 * failure) addresses the shrunk counterexample in the tree of cases and shrinks that the seed spans.
 * Running the same law against the same source (the same trajectories, in the same order) with the same
 * `steps`, `slack` and `growth`, the same `seed` and that `path` evaluates that counterexample first and
 * reports it again (`numRuns` does not matter then). `latent-laws check … --law ID --seed S --path P`
 * and `fc.assert(lawProperty(law, data, options), { seed: S, path: P })` are two ways to do it.
 */
import fc from 'fast-check';
import { alternativeAsLaw, findLawById } from '../laws/ids.js';
import { InputError, OptionError } from '../errors.js';
import type { Dataset, FitResult, Law } from '../types.js';
import { VERSION } from '../version.js';
import type { LawsDocument } from './laws-file.js';
import { LawViolation, prepareLaw, PROPERTY_DEFAULTS, type LawPropertyOptions } from './property.js';
import type { LawSource } from './sources.js';

/** Options of {@link checkLaw} and {@link checkLaws}. */
export interface CheckOptions extends LawPropertyOptions {
  /** Cases per law (fast-check numRuns). Default 100. */
  runs?: number;
  /** fast-check seed (an integer). Default 1, so that a check is reproducible by default, as `fit` is. */
  seed?: number;
  /** Replay: the `path` of a reported failure (with its seed). Needs exactly one law. */
  path?: string;
  /** Check only these laws, by id or rank. */
  laws?: (string | number)[];
}

/** The shrunk failing case of a law. */
export interface Counterexample {
  /** The case as fast-check generated it (a {@link TransitionCase}, {@link RegionCase} or {@link GeneratorCase}). */
  case: unknown;
  /** Where the case is, in words. */
  where: string;
  /** Subspace coordinates u_0 … u_step along the segment, up to the failing step. */
  states: number[][];
  /** Failing step within the segment (1-based) and the segment's length in transitions. */
  step: number;
  steps: number;
  /** The residual there; null if the law is undefined there (NaN). */
  residual: number | null;
  /** Error bound at that step before the slack (the tolerance, grown along a map rollout). */
  bound: number;
  /** slack × bound. */
  allowed: number;
  /** Successful shrinks fast-check made from the first failing case. */
  shrinks: number;
}

/** Outcome of checking one law. */
export interface LawCheck {
  id: string;
  rank: number | null;
  family: string | null;
  role: Law['role'];
  ok: boolean;
  /** The law's tolerance (metrics.tolerance) and the one-step residual that passes (slack × tolerance). */
  tolerance: number;
  allowed: number;
  /** Cases run (up to and including the first failure). */
  runs: number;
  /** Largest residual / allowed over the cases run before any failure (≤ 1 when the law held). */
  worstRatio: number;
  counterexample: Counterexample | null;
  /** Seed and path to replay the failure (path null when the law held); the CLI adds the command line. */
  replay: { seed: number; path: string | null; command?: string };
  /**
   * Data sources: every transition once, as a single step (not sampled). Informational: the verdict
   * is the property's; this shows how rare the failures are and the largest residual on the data.
   */
  exhaustive?: { transitions: number; exceeding: number; largestResidual: number };
}

/** Outcome of {@link checkLaws}. */
export interface CheckReport {
  ok: boolean;
  /** The held-out data (its Dataset.source) and, from the CLI, the laws file. */
  source: string;
  lawsFile?: string;
  /** The `.npz` member checked (`--key`), from the CLI: with `source`, what to load to see the same data. */
  key?: string;
  seed: number;
  runs: number;
  steps: number;
  slack: number;
  growth: number | null;
  version: string;
  laws: LawCheck[];
}

/**
 * The laws matching `wanted` (ids of laws, of their alternatives or of the invariants their maps
 * conserve, or ranks as numbers or digit strings), in file order (a law's alternatives after it).
 * @throws OptionError naming the `laws` option when one matches nothing
 */
export function selectLaws(laws: Law[], wanted?: (string | number)[]): Law[] {
  if (!wanted || wanted.length === 0) return laws;
  const byRank = (w: string | number) => (/^\d+$/.test(String(w)) ? laws.find((l) => l.rank === Number(w)) : undefined);
  const picked = new Set(
    wanted.map((w) => {
      const law = findLawById(laws, String(w)) ?? byRank(w);
      if (!law) {
        const ids = laws.flatMap((l) => [l.id, ...(l.alternatives ?? []).map((a) => `${a.id} (alternative)`), ...(l.conserved ?? []).map((a) => `${a.id} (conserved)`)]);
        throw new OptionError('laws', `no law with id or rank ${JSON.stringify(String(w))} (ids: ${ids.join(', ') || 'none'})`);
      }
      return law.id;
    }),
  );
  // File order: each law, then its alternatives, then the invariants it conserves.
  return laws
    .flatMap((l) => [l, ...[...(l.alternatives ?? []), ...(l.conserved ?? [])].map((a) => alternativeAsLaw(l, a))])
    .filter((l) => picked.has(l.id));
}

function checkRunOptions(options: CheckOptions): { runs: number; seed: number } {
  const runs = options.runs ?? 100;
  const seed = options.seed ?? 1;
  if (!(Number.isInteger(runs) && runs >= 1)) throw new RangeError(`runs must be a positive integer, got ${runs}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  if (options.path !== undefined && !/^\d+(:\d+)*$/.test(options.path))
    throw new OptionError('path', `expected the path of a reported failure, such as "12:3:0", got ${JSON.stringify(options.path)}`);
  return { runs, seed };
}

/**
 * Run one law's property against a source and report the outcome.
 * @throws InputError for a malformed law or mismatched data; rethrows errors a source itself throws
 */
export function checkLaw(law: Law, source: LawSource, options: CheckOptions = {}): LawCheck {
  const { runs, seed } = checkRunOptions(options);
  const prepared = prepareLaw(law, source, options);
  const { slack } = prepared.options;
  let worstRatio = 0;
  let counting = true;
  const property = fc.property(prepared.source.arbitrary, (c) => {
    const { verdict } = prepared.judge(c);
    if (counting) worstRatio = Math.max(worstRatio, verdict.ratio);
    if (!verdict.ok) {
      counting = false; // shrinking re-runs failing cases; they say nothing about the margin
      throw new LawViolation(law.id, prepared.source.describe(c), verdict);
    }
  });
  const details = fc.check(property, { numRuns: runs, seed, ...(options.path !== undefined ? { path: options.path } : {}) });
  let counterexample: Counterexample | null = null;
  if (details.failed) {
    if (!(details.errorInstance instanceof LawViolation)) {
      // Not a violation: the source (a step function, an encoder) threw. That is the caller's bug.
      throw details.errorInstance instanceof Error ? details.errorInstance : new Error(`law ${law.id}: property failed: ${String(details.errorInstance)}`);
    }
    const c = (details.counterexample as [unknown])[0];
    const { verdict, segment } = prepared.judge(c);
    counterexample = {
      case: c,
      where: prepared.source.describe(c),
      states: segment.slice(0, verdict.step + 1),
      step: verdict.step,
      steps: verdict.steps,
      residual: Number.isFinite(verdict.residual) ? verdict.residual : null,
      bound: verdict.bound,
      allowed: verdict.allowed,
      shrinks: details.numShrinks,
    };
  }
  const tolerance = law.metrics.tolerance;
  const out: LawCheck = {
    id: law.id,
    rank: typeof law.rank === 'number' ? law.rank : null,
    family: typeof law.family === 'string' ? law.family : null,
    role: law.role,
    ok: !details.failed,
    tolerance,
    allowed: slack * tolerance,
    runs: details.numRuns,
    worstRatio,
    counterexample,
    replay: { seed: details.seed, path: details.failed ? details.counterexamplePath : null },
  };
  const r = prepared.source.residuals?.();
  if (r) {
    let exceeding = 0;
    let largest = 0;
    for (const x of r) {
      if (!(x <= slack * tolerance)) exceeding++;
      largest = Number.isNaN(x) || x > largest ? x : largest;
    }
    out.exhaustive = { transitions: r.length, exceeding, largestResidual: largest };
  }
  return out;
}

/**
 * Check every law of a fit (or laws file) against held-out trajectories.
 * @param fit a FitResult, a laws document from {@link readLawsFile}, or an array of laws
 * @throws OptionError for an unknown `laws` selection or a `path` with several laws; InputError for a
 *   data set whose dimension differs from the laws'
 */
export function checkLaws(fit: FitResult | LawsDocument | Law[], data: Dataset, options: CheckOptions = {}): CheckReport {
  const { runs, seed } = checkRunOptions(options);
  const laws = selectLaws(Array.isArray(fit) ? fit : fit.laws, options.laws);
  if (options.path !== undefined && laws.length !== 1)
    throw new OptionError('path', (name) => `replays the failure of one law; select it with ${name('laws')} (${laws.length} laws selected)`);
  const results = laws.map((law) => checkLaw(law, data, { ...options, runs, seed }));
  return {
    ok: results.every((r) => r.ok),
    source: data.source,
    seed,
    runs,
    steps: options.steps ?? PROPERTY_DEFAULTS.steps,
    slack: options.slack ?? PROPERTY_DEFAULTS.slack,
    growth: options.growth ?? null,
    version: VERSION,
    laws: results,
  };
}
