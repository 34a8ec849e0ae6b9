/**
 * The exact pass for the laws finally reported: per-transition residuals against their final (possibly
 * snapped) parameters, giving outlier indices and the final metrics. Laws on one subspace (a law and
 * its alternatives) share one stream, so the projection and features of each state are computed once
 * for all of them; each law's sums still run over the transitions in order, so a law's result is the
 * same bit for bit whatever it shares its pass with. The pass is cut into fixed ranges (ranges.ts)
 * that workers share, their sums added in range order.
 */
import { BlockResidual, predictInto } from '../passes/block-residual.js';
import type { Expr } from '../../grammar/expr-ir.js';
import { coefficientsFor, type LawFit } from '../model/law-fit.js';
import { type DataContext } from '../moments/transitions.js';
import { stdOfSums } from '../finalists/sample-fit.js';
import { passRanges } from '../passes/ranges.js';
import { type Block, BLOCK, lawsStream, type PassRange } from '../passes/stream.js';

export interface EvaluateTask {
  fit: LawFit;
  /** Absolute tolerance on the residual (maps: data units; invariants: units of the invariant's std). */
  tolerance: number;
}

export interface EvaluateResult {
  outliers: Uint32Array;
  nIn: number;
  sumSqAll: number;
  sumSqIn: number;
  /** Std of the invariant over the data (1 for maps): residuals above are in these units. */
  scale: number;
}

/** The laws on one subspace over one range of the transitions, as a worker task. */
export interface EvaluateBatch {
  basis: number[][];
  tasks: EvaluateTask[];
  trees: [string, Expr][];
  range: PassRange;
}

/** Σ I and Σ I² of each invariant of a batch over its range (0 for maps). */
export interface InvariantSums {
  s1: number[];
  s2: number[];
}

/** One law's exact pass over one range; the residuals of invariants in units of their given std. */
export interface EvaluatePart {
  outliers: Uint32Array;
  sumSqAll: number;
  sumSqIn: number;
}

/** Σ I, Σ I² over a range's first states (on a worker or inline): the std that invariants' residuals are measured in. */
export function invariantSumsBatch(ctx: DataContext, batch: EvaluateBatch): InvariantSums {
  const { stream, cols } = lawsStream(ctx, batch.basis, batch.trees, batch.tasks.map((t) => t.fit.features));
  const invariants = batch.tasks.map((t, i) => i).filter((i) => batch.tasks[i].fit.role !== 'map');
  const s1 = new Float64Array(batch.tasks.length);
  const s2 = new Float64Array(batch.tasks.length);
  const I = new Float64Array(BLOCK);
  const colsOf = batch.tasks.map((_, l) => Int32Array.from(cols[l]));
  const coefficientsOf = batch.tasks.map((t) => Float64Array.from(coefficientsFor(t.fit, t.fit.params)[0]));
  stream.run(null, (b) => invariantSums(b, invariants, colsOf, coefficientsOf, I, s1, s2), batch.range);
  return { s1: Array.from(s1), s2: Array.from(s2) };
}

/** The exact pass over a batch's range (on a worker or inline), invariants' residuals in units of `scales`. */
export function evaluateBatch(ctx: DataContext, batch: EvaluateBatch & { scales: number[] }): EvaluatePart[] {
  const { tasks, basis } = batch;
  const { stream, cols } = lawsStream(ctx, basis, batch.trees, tasks.map((t) => t.fit.features));
  const residual = tasks.map((t, l) => new BlockResidual(t.fit.role, basis.length, cols[l], coefficientsFor(t.fit, t.fit.params), batch.scales[l]));
  const outliers = tasks.map((): number[] => []);
  const sumSqAll = new Float64Array(tasks.length);
  const sumSqIn = new Float64Array(tasks.length);
  const r = new Float64Array(BLOCK);
  const tolerances = tasks.map((t) => t.tolerance);
  stream.run(null, (b) => residualSums(b, residual, tolerances, r, outliers, sumSqAll, sumSqIn), batch.range);
  return tasks.map((_, l) => ({ outliers: Uint32Array.from(outliers[l]), sumSqAll: sumSqAll[l], sumSqIn: sumSqIn[l] }));
}

/** Where the ranges of an exact pass run: on workers, or inline ({@link inlinePasses}). */
export interface ExactPassRunner {
  sums: (batch: EvaluateBatch) => Promise<InvariantSums>;
  evaluate: (batch: EvaluateBatch & { scales: number[] }) => Promise<EvaluatePart[]>;
}

/** The exact pass's ranges run on this thread. */
export const inlinePasses = (ctx: DataContext): ExactPassRunner => ({
  sums: async (batch) => invariantSumsBatch(ctx, batch),
  evaluate: async (batch) => evaluateBatch(ctx, batch),
});

/**
 * The exact pass over all `n` transitions for several laws on the subspace `basis`, range by range
 * through `run`, partial sums added in range order.
 */
export async function evaluateLaws(n: number, basis: number[][], tasks: EvaluateTask[], trees: [string, Expr][], run: ExactPassRunner, ranges = passRanges(n)): Promise<EvaluateResult[]> {
  const batches = ranges.map((range) => ({ basis, tasks, trees, range }));
  const scales = tasks.map(() => 1);
  if (tasks.some((t) => t.fit.role !== 'map')) {
    const parts = await Promise.all(batches.map(run.sums));
    tasks.forEach((t, l) => {
      if (t.fit.role === 'map') return;
      const total = (pick: (p: InvariantSums) => number[]) => parts.reduce((a, p) => a + pick(p)[l], 0);
      scales[l] = stdOfSums(total((p) => p.s1), total((p) => p.s2), n) || 1;
    });
  }
  const parts = await Promise.all(batches.map((b) => run.evaluate({ ...b, scales })));
  return tasks.map((_, l) => {
    const outliers = Uint32Array.from(parts.flatMap((p) => Array.from(p[l].outliers)));
    const sum = (pick: (p: EvaluatePart) => number) => parts.reduce((a, p) => a + pick(p[l]), 0);
    return { outliers, nIn: n - outliers.length, sumSqAll: sum((p) => p.sumSqAll), sumSqIn: sum((p) => p.sumSqIn), scale: scales[l] };
  });
}

// The passes' loops are module-level: V8 drops a dead closure's optimised code (docs/performance.md#v8-and-closures).

/** Σ I and Σ I² over a block's first states, for each invariant law `l` of `invariants`. */
function invariantSums(b: Block, invariants: number[], colsOf: Int32Array[], coefficientsOf: Float64Array[], I: Float64Array, s1: Float64Array, s2: Float64Array): void {
  for (const l of invariants) {
    I.fill(0, 0, b.count);
    predictInto(I, b.Phi, b.stride, b.count, colsOf[l], coefficientsOf[l], 0, colsOf[l].length);
    let a1 = s1[l];
    let a2 = s2[l];
    for (let i = 0; i < b.count; i++) {
      a1 += I[i];
      a2 += I[i] * I[i];
    }
    s1[l] = a1;
    s2[l] = a2;
  }
}

/** Each law's residuals over a block: squared sums over all and over inliers, and its outliers. */
function residualSums(b: Block, residual: BlockResidual[], tolerances: number[], r: Float64Array, outliers: number[][], sumSqAll: Float64Array, sumSqIn: Float64Array): void {
  for (let l = 0; l < residual.length; l++) {
    residual[l].block(b, r);
    const tol = tolerances[l];
    const out = outliers[l];
    let all = sumSqAll[l];
    let inl = sumSqIn[l];
    for (let i = 0; i < b.count; i++) {
      const e = r[i] * r[i];
      all += e;
      if (r[i] <= tol) inl += e;
      else out.push(b.t[i]);
    }
    sumSqAll[l] = all;
    sumSqIn[l] = inl;
  }
}
