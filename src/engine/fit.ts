/**
 * The law search, end to end: moments → subspaces → candidates (grammar) → screening → finalists
 * (trimmed refits) → tolerances, exact constants, MDL ranking → exact evaluation of the reported laws.
 * Parallel stages run on the worker pool; every stage polls the abort signal, and an interrupted
 * search returns the laws ranked from what was finished.
 */
import { loadGrammar, defaultGrammarPath } from '../grammar/load.js';
import type { Dataset, FitResult, Grammar, Subspace } from '../types.js';
import { enumerateCandidates } from './candidates/enumerate.js';
import type { EvaluateResult } from './output/exact-pass.js';
import type { FinalistFailure, FinalistGroupTask, FinalistResult } from './finalists/finalize.js';
import { coordinatesOf } from './finalists/shared-pass.js';
import { finalistUnits, groupCost } from './finalists/schedule.js';
import { principalAngles } from './kernels/linalg.js';
import { createFitPool, type FitPool } from './runtime/pool.js';
import { toLaw } from './output/law-output.js';
import { renderLaw } from './output/render.js';
import { collapseDuplicates, paretoFront, type ScoredLaw, scoreFinalist, tolerances } from './ranking/rank.js';
import { roleOf, type ScreenOutcome, type ScreenSuccess } from './screening/screen.js';
import { type CandidateSpec } from './candidates/enumerate.js';
import { addMoments, momentShift, type Moments, projectMoments, subspaceVariance } from './moments/moments.js';
import { transitionStarts } from './moments/transitions.js';
import { generateSubspaces } from './subspaces/generate.js';
import { conservedByMap } from './ranking/implied.js';
import { gatherSampleRows, sampleIndices } from './moments/sample.js';
import { VERSION } from '../version.js';
import { expressionTree } from '../grammar/safe-math.js';
import type { Expr } from '../grammar/expr-ir.js';
import { registerFeatureTrees, subspaceVariables } from './model/features.js';

export interface FitProgress {
  stage: 'moments' | 'screening' | 'finalists' | 'evaluating';
  done: number;
  total: number;
}

export interface FitOptions {
  /** Parsed grammar; the bundled default grammar when absent. */
  grammar?: Grammar;
  /** Seed of the screening sample (the only random choice). Default 1. */
  seed?: number;
  /** Worker threads; 0 runs inline. Default 2. Ignored when `pool` is given. */
  workers?: number;
  /**
   * Worker threads to run on, kept across fits (see `createFitPool`): a fit on a pool that has run
   * before skips the threads' start-up and most of V8's compilation of the engine. Results are the same.
   * Left open; without it, the fit starts `workers` threads and stops them when it ends.
   */
  pool?: FitPool;
  /** Absolute inlier tolerance for map residuals (data units); default: from the data's noise scale. */
  tolerance?: number | null;
  /** Trimming and tolerance never exceed this share of a subspace's spread. Default 0.05. */
  maxRelativeTolerance?: number;
  /** Laws holding on fewer transitions than this share are not reported. Default 0.5. */
  minInlierFraction?: number;
  /**
   * Give every finalist a pass over all transitions, even those the screening sample already rules
   * out as laws (see `SampleVerdict`): the reported laws are the same, only the Pareto front's
   * `sampleOnly` points get exact errors. Default false.
   */
  measureAllFinalists?: boolean;
  /** Stop early (Ctrl-C): the result then holds what was ranked so far. */
  signal?: AbortSignal;
  onProgress?: (p: FitProgress) => void;
}

const MOMENT_CHUNKS = 32;

type FinalistEntry = { result: FinalistResult; subspaceIndex: number; offset: boolean };

const SCREEN_BATCH = 48;


/**
 * Find the laws a set of latent trajectories obeys.
 * @returns ranked laws and the provenance needed to reproduce them (seed, grammar, versions).
 */
export async function fit(data: Dataset, options: FitOptions = {}): Promise<FitResult> {
  const started = Date.now();
  const grammar = options.grammar ?? loadGrammar(defaultGrammarPath());
  const seed = options.seed ?? 1;
  const pool = options.pool ?? createFitPool(options.workers ?? 2);
  const workers = pool.workers;
  const capRel = options.maxRelativeTolerance ?? 0.05;
  const starts = transitionStarts(data.offsets);
  const n = starts.length;
  const ctx = { states: data.states, dim: data.dim, starts };
  const runner = pool.runner(ctx);
  const signal = options.signal;
  const aborted = () => signal?.aborted === true;
  const onAbort = () => runner.requestStop();
  signal?.addEventListener('abort', onAbort);
  const progress = (stage: FitProgress['stage'], done: number, total: number) => options.onProgress?.({ stage, done, total });
  const failures: { id: string; error: string }[] = [];
  const timings: Record<string, number> = {};
  let mark = Date.now();
  const lap = (stage: string) => {
    const now = Date.now();
    timings[stage] = now - mark;
    mark = now;
  };
  let screened: ScreenSuccess[] = [];
  let finalists: FinalistEntry[] = [];
  let candidates: CandidateSpec[] = [];
  try {
    // 1. One pass of sufficient statistics, in fixed chunks so the sum is the same for any worker count.
    const shift = momentShift(data.states, data.dim);
    const bounds = Array.from({ length: MOMENT_CHUNKS }, (_, i) => [Math.floor((i * n) / MOMENT_CHUNKS), Math.floor(((i + 1) * n) / MOMENT_CHUNKS)]);
    let doneChunks = 0;
    const parts = await Promise.all(
      bounds.map(([from, to]) =>
        runner.run<Moments>({ kind: 'moments', from, to, shift }).then((m) => {
          progress('moments', ++doneChunks, MOMENT_CHUNKS);
          return m;
        }),
      ),
    );
    const moments = addMoments(parts);
    lap('moments');

    // 2–3. Subspaces and candidates, cheapest first.
    const sample = sampleIndices(n, grammar.limits.screeningSample, seed);
    const sampleRows = gatherSampleRows(ctx, sample);
    const subspaces = generateSubspaces(grammar, moments, { states: data.states, dim: data.dim, starts, sample });
    candidates = enumerateCandidates(grammar, subspaces);
    const trees = featureTrees(candidates, grammar.limits.maxLibraryDim);
    registerFeatureTrees(trees);
    lap('subspaces');

    // 4. Screening from statistics, in fixed batches.
    if (!aborted()) {
      // Batches follow subspaces, so the candidates sharing a projection and a sample feature pass
      // run in one task and share its cache (results do not depend on the batching).
      const bySubspace = new Map<number, CandidateSpec[]>();
      for (const c of candidates) bySubspace.set(c.subspaceIndex, [...(bySubspace.get(c.subspaceIndex) ?? []), c]);
      const batches: CandidateSpec[][] = [];
      let current: CandidateSpec[] = [];
      for (const group of bySubspace.values()) {
        if (current.length > 0 && current.length + group.length > SCREEN_BATCH) {
          batches.push(current);
          current = [];
        }
        current.push(...group);
      }
      if (current.length > 0) batches.push(current);
      let doneCands = 0;
      const outcomes = await Promise.all(
        batches.map((batch) => {
          const bases: Record<number, number[][]> = {};
          for (const c of batch) bases[c.subspaceIndex] = subspaces[c.subspaceIndex].basis;
          return runner
            .run<ScreenOutcome[]>({ kind: 'screen', trees: trees.filter(([e]) => batch.some((c) => c.libraryFeatures.includes(e))), candidates: batch, bases, moments, sampleRows, threshold: grammar.limits.stlsqThreshold })
            .then((r) => {
              doneCands += batch.length;
              progress('screening', doneCands, candidates.length);
              return r;
            });
        }),
      );
      for (const o of outcomes.flat()) {
        if (o.ok) screened.push(o);
        else failures.push({ id: o.id, error: o.error });
      }
    }

    lap('screening');

    // 5. Finalists: the best descriptions, with a share reserved for each role.
    const chosen = chooseFinalists(screened, grammar.limits.maxFinalists, Object.fromEntries(subspaces.map((sub) => [sub.label, sub.basis])));
    const specById = new Map(candidates.map((c) => [c.id, c]));
    // Finalists on one subspace share one streaming pass (projection and features per state), and
    // coordinate subspaces are bundled to share one pass among them; tasks are queued largest first
    // so two workers finish close together, and results are gathered in subspace order whatever
    // order they finish in.
    const bySub = new Map<number, ScreenSuccess[]>();
    for (const s of chosen) {
      const idx = specById.get(s.fit.id)!.subspaceIndex;
      bySub.set(idx, [...(bySub.get(idx) ?? []), s]);
    }
    const groups = [...bySub];
    const costs = groups.map((g) => groupCost(subspaces[g[0]].basis.length, data.dim, g[1], sample.length / Math.max(n, 1), !options.measureAllFinalists));
    let doneFinal = 0;
    const groupResults: FinalistEntry[][] = groups.map(() => []);
    const taskFor = ([subspaceIndex, members]: [number, ScreenSuccess[]]): FinalistGroupTask => ({
      basis: subspaces[subspaceIndex].basis,
      variance: subspaceVariance(projectMoments(moments, subspaces[subspaceIndex].basis)),
      members: members.map((m) => ({ fit: m.fit, offset: specById.get(m.fit.id)!.offset })),
      threshold: grammar.limits.stlsqThreshold,
      sampleRows,
      verdict: options.measureAllFinalists ? null : { minInlierFraction: options.minInlierFraction ?? 0.5, capRel, mapTolerance: options.tolerance ?? null },
    });
    const collect = (g: number, results: (FinalistResult | FinalistFailure)[]) => {
      const [subspaceIndex, members] = groups[g];
      doneFinal += members.length;
      progress('finalists', doneFinal, chosen.length);
      groupResults[g] = results.flatMap((result, i) => {
        if ('error' in result) {
          failures.push({ id: members[i].fit.id, error: result.error });
          return [];
        }
        if (result.fit.params.some((v) => !Number.isFinite(v))) {
          failures.push({ id: members[i].fit.id, error: 'refit produced a non-finite value' });
          return [];
        }
        return [{ result, subspaceIndex, offset: specById.get(members[i].fit.id)!.offset }];
      });
    };
    const runUnit = (unit: number[]): Promise<void> => {
      if (aborted()) return Promise.resolve();
      const members = unit.flatMap((g) => groups[g][1]);
      return runner
        .run<(FinalistResult | FinalistFailure)[][] | null>({
          kind: 'finalize',
          trees: trees.filter(([e]) => members.some((m) => m.fit.features.includes(e))),
          tasks: unit.map((g) => taskFor(groups[g])),
        })
        .then(
          (results) => results?.forEach((r, j) => collect(unit[j], r)), // null: skipped after an interrupt
          (err: unknown) => {
            for (const m of members) failures.push({ id: m.fit.id, error: err instanceof Error ? err.message : String(err) });
          },
        );
    };
    const finalistRuns = finalistUnits(groups.map((g) => coordinatesOf(subspaces[g[0]].basis) !== null), costs).map(runUnit);
    await Promise.all(finalistRuns);
    finalists = groupResults.flat();
    lap('finalists');

    // 6. Tolerances, exact constants, ranking.
    const tol = tolerances(finalists, capRel, options.tolerance ?? null);
    const scored = finalists.map((f) => scoreFinalist(f, tol.get(`${f.result.fit.role}|${f.subspaceIndex}`)!, grammar.limits.snapMaxDenominator));
    let ranked = collapseDuplicates(scored, subspaces.map((s) => s.basis), options.minInlierFraction ?? 0.5);
    ranked = foldImpliedInvariants(ranked, data, starts, subspaces, sample);
    ranked = ranked.slice(0, grammar.limits.maxLaws);

    // 7. Exact pass for the reported laws and their alternatives: outlier indices and final metrics.
    // A law and its alternatives share a subspace, hence one pass.
    const evalGroups = new Map<number, ScoredLaw[]>();
    for (const law of ranked.flatMap((l) => [l, ...l.alternatives])) evalGroups.set(law.subspaceIndex, [...(evalGroups.get(law.subspaceIndex) ?? []), law]);
    const nEval = [...evalGroups.values()].reduce((a, g) => a + g.length, 0);
    let doneEval = 0;
    const evaluation = new Map<ScoredLaw, EvaluateResult>();
    await Promise.all(
      [...evalGroups].map(([subspaceIndex, group]) =>
        runner
          .run<EvaluateResult[]>({
            kind: 'evaluate',
            trees: trees.filter(([e]) => group.some((law) => law.fit.features.includes(e))),
            basis: subspaces[subspaceIndex].basis,
            tasks: group.map((law) => ({ fit: law.fit, tolerance: law.tolerance })),
          })
          .then((results) => {
            results.forEach((r, i) => evaluation.set(group[i], r));
            doneEval += group.length;
            progress('evaluating', doneEval, nEval);
          }),
      ),
    );
    lap('evaluating');
    const laws = ranked.map((law, i) => toLaw(law, evaluation, subspaces[law.subspaceIndex], data.dim, i + 1, n));
    const front = new Set(paretoFront(scored).map((s) => s.fit.id));
    const chosenIds = new Set(ranked.map((r) => r.fit.id));
    return {
      laws,
      pareto: scored
        .filter((s) => front.has(s.fit.id))
        .sort((a, b) => a.complexity - b.complexity)
        .map((s) => ({
          id: s.fit.id,
          family: s.fit.family,
          subspace: subspaces[s.subspaceIndex].label,
          complexity: s.complexity,
          relativeError: s.inlierRelativeError,
          chosen: chosenIds.has(s.fit.id),
          ...(s.finalist.sampleScale ? { sampleOnly: true } : {}),
        })),
      provenance: {
        source: data.source,
        grammar: grammar.source,
        seed,
        workers,
        version: VERSION,
        dim: data.dim,
        nTrajectories: data.offsets.length - 1,
        nTransitions: n,
        tolerance: options.tolerance ?? null,
        candidatesScreened: screened.length + failures.length,
        finalists: finalists.length,
        finalistsOnSample: finalists.filter((f) => f.result.sampleScale !== undefined).length,
        failures,
        interrupted: aborted(),
        elapsedMs: Date.now() - started,
        timings,
      },
    };
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (!options.pool) await pool.close();
  }
}

/** Parse every library feature once, on the main thread: workers get validated trees, never text. */
function featureTrees(candidates: CandidateSpec[], maxLibraryDim: number): [string, Expr][] {
  const out = new Map<string, Expr>();
  const vars = subspaceVariables(maxLibraryDim);
  for (const c of candidates) {
    for (const e of c.libraryFeatures) if (!out.has(e)) out.set(e, expressionTree(e, vars));
  }
  return [...out.entries()];
}

/**
 * Finalists: the best screened descriptions that beat the null model, at most six per subspace and
 * role (the rest are the same law with more freedom), none on a subspace nested with an already chosen
 * one of the same role that it fits clearly worse (a noise dimension added to a rotation plane), and a
 * quarter of the places kept for invariants so maps cannot crowd them out.
 */
function chooseFinalists(screened: ScreenSuccess[], max: number, bases: Record<string, number[][]>): ScreenSuccess[] {
  const byDl = [...screened].sort((a, b) => a.descriptionLength - b.descriptionLength || (a.fit.id < b.fit.id ? -1 : 1));
  const pick = (role: 'map' | 'invariant', quota: number) => {
    const chosen: ScreenSuccess[] = [];
    const perSubspace = new Map<string, number>();
    for (const s of byDl) {
      if (chosen.length >= quota) break;
      if (roleOf(s.fit.family) !== role || !(s.descriptionLength < 0)) continue;
      const key = subspaceKey(s.fit.id);
      if ((perSubspace.get(key) ?? 0) >= 6) continue;
      const dominated = chosen.some((c) => subspaceKey(c.fit.id) !== key && s.relativeError > 2 * Math.max(c.relativeError, 1e-6) && nestedSpans(bases[subspaceKey(c.fit.id)], bases[key]));
      if (dominated) continue;
      perSubspace.set(key, (perSubspace.get(key) ?? 0) + 1);
      chosen.push(s);
    }
    return chosen;
  };
  const invariants = pick('invariant', Math.ceil(max / 4));
  return [...pick('map', max - invariants.length), ...invariants];
}

const subspaceKey = (id: string) => id.slice(id.indexOf('@') + 1);

function nestedSpans(a: number[][], b: number[][]): boolean {
  const [small, large] = a.length <= b.length ? [a, b] : [b, a];
  const angles = principalAngles(small, large);
  return angles.length === small.length && angles[angles.length - 1] < 0.05;
}

/** An invariant that a kept map law on the same subspace already conserves is a note on that map, not a law. */
function foldImpliedInvariants(laws: ScoredLaw[], data: Dataset, starts: Uint32Array, subspaces: Subspace[], sample: Uint32Array): ScoredLaw[] {
  const maps = laws.filter((l) => l.fit.role === 'map');
  return laws.filter((law) => {
    if (law.fit.role !== 'invariant') return true;
    const map = maps.find((m) => m.subspaceIndex === law.subspaceIndex && m.inlierFraction >= law.inlierFraction - 1e-9);
    if (!map) return true;
    const sub = subspaces[law.subspaceIndex];
    const ok = conservedByMap(data, starts, sub.basis, map.fit, law.fit, sample, law.inlierRelativeError);
    // A rotation or orthogonal map about the origin already states that the norm is conserved.
    const radius = (map.fit.family === 'rotation' || map.fit.family === 'orthogonal') && !map.offset;
    if (ok && !radius) map.facts.push(`conserves ${renderLaw(law.fit, law.fit.params, law.exact, sub, data.dim, []).equations[0]}`);
    return !ok;
  });
}
