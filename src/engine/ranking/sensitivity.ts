/**
 * Whether the data could have caught an invariant failing. A function of the state that is flat where
 * the data dwell "holds" there whatever the motion: a swinging angle's I(θ), nearly constant over the
 * middle of the swing and steep near one turning point, passes on 80% of the transitions, and its
 * tolerance, set from its own residuals, is loose. The steps that test it are those that would move a
 * quantity changing at I's local rate |∇I| by several tolerances; on those, a conserved I must hold as
 * often as any law must hold (docs/no-false-laws.md#invariants-the-data-cannot-test).
 */
import { subspaceVariables, type FeatureCatalog } from '../model/features.js';
import { coefficientsFor } from '../model/law-fit.js';
import { projectState } from '../kernels/project.js';
import type { DataContext } from '../moments/transitions.js';
import type { ScoredLaw } from './rank.js';

/** A step tests an invariant when a quantity changing at its local rate would move by this many tolerances. */
export const POWER = 3;

/** Fewer testing steps than this say nothing either way (a slow system is left to the conservation pass). */
export const MIN_TESTING_STEPS = 10;

/** How an invariant fares on the steps that could have caught it. */
export interface Sensitivity {
  /** Transitions whose step would move a quantity changing at I's local rate by ≥ POWER tolerances. */
  testing: number;
  /** The share of those on which I holds (changes by at most its tolerance); NaN when none test it. */
  heldWhereTesting: number;
}

/**
 * The {@link Sensitivity} of I over transitions (u_i → v_i), i < n, read by `transition` into `u`, `v`
 * (k coordinates each). `gradientNorm` gives |∇I| at a point; `tolerance` is in I's units.
 */
export function sensitivity(
  value: (u: Float64Array) => number,
  gradientNorm: (at: Float64Array) => number,
  transition: (i: number, u: Float64Array, v: Float64Array) => void,
  n: number,
  k: number,
  tolerance: number,
): Sensitivity {
  const [u, v, mid] = [new Float64Array(k), new Float64Array(k), new Float64Array(k)];
  let testing = 0;
  let held = 0;
  for (let i = 0; i < n; i++) {
    transition(i, u, v);
    let step2 = 0;
    for (let a = 0; a < k; a++) {
      mid[a] = 0.5 * (u[a] + v[a]);
      step2 += (v[a] - u[a]) ** 2;
    }
    if (!(gradientNorm(mid) * Math.sqrt(step2) >= POWER * tolerance)) continue;
    testing++;
    if (Math.abs(value(v) - value(u)) <= tolerance) held++;
  }
  return { testing, heldWhereTesting: testing > 0 ? held / testing : NaN };
}

/** Whether an invariant with this {@link Sensitivity} is shown conserved where the data can tell. */
export const passesSensitivity = (s: Sensitivity, minInlierFraction: number): boolean =>
  s.testing < MIN_TESTING_STEPS || s.heldWhereTesting >= minInlierFraction;

/**
 * The laws without the invariants that hold only where the data cannot test them, judged on the
 * sampled transitions. `unit(law)` is one of the tolerance's units in I's own (see stage.ts).
 */
export function dropUntestedInvariants(
  laws: ScoredLaw[],
  bases: number[][][],
  data: { ctx: DataContext; sample: Uint32Array; catalog: FeatureCatalog },
  unit: (law: ScoredLaw) => number,
  minInlierFraction: number,
): ScoredLaw[] {
  return laws.filter((law) => law.fit.role !== 'invariant' || passesSensitivity(sensitivityOn(law, bases[law.subspaceIndex], data, law.tolerance * unit(law)), minInlierFraction));
}

function sensitivityOn(law: ScoredLaw, basis: number[][], data: { ctx: DataContext; sample: Uint32Array; catalog: FeatureCatalog }, tolerance: number): Sensitivity {
  const { ctx, sample, catalog } = data;
  const k = basis.length;
  const features = law.fit.features;
  const evaluate = catalog.compileAll(features, subspaceVariables(k));
  const c = coefficientsFor(law.fit, law.fit.params)[0];
  const phi = new Float64Array(c.length);
  const value = (u: Float64Array) => {
    evaluate(u, phi);
    let s = 0;
    for (let j = 0; j < c.length; j++) s += c[j] * phi[j];
    return s;
  };
  const transition = (i: number, u: Float64Array, v: Float64Array) => {
    projectState(ctx.states, ctx.dim, ctx.starts[sample[i]], basis, u);
    projectState(ctx.states, ctx.dim, ctx.starts[sample[i]] + 1, basis, v);
  };
  return sensitivity(value, gradientNormOf(value, features, c, k, stepOf(transition, sample.length, k)), transition, sample.length, k, tolerance);
}

/**
 * |∇I|: the coefficients' norm for a linear I (any k, up to the whole space), else central differences
 * (library and quadratic invariants act on at most a few dimensions). Not the law evaluator's symbolic
 * Jacobian (src/laws/features.ts): the engine does not import what lies downstream of it.
 */
function gradientNormOf(value: (u: Float64Array) => number, features: string[], c: number[], k: number, h: number): (at: Float64Array) => number {
  const variables = subspaceVariables(k);
  if (features.every((f) => f === '1' || variables.includes(f))) {
    const norm = Math.hypot(...features.map((f, j) => (f === '1' ? 0 : c[j])));
    return () => norm;
  }
  const probe = new Float64Array(k);
  return (at) => {
    let g2 = 0;
    for (let a = 0; a < k; a++) {
      probe.set(at);
      probe[a] = at[a] + h;
      const up = value(probe);
      probe[a] = at[a] - h;
      g2 += ((up - value(probe)) / (2 * h)) ** 2;
    }
    return Math.sqrt(g2);
  };
}

/** The difference step: 1e-5 of the subspace's RMS coordinate, where truncation and rounding are both far below a tolerance. */
function stepOf(transition: (i: number, u: Float64Array, v: Float64Array) => void, n: number, k: number): number {
  const [u, v] = [new Float64Array(k), new Float64Array(k)];
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    transition(i, u, v);
    for (let a = 0; a < k; a++) s2 += u[a] * u[a];
  }
  const rms = Math.sqrt(s2 / Math.max(n * k, 1));
  return 1e-5 * (rms > 0 ? rms : 1);
}
