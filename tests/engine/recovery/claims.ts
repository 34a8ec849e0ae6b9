/**
 * What a reported law claims, read the way a researcher reads `result.laws`: which quantity it says is
 * conserved, what it predicts for the next state, and when two laws say the same thing. Everything is
 * evaluated from the law's JSON form (model and basis) through src/laws/compile.ts, so the engine's
 * internal objects play no part.
 */
import { compileLaw } from '../../../src/laws/compile.ts';
import { principalAngles } from '../../../src/engine/kernels/linalg.ts';
import type { Dataset, Law, LawAlternative } from '../../../src/types.ts';
import { stateRows, transitionStarts, type SystemTruth } from './systems.ts';

type AnyLaw = Law | LawAlternative;
const asLaw = (l: AnyLaw): Law => ({ rank: 0, outliers: [], ...l }) as Law;

/** One line per law, for assertion messages. */
export function describeLaws(laws: AnyLaw[]): string {
  if (laws.length === 0) return '(no laws)';
  return laws.map((l) => `${l.id} [${l.family}, inliers ${l.metrics.inlierFraction.toFixed(4)}]: ${l.summary}`).join('\n  ');
}

/** Largest principal angle between two spans (Infinity if their dimensions differ). */
export function spanDistance(a: number[][], b: number[][]): number {
  if (a.length !== b.length) return Infinity;
  const angles = principalAngles(a, b);
  return angles[angles.length - 1];
}

/** Length of the projection of a unit vector onto the law's subspace (1: the direction lies in it). */
export function projectionLength(basis: number[][], direction: number[]): number {
  return Math.hypot(...basis.map((row) => row.reduce((s, w, j) => s + w * direction[j], 0)));
}

/** Whether every basis row of `inner` lies in the span of `outer` (within `tol` in length). */
export function spanWithin(inner: number[][], outer: number[][], tol = 1e-2): boolean {
  return inner.every((row) => projectionLength(outer, row) > 1 - tol);
}

/**
 * Every statement of conservation in a result: invariant laws, invariants folded into a map law as
 * "conserves I = …" notes, "radius conserved" / "norm conserved" facts, and invariant alternatives.
 */
export function conservationClaims(laws: Law[]): string[] {
  const claims: string[] = [];
  for (const law of laws) {
    if (law.role === 'invariant') claims.push(`${law.id}: ${law.summary}`);
    for (const note of law.notes) if (/conserv/i.test(note)) claims.push(`${law.id} note: ${note}`);
    for (const alt of law.alternatives ?? []) if (alt.role === 'invariant') claims.push(`${law.id} alternative ${alt.id}: ${alt.summary}`);
  }
  return claims;
}

/** The invariant I(u) of a law on every state of the data. */
export function invariantOnStates(law: AnyLaw, data: Dataset): number[] {
  const cl = compileLaw(asLaw(law));
  return stateRows(data).map((z) => cl.invariant(cl.project(z)));
}

/**
 * A map law's prediction of the next state for every transition, as a full-space vector Bᵀ û' (the law
 * says nothing about directions outside its subspace), together with the start's projection Bᵀ B z.
 */
export function mapPredictions(law: AnyLaw, data: Dataset): { predicted: number[][]; current: number[][] } {
  const cl = compileLaw(asLaw(law));
  const B = law.subspace.basis;
  const lift = (u: number[]) => Array.from({ length: data.dim }, (_, j) => B.reduce((s, row, a) => s + row[j] * u[a], 0));
  const predicted: number[][] = [];
  const current: number[][] = [];
  for (const s of transitionStarts(data)) {
    const u = cl.project(data.states, s * data.dim);
    predicted.push(lift(cl.predict(u)));
    current.push(lift(u));
  }
  return { predicted, current };
}

/** Root mean square of ‖a_i − b_i‖ over rows. */
export function rmsDistance(a: number[][], b: number[][]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) for (let j = 0; j < a[i].length; j++) s += (a[i][j] - b[i][j]) ** 2;
  return Math.sqrt(s / Math.max(a.length, 1));
}

/** Pearson correlation; 1 when both series are constant and equal, 0 when only one is constant. */
export function correlationOf(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  if (sxx === 0 && syy === 0) return 1;
  if (sxx === 0 || syy === 0) return 0;
  return sxy / Math.sqrt(sxx * syy);
}

/** Standard deviation of a series. */
export function spread(x: number[]): number {
  const m = x.reduce((a, b) => a + b, 0) / x.length;
  return Math.sqrt(x.reduce((a, b) => a + (b - m) ** 2, 0) / x.length);
}

/**
 * Pairs of reported laws that state the same function of z, whatever their subspaces are called:
 * two maps with the same span whose predictions agree within the larger of their tolerances, or two
 * invariants whose values over the data are affinely related (|correlation| > 0.999).
 */
export function duplicatePairs(laws: Law[], data: Dataset): string[] {
  const found: string[] = [];
  const predictions = new Map<string, number[][]>();
  const predictionsOf = (l: Law) => {
    if (!predictions.has(l.id)) predictions.set(l.id, mapPredictions(l, data).predicted);
    return predictions.get(l.id)!;
  };
  const values = new Map<string, number[]>();
  const valuesOf = (l: Law) => {
    if (!values.has(l.id)) values.set(l.id, invariantOnStates(l, data));
    return values.get(l.id)!;
  };
  for (let i = 0; i < laws.length; i++)
    for (let j = i + 1; j < laws.length; j++) {
      const a = laws[i];
      const b = laws[j];
      if (a.role !== b.role) continue;
      if (a.role === 'map') {
        if (spanDistance(a.subspace.basis, b.subspace.basis) > 1e-3) continue;
        const gap = rmsDistance(predictionsOf(a), predictionsOf(b));
        if (gap <= Math.max(a.metrics.tolerance, b.metrics.tolerance)) found.push(`${a.id} and ${b.id}: same span, predictions within ${gap.toExponential(1)}`);
      } else {
        const r = Math.abs(correlationOf(valuesOf(a), valuesOf(b)));
        if (r > 0.999) found.push(`${a.id} and ${b.id}: invariants with |correlation| ${r.toFixed(6)}`);
      }
    }
  return found;
}

/**
 * The largest one-step residual of a law on the data relative to the spread of what it predicts (maps:
 * the RMS of its subspace coordinates; invariants: the standard deviation of I over the states).
 * Near 1e-15 for a law that holds exactly on noise-free data.
 */
export function worstRelativeResidual(law: AnyLaw, data: Dataset): number {
  const cl = compileLaw(asLaw(law));
  const U = cl.projectAll(data.states, data.dim);
  const starts = Uint32Array.from(transitionStarts(data));
  const residuals = cl.residualsAll(U, starts);
  const worst = residuals.reduce((m, r) => Math.max(m, r), 0);
  let scale: number;
  if (law.role === 'map') {
    let s = 0;
    for (let i = 0; i < U.length; i++) s += U[i] * U[i];
    scale = Math.sqrt(s / (U.length / cl.k));
  } else scale = spread(invariantOnStates(law, data));
  return scale > 0 ? worst / scale : worst === 0 ? 0 : Infinity;
}

/**
 * Whether a reported law states a planted truth or an exact part of it: a map on the truth's span (or
 * on a subspace of it) whose predictions agree with the truth's, projected on the law's span, within
 * `relTol` of their size; or an invariant affinely related to the truth's (|correlation| > 1 − relTol).
 */
export function statesTruth(law: AnyLaw, truth: SystemTruth, data: Dataset, relTol: number): boolean {
  if (law.role === 'map') {
    if (!truth.map || !spanWithin(law.subspace.basis, truth.basis, 1e-9)) return false;
    const { predicted } = mapPredictions(law, data);
    const rows = stateRows(data);
    const B = truth.basis;
    const L = law.subspace.basis;
    const expected = transitionStarts(data).map((s) => {
      const u = truth.map!(B.map((b) => b.reduce((acc, w, j) => acc + w * rows[s][j], 0)));
      const z = Array.from({ length: data.dim }, (_, j) => B.reduce((acc, row, a) => acc + row[j] * u[a], 0));
      const v = L.map((row) => row.reduce((acc, w, j) => acc + w * z[j], 0));
      return Array.from({ length: data.dim }, (_, j) => L.reduce((acc, row, a) => acc + row[j] * v[a], 0));
    });
    const size = rmsDistance(expected, expected.map((r) => r.map(() => 0)));
    return rmsDistance(predicted, expected) <= relTol * size;
  }
  if (!truth.invariant) return false;
  const B = truth.basis;
  const trueValues = stateRows(data).map((z) => truth.invariant!(B.map((b) => b.reduce((acc, w, j) => acc + w * z[j], 0))));
  return Math.abs(correlationOf(invariantOnStates(law, data), trueValues)) > 1 - relTol;
}
