/**
 * Finalists the screening sample rules out as laws skip the pass over all transitions. The promise to
 * a user: this changes speed, never the reported laws; only Pareto points can be sample estimates,
 * and they say so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { plantLaw } from '../../../src/planted.ts';
import { fitInline } from '../helpers.ts';

const plantedCase = fc.record({
  kind: fc.constantFrom('rotation' as const, 'ellipse' as const, 'affine' as const),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  noiseDims: fc.integer({ min: 2, max: 5 }),
  noise: fc.double({ min: 0, max: 1e-3, noNaN: true }),
  outliers: fc.double({ min: 0, max: 0.05, noNaN: true }),
  minInlierFraction: fc.constantFrom(0.3, 0.5, 0.8),
});

test('finalists settled on the sample change no reported law, only mark their Pareto points', async () => {
  await fc.assert(
    fc.asyncProperty(plantedCase, async (c) => {
      // More transitions than the 4096-transition screening sample, so the sample is a real subset.
      const { dataset } = plantLaw({ kind: c.kind, seed: c.seed, noiseDims: c.noiseDims, noise: c.noise, outliers: c.outliers, trajectories: 100, steps: 60 });
      const options = { minInlierFraction: c.minInlierFraction };
      const quick = await fitInline(dataset, options);
      const full = await fitInline(dataset, { ...options, measureAllFinalists: true });
      assert.ok(quick.laws.length > 0);
      assert.deepEqual(quick.laws, full.laws);
      // Pure-noise coordinate subspaces are among the finalists and cannot hold a law.
      assert.ok(quick.provenance.finalistsOnSample > 0, 'no finalist was settled on the sample');
      assert.equal(full.provenance.finalistsOnSample, 0);
      assert.ok(full.pareto.every((p) => p.sampleOnly === undefined));
      for (const p of quick.pareto.filter((q) => q.sampleOnly)) {
        assert.ok(!p.chosen, `${p.id} was settled on the sample but is a reported law`);
        // Ruled out because its residuals are far above any tolerance: its error is large too.
        assert.ok(p.relativeError > 0.05, `${p.id} settled on the sample with relative error ${p.relativeError}`);
      }
    }),
    { numRuns: 8, seed: 7, endOnFailure: true },
  );
});
