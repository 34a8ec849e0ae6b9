/**
 * Sample passes read a compact copy of the screening sample's rows instead of the rows scattered over
 * the whole data set. The promise: the statistics and the projected view are exactly those of the sample
 * read in place, for any trajectories, sample and basis.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { registerFeatureTrees, subspaceVariables } from '../../src/engine/features.ts';
import { featurePass } from './helpers.ts';
import { gatherSampleRows, mulberry32, sampleIndices } from '../../src/engine/sample.ts';
import { projector } from '../../src/engine/project.ts';
import { sampleView } from '../../src/engine/sample-fit.ts';
import { transitionStarts } from '../../src/engine/stats.ts';
import { expressionTree } from '../../src/grammar/safe-math.ts';

const FEATURES = ['u1', 'u2', '1', 'u1^2', 'u1*u2', 'sin(u1)', 'cos(u2)'];
registerFeatureTrees(FEATURES.filter((f) => /sin|cos/.test(f)).map((e) => [e, expressionTree(e, subspaceVariables(2))]));

test('statistics and views of the gathered sample rows equal those of the sample read in place, bit for bit', () => {
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
      const want = { map: true, invariant: true };
      const inPlace = featurePass(ctx.states, dim, ctx.starts, basis, FEATURES, sample, want);
      const gathered = featurePass(rows.states, dim, rows.starts, basis, FEATURES, null, want);
      assert.equal(JSON.stringify(gathered), JSON.stringify(inPlace));
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
