/**
 * A forecast by a law fitted through measurement noise starts from the clean state its first readings
 * pin down: for random damped rotations with an offset, in random planes, the estimated start is
 * closer to the clean state than the first reading (averaged over sequences, about 1/√m of its
 * error); a law without noise, or one reading, keeps the reading.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { cleanStarts } from '../../src/rollout/clean-start.ts';
import { mulberry32 } from '../../src/random.ts';
import { randomOrthogonal } from '../../src/planted.ts';
import type { Law } from '../../src/types.ts';

/** A map law u' = A u + b on the plane of the first two rows of a random basis of R^d. */
function lawOn(A: number[][], b: number[], basis: number[][]): Law {
  return {
    id: 'test', rank: 1, family: 'affine', role: 'map', subspace: { label: 'test', kind: 'eigenspace', basis, cost: 0 },
    equations: [], latex: '', summary: '', parameters: [],
    model: { role: 'map', variables: ['u1', 'u2'], features: ['u1', 'u2', '1'], coefficients: A.map((row, i) => [...row, b[i]]) },
    metrics: { rmse: 0, relativeError: 0, inlierRmse: 0, inlierRelativeError: 0, inlierFraction: 1, tolerance: 1, complexity: 0, descriptionLength: 0, nTransitions: 0 },
    outliers: [], notes: [],
  };
}

test('the clean start from four noisy readings is closer to the clean state than the first reading', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e6 }), fc.double({ min: 0.9, max: 1, noNaN: true }), fc.double({ min: 0.1, max: 2, noNaN: true }), fc.integer({ min: 2, max: 5 }), (seed, rho, theta, d) => {
      const rand = mulberry32(seed);
      const g = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-300))) * Math.cos(2 * Math.PI * rand());
      const basis = randomOrthogonal(d, rand).slice(0, 2);
      const A = [[rho * Math.cos(theta), -rho * Math.sin(theta)], [rho * Math.sin(theta), rho * Math.cos(theta)]];
      const b = [g(), g()];
      const [K, m, sigma] = [200, 4, 0.1];
      const readings = new Float64Array(K * m * d);
      const clean: number[][] = [];
      for (let s = 0; s < K; s++) {
        let u = [3 * g(), 3 * g()];
        clean.push(u);
        for (let j = 0; j < m; j++) {
          for (let c = 0; c < d; c++) readings[(s * m + j) * d + c] = basis[0][c] * u[0] + basis[1][c] * u[1] + sigma * g();
          u = A.map((row, i) => row[0] * u[0] + row[1] * u[1] + b[i]);
        }
      }
      const error = (z: Float64Array, stride: number) => {
        let sum = 0;
        for (let s = 0; s < K; s++) {
          const u = basis.map((row) => row.reduce((acc, w, c) => acc + w * z[s * stride * d + c], 0));
          sum += (u[0] - clean[s][0]) ** 2 + (u[1] - clean[s][1]) ** 2;
        }
        return Math.sqrt(sum / K);
      };
      const raw = error(readings, m);
      const estimated = error(cleanStarts(lawOn(A, b, basis), readings, K, m, d), 1);
      assert.ok(estimated < 0.75 * raw, `clean start error ${estimated} vs first reading ${raw}`);
      assert.deepEqual(cleanStarts(lawOn(A, b, basis), readings, K, 1, d).slice(0, d), readings.slice(0, d), 'one reading is kept');
    }),
    { numRuns: 30, seed: 5 },
  );
});
