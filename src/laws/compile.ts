/**
 * The one evaluator of a law as its JSON states it (`law.model` and `law.subspace.basis`), independent of
 * the engine's internal fit objects: a law that travels as JSON must be usable with nothing else. Check,
 * the encoder bridge, rollout and the reports all evaluate laws here, so they agree on every number.
 *
 * Residuals follow the engine's definitions (src/engine/passes/block-residual.ts): maps u' − W φ(u) in
 * data units, invariants Σ c_j (φ_j(u') − φ_j(u)) in the units of I as written in `law.model`, so
 * `law.metrics.tolerance` applies to their norms unchanged.
 */
import type { Law, StateArray } from '../types.js';
import { compileFeatures, type CompiledFeatures } from './features.js';

/** A law compiled to closures, ready to be evaluated on many states. */
export interface CompiledLaw {
  law: Law;
  /** Subspace dimension (number of basis rows). */
  k: number;
  /** Latent dimension (length of each basis row). */
  d: number;
  /** φ(u) and its Jacobian (shared by every law with the same model object). */
  features: CompiledFeatures;
  /** Subspace coordinates u = basis · z of a latent state z (read from `z[offset …]`). */
  project(z: ArrayLike<number>, offset?: number): number[];
  /**
   * Subspace coordinates of every state of a row-major state array (k per state). The identity basis
   * returns float64 `states` themselves: a full-space law on a large data set needs no second copy.
   */
  projectAll(states: StateArray, dim: number): Float64Array;
  /** Latent state with subspace coordinates `u` and the off-subspace part of `base` (zeros by default). */
  lift(u: readonly number[], base?: readonly number[]): number[];
  /** Map laws: the predicted next subspace state W φ(u). */
  predict(u: ArrayLike<number>): number[];
  /** {@link predict} written into `out` (one entry per coefficient row), without allocating: for long rollouts. */
  predictInto(u: ArrayLike<number>, out: Float64Array): Float64Array;
  /** Invariant laws: the conserved quantity I(u) = c · φ(u). */
  invariant(u: ArrayLike<number>): number;
  /**
   * Map laws: the spectral norm of the map's Jacobian at `u`, i.e. how much an error in u is
   * amplified by one step (exact and constant for linear and affine maps).
   */
  stretch(u: readonly number[]): number;
  /** Length of one transition's residual vector: k for maps, 1 for invariants. */
  residualDim: number;
  /**
   * Signed one-step residuals of the transitions starting at the given states of projected coordinates
   * `U` (N × k): u' − W φ(u) for maps, Σ c (φ(u') − φ(u)) for invariants; `residualDim` per transition.
   */
  residualVectors(U: Float64Array, starts: Uint32Array): Float64Array;
  /** Norms of {@link residualVectors}: the residuals `law.metrics.tolerance` applies to. */
  residualsAll(U: Float64Array, starts: Uint32Array): Float64Array;
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
 * Norms of residual vectors (see {@link CompiledLaw.residualVectors}): |r| of an invariant's scalar,
 * the Euclidean norm of a map's k-vector with its squares summed in order from 0, as the engine sums them.
 * Residuals beyond about 1e154 (data fitted at such magnitudes) have squares that overflow: their norm
 * is then taken with Math.hypot, which scales first.
 */
function residualNorms(r: Float64Array, isMap: boolean, k: number): Float64Array {
  if (!isMap) return r.map(Math.abs);
  const out = new Float64Array(r.length / k);
  for (let t = 0; t < out.length; t++) {
    let s2 = 0;
    for (let a = t * k, end = a + k; a < end; a++) s2 += r[a] * r[a];
    out[t] = s2 === Infinity ? Math.hypot(...r.subarray(t * k, t * k + k)) : Math.sqrt(s2);
  }
  return out;
}

/**
 * Compile a (validated) law: cheap once its features are compiled, which happens once per model object.
 * @throws Error if a feature does not compile (laws-file validation reports this with its JSON path first)
 */
export function compileLaw(law: Law): CompiledLaw {
  const basis = law.subspace.basis;
  const k = basis.length;
  const d = basis[0]?.length ?? 0;
  const features = compileFeatures(law.model);
  const { m } = features;
  const coefficients = law.model.coefficients;
  const rows = coefficients.length;
  const W = Float64Array.from(coefficients.flat());
  const isMap = law.model.role === 'map';
  const phi = new Float64Array(m);
  const predictInto = (u: ArrayLike<number>, out: Float64Array): Float64Array => {
    features.values(u, phi);
    for (let a = 0; a < rows; a++) {
      let acc = 0;
      for (let j = 0; j < m; j++) acc += W[a * m + j] * phi[j];
      out[a] = acc;
    }
    return out;
  };
  const predict = (u: ArrayLike<number>): number[] => Array.from(predictInto(u, new Float64Array(rows)));
  const invariant = (u: ArrayLike<number>): number => {
    features.values(u, phi);
    let acc = 0;
    for (let j = 0; j < m; j++) acc += W[j] * phi[j];
    return acc;
  };
  const project = (z: ArrayLike<number>, offset = 0) => basis.map((row) => row.reduce((s, b, j) => s + b * z[offset + j], 0));
  const lift = (u: readonly number[], base?: readonly number[]) => {
    const z = base ? [...base] : new Array<number>(d).fill(0);
    // Replace base's component in the subspace by u (the basis rows are orthonormal).
    const current = base ? project(base) : new Array<number>(k).fill(0);
    for (let a = 0; a < k; a++) for (let j = 0; j < d; j++) z[j] += (u[a] - current[a]) * basis[a][j];
    return z;
  };
  const residualDim = isMap ? k : 1;
  const residualVectors = (U: Float64Array, starts: Uint32Array) => transitionResiduals(features, W, isMap, k, U, starts);
  return {
    law, k, d, features, project, lift, predict, predictInto, invariant,
    stretch: stretchOf(law, features, predict, k),
    projectAll: (states, dim) => projectStates(basis, states, dim),
    residualDim,
    residualVectors,
    residualsAll: (U, starts) => residualNorms(residualVectors(U, starts), isMap, k),
  };
}

/** Projection of every state onto the basis rows (the identity basis returns float64 `states` themselves). */
function projectStates(basis: number[][], states: StateArray, dim: number): Float64Array {
  const k = basis.length;
  const d = basis[0]?.length ?? 0;
  if (k === d && basis.every((row, i) => row.every((v, j) => v === (i === j ? 1 : 0)))) return states instanceof Float64Array ? states : Float64Array.from(states);
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
}

/**
 * The map's stretch at u. An affine map's Jacobian is constant: read off the coefficients once, on the
 * first call. Otherwise central differences of `predict`, not the symbolic Jacobian: the growing error
 * bound of a check is computed from it, and keeping its arithmetic keeps a reported failure replayable
 * with the same seed and path (a bound moved in its last bits could flip a borderline case).
 */
function stretchOf(law: Law, features: CompiledFeatures, predict: (u: ArrayLike<number>) => number[], k: number): (u: readonly number[]) => number {
  const { variables, coefficients } = law.model;
  let constant: number | undefined;
  return (u) => {
    if (law.model.role === 'map' && features.affine) {
      constant ??= spectralNorm(coefficients.map((row) => variables.map((v) => law.model.features.reduce((s, f, j) => s + (f.trim() === v ? row[j] : 0), 0))));
      return constant;
    }
    // The step is scaled to the state so that large coordinates keep their precision.
    const J: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let i = 0; i < k; i++) {
      const h = 1e-6 * Math.max(1, Math.abs(u[i]));
      const up = predict(u.map((x, j) => (j === i ? x + h : x)));
      const down = predict(u.map((x, j) => (j === i ? x - h : x)));
      for (let a = 0; a < k; a++) J[a][i] = (up[a] - down[a]) / (2 * h);
    }
    return spectralNorm(J);
  };
}

/** Residual vectors of many transitions with preallocated buffers (see {@link CompiledLaw.residualVectors}). */
function transitionResiduals(features: CompiledFeatures, W: Float64Array, isMap: boolean, k: number, U: Float64Array, starts: Uint32Array): Float64Array {
  const m = features.m;
  const phiU = new Float64Array(m);
  const phiV = new Float64Array(m);
  const u = new Float64Array(k);
  const r = new Float64Array(starts.length * (isMap ? k : 1));
  for (let t = 0; t < starts.length; t++) {
    const a = starts[t] * k;
    for (let i = 0; i < k; i++) u[i] = U[a + i];
    features.values(u, phiU);
    if (!isMap) {
      for (let i = 0; i < k; i++) u[i] = U[a + k + i];
      features.values(u, phiV);
      let diff = 0;
      for (let j = 0; j < m; j++) diff += W[j] * (phiV[j] - phiU[j]);
      r[t] = diff;
      continue;
    }
    for (let i = 0; i < k; i++) {
      let pred = 0;
      for (let j = 0; j < m; j++) pred += W[i * m + j] * phiU[j];
      r[t * k + i] = U[a + k + i] - pred;
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
 * The one-step prediction of a map law, W φ(u) written into `out`, for iterating it (rollout and its
 * stability check).
 * @throws Error for an invariant, which predicts nothing
 */
export function mapStep(law: Law): CompiledLaw['predictInto'] {
  if (law.model.role !== 'map') throw new Error(`law ${law.id} is an invariant, not a map`);
  return compileLaw(law).predictInto;
}
