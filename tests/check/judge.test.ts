/**
 * Judging segments: rollout bounds that grow with the map's stretch, invariants judged along whole
 * segments, NaN as a failure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeSegment } from '../../src/check/judge.ts';
import { compileLaw } from '../../src/laws/compile.ts';
import { planeLaw } from '../laws/fixtures.ts';

test('a linear map rollout is allowed the error its own one-step residuals imply', () => {
  const c = compileLaw(planeLaw('map', ['u1', 'u2'], [[2, 0], [0, 0.5]], 1e-3));
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

test('an invariant must hold along the whole segment, without growth', () => {
  const c = compileLaw(planeLaw('invariant', ['u1^2', 'u2^2'], [[1, 1]], 1e-3));
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
  const c = compileLaw(planeLaw('map', ['log(u1)', 'u2'], [[1, 0], [0, 1]]));
  const v = judgeSegment(c, [[-1, 0], [0, 0]], { slack: 2 });
  assert.equal(v.ok, false);
  assert.equal(v.ratio, Infinity);
});
