/**
 * Rotations in any linear frame. Latent coordinates are rarely orthonormal in the frame a rotation
 * lives in: z' = S R(θ) S⁻¹ z turns every orbit around an ellipse, and what the user needs to read is
 * θ, exactly (π/k or 2π/k when it is), and the plane. The engine reports such a map as a
 * `skewed_rotation` (or, with damping ρ < 1, `damped_skewed_rotation`) with its parameter `theta`:
 * snapped to the planted angle (up to the orientation of the basis, which flips its sign), the fitted
 * value stated as that exact value, on a plane within 1e-2 rad of the planted one. The frame S has
 * condition number 1.5–5 (visibly skewed: no orthogonal map fits) and the plane is random among 0–3
 * pure-noise coordinates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fitInline } from '../helpers.ts';
import { describeLaws } from './claims.ts';
import { planeError } from './compare.ts';
import { skewedRotation } from './systems-nonlinear.ts';

const skewedCase = fc.record({
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  /** θ = π/k or 2π/k. */
  numerator: fc.constantFrom(1, 2),
  k: fc.integer({ min: 3, max: 12 }),
  cond: fc.double({ min: 1.5, max: 5, noNaN: true }),
  alpha: fc.double({ min: 0, max: Math.PI, noNaN: true }),
  /** Damping per step (1: none). */
  rho: fc.oneof(fc.constant(1), fc.double({ min: 0.97, max: 0.995, noNaN: true })),
  noiseDims: fc.integer({ min: 0, max: 3 }),
  noise: fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 1e-4, noNaN: true })),
  trajectories: fc.integer({ min: 20, max: 40 }),
  steps: fc.integer({ min: 50, max: 100 }),
});

test('a rotation by π/k or 2π/k in a skewed frame is reported with its exact angle and its plane', async () => {
  await fc.assert(
    fc.asyncProperty(skewedCase, async (c) => {
      const theta = (c.numerator * Math.PI) / c.k;
      const sys = skewedRotation({ ...c, theta });
      const truth = sys.truths[0];
      const { laws } = await fitInline(sys.dataset);
      const family = c.rho === 1 ? 'skewed_rotation' : 'damped_skewed_rotation';
      const angle = `${c.numerator === 1 ? 'pi' : '2*pi'}/${c.k}`;
      const context = `${sys.dataset.source}: ${family} by ${angle} (cond ${c.cond.toFixed(2)}, rho ${c.rho}, noise ${c.noise}, ${c.noiseDims} noise dims)\n  laws:\n  ${describeLaws(laws)}`;
      // The family names are new: compared as strings so this compiles before the engine knows them.
      const law = laws.find((l) => (l.family as string) === family && planeError(l, truth.basis) < 1e-2);
      assert.ok(law, `no ${family} on the planted plane (plane errors: ${laws.map((l) => `${l.id} ${planeError(l, truth.basis).toExponential(1)}`).join(', ')}); ${context}`);
      const param = law.parameters.find((p) => p.name === 'theta');
      assert.ok(param, `${law.id} has no parameter theta: ${JSON.stringify(law.parameters)}`);
      assert.ok(param.exact !== undefined && param.exactValue !== undefined, `${law.id}: theta = ${param.value} not snapped (planted ${angle} = ${theta}); ${context}`);
      assert.ok(Math.abs(Math.abs(param.exactValue) - theta) < 1e-12, `${law.id}: theta snapped to ${param.exact} = ${param.exactValue}, planted ${angle}`);
      assert.ok(Math.abs(Math.abs(param.value) - theta) < 1e-9, `${law.id}: theta stated as ${param.value}, planted ${angle} = ${theta}`);
    }),
    { numRuns: 12, seed: 1408, endOnFailure: true, includeErrorInReport: true },
  );
});
