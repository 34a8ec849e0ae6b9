/**
 * Laws folded into a shorter law on the same subspace stay evaluable: a planted rotation's law carries,
 * besides its "also fits as" notes, the folded laws' own models (rotation with offset, damped rotation,
 * orthogonal map …), and each of them predicts the planted next state.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileLaw } from '../../../src/laws/compile.ts';
import { parseLaws } from '../../../src/check/laws-file.ts';
import { plantLaw } from '../../../src/planted.ts';
import type { Law } from '../../../src/types.ts';
import { fitInline } from '../helpers.ts';
import { planeError } from './compare.ts';

test('a planted rotation law keeps the folded laws as alternatives that predict the next state', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 3 }), async (seed, noiseDims) => {
      const noise = 1e-4;
      const { dataset, truth } = plantLaw({ kind: 'rotation', seed, noiseDims, angle: Math.PI / 7, noise, outliers: 0, trajectories: 20, steps: 40 });
      const result = await fitInline(dataset);
      const law = result.laws.find((l) => l.role === 'map' && planeError(l, truth.basis) < 1e-2);
      assert.ok(law, `no map law on the planted plane: ${result.laws.map((l) => l.id).join(', ')}`);
      const alternatives = law.alternatives ?? [];
      const folded = law.notes.filter((n) => n.startsWith('also fits as'));
      assert.ok(alternatives.length > 0, `no alternatives; notes: ${law.notes.join('; ')}`);
      // One alternative per note, in the same order, shortest description first and never shorter than the law.
      assert.deepEqual(alternatives.map((a) => `also fits as ${a.family}${a.id.includes('+offset') ? ' with offset' : ''} (longer description)`), folded);
      const dls = alternatives.map((a) => a.metrics.descriptionLength);
      assert.ok(dls.every((v, i) => v >= law.metrics.descriptionLength && (i === 0 || v >= dls[i - 1])), `description lengths ${law.metrics.descriptionLength} then ${dls}`);
      for (const alt of alternatives) {
        assert.ok(!('outliers' in alt) && !('alternatives' in alt) && !('rank' in alt), `${alt.id} carries law-only fields`);
        assert.notEqual(alt.id, law.id);
        assert.deepEqual(alt.subspace.basis, law.subspace.basis);
        assert.equal(alt.role, 'map');
        assert.ok(alt.metrics.inlierFraction > 0.99 && alt.metrics.tolerance > 0, `${alt.id}: ${JSON.stringify(alt.metrics)}`);
        // Every transition's next state, as the alternative's own model predicts it, within a few noise levels.
        const cl = compileLaw({ ...alt, rank: 0, outliers: [] } as Law);
        const d = dataset.dim;
        let worst = 0;
        for (let k = 0; k + 1 < dataset.offsets.length; k++)
          for (let i = dataset.offsets[k]; i + 1 < dataset.offsets[k + 1]; i++) {
            const p = cl.predict(cl.project(dataset.states, i * d));
            const next = cl.project(dataset.states, (i + 1) * d);
            worst = Math.max(worst, Math.hypot(...p.map((v, a) => v - next[a])));
          }
        assert.ok(worst < 20 * noise, `${alt.id}: largest one-step error ${worst}`);
      }
      // The JSON round trip keeps them, and validation accepts them.
      const doc = parseLaws(JSON.stringify(result), 'fit.json');
      assert.deepEqual(doc.laws.find((l) => l.id === law.id)!.alternatives, alternatives);
    }),
    { numRuns: 3, seed: 11, endOnFailure: true },
  );
});
