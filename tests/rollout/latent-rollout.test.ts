/**
 * The latent trajectory of a rollout (shared by `rollout` and the report's frames): inside the law's
 * plane the state follows the law exactly; outside it holds what was asked, for any plane in any
 * rotated basis.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { latentRollout } from '../../src/rollout/latent-rollout.ts';
import { slavedManifold } from '../../src/rollout/hold.ts';
import { randomOrthogonal } from '../../src/planted.ts';
import { mulberry32 } from '../../src/random.ts';
import { rotationLaw } from '../anneal/helpers.ts';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i], 0);

test('a rotation law rotates its plane by its angle per step; the rest holds the start, the mean or the manifold', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 3, max: 6 }), fc.double({ min: 0.05, max: 3, noNaN: true }), fc.constantFrom('initial', 'mean', 'manifold'), (seed, d, angle, kind) => {
      const rand = mulberry32(seed);
      const Q = randomOrthogonal(d, rand);
      const B = [Q[0], Q[1]];
      const law = rotationLaw(angle, B);
      const K = 2, steps = 6;
      const z0 = Array.from({ length: K * d }, () => 2 * rand() - 1);
      const latentMean = Array.from({ length: d }, () => rand() - 0.5);
      // Training latents whose off-plane part is one fixed vector: the manifold hold must return it.
      const offPlane = Q[2].map((v) => 0.7 * v);
      const training = Array.from({ length: 40 }, (_, i) => {
        const a = (2 * Math.PI * i) / 40;
        return Array.from({ length: d }, (_, c) => Math.cos(a) * B[0][c] + Math.sin(a) * B[1][c] + offPlane[c]);
      }).flat();
      const hold =
        kind === 'initial' ? { kind } as const
        : kind === 'mean' ? { kind, latentMean } as const
        : { kind, manifold: slavedManifold(training, d, B) } as const;
      const Z = latentRollout(law, z0, K, d, steps, hold);
      for (let s = 0; s < K; s++) {
        const start = z0.slice(s * d, s * d + d);
        const u0 = B.map((b) => dot(b, start));
        for (let t = 0; t <= steps; t++) {
          const z = Z.subarray((s * (steps + 1) + t) * d, (s * (steps + 1) + t + 1) * d);
          const [c, sn] = [Math.cos(t * angle), Math.sin(t * angle)];
          const want = [c * u0[0] - sn * u0[1], sn * u0[0] + c * u0[1]];
          B.forEach((b, a) => assert.ok(Math.abs(dot(b, z) - want[a]) < 1e-9, `step ${t}, plane coordinate ${a}`));
          // Off the plane: the held vector's part outside the plane.
          const held = kind === 'initial' ? start : kind === 'mean' ? latentMean : offPlane;
          for (let q = 2; q < d; q++) {
            const expected = dot(Q[q], held);
            assert.ok(Math.abs(dot(Q[q], z) - expected) < 1e-6, `step ${t}, off-plane direction ${q}: ${dot(Q[q], z)} vs ${expected}`);
          }
        }
      }
    }),
    { numRuns: 60, seed: 3 },
  );
});
