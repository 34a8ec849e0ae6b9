/**
 * Evaluating laws from their JSON form: residuals as the engine defines them, rollout bounds that grow
 * with the map's stretch, invariants judged along whole segments, NaN as a failure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileLaw, judgeSegment, spectralNorm, transitionResidual } from '../../src/check/law-eval.ts';
import type { Law } from '../../src/types.ts';

/** A hand-written law in the JSON shape, on the plane of coordinates 0 and 1 of a 3-D space. */
function law(role: 'map' | 'invariant', features: string[], coefficients: number[][], tolerance = 1e-3): Law {
  const basis = [
    [1, 0, 0],
    [0, 1, 0],
  ];
  return {
    id: `${role}@coords[0,1]`, rank: 1, family: role === 'map' ? 'library_map' : 'library_invariant', role,
    subspace: { label: 'coords[0,1]', kind: 'coordinates', basis, coordinates: [0, 1], cost: 0 },
    equations: [], latex: '', summary: '', parameters: [], outliers: [], notes: [],
    model: { role, variables: ['u1', 'u2'], features, coefficients },
    metrics: { rmse: 0, relativeError: 0, inlierRmse: 0, inlierRelativeError: 0, inlierFraction: 1, tolerance, complexity: 0, descriptionLength: 0, nTransitions: 0 },
  };
}

const rotation = (th: number) => law('map', ['u1', 'u2'], [[Math.cos(th), -Math.sin(th)], [Math.sin(th), Math.cos(th)]]);
const rotate = (u: number[], th: number) => [Math.cos(th) * u[0] - Math.sin(th) * u[1], Math.sin(th) * u[0] + Math.cos(th) * u[1]];
const coord = fc.double({ min: -5, max: 5, noNaN: true });

test('an exact rotation has zero residual on its own transitions, and the angle error otherwise', () => {
  fc.assert(
    fc.property(fc.double({ min: -3, max: 3, noNaN: true }), coord, coord, (th, x, y) => {
      const c = compileLaw(rotation(th));
      assert.ok(transitionResidual(c, [x, y], rotate([x, y], th)) <= 1e-12 * (1 + Math.hypot(x, y)));
      const off = transitionResidual(c, [x, y], rotate([x, y], th + 0.1));
      assert.ok(Math.abs(off - 2 * Math.sin(0.05) * Math.hypot(x, y)) <= 1e-9);
    }),
    { numRuns: 200 },
  );
});

test('project and lift are inverse on the subspace and keep the base off it', () => {
  const c = compileLaw(rotation(0.3));
  assert.deepEqual(c.project([1, 2, 3]), [1, 2]);
  assert.deepEqual(c.lift([5, 6], [1, 2, 3]), [5, 6, 3]);
  assert.deepEqual(c.lift([5, 6]), [5, 6, 0]);
});

test('spectral norm: diagonal, rotation and a shear', () => {
  assert.ok(Math.abs(spectralNorm([[3, 0], [0, -5]]) - 5) < 1e-9);
  assert.ok(Math.abs(spectralNorm([[Math.cos(1), -Math.sin(1)], [Math.sin(1), Math.cos(1)]]) - 1) < 1e-9);
  // [[1,1],[0,1]]: largest singular value is the golden ratio.
  assert.ok(Math.abs(spectralNorm([[1, 1], [0, 1]]) - (1 + Math.sqrt(5)) / 2) < 1e-9);
});

test('a linear map rollout is allowed the error its own one-step residuals imply', () => {
  const c = compileLaw(law('map', ['u1', 'u2'], [[2, 0], [0, 0.5]], 1e-3));
  assert.ok(Math.abs(c.stretch([0, 0]) - 2) < 1e-12);
  // Every step misses by exactly the tolerance along u1, where the map doubles errors: allowed.
  const us = [[1, 0]];
  for (let j = 0; j < 3; j++) us.push([2 * us[j][0] + 1e-3, 0]);
  const v = judgeSegment(c, us, { slack: 1 + 1e-9 });
  assert.ok(v.ok && Math.abs(v.ratio - 1) < 1e-6, JSON.stringify(v));
  // After 3 steps the bound is tol·(1 + 2 + 4): a rollout error just under it passes, just over fails.
  const exact = [[1, 0], [2, 0], [4, 0]];
  const under = judgeSegment(c, [...exact, [8 + 6.9e-3, 0]], { slack: 1 });
  const over = judgeSegment(c, [...exact, [8 + 7.1e-3, 0]], { slack: 1 });
  assert.ok(under.ok && !over.ok && over.step === 3 && Math.abs(over.bound - 7e-3) < 1e-12, JSON.stringify(over));
  // A stated growth of 1 is stricter: the same segment fails.
  assert.equal(judgeSegment(c, us, { slack: 1.01, growth: 1 }).ok, false);
});

test('a nonlinear map gets its stretch from the Jacobian along the rollout', () => {
  const c = compileLaw(law('map', ['u1', 'u2', 'u1^2'], [[0, 0, 1], [0, 1, 0]]));
  // u' = (u1², u2): Jacobian diag(2 u1, 1).
  assert.ok(Math.abs(c.stretch([3, 0]) - 6) < 1e-6);
  assert.ok(Math.abs(c.stretch([0.1, 0]) - 1) < 1e-6);
});

test('an invariant must hold along the whole segment, without growth', () => {
  const c = compileLaw(law('invariant', ['u1^2', 'u2^2'], [[1, 1]], 1e-3));
  const ring = (r: number, th: number) => [r * Math.cos(th), r * Math.sin(th)];
  assert.ok(judgeSegment(c, [ring(1, 0), ring(1, 1), ring(1, 2)], { slack: 1 }).ok);
  // Each step drifts by 0.8 of the tolerance: fine for one step, not for two.
  const drift = [ring(1, 0), ring(Math.sqrt(1.0008), 1), ring(Math.sqrt(1.0016), 2)];
  assert.ok(judgeSegment(c, drift.slice(0, 2), { slack: 1 }).ok);
  const v = judgeSegment(c, drift, { slack: 1 });
  assert.equal(v.ok, false);
  assert.equal(v.step, 2);
  assert.ok(Math.abs(v.residual - 1.6e-3) < 1e-9 && v.bound === 1e-3);
});

test('a law undefined at a state (NaN) fails there', () => {
  const c = compileLaw(law('map', ['log(u1)', 'u2'], [[1, 0], [0, 1]]));
  const v = judgeSegment(c, [[-1, 0], [0, 0]], { slack: 2 });
  assert.equal(v.ok, false);
  assert.equal(v.ratio, Infinity);
});

test('the batch residual pass agrees with single transitions', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 12, maxLength: 12 }), fc.boolean(), (w, invariant) => {
      const features = ['u1', 'u2', 'u1*u2', 'sin(u1)', '1', 'u2^2'];
      const c = compileLaw(invariant ? law('invariant', features, [w.slice(0, 6)]) : law('map', features, [w.slice(0, 6), w.slice(6)]));
      const states = Float64Array.from({ length: 3 * 5 }, (_, i) => Math.sin(7 * i + w[0]));
      const U = c.projectAll(states, 3);
      const starts = Uint32Array.from([0, 1, 2, 3]);
      const batch = c.residualsAll(U, starts);
      starts.forEach((s, t) => {
        const single = transitionResidual(c, Array.from(U.subarray(2 * s, 2 * s + 2)), Array.from(U.subarray(2 * s + 2, 2 * s + 4)));
        assert.ok(Math.abs(batch[t] - single) <= 1e-12 * (1 + single));
      });
    }),
    { numRuns: 100 },
  );
});
