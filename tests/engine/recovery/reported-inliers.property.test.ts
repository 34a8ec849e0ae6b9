/**
 * Every reported law holds on at least `minInlierFraction` of the transitions, as the exact pass
 * measures it. Ranking reads inlier fractions off histograms and samples, and a second invariant of a
 * subspace (more-invariants.ts) borrows the first one's: on a Hénon map beside sinusoids, a sinusoid's
 * square was stated "conserved" on 24% of the transitions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fitInline } from '../helpers.ts';
import { mulberry32 } from '../../../src/random.ts';

/** 10 Hénon trajectories of 200 steps in (z0, z1), and `extra` sinusoids of their own frequency and phase beside them. */
function henonAndSines(seed: number, extra: number) {
  const rand = mulberry32(seed);
  const frequencies = Array.from({ length: extra }, () => 0.03 + 0.1 * rand());
  const states: number[] = [];
  const offsets = [0];
  for (let k = 0; k < 10; k++) {
    let [x, y] = [0.1 * rand(), 0.1 * rand()];
    for (let i = 0; i < 100; i++) [x, y] = [1 - 1.4 * x * x + y, 0.3 * x];
    const phases = frequencies.map(() => 2 * Math.PI * rand());
    for (let t = 0; t < 200; t++) {
      states.push(x, y, ...frequencies.map((w, i) => Math.sin(w * t + phases[i])));
      [x, y] = [1 - 1.4 * x * x + y, 0.3 * x];
    }
    offsets.push(offsets[k] + 200);
  }
  return { states: Float64Array.from(states), dim: 2 + extra, offsets, source: `Hénon beside ${extra} sinusoids, seed ${seed}` };
}

test('every law reported beside a chaotic map and sinusoids holds on at least half the transitions', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 2 }), async (seed, extra) => {
      const result = await fitInline(henonAndSines(seed, extra));
      const henon = result.laws.find((l) => l.role === 'map' && l.subspace.basis.length === 2 && l.metrics.inlierFraction > 0.99);
      assert.ok(henon, `the Hénon map is found: ${result.laws.map((l) => l.summary).join(' | ')}`);
      for (const law of result.laws) assert.ok(law.metrics.inlierFraction >= 0.5, `${law.id} holds on ${law.metrics.inlierFraction}: ${law.summary}`);
    }),
    { numRuns: 12, seed: 21, endOnFailure: true, includeErrorInReport: true },
  );
});
