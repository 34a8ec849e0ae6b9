/**
 * The bundled example: two planted laws in one 8-D latent space. A rotation by π/7 lives in a random
 * 2-plane mixed with four noise dimensions (coordinates 0–5), and a nonlinear pendulum whose energy
 * p²/2 − cos q is conserved sits in coordinates 6 and 7. Noise 1e-3, 2% outlier transitions.
 */
import { plantLaw, type PlantedTruth } from './planted.js';
import type { Dataset } from './types.js';

export interface DemoTruth {
  label: string;
  /** Orthonormal rows in the demo's 8 coordinates. */
  basis: number[][];
  truth: PlantedTruth;
}

export function demoDataset(seed: number): { dataset: Dataset; truths: DemoTruth[] } {
  const common = { seed, trajectories: 24, steps: 60, noise: 1e-3, outliers: 0.02 };
  const rot = plantLaw({ ...common, kind: 'rotation', noiseDims: 4, angle: Math.PI / 7 });
  const pend = plantLaw({ ...common, seed: seed + 1, kind: 'pendulum', noiseDims: 0, mix: false });
  const d1 = rot.dataset.dim;
  const d2 = pend.dataset.dim;
  const d = d1 + d2;
  const nStates = rot.dataset.offsets[rot.dataset.offsets.length - 1];
  const states = new Float64Array(nStates * d);
  for (let s = 0; s < nStates; s++) {
    for (let j = 0; j < d1; j++) states[s * d + j] = rot.dataset.states[s * d1 + j];
    for (let j = 0; j < d2; j++) states[s * d + d1 + j] = pend.dataset.states[s * d2 + j];
  }
  const pad = (rows: number[][], before: number) => rows.map((r) => [...new Array<number>(before).fill(0), ...r, ...new Array<number>(d - before - r.length).fill(0)]);
  return {
    dataset: { dim: d, states, offsets: rot.dataset.offsets.slice(), source: `demo(seed=${seed})` },
    truths: [
      { label: 'rotation by pi/7 in a random plane of z0..z5', basis: pad(rot.truth.basis, 0), truth: rot.truth },
      { label: 'pendulum energy p^2/2 - cos(q) in (z6, z7)', basis: pad(pend.truth.basis, d1), truth: pend.truth },
    ],
  };
}
