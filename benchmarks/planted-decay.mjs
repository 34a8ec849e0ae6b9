// A data set with no law at all: every direction decays slowly (rates 0.9–0.999) and takes a random
// kick each step larger than its decay, in a random basis; about N transitions in trajectories of 100
// states. Nothing is conserved and no map predicts the next state near-perfectly, so a search that
// states no false laws reports none.
import { mulberry32, randomOrthogonal } from 'latent-laws';

export function plantedDecay(N, d, seed) {
  const T = 100;
  const K = Math.ceil(N / (T - 1));
  const rand = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-300))) * Math.cos(2 * Math.PI * rand());
  const Q = randomOrthogonal(d, rand);
  const rates = Array.from({ length: d }, () => 0.9 + 0.099 * rand());
  const states = new Float64Array(new SharedArrayBuffer(K * T * d * 8));
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
  return { dim: d, states, offsets: Array.from({ length: K + 1 }, (_, k) => k * T), source: `decay(N=${N},d=${d},seed=${seed})` };
}
