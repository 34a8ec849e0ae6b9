// Laws through measurement noise: the damped oscillator z' = 0.980199·R(0.2)·z in a random plane
// among d−2 white-noise dimensions, every reading with Gaussian measurement noise of 20% of the
// clean signal's standard deviation; about N transitions in trajectories of 100 states.
import { mulberry32, randomOrthogonal } from 'latent-laws';
import { gaussianOf, trajectoryLayout } from './trajectory-layout.mjs';

export const NOISY_TRUTH = { rho: 0.980199, theta: 0.2, share: 0.2 };

export function plantedNoisy(N, d, seed) {
  const { T, K, states, offsets } = trajectoryLayout(N, d);
  const rand = mulberry32(seed);
  const gauss = gaussianOf(rand);
  const Q = randomOrthogonal(d, rand);
  const { rho, theta, share } = NOISY_TRUTH;
  const [c, s] = [rho * Math.cos(theta), rho * Math.sin(theta)];
  // The clean plane first: the noise is a share of its standard deviation.
  const plane = new Float64Array(K * T * 2);
  for (let k = 0; k < K; k++) {
    let [a, b] = [2 * gauss(), 2 * gauss()];
    for (let t = 0; t < T; t++) {
      plane[2 * (k * T + t)] = a;
      plane[2 * (k * T + t) + 1] = b;
      [a, b] = [c * a - s * b, s * a + c * b];
    }
  }
  let sum = 0, sumSq = 0;
  for (const v of plane) { sum += v; sumSq += v * v; }
  const sigma = share * Math.sqrt(sumSq / plane.length - (sum / plane.length) ** 2);
  const x = new Float64Array(d);
  for (let i = 0; i < K * T; i++) {
    x[0] = plane[2 * i];
    x[1] = plane[2 * i + 1];
    for (let j = 2; j < d; j++) x[j] = gauss();
    for (let j = 0; j < d; j++) {
      let z = 0;
      for (let m = 0; m < d; m++) z += Q[m][j] * x[m];
      states[i * d + j] = z + sigma * gauss();
    }
  }
  return { dim: d, states, offsets, source: `noisy(N=${N},d=${d},seed=${seed})` };
}
