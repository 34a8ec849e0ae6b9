import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adaptTolerance, lambdaAt, resolveSchedule } from '../../src/anneal/config.ts';

test('lambda: zero during warm-up, linear ramp, then constant', () => {
  const s = resolveSchedule(40, { lambda: 2, warmupEpochs: 10, rampEpochs: 10 });
  assert.equal(resolveSchedule(40).warmupEpochs, 20);
  assert.equal(resolveSchedule(40).rampEpochs, 5);
  assert.equal(lambdaAt(s, 0), 0);
  assert.equal(lambdaAt(s, 9.99), 0);
  assert.equal(lambdaAt(s, 15), 1);
  assert.equal(lambdaAt(s, 20), 2);
  assert.equal(lambdaAt(s, 39), 2);
  assert.equal(lambdaAt(resolveSchedule(40, { lambda: 0 }), 30), 0);
});

test('tolerance tightens when the best law keeps up, relaxes when no law is near-perfect, within bounds', () => {
  const s = resolveSchedule(40);
  assert.equal(adaptTolerance(s, 0.5, 0.99, 0.9), 0.5 * s.tolDecay);
  assert.equal(adaptTolerance(s, 0.5, 0.95, 0.9), 0.5);
  assert.equal(adaptTolerance(s, 0.1, 0.5, 0.9), 0.1 / s.tolDecay);
  assert.equal(adaptTolerance(s, s.tolEnd, 1, 0.9), s.tolEnd);
  assert.equal(adaptTolerance(s, s.tolStart, 0, 0.9), s.tolStart);
  // The bridge's tolerance is a share of the step: at 1 or more "nothing moves" would pass it.
  assert.ok(s.tolStart < 1 && s.tolEnd < s.tolStart);
  // The search's is the engine's share of the spread, and does not follow the bridge's.
  assert.equal(s.searchTolerance, 0.6);
  assert.equal(resolveSchedule(40, { tolStart: 0.5 }).searchTolerance, 0.6);
});

test('the physics cap defaults to 2; no cap is stored as null and survives the JSON of run.json', () => {
  assert.equal(resolveSchedule(40).physicsCap, 2);
  assert.equal(resolveSchedule(40, { physicsCap: 0.5 }).physicsCap, 0.5);
  const none = resolveSchedule(40, { physicsCap: Infinity });
  assert.equal(none.physicsCap, null);
  // A resumed run reads its schedule back from run.json: "no cap" must not turn into the default.
  assert.equal(resolveSchedule(40, JSON.parse(JSON.stringify(none)) as typeof none).physicsCap, null);
});

test('an angle chart halves its tolerance down to 1e-4 of the step with no cap; what the caller sets still wins', () => {
  const chart = resolveSchedule(40, {}, 'angle');
  assert.deepEqual([chart.tolEnd, chart.tolDecay, chart.physicsCap], [1e-4, 0.5, null]);
  // Other encoders keep the dense defaults.
  for (const arch of ['dense', 'conv', 'delay', 'keypoint'] as const) {
    const s = resolveSchedule(40, {}, arch);
    assert.deepEqual([s.tolEnd, s.tolDecay, s.physicsCap], [0.1, 0.8, 2], arch);
  }
  const set = resolveSchedule(40, { tolEnd: 0.01, tolDecay: 0.9, physicsCap: 3 }, 'angle');
  assert.deepEqual([set.tolEnd, set.tolDecay, set.physicsCap], [0.01, 0.9, 3]);
});
