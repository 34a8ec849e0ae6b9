/**
 * The exact pass for the laws finally reported: per-transition residuals against their final (possibly
 * snapped) parameters, giving outlier indices and the final metrics. Laws on one subspace (a law and
 * its alternatives) share one stream, so the projection and features of each state are computed once
 * for all of them; each law's sums still run over the transitions in order, so a law's result is the
 * same bit for bit whatever it shares its pass with.
 */
import { BlockResidual, predictInto } from '../passes/block-residual.js';
import type { Expr } from '../../grammar/expr-ir.js';
import { FeatureCatalog } from '../model/features.js';
import { coefficientsFor, type LawFit } from '../model/law-fit.js';
import { type DataContext } from '../moments/transitions.js';
import { stdOfSums } from '../finalists/sample-fit.js';
import { type Block, BLOCK, transitionStream } from '../passes/stream.js';

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

/** The laws on one subspace, as a worker task. */
export interface EvaluateBatch {
  basis: number[][];
  tasks: EvaluateTask[];
  trees: [string, Expr][];
}

/** Run one exact pass (on a worker or inline). */
export function evaluateBatch(ctx: DataContext, batch: EvaluateBatch): EvaluateResult[] {
  return evaluateLaws(ctx, batch.basis, batch.tasks, new FeatureCatalog(batch.trees));
}

/** Exact pass for several laws on the subspace `basis`. */
export function evaluateLaws(ctx: DataContext, basis: number[][], tasks: EvaluateTask[], catalog: FeatureCatalog): EvaluateResult[] {
  const k = basis.length;
  const { union, cols } = catalog.union(tasks.map((t) => t.fit.features));
  const stream = transitionStream(ctx, basis, union, catalog);
  const W = tasks.map((t) => coefficientsFor(t.fit, t.fit.params));
  const invariants = tasks.map((t, i) => i).filter((i) => tasks[i].fit.role !== 'map');
  const scale = tasks.map(() => 1);
  if (invariants.length > 0) {
    // Std of each I over the transitions' first states, summed in transition order.
    const s1 = new Float64Array(tasks.length);
    const s2 = new Float64Array(tasks.length);
    const I = new Float64Array(BLOCK);
    const colsOf = tasks.map((_, l) => Int32Array.from(cols[l]));
    const coefficientsOf = W.map((w) => Float64Array.from(w[0]));
    stream.run(null, (b) => invariantSums(b, invariants, colsOf, coefficientsOf, I, s1, s2));
    for (const l of invariants) scale[l] = stdOfSums(s1[l], s2[l], ctx.starts.length) || 1;
  }
  const residual = tasks.map((t, l) => new BlockResidual(t.fit.role, k, cols[l], W[l], scale[l]));
  const outliers = tasks.map((): number[] => []);
  const sumSqAll = new Float64Array(tasks.length);
  const sumSqIn = new Float64Array(tasks.length);
  const r = new Float64Array(BLOCK);
  const tolerances = tasks.map((t) => t.tolerance);
  stream.run(null, (b) => residualSums(b, residual, tolerances, r, outliers, sumSqAll, sumSqIn));
  return tasks.map((_, l) => ({ outliers: Uint32Array.from(outliers[l]), nIn: ctx.starts.length - outliers[l].length, sumSqAll: sumSqAll[l], sumSqIn: sumSqIn[l], scale: scale[l] }));
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
