/**
 * A pool kept across fits (`createFitPool`): what ran on it before never changes a result, an
 * interrupted fit leaves the pool usable for the next, and bad sizes are refused.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { plantLaw, type PlantedKind } from '../../../src/planted.ts';
import { fit } from '../../../src/engine/fit.ts';
import { createFitPool, ignoreSettledReplies } from '../../../src/engine/runtime/pool.ts';
import type { FitResult } from '../../../src/types.ts';

const comparable = (r: FitResult) => JSON.stringify({ laws: r.laws, pareto: r.pareto, screened: r.provenance.candidatesScreened, finalists: r.provenance.finalists });

const pool = createFitPool(2);
after(() => pool.close());

test('fits on one pool, one data set after another, equal fits run inline', async () => {
  // Planted laws of random kinds, dimensions, bases, noise and outliers, in random order on one pool:
  // a worker that kept anything of an earlier data set (its states, its stop flag) would differ.
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom<PlantedKind>('rotation', 'ellipse', 'affine', 'pendulum'),
      fc.integer({ min: 1, max: 1000 }),
      fc.integer({ min: 0, max: 4 }),
      fc.double({ min: 0, max: 1e-3, noNaN: true }),
      fc.double({ min: 0, max: 0.05, noNaN: true }),
      async (kind, seed, noiseDims, noise, outliers) => {
        const { dataset } = plantLaw({ kind, seed, noiseDims, noise, outliers, trajectories: 30, steps: 40 });
        const onPool = await fit(dataset, { pool, seed: 5 });
        const inline = await fit(dataset, { workers: 0, seed: 5 });
        assert.equal(onPool.provenance.workers, 2);
        assert.equal(comparable(onPool), comparable(inline));
      },
    ),
    { numRuns: 6, seed: 42 },
  );
});

test('an interrupted fit leaves the pool ready: the next fit on it is complete', async () => {
  // A pool of its own, so the interrupted fit is the first its threads see.
  const fresh = createFitPool(2);
  after(() => fresh.close());
  const { dataset } = plantLaw({ kind: 'rotation', seed: 17, noiseDims: 3, angle: Math.PI / 5, noise: 1e-3, outliers: 0.03 });
  const controller = new AbortController();
  const cut = await fit(dataset, {
    pool: fresh,
    seed: 3,
    signal: controller.signal,
    onProgress: (p) => {
      if (p.stage === 'screening' && p.done > 0) controller.abort();
    },
  });
  assert.equal(cut.provenance.interrupted, true);
  const next = await fit(dataset, { pool: fresh, seed: 3 });
  assert.equal(next.provenance.interrupted, false);
  assert.equal(comparable(next), comparable(await fit(dataset, { workers: 0, seed: 3 })));
});

test('a pool size that is not a whole number ≥ 0 is refused', () => {
  assert.throws(() => createFitPool(-1), /workers must be a whole number ≥ 0, got -1/);
  assert.throws(() => createFitPool(1.5), /got 1\.5/);
});

test('a pool of 0 workers runs fits inline', async () => {
  const inlinePool = createFitPool(0);
  const { dataset } = plantLaw({ kind: 'affine', seed: 4, noiseDims: 2 });
  const result = await fit(dataset, { pool: inlinePool, seed: 1 });
  assert.equal(result.provenance.workers, 0);
  assert.equal(comparable(result), comparable(await fit(dataset, { workers: 0, seed: 1 })));
  await inlinePool.close();
});

test("a worker's reply to a task already settled is dropped; any other pool error is thrown", () => {
  assert.doesNotThrow(() => ignoreSettledReplies(new Error('Unexpected message from Worker: { taskId: 30, result: [], error: null, time: null }')));
  assert.throws(() => ignoreSettledReplies(new Error('worker crashed')), /worker crashed/);
});
