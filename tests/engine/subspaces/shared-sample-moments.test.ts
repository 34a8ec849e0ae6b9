/**
 * The sample's moments that another worker sums for the eigen task are the moments the eigen task
 * would sum itself, bit for bit, whichever thread comes first; a thread that comes second never sums
 * them again; and a fit on two workers (where the handover happens) finds the same eigenspaces as one
 * run inline.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Worker } from 'node:worker_threads';
import { sampleCentredMoments } from '../../../src/engine/subspaces/sample-moments.ts';
import { fillSampleMoments, sampleMomentsShare, takeSampleMoments } from '../../../src/engine/subspaces/shared-sample-moments.ts';
import { fit, mulberry32, plantLaw } from '../../../src/index.ts';

const SEED = 20261204;

function sampleData(dim: number, rows: number, seed: number) {
  const rand = mulberry32(seed);
  const states = Float64Array.from({ length: (rows + 1) * dim }, () => 10 * rand() - 3);
  const starts = Uint32Array.from({ length: rows }, (_, t) => t);
  const sample = Uint32Array.from({ length: Math.ceil(rows / 3) }, (_, i) => Math.min(rows - 1, 3 * i));
  return { states, dim, starts, sample };
}

test('the shared sample moments equal the eigen task\'s own, filled first or claimed first', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 2, max: 900 }), fc.integer({ min: 1, max: 1e9 }), fc.boolean(), (dim, rows, seed, fillFirst) => {
      const samples = sampleData(dim, rows, seed);
      const own = sampleCentredMoments(samples.states, dim, samples.starts, samples.sample, null);
      const share = sampleMomentsShare(dim);
      if (fillFirst) fillSampleMoments(share, samples);
      const got = takeSampleMoments(share, samples);
      assert.deepEqual(got, own);
      // Second comers do nothing: the filler after a claim leaves the buffer untouched.
      if (!fillFirst) {
        fillSampleMoments(share, samples);
        assert.ok(new Float64Array(share.buffer, 8).every((v) => v === 0), 'summed again after the eigen task claimed the sum');
      }
    }),
    { numRuns: 60, seed: SEED },
  );
});

test('an eigen task that finds the sum under way waits for it and reads it', async () => {
  // The eigen task runs on a worker thread (the built module); this thread plays the other worker,
  // marks the sum as under way, and writes a value no sum would give, 0.2 s later.
  const samples = sampleData(24, 2000, SEED);
  const share = sampleMomentsShare(24);
  const state = new Int32Array(share.buffer, 0, 1);
  Atomics.store(state, 0, 1);
  const module = new URL('../../../dist/src/engine/subspaces/shared-sample-moments.js', import.meta.url).href;
  const worker = new Worker(
    `const { workerData, parentPort } = require('node:worker_threads');
     import(workerData.module).then(({ takeSampleMoments }) => parentPort.postMessage(takeSampleMoments(workerData.share, workerData.samples).cxx[0][0]));`,
    { eval: true, workerData: { module, share, samples } },
  );
  const read = new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
  await new Promise((resolve) => setTimeout(resolve, 200));
  new Float64Array(share.buffer, 8)[0] = 42;
  Atomics.store(state, 0, 2);
  Atomics.notify(state, 0);
  assert.equal(await read, 42, 'the eigen task read the other thread\'s sum');
  await worker.terminate();
});

test('a fit on two workers finds the eigenspaces a fit inline finds', async () => {
  // Outlier jumps make the eigenspace's refinement robust, on the sample's moments.
  const { dataset } = plantLaw({ kind: 'rotation', seed: SEED, noiseDims: 38, trajectories: 40, steps: 100, noise: 1e-4, outliers: 0.02 });
  const inline = await fit(dataset, { workers: 0, seed: 3 });
  const pooled = await fit(dataset, { workers: 2, seed: 3 });
  assert.ok(inline.laws.some((l) => l.subspace.kind === 'eigenspace'), `the planted rotation's plane is an eigenspace: ${inline.laws.map((l) => l.subspace.label)}`);
  const summary = (r: typeof inline) => r.laws.map((l) => [l.subspace.label, l.subspace.basis, l.equations]);
  assert.deepEqual(summary(pooled), summary(inline));
});
