/**
 * Planted linear laws read through measurement noise: the clean state follows u' = A u + b (+ process
 * noise) in a random k-plane of R^(k + noiseDims) among white-noise dimensions, and every reading adds
 * independent Gaussian noise. Shared by the noise-model unit tests and the end-to-end recovery tests.
 */
import { transitionStarts } from '../../src/engine/moments/transitions.ts';
import { mulberry32 } from '../../src/random.ts';
import { randomOrthogonal } from '../../src/planted.ts';
import type { Dataset } from '../../src/types.ts';

export interface NoisyLaw {
  A: number[][];
  b?: number[];
  /** Measurement noise σ per coordinate and process noise σ per coordinate (absolute). */
  measurement: number;
  process?: number;
  noiseDims: number;
  seed: number;
  trajectories: number;
  steps: number;
  /** Initial states uniform in [−spread, spread]^k about the fixed point (default 2). */
  spread?: number;
}

/** Rotation by θ scaled by ρ. */
export const dampedRotation = (rho: number, theta: number): number[][] => [
  [rho * Math.cos(theta), -rho * Math.sin(theta)],
  [rho * Math.sin(theta), rho * Math.cos(theta)],
];

/** The readings as a data set, the law's plane (orthonormal rows, data coordinates) and the clean states' std per coordinate. */
export function noisyReadings(p: NoisyLaw): { dataset: Dataset; plane: number[][]; signalRms: number } {
  const rand = mulberry32(p.seed);
  const g = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-300))) * Math.cos(2 * Math.PI * rand());
  const k = p.A.length;
  const d = k + p.noiseDims;
  const M = randomOrthogonal(d, rand);
  const { trajectories: K, steps: T } = p;
  const states = new Float64Array(K * T * d);
  const offsets = [0];
  let sumSq = 0;
  const sum = new Array<number>(p.A.length).fill(0);
  for (let traj = 0; traj < K; traj++) {
    let x = Array.from({ length: k }, () => (2 * rand() - 1) * (p.spread ?? 2));
    for (let t = 0; t < T; t++) {
      sumSq += x.reduce((s, v) => s + v * v, 0);
      x.forEach((v, i) => (sum[i] += v));
      const full = [...x, ...Array.from({ length: p.noiseDims }, g)];
      for (let j = 0; j < d; j++) {
        let z = 0;
        for (let i = 0; i < d; i++) z += M[i][j] * full[i];
        states[(traj * T + t) * d + j] = z + p.measurement * g();
      }
      x = p.A.map((row, i) => row.reduce((s, a, j) => s + a * x[j], 0) + (p.b?.[i] ?? 0) + (p.process ?? 0) * g());
    }
    offsets.push((traj + 1) * T);
  }
  const dataset: Dataset = { dim: d, states, offsets, source: `noisy(seed=${p.seed})` };
  return { dataset, plane: M.slice(0, k), signalRms: Math.sqrt((sumSq - sum.reduce((s, v) => s + v * v, 0) / (K * T)) / (K * T * k)) };
}

/** The data set's transitions as the engine reads them. */
export const contextOf = (dataset: Dataset) => ({ states: dataset.states, dim: dataset.dim, starts: transitionStarts(dataset.offsets) });
