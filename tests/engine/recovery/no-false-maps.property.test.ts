/**
 * No map law that only restates slowness, and none on noise. When every coordinate moves a little each
 * step by fresh, unpredictable innovations, u' = u (identity), a "rotation" by a tiny angle or an affine
 * map ≈ I all predict the next state about as well as "it stays where it was": they say the data are
 * slow, not how they move. On independent states no map holds at all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fitInline } from '../helpers.ts';
import { conservationClaims, describeLaws, spanWithin } from './claims.ts';
import { pureNoise, slowDrift } from './systems.ts';

const shape = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  noise: fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 1e-3, noNaN: true })),
  mix: fc.boolean(),
  trajectories: fc.integer({ min: 10, max: 30 }),
  steps: fc.integer({ min: 40, max: 120 }),
});

test('independent states (pure noise) give no map law and no invariant', async () => {
  await fc.assert(
    fc.asyncProperty(shape, fc.integer({ min: 1, max: 6 }), async (s, dim) => {
      const sys = pureNoise({ ...s, dim });
      const result = await fitInline(sys.dataset);
      const maps = result.laws.filter((l) => l.role === 'map');
      assert.equal(maps.length, 0, `${sys.dataset.source}: map laws on independent states:\n  ${describeLaws(maps)}`);
      assert.deepEqual(conservationClaims(result.laws), [], `${sys.dataset.source}: invariants on independent states:\n  ${describeLaws(result.laws)}`);
    }),
    { numRuns: 10, seed: 201, endOnFailure: true, includeErrorInReport: true },
  );
});

// Innovations of 0.5–3 % of the spread per step, 5 or more times the measurement noise (≤ 1e-3):
// slow, and nothing but slow.
const drift = fc.record({
  rho: fc.oneof(fc.constant(1), fc.double({ min: 0.99, max: 1, noNaN: true })),
  sigma: fc.double({ min: 0.005, max: 0.03, noNaN: true }),
});
/** Placeholder drift of the two rotating coordinates (slowDrift ignores it there). */
const drift0 = { rho: 1, sigma: 0 };

test('slowly drifting coordinates give no identity, tiny rotation or affine ≈ I; a planted rotation beside them is the only map', async () => {
  await fc.assert(
    fc.asyncProperty(
      shape,
      fc.array(drift, { minLength: 1, maxLength: 5 }),
      fc.option(fc.double({ min: 0.15, max: 2.9, noNaN: true }), { nil: undefined }),
      async (s, drifts, theta) => {
        // With a rotation, x0 and x1 rotate exactly (their drift entries are unused): two more coordinates.
        const all = theta === undefined ? drifts : [drift0, drift0, ...drifts];
        const sys = slowDrift({ ...s, rhos: all.map((c) => c.rho), sigmas: all.map((c) => c.sigma), theta });
        const result = await fitInline(sys.dataset);
        const plane = sys.truths[0]?.basis ?? [];
        // Every map law must live inside the rotation's plane: anything touching a drifting direction
        // (identity, translation by a tiny step, scaling ≈ 1, tiny rotation, affine ≈ I) restates slowness.
        const slowness = result.laws.filter((l) => l.role === 'map' && !(plane.length > 0 && spanWithin(l.subspace.basis, plane)));
        assert.equal(slowness.length, 0, `${sys.dataset.source}: maps that restate slowness:\n  ${describeLaws(slowness)}\nall laws:\n  ${describeLaws(result.laws)}`);
        assert.ok(!result.laws.some((l) => l.family === 'identity'), 'identity reported');
        // A random walk conserves nothing either (the rotation's radius is a note of the rotation law).
        const invariants = result.laws.filter((l) => l.role === 'invariant' && !(plane.length > 0 && spanWithin(l.subspace.basis, plane)));
        assert.equal(invariants.length, 0, `${sys.dataset.source}: invariants on drifting coordinates:\n  ${describeLaws(invariants)}`);
      },
    ),
    { numRuns: 12, seed: 202, endOnFailure: true, includeErrorInReport: true },
  );
});
