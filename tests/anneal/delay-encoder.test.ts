/**
 * The `delay` encoder: each stacked frame is coded alone by the same weights, so a sample's latent is
 * (e(x_t), e(x_t+1)) and the next sample's latent begins with this one's second half — the latents carry
 * the state at two successive times, velocity included, whatever the network learns.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { anneal, rollout } from '../../src/anneal/entry.ts';
import { loadDataset } from '../../src/data/load.ts';
import { pendulum } from '../../src/anneal/datasets.ts';
import { buildAutoencoder, decodeAll, encodeAll } from '../../src/anneal/model.ts';
import { writeNpy } from '../../src/data/npy.ts';
import { OptionError } from '../../src/errors.ts';
import { hiddenRotationFrames, stubSearch } from './helpers.ts';

let dir = '';
before(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'anneal-delay-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a sample’s second frame is coded exactly as the next sample’s first, and each frame is decoded from its own code', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 1000 }), (perFrame, seed) => {
      const set = pendulum({ sequences: 2, frames: 6, size: 16, seed });
      const ae = buildAutoencoder({ arch: 'delay', frames: 2, inputShape: set.sampleShape, latent: 2 * perFrame, hidden: [8], seed });
      try {
        const n = set.offsets[2], d = 2 * perFrame, z = encodeAll(ae, set.samples, n);
        for (let k = 0; k < 2; k++)
          for (let i = set.offsets[k]; i + 1 < set.offsets[k + 1]; i++)
            for (let j = 0; j < perFrame; j++) assert.ok(Math.abs(z[i * d + perFrame + j] - z[(i + 1) * d + j]) <= 1e-6, `sample ${i}, coordinate ${j}`);
        // Changing the second frame's code leaves the first decoded frame (channel 0) as it was.
        const moved = Float64Array.from(z.subarray(0, d));
        for (let j = perFrame; j < d; j++) moved[j] += 1;
        const [a, b] = [decodeAll(ae, z.subarray(0, d), 1), decodeAll(ae, moved, 1)];
        let first = 0, second = 0;
        for (let p = 0; p < a.length; p++) (p % 2 === 0 ? (first = Math.max(first, Math.abs(a[p] - b[p]))) : (second = Math.max(second, Math.abs(a[p] - b[p]))));
        assert.ok(first <= 1e-6 && second > 1e-4, `channel 0 changed by ${first}, channel 1 by ${second}`);
      } finally {
        ae.encoder.dispose();
        ae.decoder.dispose();
      }
    }),
    { seed: 3, numRuns: 5 },
  );
});

test('delay needs stacked frames and a latent size divisible by them: one-line option errors', async () => {
  const file = join(dir, 'frames.npy');
  writeFileSync(file, writeNpy(hiddenRotationFrames(4, 8, 6, 0.3), [4, 8, 6]));
  const opts = { out: join(dir, 'run'), latent: 2, epochs: 1, arch: 'delay' as const, backend: 'cpu' as const, search: stubSearch };
  await assert.rejects(anneal({ ...opts, data: { kind: 'file', path: file } }), (e: unknown) => e instanceof OptionError && /needs stacked frames/.test(e.message) && e.message.includes(file));
  await assert.rejects(anneal({ ...opts, latent: 3, data: { kind: 'file', path: file, stack: 2 } }), (e: unknown) => e instanceof OptionError && /must be a multiple of 2/.test(e.message));
});

test('a delay run trains, saves a model that loads again, and its saved latents keep the shift', async () => {
  const file = join(dir, 'stacked.npy');
  writeFileSync(file, writeNpy(hiddenRotationFrames(6, 10, 6, 0.4), [6, 10, 6]));
  const out = join(dir, 'delay-run');
  const opts = { out, data: { kind: 'file' as const, path: file, stack: 2 }, heldout: 1, latent: 2, hidden: [8], epochs: 2, batchSequences: 2, arch: 'delay' as const, backend: 'cpu' as const, search: stubSearch };
  const r = await anneal(opts);
  assert.equal(r.interrupted, false);
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { model: { arch: string; frames: number } };
  assert.deepEqual([run.model.arch, run.model.frames], ['delay', 2]);
  const latents = loadDataset(join(out, 'latents.npy'));
  for (let k = 0; k + 1 < latents.offsets.length; k++)
    for (let i = latents.offsets[k]; i + 1 < latents.offsets[k + 1]; i++) assert.ok(Math.abs(latents.states[2 * i + 1] - latents.states[2 * (i + 1)]) <= 1e-5, `sample ${i}`);
  // The saved model (permute and reshape layers included) loads again: a rollout decodes frames with it.
  const roll = await rollout({ run: out, steps: 3, sequences: 1, hold: 'initial' });
  assert.ok(roll.predicted.every(Number.isFinite));
});
