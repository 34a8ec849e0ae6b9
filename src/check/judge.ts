/**
 * Judging a segment of trajectory against a law: a map is rolled out along it under an error bound that
 * grows with the map's stretch, an invariant must stay within its tolerance of its first value. The law
 * is evaluated by the shared evaluator of src/laws/compile.ts.
 */
import type { CompiledLaw } from '../laws/compile.js';

/** How a segment (a short stretch of trajectory) fares against a law. */
export interface SegmentVerdict {
  ok: boolean;
  /** Step (1-based, within the segment) with the largest residual / allowed ratio (the first NaN, if any). */
  step: number;
  /** Transitions in the segment. */
  steps: number;
  /** Residual at that step: |u_j − rollout_j(u_0)| for maps, |I(u_j) − I(u_0)| for invariants. */
  residual: number;
  /** Error bound at that step before the slack factor (the law's tolerance, grown along a map rollout). */
  bound: number;
  /** slack × bound: the residual that still passes. */
  allowed: number;
  /** residual / allowed (Infinity for a NaN residual): above 1 fails. */
  ratio: number;
}

/** Options of {@link judgeSegment}. */
export interface JudgeOptions {
  /** Multiplier on the law's tolerance (and on the grown bound) before a residual counts as a violation. */
  slack: number;
  /**
   * Per-step amplification of a map rollout's error bound: b_1 = tol, b_j = g·b_{j−1} + tol. Default:
   * g = the local {@link CompiledLaw.stretch} along the rollout, which makes the bound exactly what the
   * one-step law implies for linear maps (and to first order for nonlinear ones).
   */
  growth?: number;
}

/**
 * Judge a segment u_0 … u_L (subspace coordinates) against a law. Maps are rolled out from u_0 and
 * compared with every later state under an error bound that grows along the rollout (see
 * {@link JudgeOptions.growth}); invariants must keep I(u_j) within the tolerance of I(u_0) for every j,
 * with no growth, because noise in a conserved quantity does not accumulate.
 */
export function judgeSegment(c: CompiledLaw, us: readonly (readonly number[])[], options: JudgeOptions): SegmentVerdict {
  const tol = c.law.metrics.tolerance;
  const steps = us.length - 1;
  let worst: SegmentVerdict = { ok: true, step: 0, steps, residual: 0, bound: tol, allowed: options.slack * tol, ratio: 0 };
  const consider = (step: number, residual: number, bound: number): boolean => {
    const allowed = options.slack * bound;
    const ratio = Number.isNaN(residual) ? Infinity : residual / allowed;
    if (worst.step === 0 || ratio > worst.ratio) worst = { ok: ratio <= 1, step, steps, residual, bound, allowed, ratio };
    // A NaN (the law undefined there) ends the segment: later steps cannot be judged.
    return ratio !== Infinity;
  };
  if (c.law.model.role === 'invariant') {
    const I0 = c.invariant(us[0]);
    for (let j = 1; j <= steps; j++) if (!consider(j, Math.abs(c.invariant(us[j]) - I0), tol)) break;
  } else {
    let u = [...us[0]];
    let bound = tol;
    for (let j = 1; j <= steps; j++) {
      if (j > 1) bound = (options.growth ?? c.stretch(u)) * bound + tol;
      u = c.predict(u);
      if (!consider(j, Math.hypot(...us[j].map((x, i) => x - u[i])), bound)) break;
    }
  }
  return worst;
}
