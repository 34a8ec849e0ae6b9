/**
 * The invariants a map conserves are stated with it ("conserves I = …") and kept evaluable in the JSON:
 * a pendulum seen as its angle at two successive frames obeys a map, and the quantity the map conserves
 * is the pendulum's energy — a researcher (or `check`) can evaluate it without refitting.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileLaw } from '../../../src/laws/compile.ts';
import { findLawById } from '../../../src/laws/ids.ts';
import { parseLaws } from '../../../src/check/laws-file.ts';
import type { Dataset } from '../../../src/types.ts';
import { pendulumStates } from '../../../src/anneal/datasets.ts';
import { fitInline } from '../helpers.ts';
import { correlation } from './compare.ts';

/** K swings of the built-in pendulum (one frame per 0.2 time units) as (θ_t, θ_t+1), angles offset and scaled; true energy per sample. */
function delayPendulum(seed: number, offset: number, scale: number, K = 30, T = 40): { data: Dataset; energy: number[] } {
  const path = pendulumStates(K, T + 1, seed), states: number[] = [], energy: number[] = [], offsets = [0];
  const theta = (k: number, t: number) => path[2 * (k * (T + 1) + t)];
  for (let k = 0; k < K; k++) {
    for (let t = 0; t < T; t++) {
      states.push(offset + scale * theta(k, t), offset + scale * theta(k, t + 1));
      energy.push(path[2 * (k * (T + 1) + t) + 1] ** 2 / 2 - Math.cos(theta(k, t)));
    }
    offsets.push(offsets[k] + T);
  }
  return { data: { dim: 2, states: Float64Array.from(states), offsets, source: `delay pendulum (seed ${seed})` }, energy };
}

test('a pendulum’s map in delay form carries its energy as a conserved invariant, evaluable from the JSON', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.double({ min: -1, max: 1, noNaN: true }), fc.constantFrom(1, -1), async (seed, offset, sign) => {
      const { data, energy } = delayPendulum(seed, offset, sign);
      const result = await fitInline(data);
      // Störmer–Verlet's map, exact to O(h⁴): the largest swings are its few outliers.
      const map = result.laws.find((l) => l.role === 'map' && l.metrics.inlierFraction >= 0.95);
      assert.ok(map, `no map on 95% of the transitions: ${result.laws.map((l) => `${l.id} ${l.metrics.inlierFraction}`).join(', ')}`);
      const conserved = map.conserved ?? [];
      assert.equal(conserved.length, map.notes.filter((n) => n.startsWith('conserves I')).length, 'one evaluable invariant per "conserves" note');
      const best = Math.max(0, ...conserved.map((inv) => {
        const c = compileLaw({ ...inv, rank: 0, outliers: [] });
        return Math.abs(correlation(Array.from({ length: energy.length }, (_, i) => c.invariant(c.project(data.states, 2 * i))), energy));
      }));
      assert.ok(best >= 0.99, `best |corr| of a conserved invariant with the energy: ${best} (notes: ${map.notes.join('; ')})`);
      // Validation accepts them, and `check` can name them.
      const doc = parseLaws(JSON.stringify(result), 'fit.json');
      assert.deepEqual(doc.laws.find((l) => l.id === map.id)!.conserved, conserved);
      for (const inv of conserved) assert.equal(findLawById(doc.laws, inv.id)?.role, 'invariant');
    }),
    { numRuns: 3, seed: 4, endOnFailure: true },
  );
});

test('a conserved invariant that is not an invariant is refused with its JSON path', () => {
  const law = { id: 'm', role: 'map', subspace: { basis: [[1, 0], [0, 1]] }, model: { role: 'map', variables: ['u1', 'u2'], features: ['u1', 'u2'], coefficients: [[1, 0], [0, 1]] }, metrics: { tolerance: 0.1 } };
  const bad = { ...law, conserved: [{ ...law, id: 'c' }] };
  assert.throws(() => parseLaws(JSON.stringify({ laws: [bad] }), 'laws.json'), /laws\.json: laws\[0\]\.conserved\[0\]\.role: expected "invariant"/);
});
