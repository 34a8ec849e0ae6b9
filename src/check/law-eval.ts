/**
 * Evaluating a reported law from what the laws JSON states about it (`law.model` and
 * `law.subspace.basis`), independently of the engine's internal fit objects: a law that travels as
 * JSON must be checkable with nothing else. Residuals follow the engine's definitions
 * (src/engine/finalize.ts): maps |u' − W φ(u)| in data units, invariants |I(u') − I(u)| in the units
 * of I as written in `law.model`, so `law.metrics.tolerance` applies to them unchanged.
 */
import { compileExpression } from '../grammar/safe-math.js';
import type { Law } from '../types.js';

/** A law compiled to closures, ready to be evaluated on many states. */
export interface CompiledLaw {
  law: Law;
  /** Subspace dimension (number of basis rows). */
  k: number;
  /** Latent dimension (length of each basis row). */
  d: number;
  /** Subspace coordinates u = basis · z of a latent state z (read from `z[offset …]`). */
  project(z: ArrayLike<number>, offset?: number): number[];
  /**
   * Subspace coordinates of every state of a row-major state array (k per state). The identity basis
   * returns `states` itself: a full-space law on a large data set needs no second copy.
   */
  projectAll(states: Float64Array, dim: number): Float64Array;
  /** One-step residuals of the transitions starting at the given states of projected coordinates `U`. */
  residualsAll(U: Float64Array, starts: Uint32Array): Float64Array;
  /** Latent state with subspace coordinates `u` and the off-subspace part of `base` (zeros by default). */
  lift(u: readonly number[], base?: readonly number[]): number[];
  /** Map laws: the predicted next subspace state W φ(u). */
  predict(u: readonly number[]): number[];
  /** Invariant laws: the conserved quantity I(u) = c · φ(u). */
  invariant(u: readonly number[]): number;
  /**
   * Map laws: the spectral norm of the map's Jacobian at `u`, i.e. how much an error in u is
   * amplified by one step (exact and constant for linear and affine maps).
   */
  stretch(u: readonly number[]): number;
}

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

function isLinearFeature(f: string, variables: string[]): boolean {
  return f === '1' || variables.includes(f);
}

/** Spectral norm of a small square matrix by power iteration on JᵀJ (deterministic start vector). */
export function spectralNorm(J: number[][]): number {
  const k = J.length;
  if (k === 0) return 0;
  let v = Array.from({ length: k }, (_, i) => 1 + 0.1 * i);
  let sigma = 0;
  for (let iter = 0; iter < 100; iter++) {
    const Jv = J.map((row) => row.reduce((s, a, j) => s + a * v[j], 0));
    const w = v.map((_, j) => J.reduce((s, row, i) => s + row[j] * Jv[i], 0));
    const norm = Math.hypot(...w);
    if (!(norm > 0)) return 0;
    v = w.map((x) => x / norm);
    // |J v| for the unit vector v: the Rayleigh quotient's error is quadratic in v's.
    const next = Math.hypot(...J.map((row) => row.reduce((s, a, j) => s + a * v[j], 0)));
    if (Math.abs(next - sigma) <= 1e-12 * next) return next;
    sigma = next;
  }
  return sigma;
}

/**
 * Compile a (validated) law. Feature expressions go through the restricted expression compiler of
 * src/grammar/safe-math.ts, so a laws file cannot smuggle code in.
 * @throws Error if a feature does not compile (laws-file validation reports this with its JSON path first)
 */
export function compileLaw(law: Law): CompiledLaw {
  const basis = law.subspace.basis;
  const k = basis.length;
  const d = basis[0].length;
  const { variables, features, coefficients } = law.model;
  const fns = features.map((f) => compileExpression(f, variables));
  const phi = (u: readonly number[]) => fns.map((fn) => fn(u));
  const predict = (u: readonly number[]) => {
    const p = phi(u);
    return coefficients.map((row) => row.reduce((s, c, j) => s + c * p[j], 0));
  };
  const invariant = (u: readonly number[]) => coefficients[0].reduce((s, c, j) => s + c * fns[j](u), 0);
  // Linear and affine maps have a constant Jacobian: read it off the coefficients once.
  let constantStretch: number | null = null;
  if (law.model.role === 'map' && features.every((f) => isLinearFeature(f, variables))) {
    const J = coefficients.map((row) => variables.map((v) => features.reduce((s, f, j) => s + (f === v ? row[j] : 0), 0)));
    constantStretch = spectralNorm(J);
  }
  const stretch = (u: readonly number[]) => {
    if (constantStretch !== null) return constantStretch;
    // Central differences, step scaled to the state so that large coordinates keep their precision.
    const J: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let i = 0; i < k; i++) {
      const h = 1e-6 * Math.max(1, Math.abs(u[i]));
      const up = predict(u.map((x, j) => (j === i ? x + h : x)));
      const down = predict(u.map((x, j) => (j === i ? x - h : x)));
      for (let a = 0; a < k; a++) J[a][i] = (up[a] - down[a]) / (2 * h);
    }
    return spectralNorm(J);
  };
  const projectAll = (states: Float64Array, dim: number) => {
    if (k === d && basis.every((row, i) => row.every((v, j) => v === (i === j ? 1 : 0)))) return states;
    const B = Float64Array.from(basis.flat());
    const n = states.length / dim;
    const U = new Float64Array(n * k);
    for (let s = 0; s < n; s++)
      for (let a = 0; a < k; a++) {
        let acc = 0;
        for (let j = 0; j < d; j++) acc += B[a * d + j] * states[s * dim + j];
        U[s * k + a] = acc;
      }
    return U;
  };
  const residualsAll = (U: Float64Array, starts: Uint32Array) => batchResiduals(law, fns, U, starts);
  const project = (z: ArrayLike<number>, offset = 0) => basis.map((row) => row.reduce((s, b, j) => s + b * z[offset + j], 0));
  const lift = (u: readonly number[], base?: readonly number[]) => {
    const z = base ? [...base] : new Array<number>(d).fill(0);
    // Replace base's component in the subspace by u (the basis rows are orthonormal).
    const current = base ? project(base) : new Array<number>(k).fill(0);
    for (let a = 0; a < k; a++) for (let j = 0; j < d; j++) z[j] += (u[a] - current[a]) * basis[a][j];
    return z;
  };
  return { law, k, d, project, projectAll, residualsAll, lift, predict, invariant, stretch };
}

/** Residuals of many transitions with preallocated buffers; u_i and 1 are read directly, not through closures. */
function batchResiduals(law: Law, fns: ((u: ArrayLike<number>) => number)[], U: Float64Array, starts: Uint32Array): Float64Array {
  const { variables, features, coefficients } = law.model;
  const k = variables.length;
  const m = features.length;
  const direct = Int32Array.from(features, (f) => (f === '1' ? -2 : variables.indexOf(f)));
  const W = Float64Array.from(coefficients.flat());
  const phiU = new Float64Array(m);
  const phiV = new Float64Array(m);
  const u = new Float64Array(k);
  const v = new Float64Array(k);
  const evalFeatures = (x: Float64Array, out: Float64Array) => {
    for (let j = 0; j < m; j++) out[j] = direct[j] === -2 ? 1 : direct[j] >= 0 ? x[direct[j]] : fns[j](x);
  };
  const r = new Float64Array(starts.length);
  for (let t = 0; t < starts.length; t++) {
    const a = starts[t] * k;
    for (let i = 0; i < k; i++) (u[i] = U[a + i]), (v[i] = U[a + k + i]);
    evalFeatures(u, phiU);
    if (law.model.role === 'invariant') {
      evalFeatures(v, phiV);
      let diff = 0;
      for (let j = 0; j < m; j++) diff += W[j] * (phiV[j] - phiU[j]);
      r[t] = Math.abs(diff);
    } else {
      let s2 = 0;
      for (let i = 0; i < k; i++) {
        let pred = 0;
        for (let j = 0; j < m; j++) pred += W[i * m + j] * phiU[j];
        const e = v[i] - pred;
        s2 += e * e;
      }
      r[t] = Math.sqrt(s2);
    }
  }
  return r;
}

/** One-step residual of a transition u → v: |v − W φ(u)| (maps) or |I(v) − I(u)| (invariants). */
export function transitionResidual(c: CompiledLaw, u: readonly number[], v: readonly number[]): number {
  if (c.law.model.role === 'invariant') return Math.abs(c.invariant(v) - c.invariant(u));
  const p = c.predict(u);
  return Math.hypot(...v.map((x, i) => x - p[i]));
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
