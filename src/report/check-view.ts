/**
 * The numbers behind a checked law's charts: the check's own one-step residuals of every transition of
 * the checked data (the same compiled law and batch pass as the check's exhaustive count), the
 * transitions above the allowed residual, and the portrait of the fit report drawn with that verdict
 * plus the shrunk counterexample. Data flow one way: a check result and its data in, a view out.
 */
import { compileLaw } from '../laws/compile.js';
import type { Counterexample, LawCheck } from '../check/run.js';
import { transitionStarts } from '../engine/moments/transitions.js';
import { InputError } from '../errors.js';
import type { Dataset, Law } from '../types.js';
import { lawView, viewPoint, type LawView, type PortraitRow, type ViewLimits } from './views.js';

/** A transition above the allowed residual (or where the law is undefined: residual null). */
export interface Violation {
  /** Global transition number (trajectory by trajectory, as in a law's `outliers`). */
  transition: number;
  trajectory: number;
  /** Step of the transition's first state within its trajectory. */
  step: number;
  residual: number | null;
}

/** What the check report draws and lists for one checked law. */
export interface CheckLawView {
  check: LawCheck;
  law: Law;
  /**
   * Portrait and histogram data: residuals are the check's one-step residuals, `tolerance` is the
   * check's allowed residual (slack × tolerance), marked transitions are the violations, and the
   * counterexample's states are rows of kind `counterexample`.
   */
  view: LawView;
  /** Every transition above the allowed residual, in transition order. */
  violations: Violation[];
  /** Largest finite one-step residual on the data (0 with no transitions). */
  largestResidual: number;
}

/** Trajectory and step of every transition start (offsets are sorted, so one pass suffices). */
function locate(offsets: number[], starts: Uint32Array): { trajectory: Uint32Array; step: Uint32Array } {
  const trajectory = new Uint32Array(starts.length);
  const step = new Uint32Array(starts.length);
  let k = 0;
  starts.forEach((s, t) => {
    while (offsets[k + 1] <= s) k++;
    trajectory[t] = k;
    step[t] = s - offsets[k];
  });
  return { trajectory, step };
}

/** Where a held-out counterexample sits in the data (null for cases from regions or generators). */
function caseLocation(x: Counterexample): { trajectory: number; step: number } | null {
  const c = x.case as { trajectory?: unknown; step?: unknown } | null;
  return c && typeof c === 'object' && Number.isInteger(c.trajectory) && Number.isInteger(c.step)
    ? { trajectory: c.trajectory as number, step: c.step as number }
    : null;
}

/**
 * A held-out counterexample names its trajectory and step: its states must be the data's states there
 * (exactly, up to rounding: a `check --json` document keeps every digit). This catches data of the same
 * shape that merely happen to have as many violations.
 */
function assertCounterexampleInData(x: Counterexample, law: Law, data: Dataset, U: Float64Array, k: number): void {
  const at = caseLocation(x);
  if (!at) return;
  const first = data.offsets[at.trajectory] + at.step;
  const inside = at.trajectory + 1 < data.offsets.length && first + x.states.length <= data.offsets[at.trajectory + 1];
  const same = inside && x.states.every((u, j) => u.length === k && u.every((v, a) => Math.abs(v - U[(first + j) * k + a]) <= 1e-9 * Math.max(1, Math.abs(v))));
  if (!same)
    throw new InputError(data.source, `does not hold the counterexample of law ${law.id} at trajectory ${at.trajectory}, step ${at.step}: not the checked data`);
}

/**
 * Portrait rows of a counterexample's states u_0 … u_j, in the view's coordinates: points of the
 * segment for a plane or larger subspace, (u_i, u_{i+1}) pairs for the return map of a line.
 */
export function counterexampleRows(view: LawView, x: Counterexample): PortraitRow[] {
  const at = caseLocation(x) ?? { trajectory: -1, step: 0 };
  const rows: PortraitRow[] = [];
  if (view.projection === 'return-map') {
    for (let i = 0; i + 1 < x.states.length; i++)
      rows.push({ traj: at.trajectory, t: at.step + i + 1, x: x.states[i][0], y: x.states[i + 1][0], kind: 'counterexample' });
    return rows;
  }
  x.states.forEach((u, i) => {
    const [px, py] = viewPoint(view.directions, u);
    rows.push({ traj: at.trajectory, t: at.step + i, x: px, y: py, kind: 'counterexample' });
  });
  return rows;
}

/**
 * The view of one checked law on the data it was checked on.
 * @param check the law's outcome, from `checkLaws` (or a `check --json` document)
 * @param law the law itself (the check result carries only its id)
 * @param data the checked trajectories
 * @throws InputError when the data cannot be what the law was checked on (another dimension, another
 *   number of transitions, or another count of transitions above the allowed residual)
 */
export function checkLawView(check: LawCheck, law: Law, data: Dataset, limits: ViewLimits = {}): CheckLawView {
  const compiled = compileLaw(law);
  if (compiled.d !== data.dim) throw new InputError(data.source, `has dimension ${data.dim}, but law ${law.id} is stated in dimension ${compiled.d}`);
  const starts = transitionStarts(data.offsets);
  const U = compiled.projectAll(data.states, data.dim);
  const residuals = compiled.residualsAll(U, starts);
  const ex = check.exhaustive;
  if (ex && ex.transitions !== starts.length)
    throw new InputError(data.source, `has ${starts.length} transitions, but law ${law.id} was checked on ${ex.transitions}: not the checked data`);
  const where = locate(data.offsets, starts);
  const violations: Violation[] = [];
  let largestResidual = 0;
  residuals.forEach((r, t) => {
    if (r > largestResidual) largestResidual = r;
    // As the check counts them: a NaN (the law undefined there) is a violation too.
    if (!(r <= check.allowed)) violations.push({ transition: t, trajectory: where.trajectory[t], step: where.step[t], residual: Number.isNaN(r) ? null : r });
  });
  if (ex && ex.exceeding !== violations.length)
    throw new InputError(data.source, `has ${violations.length} transitions above the allowed residual of law ${law.id}, the check found ${ex.exceeding}: not the checked data`);
  if (check.counterexample) assertCounterexampleInData(check.counterexample, law, data, U, compiled.k);
  const view = lawView(law, data, limits, { residuals, tolerance: check.allowed, marked: new Set(violations.map((v) => v.transition)), compiled, projected: U });
  if (check.counterexample) view.rows = [...view.rows, ...counterexampleRows(view, check.counterexample)];
  return { check, law, view, violations, largestResidual };
}
