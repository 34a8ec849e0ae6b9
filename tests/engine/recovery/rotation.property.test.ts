/**
 * The central promise: a rotation hidden in a random 2-plane among noise dimensions, with measurement
 * noise and outlier transitions, is found with the right plane and angle, and exactly π/k when it is.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { plantLaw } from '../../../src/planted.ts';
import { fitInline } from '../helpers.ts';
import { planeError } from './compare.ts';

const rotationCase = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  noiseDims: fc.integer({ min: 0, max: 6 }),
  exactK: fc.option(fc.integer({ min: 3, max: 12 }), { nil: undefined }),
  freeAngle: fc.double({ min: 0.15, max: 2.9, noNaN: true }),
  noise: fc.double({ min: 0, max: 1e-3, noNaN: true }),
  outliers: fc.double({ min: 0, max: 0.05, noNaN: true }),
});

test('a planted rotation is recovered: plane within 1e-2 rad, angle within 1e-3 rad, exact π/k', async () => {
  await fc.assert(
    fc.asyncProperty(rotationCase, async (c) => {
      const angle = c.exactK ? Math.PI / c.exactK : c.freeAngle;
      const { dataset, truth } = plantLaw({ kind: 'rotation', seed: c.seed, noiseDims: c.noiseDims, angle, noise: c.noise, outliers: c.outliers, trajectories: 20, steps: 50 });
      const result = await fitInline(dataset);
      const law = result.laws.find((l) => l.family === 'rotation' && planeError(l, truth.basis) < 1e-2);
      assert.ok(law, `no rotation on the planted plane; found: ${result.laws.map((l) => `${l.id} (${planeError(l, truth.basis).toExponential(1)})`).join(', ')}`);
      const theta = law.parameters.find((p) => p.name === 'theta')!;
      // The found basis may have the opposite orientation, which flips the sign of the angle.
      assert.ok(Math.abs(Math.abs(theta.value) - angle) < 1e-3, `angle ${theta.value} vs ${angle}`);
      if (c.exactK) {
        assert.ok(theta.exact, `angle pi/${c.exactK} was not snapped (fitted ${theta.value})`);
        assert.ok(Math.abs(Math.abs(theta.exactValue!) - angle) < 1e-12, `snapped to ${theta.exact}, truth pi/${c.exactK}`);
      }
      // Outlier transitions are the planted ones (the law holds everywhere else).
      const planted = new Set(truth.outliers);
      const missed = law.outliers.filter((t) => !planted.has(t)).length;
      assert.ok(missed <= 0.01 * law.metrics.nTransitions, `${missed} transitions flagged that were not planted outliers`);
    }),
    { numRuns: 12, seed: 42, endOnFailure: true },
  );
});
