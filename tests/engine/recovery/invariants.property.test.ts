/**
 * Conservation laws: a conserved radius under a twist map (no linear map fits) in a random plane among
 * noise dimensions, and the nonlinear pendulum's energy p²/2 − cos q, are found up to scale and offset
 * (correlation > 0.999 with the true invariant over the data).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { plantLaw } from '../../../src/planted.ts';
import { fitInline } from '../helpers.ts';
import { correlation, invariantValues, projectStates } from './compare.ts';
import type { Law } from '../../../src/types.ts';

function bestCorrelation(laws: Law[], truth: ReturnType<typeof plantLaw>): number {
  const { dataset } = truth;
  const trueValues = projectStates(dataset, truth.truth.basis).map(truth.truth.invariant!);
  const scores = laws.filter((l) => l.role === 'invariant').map((l) => Math.abs(correlation(invariantValues(l, dataset), trueValues)));
  return Math.max(0, ...scores);
}

test('a conserved quadratic form in a random plane among noise dimensions is found', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        seed: fc.integer({ min: 1, max: 1_000_000 }),
        noiseDims: fc.integer({ min: 0, max: 6 }),
        noise: fc.double({ min: 0, max: 1e-3, noNaN: true }),
        outliers: fc.double({ min: 0, max: 0.05, noNaN: true }),
      }),
      async (c) => {
        const planted = plantLaw({ kind: 'twist', angle: 0.6, ...c, trajectories: 30, steps: 40 });
        const result = await fitInline(planted.dataset);
        const r = bestCorrelation(result.laws, planted);
        assert.ok(r > 0.999, `best correlation ${r}; laws: ${result.laws.map((l) => l.id).join(', ')}`);
      },
    ),
    { numRuns: 8, seed: 11, endOnFailure: true },
  );
});

test('the pendulum energy p²/2 − cos q is found as a library invariant with exact coefficients', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        seed: fc.integer({ min: 1, max: 1_000_000 }),
        noiseDims: fc.integer({ min: 0, max: 4 }),
        noise: fc.double({ min: 0, max: 1e-3, noNaN: true }),
        outliers: fc.double({ min: 0, max: 0.05, noNaN: true }),
      }),
      async (c) => {
        // Library terms are not rotation-invariant (cos q needs q itself), so the pendulum sits on coordinate axes.
        const planted = plantLaw({ kind: 'pendulum', mix: false, ...c, trajectories: 20, steps: 40 });
        const result = await fitInline(planted.dataset);
        assert.ok(bestCorrelation(result.laws, planted) > 0.999);
        const energy = result.laws.find((l) => l.family === 'library_invariant' && l.subspace.coordinates?.join() === '0,1');
        assert.ok(energy, `no library invariant on (z0, z1): ${result.laws.map((l) => l.id).join(', ')}`);
        const exact = Object.fromEntries(energy.parameters.map((p) => [p.name, p.exactValue]));
        // p²/2 − cos q up to scale: the ratio of the cos coefficient to the p² coefficient is exactly −2.
        const ratio = exact['c[cos(u1)]']! / exact['c[u2 ^ 2]']!;
        assert.equal(ratio, -2, `coefficients ${JSON.stringify(energy.parameters)}`);
      },
    ),
    { numRuns: 6, seed: 5, endOnFailure: true },
  );
});
