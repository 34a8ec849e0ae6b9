// The benchmarks' data set: a rotation by π/7 in a random plane among d−2 noise dimensions, noise
// 1e-3, 1% outlier jumps; about N transitions in trajectories of 100 states, generated directly into
// one shared Float64Array, as loadDataset returns data.
import { mulberry32, randomOrthogonal } from 'latent-laws';
import { gaussianOf, trajectoryLayout } from './trajectory-layout.mjs';

export function plantedRotation(N, d, seed) {
  const { T, K, states, offsets } = trajectoryLayout(N, d);
  const rand = mulberry32(seed);
  const gauss = gaussianOf(rand);
  const Q = randomOrthogonal(d, rand);
  // Column j of Q as row j of a flat array: the sums below read it in order (same sums, same order).
  const Qt = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) Qt[j * d + i] = Q[i][j];
  const x = new Float64Array(d);
  const c = Math.cos(Math.PI / 7), s = Math.sin(Math.PI / 7);
  for (let k = 0; k < K; k++) {
    let a = gauss(), b = gauss();
    for (let t = 0; t < T; t++) {
      x[0] = a; x[1] = b;
      for (let i = 2; i < d; i++) x[i] = gauss();
      const row = (k * T + t) * d;
      for (let j = 0; j < d; j++) {
        let z = 0;
        for (let i = 0, q = j * d; i < d; i++) z += Qt[q + i] * x[i];
        states[row + j] = z + 1e-3 * gauss();
      }
      if (rand() < 0.01) { a = gauss(); b = gauss(); } else { const a2 = c * a - s * b; b = s * a + c * b; a = a2; }
    }
  }
  return { dim: d, states, offsets, source: `bench(N=${N},d=${d},seed=${seed})` };
}
