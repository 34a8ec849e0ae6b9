/**
 * The law search, end to end, one call per stage: moments → subspaces → candidates (grammar) →
 * screening → finalists (trimmed refits) → ranking (tolerances, exact constants, MDL) → exact pass of
 * the reported laws. Parallel stages run on the worker pool; every stage polls the abort signal, and
 * an interrupted search returns the laws ranked from what was finished.
 */
import type { Dataset, Failure, FitResult } from '../types.js';
import { VERSION } from '../version.js';
import type { FinalistResult } from './finalists/finalize.js';
import { type FinalistEntry, finishFinalists } from './finalists/stage.js';
import type { Moments } from './moments/moments.js';
import { readSampleRows, sampleIndices } from './moments/sample.js';
import { computeMoments } from './moments/stage.js';
import { transitionStarts } from './moments/transitions.js';
import { type FitOptions, type FitProgress, type ResolvedFitOptions, resolveFitOptions } from './options.js';
import type { EvaluatePart, InvariantSums } from './output/exact-pass.js';
import { measureLaws, paretoPoints } from './output/stage.js';
import type { ConservationSums } from './ranking/conservation.js';
import { rankLaws } from './ranking/stage.js';
import { type ComplementShare, describeComplement } from './output/complement.js';
import { withTimeStep } from './output/continuous-time.js';
import { scaledSearch } from './scaling.js';
import { createFitPool } from './runtime/pool.js';
import { runTask } from './runtime/tasks.js';
import type { ScreenOutcome } from './screening/screen.js';
import { screenAll, type ScreenTask } from './screening/stage.js';
import { subspaceStage } from './eigen-overlap.js';
import { transitionsRoundoff } from './moments/resolution.js';

export type { FitOptions, FitProgress } from './options.js';

/**
 * Find the laws a set of latent trajectories obeys. Data whose largest |z| is outside [2^-100, 2^100]
 * are searched scaled by a power of two, and the laws stated back in data units (`provenance.scale`).
 * @returns ranked laws and the provenance needed to reproduce them (seed, grammar, versions).
 * @throws RangeError naming the option when an option is out of range.
 * @throws InputError when a value is not finite, or the data are too large to fit (|z| ≥ 2^1000).
 */
export async function fit(data: Dataset, options: FitOptions = {}): Promise<FitResult> {
  const started = Date.now();
  const o = resolveFitOptions(options);
  const search = scaledSearch(data, o.grammar, o.tolerance);
  const { grammar, tolerance } = search;
  const starts = transitionStarts(data.offsets);
  const n = starts.length;
  const ctx = { states: search.states, dim: data.dim, starts };
  const pool = o.pool ?? createFitPool(o.workers);
  const runner = pool.runner(ctx, runTask);
  const stopped = () => o.signal?.aborted === true;
  const onAbort = () => runner.requestStop();
  o.signal?.addEventListener('abort', onAbort);
  const progress = (stage: FitProgress['stage']) => (done: number, total: number) => o.onProgress({ stage, done, total });
  const { timings, lap } = stopwatch();
  try {
    const moments = await computeMoments(ctx, (t) => runner.run<Moments>({ kind: 'moments', ...t }), progress('moments'), pool.workers);
    lap('moments');

    const sample = sampleIndices(n, grammar.limits.screeningSample, o.seed);
    const sampleRows = readSampleRows(ctx, sample);
    const roundoff = transitionsRoundoff(sampleRows);
    const subspaceFailures: Failure[] = [];
    const threshold = grammar.limits.stlsqThreshold;
    const resolution = { resolution: o.resolution, roundoff };
    const screen = (t: ScreenTask) => runner.run<ScreenOutcome[]>({ kind: 'screen', ...t });
    // The eigen-decomposition overlaps the screening of the other subspaces' candidates (eigen-overlap.ts).
    const stageInput = { grammar, moments, roundoff, samples: { ...ctx, sample }, sampleRows, threshold, resolution, workers: pool.workers, signal: o.signal, progress: progress('subspaces') };
    const { generated, subspaces, candidates, catalog, early } = await subspaceStage(stageInput, runner, screen, subspaceFailures);
    lap('subspaces');

    const screening = stopped()
      ? { screened: [], failures: [], ruledOut: 0 }
      : await screenAll({ candidates, subspaces, moments, sampleRows, catalog, threshold, resolution }, screen, progress('screening'), early);
    lap('screening');

    const verdict = o.measureAllFinalists ? null : { minInlierFraction: o.minInlierFraction, capRel: o.maxRelativeTolerance, mapTolerance: tolerance };
    const { finalists, failures: finalistFailures } = await finishFinalists(
      { screened: screening.screened, subspaces, moments, sampleRows, nTransitions: n, nSample: sample.length, dim: data.dim, catalog, maxFinalists: grammar.limits.maxFinalists, threshold, verdict, resolution, maxRelativeTolerance: o.maxRelativeTolerance, measurementNoise: o.measurementNoise },
      (t) => runner.run<(FinalistResult | Failure)[][] | null>({ kind: 'finalize', ...t }),
      progress('finalists'),
      stopped,
    );
    lap('finalists');

    const { scored, ranked } = await rankLaws({
      finalists, subspaces, ctx, sample, catalog,
      maxRelativeTolerance: o.maxRelativeTolerance, tolerance, minInlierFraction: o.minInlierFraction, maxMotionError: o.maxMotionError,
      snapMaxDenominator: grammar.limits.snapMaxDenominator, rescaled: search.exponent !== 0, threshold, maxLaws: grammar.limits.maxLaws,
      constant: generated.constant && { index: generated.subspaces.length, values: generated.constant.values, roundoff },
    }, (t) => runner.run<ConservationSums[]>({ kind: 'conservation', ...t }));
    const measured = await measureLaws(ranked, subspaces, data.dim, n, catalog, { sums: (t) => runner.run<InvariantSums>({ kind: 'invariant-sums', ...t }), evaluate: (t) => runner.run<EvaluatePart[]>({ kind: 'evaluate', ...t }) }, progress('evaluating'), search.exponent, o.minInlierFraction);
    const laws = measured.laws;
    lap('evaluating');

    const covered = [...laws.flatMap((l) => l.subspace.basis), ...(generated.constant?.subspace.basis ?? [])];
    const complement = await describeComplement(moments, covered, search.exponent, (t) => runner.run<ComplementShare>({ kind: 'complement', ...t }), progress('complement'));
    lap('complement');
    const result: FitResult = {
      laws,
      complement,
      pareto: paretoPoints(scored, measured.reported, subspaces),
      provenance: {
        ...runProvenance(data, o, search, pool.workers, n),
        ...searchCounts(screening, finalists, finalistFailures.length),
        failures: [...subspaceFailures, ...screening.failures, ...finalistFailures, ...measured.failures],
        interrupted: stopped(),
        elapsedMs: Date.now() - started,
        timings,
      },
    };
    return o.dt === null ? result : withTimeStep(result, o.dt);
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    if (!o.pool) await pool.close();
  }
}

/** How many candidates were screened (fitted, ruled out or failed) and how many became finalists. */
function searchCounts(screening: { screened: unknown[]; failures: unknown[]; ruledOut: number }, finalists: FinalistEntry[], finalistFailures: number) {
  return {
    candidatesScreened: screening.screened.length + screening.ruledOut + screening.failures.length + finalistFailures,
    finalists: finalists.length,
    finalistsOnSample: finalists.filter((f) => f.result.sampleScale !== undefined).length,
  };
}

/** Stage timings in ms: `lap(stage)` records the time since the previous lap. */
function stopwatch(): { timings: Record<string, number>; lap: (stage: string) => void } {
  const timings: Record<string, number> = {};
  let mark = Date.now();
  return {
    timings,
    lap: (stage) => {
      timings[stage] = Date.now() - mark;
      mark = Date.now();
    },
  };
}

/** What reproduces the run: data, grammar, seed, workers, version, and the scaling of far-off data. */
function runProvenance(data: Dataset, o: ResolvedFitOptions, search: ReturnType<typeof scaledSearch>, workers: number, n: number) {
  return {
    source: data.source,
    grammar: search.grammar.source,
    seed: o.seed,
    workers,
    version: VERSION,
    dim: data.dim,
    nTrajectories: data.offsets.length - 1,
    nTransitions: n,
    tolerance: o.tolerance,
    ...(search.provenance ? { scale: search.provenance } : {}),
  };
}
