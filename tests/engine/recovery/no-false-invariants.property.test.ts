/**
 * No invariant where nothing is conserved. In a slowly contracting (or slowly expanding) system, a
 * slowly varying function of a slow coordinate changes little per step and passes a one-step test,
 * but it drifts the same way along every trajectory: it is not conserved, and stating it as a law
 * misleads. Every system here conserves nothing continuous (see systems.ts), so no reported law may
 * state a conserved quantity: no invariant law, no "conserves I = …" note on a map, no invariant kept
 * as an alternative.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { FitResult } from '../../../src/types.ts';
import { fitInline } from '../helpers.ts';
import { conservationClaims, describeLaws } from './claims.ts';
import { contractingAffine, dampedRotation, decays, deepKoopman, lotkaVolterra, type System } from './systems.ts';

const rate = fc.double({ min: 0.9, max: 0.999, noNaN: true });
const noise = fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 1e-3, noNaN: true }));
const shape = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  noise,
  mix: fc.boolean(),
  trajectories: fc.integer({ min: 10, max: 30 }),
  steps: fc.integer({ min: 40, max: 120 }),
});

function assertNothingConserved(sys: System, result: FitResult): void {
  const claims = conservationClaims(result.laws);
  assert.deepEqual(claims, [], `${sys.dataset.source}: nothing is conserved, yet\n  ${claims.join('\n  ')}\nlaws:\n  ${describeLaws(result.laws)}`);
}

test('a damped rotation (ρ in [0.9, 0.999]) beside decaying directions conserves nothing', async () => {
  await fc.assert(
    fc.asyncProperty(shape, rate, fc.double({ min: 0.05, max: 3, noNaN: true }), fc.array(rate, { maxLength: 4 }), async (s, rho, theta, rates) => {
      const sys = dampedRotation({ ...s, rho, theta, decays: rates });
      assertNothingConserved(sys, await fitInline(sys.dataset));
    }),
    { numRuns: 10, seed: 101, endOnFailure: true, includeErrorInReport: true },
  );
});

test('decays with rates in [0.9, 0.999] in a random basis conserve nothing', async () => {
  await fc.assert(
    fc.asyncProperty(shape, fc.array(rate, { minLength: 1, maxLength: 6 }), async (s, rates) => {
      const sys = decays({ ...s, rates });
      assertNothingConserved(sys, await fitInline(sys.dataset));
    }),
    { numRuns: 10, seed: 102, endOnFailure: true, includeErrorInReport: true },
  );
});

test('a contracting affine map conserves nothing', async () => {
  await fc.assert(
    fc.asyncProperty(shape, fc.integer({ min: 2, max: 5 }), fc.double({ min: 0.9, max: 0.995, noNaN: true }), async (s, dim, contraction) => {
      const sys = contractingAffine({ ...s, dim, s: contraction });
      assertNothingConserved(sys, await fitInline(sys.dataset));
    }),
    { numRuns: 10, seed: 103, endOnFailure: true, includeErrorInReport: true },
  );
});

test('the DeepKoopman map x1\' = 0.999·x1, x2\' = 0.98·x2 + 0.02·x1² conserves nothing', async () => {
  await fc.assert(
    fc.asyncProperty(shape, async (s) => {
      const sys = deepKoopman(s);
      assertNothingConserved(sys, await fitInline(sys.dataset));
    }),
    { numRuns: 8, seed: 104, endOnFailure: true, includeErrorInReport: true },
  );
});

test('the Euler Lotka–Volterra map x\' = 1.01x − 0.005xy, y\' = 0.99y + 0.002xy conserves nothing', async () => {
  // Its orbits spiral slowly outward (V rises at every step, checked in systems.test.ts): the
  // continuous-time invariant is only nearly conserved, and the map conserves nothing.
  await fc.assert(
    fc.asyncProperty(shape, async (s) => {
      const sys = lotkaVolterra(s);
      assertNothingConserved(sys, await fitInline(sys.dataset));
    }),
    { numRuns: 8, seed: 105, endOnFailure: true, includeErrorInReport: true },
  );
});
