/**
 * Planted-law data sets: trajectories that obey a known law in a random subspace, hidden among noise
 * dimensions by a random orthogonal mixing, with measurement noise and outlier transitions. The demo,
 * the property tests and the benchmarks all draw from here, so "truth vs found" is always checkable.
 */
import type { Dataset } from './types.js';
import { mulberry32 } from './random.js';

export type PlantedKind = 'rotation' | 'linear' | 'affine' | 'ellipse' | 'twist' | 'pendulum';

export interface PlantOptions {
  kind: PlantedKind;
  seed: number;
  /** Pure-noise dimensions added beside the law's own (0–6 in the tests). */
  noiseDims: number;
  /** Law dimension for linear/affine (rotation, ellipse and pendulum are planar). */
  lawDim?: number;
  /** Rotation angle per step (rotation, ellipse). */
  angle?: number;
  trajectories?: number;
  steps?: number;
  /** Gaussian measurement noise as a share of the signal scale. */
  noise?: number;
  /** Share of transitions that jump to an unrelated state (a cut in the video). */
  outliers?: number;
  /** Mix law and noise dimensions by a random orthogonal matrix (false: law in coordinates 0..k-1). */
  mix?: boolean;
}

export interface PlantedTruth {
  kind: PlantedKind;
  /** Orthonormal rows spanning the law's subspace, in the data's coordinates. */
  basis: number[][];
  /** The law's map in those basis coordinates (u' = A u + b), when it is linear. */
  A?: number[][];
  b?: number[];
  angle?: number;
  /** The conserved quantity as a function of basis coordinates, when there is one. */
  invariant?: (u: number[]) => number;
  /** Transitions planted as outliers (global numbering). */
  outliers: number[];
}

function gaussian(rand: () => number): () => number {
  return () => {
    const u = Math.max(rand(), 1e-300);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
  };
}

/** A uniformly random orthogonal matrix (QR of a Gaussian matrix with sign correction). */
export function randomOrthogonal(d: number, rand: () => number): number[][] {
  const g = gaussian(rand);
  const cols: number[][] = [];
  while (cols.length < d) {
    const v = Array.from({ length: d }, g);
    for (const q of cols) {
      const dot = q.reduce((s, x, i) => s + x * v[i], 0);
      for (let i = 0; i < d; i++) v[i] -= dot * q[i];
    }
    const norm = Math.hypot(...v);
    if (norm > 1e-8) cols.push(v.map((x) => x / norm));
  }
  return cols; // rows of the returned matrix are orthonormal
}

/** Pendulum q'' = −sin q integrated by RK4 substeps: the discrete map conserves p²/2 − cos q to ~1e-12. */
function pendulumStep(q: number, p: number, dt: number, substeps = 20): [number, number] {
  const h = dt / substeps;
  for (let s = 0; s < substeps; s++) {
    const k1q = p;
    const k1p = -Math.sin(q);
    const k2q = p + 0.5 * h * k1p;
    const k2p = -Math.sin(q + 0.5 * h * k1q);
    const k3q = p + 0.5 * h * k2p;
    const k3p = -Math.sin(q + 0.5 * h * k2q);
    const k4q = p + h * k3p;
    const k4p = -Math.sin(q + h * k3q);
    q += (h / 6) * (k1q + 2 * k2q + 2 * k3q + k4q);
    p += (h / 6) * (k1p + 2 * k2p + 2 * k3p + k4p);
  }
  return [q, p];
}

/** The planted law of a kind: its map u' = A u + b where it is linear, its conserved quantity where it has one. */
function lawOf(kind: PlantedKind, k: number, angle: number, rand: () => number, g: () => number): { A?: number[][]; b?: number[]; invariant?: (u: number[]) => number } {
  if (kind === 'rotation') {
    return {
      A: [
        [Math.cos(angle), -Math.sin(angle)],
        [Math.sin(angle), Math.cos(angle)],
      ],
      invariant: (u) => u[0] * u[0] + u[1] * u[1],
    };
  }
  if (kind === 'ellipse') {
    // S R S⁻¹ with S = diag(2, 1/2): conserves (u1/2)² + (2 u2)².
    return {
      A: [
        [Math.cos(angle), -4 * Math.sin(angle)],
        [Math.sin(angle) / 4, Math.cos(angle)],
      ],
      invariant: (u) => (u[0] / 2) ** 2 + (2 * u[1]) ** 2,
    };
  }
  if (kind === 'linear' || kind === 'affine') {
    // A random orthogonal matrix scaled into [0.9, 1): trajectories neither blow up nor collapse.
    const Q = randomOrthogonal(k, rand);
    const s = 0.9 + 0.1 * rand();
    const A = Q.map((row) => row.map((v) => v * s));
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) A[i][j] += 0.05 * g();
    return { A, b: kind === 'affine' ? Array.from({ length: k }, () => 0.5 * g()) : undefined };
  }
  if (kind === 'twist') {
    // Rotation by an angle that grows with the radius: no linear map fits, but |u|² is conserved.
    return { invariant: (u) => u[0] * u[0] + u[1] * u[1] };
  }
  return { invariant: (u) => (u[1] * u[1]) / 2 - Math.cos(u[0]) };
}

/** Generate a planted-law data set and its truth. Deterministic in `seed`. */
export function plantLaw(opts: PlantOptions): { dataset: Dataset; truth: PlantedTruth } {
  const rand = mulberry32(opts.seed);
  const g = gaussian(rand);
  const k = opts.kind === 'linear' || opts.kind === 'affine' ? (opts.lawDim ?? 3) : 2;
  const d = k + opts.noiseDims;
  const K = opts.trajectories ?? 20;
  const T = opts.steps ?? 50;
  const noise = opts.noise ?? 0;
  const outlierRate = opts.outliers ?? 0;
  const angle = opts.angle ?? Math.PI / 7;
  const { A, b, invariant } = lawOf(opts.kind, k, angle, rand, g);
  const mixing = opts.mix === false ? Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0))) : randomOrthogonal(d, rand);
  // Data coordinates z = Mᵀ x, where x = [law coordinates; noise coordinates]; the law's basis is M's first k rows.
  const basis = mixing.slice(0, k);
  const freshState = (): number[] => {
    if (opts.kind === 'pendulum') {
      const energy = -0.9 + 1.6 * rand(); // below the separatrix (E < 1): libration
      const q = Math.acos(Math.max(-1, Math.min(1, -energy))) * (2 * rand() - 1);
      const p = Math.sqrt(Math.max(0, 2 * (energy + Math.cos(q)))) * (rand() < 0.5 ? -1 : 1);
      return [q, p];
    }
    const radius = 0.5 + 1.5 * rand();
    return Array.from({ length: k }, g).map((v, _, arr) => (v * radius) / Math.max(Math.hypot(...arr), 1e-9));
  };
  const step = (x: number[]): number[] => {
    if (opts.kind === 'pendulum') return pendulumStep(x[0], x[1], 0.3);
    if (opts.kind === 'twist') {
      const th = angle * (0.5 + 0.5 * (x[0] * x[0] + x[1] * x[1]));
      return [Math.cos(th) * x[0] - Math.sin(th) * x[1], Math.sin(th) * x[0] + Math.cos(th) * x[1]];
    }
    return A!.map((row, i) => row.reduce((s, a, j) => s + a * x[j], 0) + (b ? b[i] : 0));
  };
  const states = new Float64Array(K * T * d);
  const offsets: number[] = [];
  const outliers: number[] = [];
  let transition = 0;
  for (let traj = 0; traj < K; traj++) {
    offsets.push(traj * T);
    let x = freshState();
    for (let t = 0; t < T; t++) {
      const full = [...x, ...Array.from({ length: d - k }, g)];
      const row = (traj * T + t) * d;
      for (let j = 0; j < d; j++) {
        let z = 0;
        for (let i = 0; i < d; i++) z += mixing[i][j] * full[i];
        states[row + j] = z + noise * g();
      }
      if (t + 1 < T) {
        if (rand() < outlierRate) {
          x = freshState();
          outliers.push(transition);
        } else x = step(x);
        transition++;
      }
    }
  }
  offsets.push(K * T);
  const dataset: Dataset = { dim: d, states, offsets, source: `planted(${opts.kind}, seed=${opts.seed})` };
  return { dataset, truth: { kind: opts.kind, basis, A, b, angle: A && opts.kind === 'rotation' ? angle : undefined, invariant, outliers } };
}
