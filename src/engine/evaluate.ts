/**
 * The exact pass for the laws finally reported: per-transition residuals against their final (possibly
 * snapped) parameters, giving outlier indices and the final metrics. Laws on one subspace (a law and
 * its alternatives) share one stream, so the projection and features of each state are computed once
 * for all of them; each law's sums still run over the transitions in order, so a law's result is the
 * same bit for bit whatever it shares its pass with.
 */
import { BlockResidual } from './block-residual.js';
import { featureUnion } from './features.js';
import { coefficientsFor, type LawFit } from './law-fit.js';
import type { DataContext } from './screen.js';
import { transitionStream } from './stream.js';

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

/** Exact pass for several laws on the subspace `basis`. */
export function evaluateLaws(ctx: DataContext, basis: number[][], tasks: EvaluateTask[]): EvaluateResult[] {
  const k = basis.length;
  const { union, cols } = featureUnion(tasks.map((t) => t.fit.features));
  const stream = transitionStream(ctx, basis, union);
  const W = tasks.map((t) => coefficientsFor(t.fit, t.fit.params));
  const invariants = tasks.map((t, i) => i).filter((i) => tasks[i].fit.role !== 'map');
  const scale = tasks.map(() => 1);
  if (invariants.length > 0) {
    // Std of each I over the transitions' first states, summed in transition order.
    const s1 = new Float64Array(tasks.length);
    const s2 = new Float64Array(tasks.length);
    stream.run(null, (b) => {
      for (const l of invariants) {
        const c = W[l][0];
        const lc = cols[l];
        let a1 = s1[l];
        let a2 = s2[l];
        for (let i = 0; i < b.count; i++) {
          let I = 0;
          for (let j = 0; j < c.length; j++) I += c[j] * b.Phi[lc[j] * b.stride + i];
          a1 += I;
          a2 += I * I;
        }
        s1[l] = a1;
        s2[l] = a2;
      }
    });
    const count = Math.max(ctx.starts.length, 1);
    for (const l of invariants) scale[l] = Math.sqrt(Math.max(s2[l] / count - (s1[l] / count) ** 2, 0)) || 1;
  }
  const residual = tasks.map((t, l) => new BlockResidual(t.fit.role, k, cols[l], W[l], scale[l]));
  const outliers = tasks.map((): number[] => []);
  const sumSqAll = new Float64Array(tasks.length);
  const sumSqIn = new Float64Array(tasks.length);
  stream.run(null, (b) => {
    for (let l = 0; l < tasks.length; l++) {
      const res = residual[l];
      const tol = tasks[l].tolerance;
      const out = outliers[l];
      let all = sumSqAll[l];
      let inl = sumSqIn[l];
      for (let i = 0; i < b.count; i++) {
        const r = res.at(b, i);
        const e = r * r;
        all += e;
        if (r <= tol) inl += e;
        else out.push(b.t[i]);
      }
      sumSqAll[l] = all;
      sumSqIn[l] = inl;
    }
  });
  return tasks.map((_, l) => ({ outliers: Uint32Array.from(outliers[l]), nIn: ctx.starts.length - outliers[l].length, sumSqAll: sumSqAll[l], sumSqIn: sumSqIn[l], scale: scale[l] }));
}
