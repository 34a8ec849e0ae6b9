// A 3-D polynomial map: one explicit Euler step (h = 0.01) of the Lorenz system, degree-2 terms
// x' = x + 0.1·(y − x), y' = y + 0.01·(28x − xz − y), z' = z + 0.01·(xy − 8z/3), on the first three
// coordinates beside d − 3 coordinates of fresh N(0, 1) noise; about N transitions in trajectories of
// 100 states started on the attractor's scale. Library terms need coordinates, so no rotation.
import { mulberry32 } from 'latent-laws';
import { gaussianOf, trajectoryLayout } from './trajectory-layout.mjs';

export function plantedPolynomial(N, d, seed) {
  const { T, K, states, offsets } = trajectoryLayout(N, d);
  const rand = mulberry32(seed);
  const gauss = gaussianOf(rand);
  for (let k = 0; k < K; k++) {
    let [x, y, z] = [30 * rand() - 15, 30 * rand() - 15, 5 + 35 * rand()];
    for (let t = 0; t < T; t++) {
      const row = (k * T + t) * d;
      states[row] = x;
      states[row + 1] = y;
      states[row + 2] = z;
      for (let j = 3; j < d; j++) states[row + j] = gauss();
      [x, y, z] = [x + 0.01 * 10 * (y - x), y + 0.01 * (x * (28 - z) - y), z + 0.01 * (x * y - (8 / 3) * z)];
    }
  }
  return { dim: d, states, offsets, source: `lorenz-euler(N=${N},d=${d},seed=${seed})` };
}
