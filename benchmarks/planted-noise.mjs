// White noise and nothing else: about N transitions (trajectories of 100 states) of independent
// standard normal coordinates. Nothing is a law, so a search reports none; the d = 256, 400-transition
// case is the search's hardest shape (few transitions, many dimensions).
import { mulberry32 } from 'latent-laws';
import { gaussianOf, trajectoryLayout } from './trajectory-layout.mjs';

export function plantedNoise(N, d, seed) {
  const { states, offsets } = trajectoryLayout(N, d);
  const gauss = gaussianOf(mulberry32(seed));
  for (let i = 0; i < states.length; i++) states[i] = gauss();
  return { dim: d, states, offsets, source: `noise(N=${N},d=${d},seed=${seed})` };
}
