/**
 * Simulated systems with the laws users bring: polynomial maps in 3 and 4 dimensions whose smallest
 * coefficients are a fraction of a percent of the largest, the Hénon map, the DeepKoopman and
 * Lotka–Volterra maps, one Euler step of Lorenz, the free rigid body (two quadratic invariants), planar
 * Kepler by leapfrog (angular momentum) and rotations seen in a skewed linear frame.
 *
 * Conventions as in ./systems.ts: the law acts on k state coordinates x (the law's own), beside
 * `noiseDims` coordinates drawn afresh from N(0, 1) at every state; the data are z = Mᵀ [x; noise] plus
 * Gaussian measurement noise of absolute size `noise`. M permutes coordinates (placement
 * 'coordinates': every state coordinate is some data coordinate, as library terms such as x² need) or is
 * a random orthogonal matrix (placement 'mixed', for laws that read the same in every orthonormal basis:
 * linear maps and quadratic forms). A truth's basis is the first k rows of M, so its map and invariant
 * act on u = x.
 *
 * Every generator draws its parameters, its trajectories, the noise coordinates, the measurement noise
 * and the placement from separate seeded streams: changing the number of noise coordinates, the noise
 * or the placement leaves the trajectories of x unchanged, so a noisy data set has a noise-free twin.
 */
import { randomOrthogonal } from '../../../src/planted.ts';
import { mulberry32 } from '../../../src/random.ts';
import type { Dataset } from '../../../src/types.ts';
import { gaussian, type Rand, type System, type SystemTruth } from './systems.ts';

/** Sizes and placement shared by every generator here. */
export interface LawShape {
  seed: number;
  trajectories?: number;
  steps?: number;
  /** Absolute Gaussian measurement noise on every data coordinate. */
  noise?: number;
  /** Pure-noise coordinates beside the law's own. */
  noiseDims?: number;
  /** How state coordinates become data coordinates (default 'coordinates'). */
  placement?: 'coordinates' | 'mixed';
}

/**
 * One term of a planted polynomial map: x_eq' receives coef · monomial, the monomial being a product of
 * law coordinates given by their indices (sorted; [] is the constant 1, [i, i] is x_i²).
 */
export interface PlantedTerm {
  eq: number;
  monomial: number[];
  coef: number;
}

/** A system whose law is a polynomial map, with its terms. */
export interface PolynomialSystem extends System {
  lawDim: number;
  terms: PlantedTerm[];
}

/** Canonical name of a monomial in law coordinates: '1', 'x0', 'x0^2', 'x0*x2'. */
export function monomialKey(indices: number[]): string {
  const s = [...indices].sort((a, b) => a - b);
  if (s.length === 0) return '1';
  if (s.length === 2 && s[0] === s[1]) return `x${s[0]}^2`;
  return s.map((i) => `x${i}`).join('*');
}

/** The map x ↦ x' of a list of polynomial terms. */
export function polynomialStep(terms: PlantedTerm[], k: number): (x: number[]) => number[] {
  return (x) => {
    const out = new Array<number>(k).fill(0);
    for (const t of terms) out[t.eq] += t.coef * t.monomial.reduce((p, i) => p * x[i], 1);
    return out;
  };
}

const unitRow = (d: number, j: number) => Array.from({ length: d }, (_, i) => (i === j ? 1 : 0));

/**
 * Simulate `trajectories` orbits of a law on k coordinates, beside `noiseDims` fresh N(0, 1)
 * coordinates, placed by a permutation or a random rotation, with measurement noise.
 */
export function simulateLaw(opts: LawShape & {
  name: string;
  lawDim: number;
  init: (g: Rand, rand: Rand) => number[];
  step: (x: number[]) => number[];
}): { dataset: Dataset; mixing: number[][]; basis: number[][] } {
  const rand = mulberry32(opts.seed);
  const g = gaussian(rand);
  const noiseG = gaussian(mulberry32(opts.seed ^ 0x5bd1e995));
  const extraG = gaussian(mulberry32(opts.seed ^ 0x1b873593));
  const placeRand = mulberry32(opts.seed ^ 0x27d4eb2f);
  const k = opts.lawDim;
  const n = opts.noiseDims ?? 0;
  const d = k + n;
  const K = opts.trajectories ?? 30;
  const T = opts.steps ?? 80;
  const noise = opts.noise ?? 0;
  let mixing: number[][];
  if (opts.placement === 'mixed') mixing = randomOrthogonal(d, placeRand);
  else {
    // A random permutation (Fisher–Yates): state coordinate i is data coordinate perm[i].
    const perm = Array.from({ length: d }, (_, i) => i);
    for (let i = d - 1; i > 0; i--) {
      const j = Math.floor(placeRand() * (i + 1));
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    mixing = perm.map((j) => unitRow(d, j));
  }
  const states = new Float64Array(K * T * d);
  const offsets: number[] = [];
  for (let traj = 0; traj < K; traj++) {
    offsets.push(traj * T);
    let x = opts.init(g, rand);
    for (let t = 0; t < T; t++) {
      const full = [...x, ...Array.from({ length: n }, extraG)];
      const row = (traj * T + t) * d;
      for (let j = 0; j < d; j++) {
        let z = 0;
        for (let i = 0; i < d; i++) z += mixing[i][j] * full[i];
        states[row + j] = noise > 0 ? z + noise * noiseG() : z;
      }
      if (t + 1 < T) x = opts.step(x);
    }
  }
  offsets.push(K * T);
  const dataset: Dataset = { dim: d, states, offsets, source: `${opts.name}(seed=${opts.seed})` };
  return { dataset, mixing, basis: mixing.slice(0, k) };
}

/** Whether `step` keeps the orbit from x within |x_i| ≤ bound for `steps` steps. */
function staysWithin(step: (x: number[]) => number[], x: number[], steps: number, bound: number): boolean {
  for (let t = 0; t < steps; t++) {
    if (!x.every((v) => Number.isFinite(v) && Math.abs(v) <= bound)) return false;
    x = step(x);
  }
  return x.every((v) => Number.isFinite(v) && Math.abs(v) <= bound);
}

/** A random point of the k-ball shell rMin ≤ |x| ≤ rMax (isotropic direction). */
function startInShell(g: Rand, rand: Rand, k: number, rMin: number, rMax: number): number[] {
  const v = Array.from({ length: k }, g);
  const norm = Math.max(Math.hypot(...v), 1e-9);
  const r = rMin + (rMax - rMin) * rand();
  return v.map((x) => (x * r) / norm);
}

/** Draw starts until one keeps its orbit within `bound` for `steps` steps (the basin of a bounded attractor). */
function boundedStart(draw: () => number[], step: (x: number[]) => number[], steps: number, bound: number): number[] {
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const x = draw();
    if (staysWithin(step, x, steps, bound)) return x;
  }
  throw new Error('no bounded start found');
}

/**
 * Sample standard deviation of each column over rows; `minSingular` of the column-standardised matrix
 * divided by √rows (1 for orthogonal columns, 0 when a column is a combination of the others).
 */
export function standardisedConditioning(rows: number[][]): { spreads: number[]; minSingular: number } {
  const m = rows[0].length;
  const n = rows.length;
  const means = Array.from({ length: m }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / n);
  const spreads = means.map((mu, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j] - mu) ** 2, 0) / n));
  // Gram matrix of the standardised columns; its smallest eigenvalue is the squared smallest singular value / n.
  const G = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  for (const r of rows) {
    const s = r.map((v, j) => (spreads[j] > 0 ? (v - means[j]) / spreads[j] : 0));
    for (let a = 0; a < m; a++) for (let b = a; b < m; b++) G[a][b] += s[a] * s[b];
  }
  for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) G[a][b] = G[b][a];
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) G[a][b] /= n;
  return { spreads, minSingular: Math.sqrt(Math.max(0, smallestEigenvalue(G))) };
}

/** Smallest eigenvalue of a small symmetric matrix (cyclic Jacobi rotations). */
function smallestEigenvalue(A: number[][]): number {
  const a = A.map((r) => r.slice());
  const m = a.length;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < m; p++) for (let q = p + 1; q < m; q++) off += a[p][q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < m; p++)
      for (let q = p + 1; q < m; q++) {
        if (Math.abs(a[p][q]) < 1e-300) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < m; r++) {
          const arp = a[r][p];
          const arq = a[r][q];
          a[r][p] = c * arp - s * arq;
          a[r][q] = s * arp + c * arq;
        }
        for (let r = 0; r < m; r++) {
          const apr = a[p][r];
          const aqr = a[q][r];
          a[p][r] = c * apr - s * aqr;
          a[q][r] = s * apr + c * aqr;
        }
      }
  }
  return Math.min(...a.map((r, i) => r[i]));
}

/** Every monomial of degree 1 and 2 in k coordinates (the constant is the design's mean, removed by standardising). */
export function quadraticMonomials(k: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < k; i++) out.push([i]);
  for (let i = 0; i < k; i++) for (let j = i; j < k; j++) out.push([i, j]);
  return out;
}

/**
 * How well the data pin down a polynomial map of degree ≤ 2 on the law coordinates: the smallest
 * singular value of the standardised design of every degree-1 and degree-2 monomial over the
 * transitions' starts. Well above 0, the exact map in that library is unique.
 */
export function quadraticDesignConditioning(starts: number[][]): number {
  const k = starts[0].length;
  const monomials = quadraticMonomials(k);
  return standardisedConditioning(starts.map((x) => monomials.map((m) => m.reduce((p, i) => p * x[i], 1)))).minSingular;
}

/** Law-coordinate orbits of a step function (what a generator's data are before placement and noise). */
function probeOrbits(step: (x: number[]) => number[], starts: number[][], steps: number): number[][][] {
  return starts.map((x0) => {
    const orbit = [x0];
    for (let t = 1; t < steps; t++) orbit.push(step(orbit[t - 1]));
    return orbit;
  });
}

/** Whether the terms' coordinates form one connected piece (each equation linked to the coordinates its terms read). */
function connected(terms: PlantedTerm[], k: number): boolean {
  const parent = Array.from({ length: k }, (_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  for (const t of terms) for (const i of t.monomial) parent[find(i)] = find(t.eq);
  return new Set(Array.from({ length: k }, (_, i) => find(i))).size === 1;
}

/** Bound on |x_i| along every orbit of a random polynomial map, and the starts' shell. */
export const POLYNOMIAL_BOUND = 4;
const POLY_START = { rMin: 0.5, rMax: 1.5 };

/**
 * The terms of a random sparse polynomial map of degree ≤ 2 on k = 3 or 4 coordinates, deterministic in
 * `seed`:
 * - k to 8 terms drawn, every equation with at least one, at least one of degree 2, and the coordinates
 *   linked into one piece (no set of coordinates evolves on its own while the rest is left out, so the
 *   whole map is one law). Supports of k or k + 1 terms rarely pass the next checks (an equation
 *   without its own x_i copies another coordinate and either shrinks or repeats it), so k = 3 gives
 *   4–8 terms and k = 4 gives 6–8;
 * - coefficients: x_i in its own equation 0.9–0.995 in size (a stable linear part); the first term of an
 *   equation without x_i 0.3–0.9 (0.3–0.6 if quadratic), as Hénon's y' = b x; other linear terms and
 *   constants 0.01–0.3 and quadratic terms 0.01–0.15; then the smallest coefficient is set to 0.5–1 % of
 *   the largest;
 * - kept only if orbits from the start shell stay within ±4 for 150 steps, every coordinate keeps a
 *   spread ≥ 0.1 after the first step (every equation carries a signal well above any noise here), and
 *   the degree ≤ 2 design over the orbits is well conditioned (so the planted map is the only exact one
 *   of degree ≤ 2).
 */
export function randomPolynomialTerms(seed: number, k: number): PlantedTerm[] {
  const pr = mulberry32(seed ^ 0x68e31da4);
  const pg = gaussian(pr);
  const logUniform = (lo: number, hi: number) => Math.exp(Math.log(lo) + (Math.log(hi) - Math.log(lo)) * pr());
  const sign = () => (pr() < 0.5 ? -1 : 1);
  const pool: number[][] = [[], ...quadraticMonomials(k)];
  for (let attempt = 0; attempt < 10_000; attempt++) {
    // The number of terms first, then a support of that size (so small supports are as likely as large ones).
    const n = k + Math.floor(pr() * (9 - k));
    let terms: PlantedTerm[] = [];
    for (let tries = 0; tries < 10_000; tries++) {
      const chosen = new Map<string, PlantedTerm>();
      const add = (eq: number, monomial: number[]) => chosen.set(`${eq}:${monomialKey(monomial)}`, { eq, monomial, coef: 0 });
      for (let eq = 0; eq < k; eq++) add(eq, pr() < 0.6 ? [eq] : pool[Math.floor(pr() * pool.length)]);
      while (chosen.size < n) add(Math.floor(pr() * k), pool[Math.floor(pr() * pool.length)]);
      terms = [...chosen.values()];
      if (terms.some((t) => t.monomial.length === 2) && connected(terms, k)) break;
      terms = [];
    }
    if (terms.length === 0) continue;
    const isDiagonal = (t: PlantedTerm) => t.monomial.length === 1 && t.monomial[0] === t.eq;
    for (let eq = 0; eq < k; eq++) {
      const own = terms.filter((t) => t.eq === eq);
      // An equation without x_eq itself is driven by its first term, of order 1 (as Hénon's y' = b x).
      own.forEach((t, i) => {
        const driver = i === 0 && !own.some(isDiagonal);
        if (isDiagonal(t)) t.coef = sign() * (0.9 + 0.095 * pr());
        else if (driver) t.coef = sign() * (t.monomial.length === 2 ? 0.3 + 0.3 * pr() : 0.3 + 0.6 * pr());
        else t.coef = sign() * (t.monomial.length === 2 ? logUniform(0.01, 0.15) : logUniform(0.01, 0.3));
      });
    }
    const largest = Math.max(...terms.map((t) => Math.abs(t.coef)));
    const smallest = terms.reduce((a, b) => (Math.abs(b.coef) < Math.abs(a.coef) ? b : a));
    smallest.coef = Math.sign(smallest.coef) * (0.005 + 0.005 * pr()) * largest;
    const step = polynomialStep(terms, k);
    const starts = Array.from({ length: 30 }, () => startInShell(pg, pr, k, POLY_START.rMin, POLY_START.rMax));
    if (!starts.every((x) => staysWithin(step, x, 150, POLYNOMIAL_BOUND))) continue;
    const after = probeOrbits(step, starts, 60).flatMap((orbit) => orbit.slice(1));
    if (standardisedConditioning(after).spreads.some((s) => s < 0.1)) continue;
    if (quadraticDesignConditioning(after) < 0.02) continue;
    return terms;
  }
  throw new Error(`no bounded polynomial map for seed ${seed}`);
}

function polynomialSystem(name: string, opts: LawShape, k: number, terms: PlantedTerm[], init: (g: Rand, rand: Rand) => number[]): PolynomialSystem {
  const step = polynomialStep(terms, k);
  const { dataset, mixing, basis } = simulateLaw({ ...opts, name, lawDim: k, init, step });
  return { name, dataset, mixing, truths: [{ basis, map: step }], lawDim: k, terms };
}

/** A random sparse polynomial map (see {@link randomPolynomialTerms}) from starts 0.5 ≤ |x| ≤ 1.5. */
export function polynomialMap(opts: LawShape & { lawDim: number }): PolynomialSystem {
  const k = opts.lawDim;
  const terms = randomPolynomialTerms(opts.seed, k);
  const step = polynomialStep(terms, k);
  const steps = opts.steps ?? 80;
  const init = (g: Rand, rand: Rand) => boundedStart(() => startInShell(g, rand, k, POLY_START.rMin, POLY_START.rMax), step, steps, POLYNOMIAL_BOUND);
  return polynomialSystem(`polynomial-map-${k}d`, opts, k, terms, init);
}

/**
 * The Hénon map x' = 1 − a x² + y, y' = b x, from starts in [−1, 1] × [−b, b] whose orbits stay
 * within ±3 over the trajectory (the attractor's basin; the rest escape to infinity).
 */
export function henon(opts: LawShape & { a: number; b: number }): PolynomialSystem {
  const terms: PlantedTerm[] = [
    { eq: 0, monomial: [], coef: 1 },
    { eq: 0, monomial: [0, 0], coef: -opts.a },
    { eq: 0, monomial: [1], coef: 1 },
    { eq: 1, monomial: [0], coef: opts.b },
  ];
  const step = polynomialStep(terms, 2);
  const steps = opts.steps ?? 80;
  const init = (_g: Rand, rand: Rand) => boundedStart(() => [2 * rand() - 1, opts.b * (2 * rand() - 1)], step, steps, 3);
  return polynomialSystem('henon', opts, 2, terms, init);
}

/**
 * The DeepKoopman example with a discrete spectrum, ẋ1 = μ x1, ẋ2 = λ (x2 − x1²) with μ = −0.05,
 * λ = −1, sampled every Δt = 0.02. Its flow is exactly polynomial: x1' = e^{μΔt} x1,
 * x2' = e^{λΔt} x2 + λ/(λ − 2μ) · (e^{2μΔt} − e^{λΔt}) · x1², so the coefficients are
 * 0.9990005, 0.9801987 and 0.0197815 (the 0.0198 of the issue).
 */
export const DEEP_KOOPMAN_FLOW = (() => {
  const mu = -0.05;
  const lambda = -1;
  const dt = 0.02;
  return { a: Math.exp(mu * dt), b: Math.exp(lambda * dt), c: (lambda / (lambda - 2 * mu)) * (Math.exp(2 * mu * dt) - Math.exp(lambda * dt)) };
})();

/** The same map with its coefficients written as the decimals 0.999, 0.98, 0.0198. */
export const DEEP_KOOPMAN_DECIMAL = { a: 0.999, b: 0.98, c: 0.0198 };

/**
 * x1' = a x1, x2' = b x2 + c x1², from starts uniform in [−0.5, 0.5]² (the DeepKoopman paper's range,
 * where c x1² moves x2 by at most 0.5 % of a unit per step: the term a threshold would cut).
 */
export function deepKoopmanMap(opts: LawShape & { a: number; b: number; c: number }): PolynomialSystem {
  const terms: PlantedTerm[] = [
    { eq: 0, monomial: [0], coef: opts.a },
    { eq: 1, monomial: [1], coef: opts.b },
    { eq: 1, monomial: [0, 0], coef: opts.c },
  ];
  return polynomialSystem('deep-koopman', opts, 2, terms, (_g, rand) => [rand() - 0.5, rand() - 0.5]);
}

/**
 * One explicit Euler step of Lotka–Volterra, x' = 1.01x − 0.005xy, y' = 0.99y + 0.002xy (as
 * lotkaVolterraStep in ./systems.ts), from starts around the fixed point (5, 2).
 */
export function lotkaVolterraMap(opts: LawShape): PolynomialSystem {
  const terms: PlantedTerm[] = [
    { eq: 0, monomial: [0], coef: 1.01 },
    { eq: 0, monomial: [0, 1], coef: -0.005 },
    { eq: 1, monomial: [1], coef: 0.99 },
    { eq: 1, monomial: [0, 1], coef: 0.002 },
  ];
  return polynomialSystem('lotka-volterra', opts, 2, terms, (_g, rand) => [2 + 6 * rand(), 0.8 + 2.4 * rand()]);
}

/** Lorenz's constants. */
export const LORENZ = { sigma: 10, rho: 28, beta: 8 / 3 };

/**
 * One explicit Euler step of Lorenz with step h, exactly quadratic:
 * x' = x + hσ(y − x), y' = y + h(x(ρ − z) − y), z' = z + h(xy − βz).
 */
export function lorenzEulerTerms(h: number): PlantedTerm[] {
  const { sigma, rho, beta } = LORENZ;
  return [
    { eq: 0, monomial: [0], coef: 1 - h * sigma },
    { eq: 0, monomial: [1], coef: h * sigma },
    { eq: 1, monomial: [0], coef: h * rho },
    { eq: 1, monomial: [1], coef: 1 - h },
    { eq: 1, monomial: [0, 2], coef: -h },
    { eq: 2, monomial: [2], coef: 1 - h * beta },
    { eq: 2, monomial: [0, 1], coef: h },
  ];
}

/**
 * Euler-stepped Lorenz on its attractor: every trajectory starts from its own random point, run 5 time
 * units (5/h steps) by the same map before recording, so the data lie on the attractor (|x|, |y| < 30,
 * 0 < z < 60).
 */
export function lorenzEuler(opts: LawShape & { h: number }): PolynomialSystem {
  const terms = lorenzEulerTerms(opts.h);
  const step = polynomialStep(terms, 3);
  const burnIn = Math.ceil(5 / opts.h);
  const init = (g: Rand) => {
    let x = [5 * g(), 5 * g(), 25 + 5 * g()];
    for (let t = 0; t < burnIn; t++) x = step(x);
    return x;
  };
  return polynomialSystem('lorenz-euler', opts, 3, terms, init);
}

// ---------------------------------------------------------------------------------------------
// Systems with invariants and no polynomial map.
// ---------------------------------------------------------------------------------------------

const cross = (a: number[], b: number[]) => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

/**
 * One implicit-midpoint step of the free rigid body L̇ = L × (I⁻¹ L): L' = L + h f((L + L')/2), solved
 * by fixed-point iteration to rounding. The midpoint rule conserves every quadratic first integral Q of
 * a flow exactly: Q(L') − Q(L) = ∇Q(m) · (L' − L) at the midpoint m for a quadratic Q, and
 * L' − L = h f(m) is orthogonal to ∇Q(m). Here that is both |L|² and the energy Σ L_i² / I_i.
 */
export function rigidBodyStep(L: number[], h: number, inertia: number[]): number[] {
  const f = (m: number[]) => cross(m, m.map((v, i) => v / inertia[i]));
  const scale = Math.max(1, ...L.map(Math.abs));
  let next = L.map((v, i) => v + h * f(L)[i]);
  for (let it = 0; it < 100; it++) {
    const fm = f(L.map((v, i) => 0.5 * (v + next[i])));
    const candidate = L.map((v, i) => v + h * fm[i]);
    const change = Math.max(...candidate.map((v, i) => Math.abs(v - next[i])));
    next = candidate;
    if (change <= 2e-16 * scale) break;
  }
  return next;
}

export const RIGID_BODY_INERTIA = [1, 2, 3];
export const rigidBodyNormSquared = (L: number[]) => L[0] ** 2 + L[1] ** 2 + L[2] ** 2;
/** Twice the energy: L1² + L2²/2 + L3²/3 for the inertia (1, 2, 3). */
export const rigidBodyEnergy = (L: number[], inertia = RIGID_BODY_INERTIA) => L.reduce((s, v, i) => s + (v * v) / inertia[i], 0);

/**
 * The free rigid body with inertia (1, 2, 3), by the implicit midpoint rule with step h, from random L
 * with 0.5 ≤ |L| ≤ 2. Its two invariants |L|² and L1² + L2²/2 + L3²/3 are independent (their ratio
 * differs between orbits), and the map is not polynomial (it solves an implicit equation): the laws
 * are the two invariants and every combination of them.
 */
export function rigidBody(opts: LawShape & { h: number }): System {
  const step = (L: number[]) => rigidBodyStep(L, opts.h, RIGID_BODY_INERTIA);
  const { dataset, mixing, basis } = simulateLaw({ ...opts, name: 'rigid-body', lawDim: 3, init: (g, rand) => startInShell(g, rand, 3, 0.5, 2), step });
  const truths: SystemTruth[] = [
    { basis, invariant: rigidBodyNormSquared },
    { basis, invariant: (L) => rigidBodyEnergy(L) },
  ];
  return { name: 'rigid-body', dataset, mixing, truths };
}

/**
 * One leapfrog (kick–drift–kick) step of planar Kepler, q̈ = −q/|q|³, on the state (x, y, px, py).
 * Kicks add a multiple of q to p and the drift adds a multiple of p to q, so x·py − y·px is conserved
 * exactly (to rounding) by every step.
 */
export function keplerLeapfrogStep(s: number[], h: number): number[] {
  const [x, y, px, py] = s;
  const r3 = Math.hypot(x, y) ** 3;
  const hx = px - (0.5 * h * x) / r3;
  const hy = py - (0.5 * h * y) / r3;
  const x1 = x + h * hx;
  const y1 = y + h * hy;
  const r31 = Math.hypot(x1, y1) ** 3;
  return [x1, y1, hx - (0.5 * h * x1) / r31, hy - (0.5 * h * y1) / r31];
}

export const angularMomentum = (s: number[]) => s[0] * s[3] - s[1] * s[2];

/**
 * Leapfrog Kepler orbits from radius 0.8–1.5 with 0.8–1.2 times the circular speed, a radial component
 * up to a fifth of it, and either sense of rotation: bound orbits of eccentricity below about 0.55 that
 * never come near the centre. The law is the angular momentum x·py − y·px (a quadratic form, so any
 * orthonormal placement keeps it quadratic); the energy is conserved only approximately.
 */
export function keplerLeapfrog(opts: LawShape & { h: number }): System {
  const step = (s: number[]) => keplerLeapfrogStep(s, opts.h);
  const init = (_g: Rand, rand: Rand) => {
    const r = 0.8 + 0.7 * rand();
    const phi = 2 * Math.PI * rand();
    const v = Math.sqrt(1 / r) * (0.8 + 0.4 * rand());
    const radial = 0.2 * v * (2 * rand() - 1);
    const sense = rand() < 0.5 ? -1 : 1;
    const [ex, ey] = [Math.cos(phi), Math.sin(phi)];
    return [r * ex, r * ey, radial * ex - sense * v * ey, radial * ey + sense * v * ex];
  };
  const { dataset, mixing, basis } = simulateLaw({ ...opts, name: 'kepler-leapfrog', lawDim: 4, init, step });
  return { name: 'kepler-leapfrog', dataset, mixing, truths: [{ basis, invariant: angularMomentum }] };
}

// ---------------------------------------------------------------------------------------------
// Rotations in a skewed frame.
// ---------------------------------------------------------------------------------------------

const rot = (t: number) => [
  [Math.cos(t), -Math.sin(t)],
  [Math.sin(t), Math.cos(t)],
];
const mul2 = (a: number[][], b: number[][]) => a.map((row) => [row[0] * b[0][0] + row[1] * b[1][0], row[0] * b[0][1] + row[1] * b[1][1]]);

/**
 * u' = ρ S R(θ) S⁻¹ u in a plane, S = R(α) diag(√c, 1/√c) with condition number c, placed in a random
 * plane among noise coordinates (placement 'mixed' unless said otherwise). Orbits are ellipses of axis
 * ratio c (ρ = 1, conserving |S⁻¹u|²) or spirals along them (ρ < 1). The eigenvalues are ρ e^{±iθ}: θ
 * is the angle of the rotation in its own frame, whatever the frame.
 */
export function skewedRotation(opts: LawShape & { theta: number; cond: number; alpha: number; rho?: number }): System & { matrix: number[][]; S: number[][] } {
  const rho = opts.rho ?? 1;
  const s = Math.sqrt(opts.cond);
  const S = mul2(rot(opts.alpha), [[s, 0], [0, 1 / s]]);
  const Sinv = mul2([[1 / s, 0], [0, s]], rot(-opts.alpha));
  const matrix = mul2(mul2(S, rot(opts.theta)), Sinv).map((row) => row.map((v) => rho * v));
  const apply = (u: number[]) => matrix.map((row) => row[0] * u[0] + row[1] * u[1]);
  const init = (g: Rand, rand: Rand) => {
    const v = startInShell(g, rand, 2, 0.5, 1.5);
    return [S[0][0] * v[0] + S[0][1] * v[1], S[1][0] * v[0] + S[1][1] * v[1]];
  };
  const name = rho === 1 ? 'skewed-rotation' : 'damped-skewed-rotation';
  const { dataset, mixing, basis } = simulateLaw({ placement: 'mixed', ...opts, name, lawDim: 2, init, step: apply });
  const frameNorm = (u: number[]) => (Sinv[0][0] * u[0] + Sinv[0][1] * u[1]) ** 2 + (Sinv[1][0] * u[0] + Sinv[1][1] * u[1]) ** 2;
  const truth: SystemTruth = { basis, map: apply, angle: opts.theta, ...(rho === 1 ? { invariant: frameNorm } : {}) };
  return { name, dataset, mixing, truths: [truth], matrix, S };
}
