// A data set with no law at all: every direction decays slowly (rates 0.9–0.999) and takes a random
// kick each step larger than its decay, in a random basis; about N transitions in trajectories of 100
// states. Nothing is conserved and no map predicts the next state near-perfectly, so a search that
// states no false laws reports none.
import { mulberry32, randomOrthogonal } from 'latent-laws';
import { gaussianOf, trajectoryLayout } from './trajectory-layout.mjs';

export function plantedDecay(N, d, seed) {
  const { T, K, states, offsets } = trajectoryLayout(N, d);
  const rand = mulberry32(seed);
  const gauss = gaussianOf(rand);
  const Q = randomOrthogonal(d, rand);
  const rates = Array.from({ length: d }, () => 0.9 + 0.099 * rand());
  const x = new Float64Array(d);
  for (let k = 0; k < K; k++) {
    for (let i = 0; i < d; i++) x[i] = gauss();
    for (let t = 0; t < T; t++) {
      const row = (k * T + t) * d;
      for (let j = 0; j < d; j++) {
        let z = 0;
        for (let i = 0; i < d; i++) z += Q[i][j] * x[i];
        states[row + j] = z;
      }
      for (let i = 0; i < d; i++) x[i] = rates[i] * x[i] + 0.05 * gauss();
    }
  }
  return { dim: d, states, offsets, source: `decay(N=${N},d=${d},seed=${seed})` };
}
