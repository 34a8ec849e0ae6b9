/**
 * Laws as properties: true planted laws hold on held-out data from another seed; planted violations
 * fail with the shrunk counterexample inside the violating region, from every kind of source; the
 * reported seed and path replay the same failure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { lawProperty } from '../../src/check/property.ts';
import { checkLaw, checkLaws, type LawCheck } from '../../src/check/run.ts';
import type { RegionCase, TransitionCase } from '../../src/check/sources.ts';
import { fit } from '../../src/engine/fit.ts';
import { plantLaw } from '../../src/planted.ts';
import {
  brokenRotationData, brokenRotationStep, encodedTrajectories, fittedLaws, lawOf, observation, planted, stateStep,
  trajectoriesFrom, withDrift,
} from './helpers.ts';

const radius = (u: number[]) => Math.hypot(u[0], u[1]);
const failure = (c: LawCheck) => {
  assert.equal(c.ok, false, `law ${c.id} held`);
  assert.ok(c.counterexample && c.replay.path, 'no counterexample');
  return c.counterexample;
};

test('true planted laws hold on held-out data from another seed', async () => {
  for (const kind of ['rotation', 'ellipse', 'twist', 'pendulum'] as const) {
    const result = await fittedLaws(kind);
    assert.ok(result.laws.length > 0, `${kind}: nothing fitted`);
    const report = checkLaws(result, planted(kind, 11), { runs: 300, seed: 7 });
    for (const c of report.laws) assert.ok(c.ok, `${kind}: ${c.id} failed: ${JSON.stringify(c.counterexample)}`);
    assert.ok(report.ok && report.laws.every((c) => c.worstRatio <= 1 && c.exhaustive?.exceeding === 0));
  }
});

test('random linear and affine laws hold on the held-out trajectories of the same generator', async () => {
  for (const kind of ['linear', 'affine'] as const) {
    // The law (and the mixing) are drawn from the seed: held-out data are the later trajectories.
    const all = plantLaw({ kind, seed: 5, noiseDims: 2, noise: 1e-4, trajectories: 30, steps: 30 }).dataset;
    const train = { ...all, states: all.states.slice(0, all.offsets[10] * all.dim), offsets: all.offsets.slice(0, 11) };
    const result = await fit(train, { workers: 0, seed: 1 });
    const report = checkLaws(result, trajectoriesFrom(all, 10), { runs: 200 });
    assert.ok(report.ok, JSON.stringify(report.laws.filter((c) => !c.ok)));
    // A map with complex eigenvalues is stated by its parts (an elliptic spiral on its plane), with
    // the whole map of the planted kind as an alternative.
    const stated = result.laws.flatMap((l) => [l.family, ...(l.alternatives ?? []).map((a) => a.family)]);
    assert.ok(stated.includes(kind), `${kind}: stated ${stated.join(', ')}`);
  }
});

test('a rotation that only holds inside radius 2 fails on held-out data, shrunk to a state beyond it', async () => {
  const law = lawOf(await fittedLaws('rotation'), 'rotation');
  const data = brokenRotationData(5);
  const x = failure(checkLaw(law, data, { runs: 200, seed: 3 }));
  const cs = x.case as TransitionCase;
  assert.ok(radius(x.states[0]) > 2, `counterexample at radius ${radius(x.states[0])}`);
  // Shrinking reaches the shortest segment, and the residual is the angle error, far above tolerance.
  assert.equal(cs.length, 1);
  assert.ok(x.residual! > 100 * law.metrics.tolerance);
  assert.match(x.where, new RegExp(`trajectory ${cs.trajectory}, step ${cs.step} `));
  // Inside radius 2 the same data obey the law: only the violating region fails.
  let inside = 0;
  for (let k = 0; k + 1 < data.offsets.length; k++) {
    const s = data.offsets[k];
    if (Math.hypot(data.states[s * 4], data.states[s * 4 + 1]) <= 1.99) inside++;
  }
  assert.ok(inside > 3);
});

test('states drawn in the data region, stepped by the true dynamics: the smallest violating state', async () => {
  const train = planted('rotation', 3);
  const law = lawOf(await fittedLaws('rotation'), 'rotation');
  const x = failure(checkLaw(law, { step: brokenRotationStep, dataset: train }, { runs: 300, seed: 1 }));
  const u0 = (x.case as RegionCase).u;
  // The box of the training data is about [−2, 2]² (+5%): its corners reach radius 2.9. Shrinking moves
  // toward the origin and stops at the boundary of the violating region.
  assert.ok(radius(u0) > 2 && radius(u0) < 2.05, `counterexample at radius ${radius(u0)}`);
  // In a box whose corners stay inside radius 2 (no margin), the same dynamics obey the law.
  const half = 1.9 / Math.SQRT2;
  const good = checkLaw(law, { step: brokenRotationStep, box: { lo: [-half, -half], hi: [half, half] }, margin: 0 }, { runs: 200 });
  assert.ok(good.ok, JSON.stringify(good.counterexample));
});

test('an observation generator plus an encoder: the law holds, and a broken generator is caught', async () => {
  const result = await fit(encodedTrajectories(2), { workers: 0, seed: 1 });
  const law = lawOf(result, 'rotation');
  const sample = (maxR: number) =>
    fc.record({ r: fc.double({ min: 0.5, max: maxR, noNaN: true }), phase: fc.double({ min: 0, max: 6, noNaN: true }) })
      .map(({ r, phase }) => ({ x: r * Math.cos(phase), y: r * Math.sin(phase) }));
  const ok = checkLaw(law, { sample: sample(2), step: stateStep(), ...observation }, { runs: 150 });
  assert.ok(ok.ok, JSON.stringify(ok.counterexample));
  const x = failure(checkLaw(law, { sample: sample(3), step: stateStep(2), ...observation }, { runs: 150, steps: 1 }));
  const s = (x.case as { state: { x: number; y: number } }).state;
  assert.ok(Math.hypot(s.x, s.y) > 2, JSON.stringify(x.case));
});

test('an invariant broken on one trajectory: a jump is caught as one transition there', async () => {
  const law = lawOf(await fittedLaws('twist'), 'quadratic_invariant');
  const held = planted('twist', 11);
  const jumped = { ...held, states: Float64Array.from(held.states) };
  for (let s = held.offsets[7] + 15; s < held.offsets[8]; s++) for (const i of [0, 1]) jumped.states[s * held.dim + i] *= 1.1;
  const x = failure(checkLaw(law, jumped, { runs: 500, seed: 2 }));
  const cs = x.case as TransitionCase;
  assert.equal(cs.trajectory, 7);
  assert.equal(cs.length, 1);
  assert.equal(cs.step, 14);
});

test('an invariant that drifts slowly on one trajectory passes single steps but not whole segments', async () => {
  const law = lawOf(await fittedLaws('twist'), 'quadratic_invariant');
  const held = planted('twist', 11);
  const s0 = held.offsets[4] * held.dim;
  const I0 = held.states[s0] ** 2 + held.states[s0 + 1] ** 2;
  // Each step moves I by 0.4 of the allowed residual (slack 2 × tolerance): 3 steps exceed it.
  const drifted = withDrift(held, 4, (0.4 * 2 * law.metrics.tolerance) / I0);
  const single = checkLaw(law, drifted, { runs: 500, steps: 1 });
  assert.ok(single.ok && single.exhaustive?.exceeding === 0, JSON.stringify(single.counterexample));
  const x = failure(checkLaw(law, drifted, { runs: 500, steps: 6 }));
  const cs = x.case as TransitionCase;
  assert.equal(cs.trajectory, 4);
  assert.ok(cs.length >= 2 && cs.length <= 4, `shrunk to a ${cs.length}-step segment`);
  assert.equal(x.step, cs.length);
});

test('the reported seed and path replay the same failure, through checkLaws and through fast-check', async () => {
  const result = await fittedLaws('rotation');
  const data = brokenRotationData(5);
  const options = { steps: 3, slack: 2 };
  const first = checkLaws(result, data, { ...options, runs: 200, seed: 12345 }).laws[0];
  const x = failure(first);
  const again = checkLaws(result, data, { ...options, seed: first.replay.seed, path: first.replay.path!, laws: [first.id] }).laws[0];
  assert.deepEqual(again.counterexample?.case, x.case);
  assert.equal(again.replay.path, first.replay.path);
  assert.equal(again.counterexample?.residual, x.residual);
  const details = fc.check(lawProperty(result.laws[0], data, options), { seed: first.replay.seed, path: first.replay.path! });
  assert.ok(details.failed);
  assert.deepEqual(details.counterexample?.[0], x.case);
  assert.match(String((details.errorInstance as Error).message), /fails at trajectory \d+, step \d+/);
  // Region sources replay too.
  const law = lawOf(result, 'rotation');
  const region = { step: brokenRotationStep, dataset: planted('rotation', 3) };
  const r1 = checkLaw(law, region, { runs: 300, seed: 99 });
  const r2 = checkLaw(law, region, { seed: 99, path: r1.replay.path! });
  assert.deepEqual(r2.counterexample?.case, r1.counterexample?.case);
});

test('bad options and mismatched data are refused with clear errors', async () => {
  const law = lawOf(await fittedLaws('rotation'), 'rotation');
  const data = planted('rotation', 11);
  assert.throws(() => lawProperty(law, data, { steps: 0 }), /steps must be a positive integer/);
  assert.throws(() => lawProperty(law, data, { slack: -1 }), /slack must be a positive number/);
  const narrow = { ...data, dim: 2, states: data.states.slice(0, data.states.length / 2) };
  assert.throws(() => lawProperty(law, narrow), /has dimension 2, but law rotation@coords\[0,1\] is stated in dimension 4/);
  assert.throws(() => checkLaws([law, law], data, { path: '1:2' }), /: path: replays the failure of one law; select it with laws \(2 laws selected\)$/);
  assert.throws(() => checkLaws([law], data, { laws: ['nope'] }), /: laws: no law with id or rank "nope"/);
  assert.throws(() => checkLaw(law, { step: () => [1, 2], dataset: data }, { runs: 5 }), /returned a latent of length 2/);
});

test('residuals mean what fit meant: on its own data, a law exceeds its tolerance exactly on its outliers', async () => {
  for (const kind of ['rotation', 'twist', 'pendulum'] as const) {
    for (const law of (await fittedLaws(kind)).laws) {
      const c = checkLaw(law, planted(kind, 3), { runs: 1, slack: 1 });
      assert.equal(c.exhaustive?.exceeding, law.outliers.length, `${kind}: ${law.id}`);
    }
  }
  // Mixed coordinates and planted outlier transitions (cuts): dozens of outliers, the same count.
  const cut = plantLaw({ kind: 'pendulum', seed: 3, noiseDims: 2, noise: 1e-3, trajectories: 10, steps: 30, outliers: 0.03 }).dataset;
  for (const law of (await fit(cut, { workers: 0, seed: 1 })).laws) {
    assert.ok(law.outliers.length > 10);
    assert.equal(checkLaw(law, cut, { runs: 1, slack: 1 }).exhaustive?.exceeding, law.outliers.length, law.id);
  }
});
