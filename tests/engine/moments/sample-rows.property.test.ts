/**
 * Sample passes read a compact copy of the screening sample's rows instead of the rows scattered over
 * the whole data set. The promise: the copy holds each sampled transition's two states exactly, and the
 * projected view is exactly that of the sample read in place, for any trajectories, sample and basis.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { gatherSampleRows, readSampleRows, sampleIndices } from '../../../src/engine/moments/sample.ts';
import { transitionsRoundoff, unitRoundoff } from '../../../src/engine/moments/resolution.ts';
import { mulberry32 } from '../../../src/random.ts';
import { projector } from '../../../src/engine/kernels/project.ts';
import { sampleView } from '../../../src/engine/finalists/sample-fit.ts';
import { transitionStarts } from '../../../src/engine/moments/transitions.ts';

test('the gathered sample rows hold the sampled transitions exactly, and their view is that of the sample read in place', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 3, max: 3000 }), fc.integer({ min: 1, max: 600 }), fc.integer({ min: 2, max: 6 }), (seed, n, count, dim) => {
      const rand = mulberry32(seed);
      const states: number[] = [];
      const offsets = [0];
      while (offsets[offsets.length - 1] - (offsets.length - 1) < n) {
        const T = 2 + Math.floor(rand() * 40);
        for (let t = 0; t < T * dim; t++) states.push(2 * rand() - 1);
        offsets.push(offsets[offsets.length - 1] + T);
      }
      const ctx = { states: Float64Array.from(states), dim, starts: transitionStarts(offsets) };
      const sample = sampleIndices(ctx.starts.length, count, seed);
      const rows = gatherSampleRows(ctx, sample);
      assert.ok(rows.states.buffer instanceof SharedArrayBuffer);
      const c = Math.SQRT1_2;
      const basis = [Array.from({ length: dim }, (_, j) => (j === 0 ? c : j === dim - 1 ? -c : 0)), Array.from({ length: dim }, (_, j) => (j === 1 ? 1 : 0))];
      // Transition i is rows 2i and 2i + 1, the very values of its two states.
      assert.deepEqual(Array.from(rows.starts), Array.from(sample, (_, i) => 2 * i));
      sample.forEach((t, i) => {
        const from = ctx.starts[t] * dim;
        for (let j = 0; j < 2 * dim; j++) assert.ok(Object.is(rows.states[2 * i * dim + j], ctx.states[from + j]), `transition ${t}, value ${j}`);
      });
      // The view: both states of each sampled transition, projected as the streaming pass does.
      const view = sampleView(rows, basis);
      const project = projector(basis, dim);
      const u = new Float64Array(2);
      sample.forEach((t, i) => {
        for (const [row, state] of [[2 * i, ctx.starts[t]], [2 * i + 1, ctx.starts[t] + 1]]) {
          project(ctx.states, state, u, 0);
          assert.deepEqual([view.U[2 * row], view.U[2 * row + 1]], [u[0], u[1]], `transition ${t}`);
        }
      });
    }),
    { numRuns: 80, seed: 9 },
  );
});

test('the sample is read in place from a quarter of the states on, with the view and roundoff of the gathered rows', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 3, max: 800 }), fc.integer({ min: 1, max: 600 }), fc.integer({ min: 2, max: 5 }), fc.boolean(), (seed, n, count, dim, float32Values) => {
      const rand = mulberry32(seed);
      const offsets = [0];
      while (offsets[offsets.length - 1] - (offsets.length - 1) < n) offsets.push(offsets[offsets.length - 1] + 2 + Math.floor(rand() * 40));
      const total = offsets[offsets.length - 1] * dim;
      const states = new Float64Array(new SharedArrayBuffer(total * 8));
      for (let i = 0; i < total; i++) states[i] = float32Values ? Math.fround(2 * rand() - 1) : 2 * rand() - 1;
      const ctx = { states, dim, starts: transitionStarts(offsets) };
      const sample = sampleIndices(ctx.starts.length, count, seed);
      const rows = readSampleRows(ctx, sample);
      const gathered = gatherSampleRows(ctx, sample);
      assert.equal(rows.states === states, 8 * sample.length >= total / dim, `${sample.length} transitions sampled of ${total / dim} states`);
      assert.ok(rows.starts.buffer instanceof SharedArrayBuffer);
      sample.forEach((t, i) => {
        for (let j = 0; j < 2 * dim; j++) assert.ok(Object.is(rows.states[rows.starts[i] * dim + j], states[ctx.starts[t] * dim + j]), `transition ${t}, value ${j}`);
      });
      const basis = [Array.from({ length: dim }, (_, j) => (j === 0 ? 0.6 : j === 1 ? 0.8 : 0))];
      assert.deepEqual(Array.from(sampleView(rows, basis).U), Array.from(sampleView(gathered, basis).U));
      assert.equal(transitionsRoundoff(rows), unitRoundoff(gathered.states));
      // Float32 data and data outside shared memory are always gathered.
      assert.notEqual(readSampleRows({ ...ctx, states: Float32Array.from(states) }, sample).states.buffer, states.buffer);
      const unshared = Float64Array.from(states);
      assert.notEqual(readSampleRows({ ...ctx, states: unshared }, sample).states, unshared);
    }),
    { numRuns: 80, seed: 10 },
  );
});
