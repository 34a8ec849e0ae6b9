/**
 * What the laws do not cover. A user reads the last line of a fit to learn whether the directions no
 * law explains are noise or structure left: white noise beside a planted rotation is called white
 * noise with its spread (N(0, 1) coordinates: RMS 1), slowly drifting coordinates are structure left,
 * and the spread is stated in data units whatever the data's scale.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plantLaw } from '../../../src/planted.ts';
import type { Dataset } from '../../../src/types.ts';
import { fitInline } from '../helpers.ts';
import { slowDrift } from '../recovery/systems.ts';
import { mulberry32 } from '../../../src/random.ts';
import { accumulateMoments } from '../../../src/engine/moments/moments.ts';
import { transitionStarts } from '../../../src/engine/moments/transitions.ts';
import { describeComplement } from '../../../src/engine/output/complement.ts';

test('beside a planted rotation, four N(0, 1) coordinates are white noise with RMS 1', async () => {
  const { dataset } = plantLaw({ kind: 'rotation', seed: 11, noiseDims: 4, noise: 0, trajectories: 40, steps: 50 });
  const r = await fitInline(dataset);
  assert.equal(r.laws[0].family, 'rotation', r.laws.map((l) => l.id).join(', '));
  assert.ok(r.complement, 'a complement');
  assert.equal(r.complement.dim, 4);
  assert.equal(r.complement.verdict, 'white noise');
  assert.ok(Math.abs(r.complement.rms - 1) < 0.1, `rms ${r.complement.rms}`);
  assert.ok(r.complement.predictedShare < 0.05, `predicted ${r.complement.predictedShare}`);
});

test('beside a rotation, slowly drifting coordinates are structure left, not noise', async () => {
  const sys = slowDrift({ seed: 3, trajectories: 30, steps: 60, rhos: [1, 1, 0.995, 1], sigmas: [0, 0, 0.01, 0.01], theta: 0.5 });
  const r = await fitInline(sys.dataset);
  assert.ok(r.complement, `laws: ${r.laws.map((l) => l.id)}`);
  assert.equal(r.complement.verdict, 'structure left', JSON.stringify(r.complement));
  assert.ok(r.complement.predictedShare > 0.5, JSON.stringify(r.complement));
});

test('the spread is stated in data units at any scale', async () => {
  const { dataset } = plantLaw({ kind: 'rotation', seed: 12, noiseDims: 2, noise: 0, trajectories: 30, steps: 40 });
  const scaled = (c: number): Dataset => ({ ...dataset, states: dataset.states.map((v) => c * v) });
  const [plain, huge] = await Promise.all([fitInline(dataset), fitInline(scaled(1e200))]);
  assert.ok(plain.complement && huge.complement);
  assert.equal(huge.complement.dim, plain.complement.dim);
  assert.ok(Math.abs(huge.complement.rms / 1e200 / plain.complement.rms - 1) < 1e-6, `${huge.complement.rms} vs ${plain.complement.rms}`);
  assert.equal(huge.complement.verdict, plain.complement.verdict);
});

test('laws that span the whole space leave no complement', async () => {
  const { dataset } = plantLaw({ kind: 'rotation', seed: 13, noiseDims: 0, noise: 0, trajectories: 20, steps: 40 });
  const r = await fitInline(dataset);
  assert.equal(r.complement, null);
});

test('a coordinate that repeats itself negated every two steps is structure left, though its next value is unpredictable', async () => {
  // Coordinates 0, 1 rotate by π/7; coordinate 2 reads one axis of a hidden quarter turn (y, then
  // an independent value, then −y); coordinate 3 is white noise.
  const rand = mulberry32(5);
  const g = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-300))) * Math.cos(2 * Math.PI * rand());
  const [K, T] = [40, 60];
  const states = new Float64Array(K * T * 4);
  for (let k = 0; k < K; k++) {
    let [a, b, p, q] = [g(), g(), g(), g()];
    for (let t = 0; t < T; t++) {
      states.set([a, b, p + 0.01 * g(), g()], (k * T + t) * 4);
      [a, b] = [Math.cos(Math.PI / 7) * a - Math.sin(Math.PI / 7) * b, Math.sin(Math.PI / 7) * a + Math.cos(Math.PI / 7) * b];
      [p, q] = [-q, p];
    }
  }
  const r = await fitInline({ dim: 4, states, offsets: Array.from({ length: K + 1 }, (_, k) => k * T), source: 'quarter-turn' });
  assert.ok(r.complement, `laws: ${r.laws.map((l) => l.id)}`);
  assert.equal(r.complement.verdict, 'structure left', JSON.stringify(r.complement));
});

test('48 noise coordinates over 236 transitions are white noise: what 48 predictors explain by chance does not count', async () => {
  const rand = mulberry32(8);
  const g = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-300))) * Math.cos(2 * Math.PI * rand());
  const [K, T, d] = [4, 60, 48];
  const states = Float64Array.from({ length: K * T * d }, g);
  const r = await fitInline({ dim: d, states, offsets: Array.from({ length: K + 1 }, (_, k) => k * T), source: 'noise' });
  assert.deepEqual(r.laws.map((l) => l.id), []);
  assert.equal(r.complement?.verdict, 'white noise', JSON.stringify(r.complement));
});

test('progress counts the complement\'s two solves, and nothing where the laws span the space', async () => {
  const { dataset } = plantLaw({ kind: 'rotation', seed: 11, noiseDims: 2, noise: 0, trajectories: 20, steps: 30 });
  const starts = transitionStarts(dataset.offsets);
  const mom = accumulateMoments(dataset.states, dataset.dim, starts, new Array<number>(dataset.dim).fill(0), 0, starts.length);
  const counts = async (covered: number[][]) => {
    const seen: string[] = [];
    await describeComplement(mom, covered, 0, undefined, (done, total) => seen.push(`${done}/${total}`));
    return seen;
  };
  const unit = (i: number) => Array.from({ length: dataset.dim }, (_, j) => (j === i ? 1 : 0));
  assert.deepEqual(await counts([unit(0), unit(1)]), ['0/2', '1/2', '2/2']);
  assert.deepEqual(await counts([0, 1, 2, 3].map(unit)), []);
});
