/**
 * Laws restated in continuous time. A law is one step of the dynamics; when the states are sampled
 * every dt time units, a map that is linear (or affine) in u is the value after dt of a linear flow
 * du/dt = L·u + g, with L = log(A)/dt. Rotations also get their angular velocity and period, damped
 * rotations their decay rate. Pure: a fit result in, the same result with these fields out.
 */
import type { ContinuousTimeForm, FitResult, Law, LawAlternative } from '../../types.js';
import { realLogarithm } from '../kernels/matrix-log.js';

const ROTATIONS = new Set(['rotation', 'damped_rotation', 'skewed_rotation', 'damped_skewed_rotation']);
const DAMPED = new Set(['damped_rotation', 'damped_skewed_rotation']);

/** The law's linear part A and offset b (u' = A·u + b), or null when a feature is not u_i or 1. */
function affineParts(law: LawAlternative): { a: number[][]; b: number[] | null } | null {
  const { variables, features, coefficients } = law.model;
  const k = variables.length;
  const a = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let b: number[] | null = null;
  for (let m = 0; m < features.length; m++) {
    const column = coefficients.map((row) => row[m]);
    if (features[m] === '1') b = column;
    else {
      const i = variables.indexOf(features[m]);
      if (i < 0) return null;
      column.forEach((v, r) => (a[r][i] = v));
    }
  }
  return { a, b };
}

/** A parameter as the law states it: its exact value when it was snapped to one. */
function parameter(law: LawAlternative, name: string): number | undefined {
  const p = law.parameters.find((q) => q.name === name);
  return p ? (p.exactValue ?? p.value) : undefined;
}

/** The rates of a rotation family: θ/dt, 2π·dt/|θ|, and for a damped one −ln(ρ)/dt. */
function rotationRates(law: LawAlternative, dt: number): Partial<ContinuousTimeForm> {
  const theta = parameter(law, 'theta');
  if (theta === undefined) return {};
  const rates: Partial<ContinuousTimeForm> = { angularVelocity: theta / dt };
  if (theta !== 0) rates.period = (2 * Math.PI * dt) / Math.abs(theta);
  const rho = parameter(law, 'rho');
  if (DAMPED.has(law.family) && rho !== undefined && rho > 0) rates.decayRate = -Math.log(rho) / dt;
  return rates;
}

/**
 * The continuous-time form of one law for time step `dt`, or undefined for invariants, maps with
 * terms other than u_i and 1, and the constant part of the data (which does not move).
 */
export function continuousTimeForm(law: LawAlternative, dt: number): ContinuousTimeForm | undefined {
  if (law.role !== 'map' || law.subspace.constant) return undefined;
  const parts = affineParts(law);
  if (!parts) return undefined;
  const { a, b } = parts;
  const k = a.length;
  // An offset is the last column of the augmented map [[A, b], [0, 1]], whose logarithm holds L and g.
  const stepMatrix = b ? [...a.map((row, i) => [...row, b[i]]), [...new Array<number>(k).fill(0), 1]] : a;
  const logarithm = realLogarithm(stepMatrix);
  const form: ContinuousTimeForm = { generator: null };
  if ('log' in logarithm) {
    form.generator = logarithm.log.slice(0, k).map((row) => row.slice(0, k).map((v) => v / dt));
    if (b) form.drift = logarithm.log.slice(0, k).map((row) => row[k] / dt);
  } else form.note = `no continuous-time generator: ${logarithm.reason}`;
  return ROTATIONS.has(law.family) ? { ...form, ...rotationRates(law, dt) } : form;
}

/** One law with its continuous-time form (and its alternatives' forms) added. */
function lawWithTimeStep<L extends LawAlternative & { alternatives?: LawAlternative[] }>(law: L, dt: number): L {
  const form = continuousTimeForm(law, dt);
  const alternatives = law.alternatives?.map((alt) => lawWithTimeStep(alt, dt));
  return { ...law, ...(form ? { continuousTime: form } : {}), ...(alternatives ? { alternatives } : {}) };
}

/**
 * A fit result restated for states sampled every `dt` time units: `dt` recorded, and every map law
 * that is linear in u (and its alternatives) given its `continuousTime` form.
 * @throws RangeError when dt is not a positive finite number
 */
export function withTimeStep(result: FitResult, dt: number): FitResult {
  if (!(Number.isFinite(dt) && dt > 0)) throw new RangeError(`dt must be a positive number, got ${String(dt)}`);
  return { dt, ...result, laws: result.laws.map((law: Law) => lawWithTimeStep(law, dt)) };
}

const short = (x: number): string => String(Number(x.toPrecision(4)));
const matrix = (m: number[][]): string => `[${m.map((row) => `[${row.map(short).join(', ')}]`).join(', ')}]`;

/**
 * The continuous-time form in words, for the text table and the HTML report: the rates of a rotation,
 * else the generator (written out up to 3 × 3), else why there is none.
 */
export function describeContinuousTime(form: ContinuousTimeForm, dt: number): string {
  if (form.angularVelocity !== undefined) {
    const parts = [`ω = ${short(form.angularVelocity)} rad per time unit`];
    if (form.period !== undefined) parts.push(`period ${short(form.period)} (${short(form.period / dt)} steps)`);
    if (form.decayRate !== undefined)
      parts.push(form.decayRate >= 0 ? `decay rate ${short(form.decayRate)} per time unit` : `growth rate ${short(-form.decayRate)} per time unit`);
    return parts.join(', ');
  }
  if (!form.generator) return form.note ?? 'no continuous-time generator';
  const k = form.generator.length;
  const flow = `du/dt = L·u${form.drift ? ' + g' : ''}`;
  if (k > 3) return `${flow} (L is ${k}×${k}: see continuousTime in the JSON)`;
  return `${flow}, L = ${matrix(form.generator)}${form.drift ? `, g = [${form.drift.map(short).join(', ')}]` : ''}`;
}
