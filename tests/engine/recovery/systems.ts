/**
 * Simulated systems for the "no false laws" acceptance tests, with what is (and is not) true of each
 * by construction. Kept apart from the tests so the same data can be fitted while working on the engine.
 *
 * Conventions (as in src/planted.ts): a system evolves a state x of `dim` coordinates; the data are
 * z = Mᵀ x for an orthogonal mixing M (the identity when `mix` is false), plus Gaussian measurement
 * noise of absolute size `noise` (signals are of order 1). The law coordinates u_i = M[i] · z are then x_i
 * again, so a truth's `basis` is a set of rows of M and its `map` / `invariant` act on those u.
 *
 * Which systems conserve nothing: every orbit of a map with one attracting fixed point (damped rotation,
 * decays, contracting affine maps, the DeepKoopman map) converges to it, so a continuous function that is
 * the same before and after every step takes its value at the fixed point everywhere: it is a constant.
 * The explicit Euler map of Lotka–Volterra increases the Lotka–Volterra function V by convexity (see
 * {@link lotkaVolterraV}): its fixed point repels, every backward orbit converges to it, and the same
 * argument applies. The library terms (polynomials, sin, cos) are continuous, so no invariant law holds.
 */
import { type plantLaw, randomOrthogonal } from '../../../src/planted.ts';
import { mulberry32 } from '../../../src/random.ts';
import type { Dataset } from '../../../src/types.ts';

export type Rand = () => number;

/** Standard normal draws from a uniform stream (Box–Muller, as src/planted.ts). */
export function gaussian(rand: Rand): Rand {
  return () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-300))) * Math.cos(2 * Math.PI * rand());
}

/** What holds in a system, in the coordinates u = basis · z of its law's subspace. */
export interface SystemTruth {
  /** Orthonormal rows (data coordinates) spanning the law's subspace. */
  basis: number[][];
  /** One exact step u ↦ u' of the law, when the system has a map law there. */
  map?: (u: number[]) => number[];
  /** A conserved quantity, when there is one. */
  invariant?: (u: number[]) => number;
  /** For rotations: the angle per step. */
  angle?: number;
}

export interface System {
  name: string;
  dataset: Dataset;
  /** The laws that hold (empty when nothing holds). */
  truths: SystemTruth[];
  /** The full mixing M (rows: directions of the state coordinates x_i in data coordinates). */
  mixing: number[][];
}

/** Sizes shared by every generator. */
export interface Shape {
  seed: number;
  trajectories?: number;
  steps?: number;
  /** Absolute Gaussian measurement noise (signals are of order 1). */
  noise?: number;
  /** Mix the state coordinates by a random orthogonal matrix (false: state coordinate i is z_i). */
  mix?: boolean;
}

const identityRows = (d: number): number[][] => Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));

/**
 * Simulate trajectories of `step` from `init`, mix and add measurement noise. The initial state and the
 * steps draw from one seeded stream, the mixing from another, so `mix` does not change the trajectories.
 */
export function simulate(opts: Shape & {
  name: string;
  dim: number;
  init: (g: Rand, rand: Rand) => number[];
  step: (x: number[], g: Rand, rand: Rand) => number[];
}): { dataset: Dataset; mixing: number[][] } {
  const rand = mulberry32(opts.seed);
  const g = gaussian(rand);
  const noiseG = gaussian(mulberry32(opts.seed ^ 0x5bd1e995));
  const d = opts.dim;
  const K = opts.trajectories ?? 20;
  const T = opts.steps ?? 80;
  const noise = opts.noise ?? 0;
  const mixing = opts.mix ? randomOrthogonal(d, mulberry32(opts.seed ^ 0x27d4eb2f)) : identityRows(d);
  const states = new Float64Array(K * T * d);
  const offsets: number[] = [];
  for (let k = 0; k < K; k++) {
    offsets.push(k * T);
    let x = opts.init(g, rand);
    for (let t = 0; t < T; t++) {
      const row = (k * T + t) * d;
      for (let j = 0; j < d; j++) {
        let z = 0;
        for (let i = 0; i < d; i++) z += mixing[i][j] * x[i];
        states[row + j] = noise > 0 ? z + noise * noiseG() : z;
      }
      if (t + 1 < T) x = opts.step(x, g, rand);
    }
  }
  offsets.push(K * T);
  return { dataset: { dim: d, states, offsets, source: `${opts.name}(seed=${opts.seed})` }, mixing };
}

const rotate = (theta: number, a: number, b: number): [number, number] => [Math.cos(theta) * a - Math.sin(theta) * b, Math.sin(theta) * a + Math.cos(theta) * b];

/** A random start of the given radius range (isotropic direction). */
function startOnShell(g: Rand, rand: Rand, k: number, rMin = 0.5, rMax = 2): number[] {
  const v = Array.from({ length: k }, g);
  const n = Math.max(Math.hypot(...v), 1e-9);
  const r = rMin + (rMax - rMin) * rand();
  return v.map((x) => (x * r) / n);
}

// ---------------------------------------------------------------------------------------------
// Systems in which nothing is conserved (see the module comment).
// ---------------------------------------------------------------------------------------------

/**
 * u' = ρ R(θ) u in the plane of x0, x1, and x_i' = decays[i-2] · x_i in the other coordinates.
 * With ρ and every decay below 1 every orbit spirals or decays into the origin: nothing is conserved.
 * The laws that hold are the damped rotation on its plane and one scaling per decaying direction.
 */
export function dampedRotation(opts: Shape & { rho: number; theta: number; decays?: number[] }): System {
  const decays = opts.decays ?? [];
  const dim = 2 + decays.length;
  const { dataset, mixing } = simulate({
    ...opts,
    name: 'damped-rotation',
    dim,
    init: (g, rand) => startOnShell(g, rand, dim),
    step: (x) => [...rotate(opts.theta, opts.rho * x[0], opts.rho * x[1]), ...decays.map((a, i) => a * x[i + 2])],
  });
  const plane: SystemTruth = { basis: mixing.slice(0, 2), map: (u) => rotate(opts.theta, opts.rho * u[0], opts.rho * u[1]) };
  return { name: 'damped-rotation', dataset, mixing, truths: [plane, ...decays.map((a, i) => ({ basis: [mixing[i + 2]], map: (u: number[]) => [a * u[0]] }))] };
}

/** x_i' = rates[i] · x_i with every rate in (0, 1): every orbit decays into the origin, nothing is conserved. */
export function decays(opts: Shape & { rates: number[] }): System {
  const dim = opts.rates.length;
  const { dataset, mixing } = simulate({
    ...opts,
    name: 'decays',
    dim,
    init: (g, rand) => startOnShell(g, rand, dim),
    step: (x) => x.map((v, i) => opts.rates[i] * v),
  });
  return { name: 'decays', dataset, mixing, truths: opts.rates.map((a, i) => ({ basis: [mixing[i]], map: (u: number[]) => [a * u[0]] })) };
}

/**
 * x' = A x + b with A = s·Q + E, Q random orthogonal, s < 1 and ‖E‖_F ≤ (1 − s)/2: ‖A‖₂ ≤ (1 + s)/2 < 1,
 * so the map contracts every distance and every orbit converges to its fixed point (I − A)⁻¹ b.
 */
export function contractingAffine(opts: Shape & { dim: number; s: number }): System & { A: number[][]; b: number[] } {
  const rand = mulberry32(opts.seed ^ 0x165667b1);
  const g = gaussian(rand);
  const k = opts.dim;
  const Q = randomOrthogonal(k, rand);
  const E = Array.from({ length: k }, () => Array.from({ length: k }, g));
  const eNorm = Math.hypot(...E.flat());
  const eScale = eNorm > 0 ? (0.5 * (1 - opts.s) * rand()) / eNorm : 0;
  const A = Q.map((row, i) => row.map((v, j) => opts.s * v + eScale * E[i][j]));
  const b = Array.from({ length: k }, () => 0.5 * g());
  const apply = (x: number[]) => A.map((row, i) => row.reduce((acc, a, j) => acc + a * x[j], b[i]));
  const { dataset, mixing } = simulate({ ...opts, name: 'contracting-affine', dim: k, init: (gg, r) => startOnShell(gg, r, k, 0.5, 3), step: apply });
  return { name: 'contracting-affine', dataset, mixing, truths: [{ basis: mixing, map: apply }], A, b };
}

/**
 * The DeepKoopman example: x1' = 0.999·x1, x2' = 0.98·x2 + 0.02·x1². x1 decays, so the forcing of x2
 * decays and x2 follows it into the origin: nothing is conserved. The map itself is an exact library map.
 */
export function deepKoopman(opts: Shape): System {
  const step = (x: number[]) => [0.999 * x[0], 0.98 * x[1] + 0.02 * x[0] * x[0]];
  const { dataset, mixing } = simulate({ ...opts, name: 'deep-koopman', dim: 2, init: (g) => [g(), g()], step });
  return { name: 'deep-koopman', dataset, mixing, truths: [{ basis: mixing, map: step }] };
}

/** The Lotka–Volterra map's coefficients per step: x' = x + a·x − b·x·y, y' = y − c·y + e·x·y. */
const LV = { a: 0.01, b: 0.005, c: 0.01, e: 0.002 };

/** One explicit Euler step of Lotka–Volterra: x' = 1.01x − 0.005xy, y' = 0.99y + 0.002xy. */
export function lotkaVolterraStep(x: number[]): number[] {
  return [x[0] + LV.a * x[0] - LV.b * x[0] * x[1], x[1] - LV.c * x[1] + LV.e * x[0] * x[1]];
}

/**
 * The first integral of the continuous Lotka–Volterra flow, V = e·x − c·ln x + b·y − a·ln y. It is
 * convex and constant along the flow's vector field f (∇V · f = 0), so an Euler step z + f(z) raises it:
 * V(z + f) ≥ V(z) + ∇V · f = V(z), with equality only at the fixed point (5, 2).
 */
export function lotkaVolterraV(x: number, y: number): number {
  return LV.e * x - LV.c * Math.log(x) + LV.b * y - LV.a * Math.log(y);
}

/** Euler Lotka–Volterra from starts around its fixed point (x, y) = (5, 2): orbits spiral slowly outward. */
export function lotkaVolterra(opts: Shape): System {
  const { dataset, mixing } = simulate({ ...opts, name: 'lotka-volterra', dim: 2, init: (_g, rand) => [2 + 6 * rand(), 0.8 + 2.4 * rand()], step: lotkaVolterraStep });
  return { name: 'lotka-volterra', dataset, mixing, truths: [{ basis: mixing, map: lotkaVolterraStep }] };
}

// ---------------------------------------------------------------------------------------------
// Systems with nothing at all, or only slowness.
// ---------------------------------------------------------------------------------------------

/** Independent Gaussian states (each coordinate with its own mean and spread): no map and no invariant holds. */
export function pureNoise(opts: Shape & { dim: number }): System {
  const rand = mulberry32(opts.seed ^ 0x3c6ef372);
  const means = Array.from({ length: opts.dim }, () => 4 * rand() - 2);
  const spreads = Array.from({ length: opts.dim }, () => 0.3 + 2 * rand());
  const draw = (g: Rand) => means.map((m, i) => m + spreads[i] * g());
  const { dataset, mixing } = simulate({ ...opts, name: 'pure-noise', dim: opts.dim, init: draw, step: (_x, g) => draw(g) });
  return { name: 'pure-noise', dataset, mixing, truths: [] };
}

/**
 * Slow random motion: x_i' = ρ_i x_i + σ_i ξ with ρ_i ∈ [0.99, 1] and fresh innovations ξ every step
 * (σ_i well above the measurement noise). No map predicts the next state better than "it stays about
 * where it was", and nothing is conserved. With `theta`, x0, x1 instead rotate exactly by θ per step
 * (no innovation): that rotation is the only law.
 */
export function slowDrift(opts: Shape & { rhos: number[]; sigmas: number[]; theta?: number }): System {
  const dim = opts.rhos.length;
  const rotating = opts.theta !== undefined && dim >= 2;
  const { dataset, mixing } = simulate({
    ...opts,
    name: 'slow-drift',
    dim,
    init: (g) => Array.from({ length: dim }, g),
    step: (x, g) => {
      const next = x.map((v, i) => opts.rhos[i] * v + opts.sigmas[i] * g());
      if (rotating) [next[0], next[1]] = rotate(opts.theta!, x[0], x[1]);
      return next;
    },
  });
  const truths: SystemTruth[] = rotating ? [{ basis: mixing.slice(0, 2), map: (u) => rotate(opts.theta!, u[0], u[1]), angle: opts.theta }] : [];
  return { name: 'slow-drift', dataset, mixing, truths };
}

/**
 * Coordinates `constants` (index → value) stay at their values; every other coordinate is drawn afresh
 * every step. Noise-free, unmixed: the only laws are "z_j = value" for the constant coordinates.
 */
export function constants(opts: Shape & { dim: number; constants: Map<number, number> }): System {
  const draw = (g: Rand) => Array.from({ length: opts.dim }, (_, i) => opts.constants.get(i) ?? g());
  const { dataset, mixing } = simulate({ ...opts, mix: false, noise: 0, name: 'constants', dim: opts.dim, init: draw, step: (_x, g) => draw(g) });
  const truths = [...opts.constants].map(([i, v]) => ({ basis: [mixing[i]], map: () => [v] }));
  return { name: 'constants', dataset, mixing, truths };
}

// ---------------------------------------------------------------------------------------------
// Systems with exact laws.
// ---------------------------------------------------------------------------------------------

/** x' = rate · x in every coordinate: one scaling law on the whole space. */
export function uniformScaling(opts: Shape & { dim: number; rate: number }): System {
  const step = (x: number[]) => x.map((v) => opts.rate * v);
  const { dataset, mixing } = simulate({ ...opts, name: 'scaling', dim: opts.dim, init: (g) => Array.from({ length: opts.dim }, () => 3 * g()), step });
  return { name: 'scaling', dataset, mixing, truths: [{ basis: mixing, map: step }] };
}

/**
 * Two independent rotations in 4-D: by θ1 in the plane of x0, x1 and by θ2 in the plane of x2, x3.
 * The laws are the two rotations (each conserves its plane's radius).
 */
export function twoRotations(opts: Shape & { theta1: number; theta2: number }): System {
  const step = (x: number[]) => [...rotate(opts.theta1, x[0], x[1]), ...rotate(opts.theta2, x[2], x[3])];
  const { dataset, mixing } = simulate({ ...opts, name: 'two-rotations', dim: 4, init: (g, rand) => [...startOnShell(g, rand, 2), ...startOnShell(g, rand, 2)], step });
  return {
    name: 'two-rotations',
    dataset,
    mixing,
    truths: [
      { basis: mixing.slice(0, 2), map: (u) => rotate(opts.theta1, u[0], u[1]), angle: opts.theta1, invariant: (u) => u[0] ** 2 + u[1] ** 2 },
      { basis: mixing.slice(2, 4), map: (u) => rotate(opts.theta2, u[0], u[1]), angle: opts.theta2, invariant: (u) => u[0] ** 2 + u[1] ** 2 },
    ],
  };
}

/**
 * One leapfrog (Störmer–Verlet) step of the pendulum q'' = −sin q with step h:
 * p½ = p − (h/2) sin q, q' = q + h p½, p' = p½ − (h/2) sin q'. A composition of three shears, so it is
 * symplectic (area-preserving) and time-reversible: it conserves a modified energy h-close to
 * H = p²/2 − cos q, and H itself oscillates by O(h²) along an orbit without drifting.
 */
export function leapfrogStep(q: number, p: number, h: number): [number, number] {
  const pHalf = p - 0.5 * h * Math.sin(q);
  const qNext = q + h * pHalf;
  return [qNext, pHalf - 0.5 * h * Math.sin(qNext)];
}

export const pendulumEnergy = (q: number, p: number): number => (p * p) / 2 - Math.cos(q);

/**
 * The leapfrog pendulum in coordinates (z0, z1) = (q, p) (no mixing: library terms such as cos q need q
 * itself), noise-free, started below the separatrix (energy in [−0.9, 0.7]: libration).
 */
export function leapfrogPendulum(opts: Omit<Shape, 'mix' | 'noise'> & { h: number }): System {
  const init = (_g: Rand, rand: Rand) => {
    const energy = -0.9 + 1.6 * rand();
    const q = Math.acos(-energy) * (2 * rand() - 1);
    const p = Math.sqrt(Math.max(0, 2 * (energy + Math.cos(q)))) * (rand() < 0.5 ? -1 : 1);
    return [q, p];
  };
  const step = (x: number[]) => leapfrogStep(x[0], x[1], opts.h);
  const { dataset, mixing } = simulate({ ...opts, mix: false, noise: 0, name: 'leapfrog-pendulum', dim: 2, init, step });
  return { name: 'leapfrog-pendulum', dataset, mixing, truths: [{ basis: mixing, map: step, invariant: (u) => pendulumEnergy(u[0], u[1]) }] };
}

/**
 * A data set of src/planted.ts as a {@link System}: its linear map (when it has one) and its invariant
 * (when it has one) on the planted subspace. `mixing` holds only the law's rows.
 */
export function fromPlanted(planted: ReturnType<typeof plantLaw>): System {
  const { truth, dataset } = planted;
  const A = truth.A;
  const map = A ? (u: number[]) => A.map((row, i) => row.reduce((s, a, j) => s + a * u[j], truth.b?.[i] ?? 0)) : undefined;
  return { name: truth.kind, dataset, mixing: truth.basis, truths: [{ basis: truth.basis, map, invariant: truth.invariant, angle: truth.angle }] };
}

// ---------------------------------------------------------------------------------------------
// Transformations of data sets.
// ---------------------------------------------------------------------------------------------

/** The data set c·z + shift (every state). */
export function scaleAndShift(data: Dataset, c: number, shift: number[]): Dataset {
  const states = new Float64Array(data.states.length);
  for (let i = 0; i < states.length; i++) states[i] = c * data.states[i] + shift[i % data.dim];
  return { ...data, states, offsets: [...data.offsets], source: `${data.source}*${c}+shift` };
}

/** Every state of a data set as a row. */
export function stateRows(data: Dataset): number[][] {
  const n = data.states.length / data.dim;
  return Array.from({ length: n }, (_, s) => Array.from(data.states.subarray(s * data.dim, (s + 1) * data.dim)));
}

/** The first state of every transition (states that have a successor in their trajectory). */
export function transitionStarts(data: Dataset): number[] {
  const starts: number[] = [];
  for (let k = 0; k + 1 < data.offsets.length; k++) for (let s = data.offsets[k]; s + 1 < data.offsets[k + 1]; s++) starts.push(s);
  return starts;
}
