/**
 * The eigen-decomposition runs beside the screening of the other subspaces' candidates when there are
 * workers (src/engine/eigen-overlap.ts). A user must get the same search as with no workers: the
 * same screened candidates in the same order (it decides the finalists), the same finalists and
 * failures, the same laws.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plantLaw } from '../../../src/planted.ts';
import { fit } from '../../../src/engine/fit.ts';
import type { FitResult } from '../../../src/types.ts';

// Many coordinate subsets of noise beside a rotation in a random plane: the screened list is long, and
// its order decides which of the near-equal noise candidates become finalists.
const planted = plantLaw({ kind: 'rotation', seed: 5, noiseDims: 22, angle: Math.PI / 7, noise: 1e-3, outliers: 0.02 });

const searchOf = (r: FitResult) => {
  const { elapsedMs: _elapsed, timings: _timings, workers: _workers, ...provenance } = r.provenance;
  return JSON.stringify({ laws: r.laws, pareto: r.pareto, complement: r.complement, provenance });
};

test('the search with the eigen-decomposition overlapping the screening is the search without', async () => {
  const inline = await fit(planted.dataset, { workers: 0, seed: 2 });
  assert.ok(inline.laws.some((l) => l.family === 'rotation'), 'the planted rotation was not found');
  assert.ok(inline.provenance.candidatesScreened > 1000, `only ${inline.provenance.candidatesScreened} candidates`);
  for (const workers of [1, 2]) assert.equal(searchOf(await fit(planted.dataset, { workers, seed: 2 })), searchOf(inline), `${workers} worker(s)`);
});
