/**
 * The keypoint encoders: each stacked frame becomes the soft-argmax position of its bright features
 * (`keypoint`), or that position's angle about the pivot it turns around (`angle`). On a pendulum video
 * the angle chart is the pendulum's angle itself, continuous over the swing, before any training.
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
import { circleCentre, keypointGain, keypointStarts, softArgmax, widestGapDirection } from '../../src/anneal/keypoint-init.ts';
import { buildAutoencoder, encodeAll } from '../../src/anneal/model.ts';
import { loadModel } from '../../src/anneal/checkpoint.ts';
import { writeNpy } from '../../src/data/npy.ts';
import { Rng } from '../../src/random.ts';
import { OptionError } from '../../src/errors.ts';
import { hiddenRotationFrames, stubSearch } from './helpers.ts';

let dir = '';
before(async () => {
  await tf.setBackend('cpu');
  dir = mkdtempSync(join(tmpdir(), 'anneal-keypoint-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const angleGap = (a: number, b: number): number => Math.abs(Math.atan2(Math.sin(a - b), Math.cos(a - b)));

test('the circle through points on any arc has their centre, and the widest gap is the arc left empty', () => {
  fc.assert(
    fc.property(
      fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: 0.1, max: 5, noNaN: true }),
      fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), fc.double({ min: 0.6, max: 5.5, noNaN: true }), fc.integer({ min: 5, max: 60 }),
      (cx, cy, r, start, span, n) => {
        fc.pre(2 * Math.PI - span > (1.01 * span) / (n - 1)); // the empty arc is the widest gap
        const angles = Array.from({ length: n }, (_, i) => start + (span * i) / (n - 1));
        const xs = angles.map((a) => cx + r * Math.cos(a)), ys = angles.map((a) => cy + r * Math.sin(a));
        const [x0, y0] = circleCentre(xs, ys);
        assert.ok(Math.hypot(x0 - cx, y0 - cy) <= 1e-6 * (1 + r), `centre (${x0}, ${y0}) against (${cx}, ${cy})`);
        // The cut lies in the empty part of the circle, as far from both ends of the arc as it can be.
        const cut = widestGapDirection(xs, ys, [cx, cy]);
        const empty = 2 * Math.PI - span;
        assert.ok(Math.abs(angleGap(cut, start) - empty / 2) <= 1e-9 && Math.abs(angleGap(cut, start + span) - empty / 2) <= 1e-9, `cut ${cut}`);
      },
    ),
    { seed: 11, numRuns: 200 },
  );
});

test('collinear points have no circle: the centre falls back to their mean', () => {
  const [x, y] = circleCentre([0, 1, 2, 3], [1, 2, 3, 4]);
  assert.ok(Math.abs(x - 1.5) < 1e-12 && Math.abs(y - 2.5) < 1e-12);
});

test('the soft-argmax of a Gaussian blob is its centre, wherever the blob is and whatever the background', () => {
  fc.assert(
    fc.property(fc.double({ min: -0.6, max: 0.6, noNaN: true }), fc.double({ min: -0.6, max: 0.6, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true }), (bx, by, background) => {
      const H = 40, W = 48, frame = new Float64Array(H * W);
      for (let r = 0; r < H; r++)
        for (let c = 0; c < W; c++) frame[r * W + c] = background + Math.exp(-(((2 * c + 1) / W - 1 - bx) ** 2 + ((2 * r + 1) / H - 1 - by) ** 2) / 0.02);
      const [x, y] = softArgmax((p) => frame[p], H, W, keypointGain(0, 1));
      assert.ok(Math.hypot(x - bx, y - by) <= 1e-4, `(${x}, ${y}) against (${bx}, ${by})`);
    }),
    { seed: 5, numRuns: 50 },
  );
});

test('the keypoint layer computes softArgmax’s keypoints, for bright and dark features alike', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 5, max: 12 }), fc.integer({ min: 5, max: 12 }), (seed, H, W) => {
      const rng = new Rng(seed), C = 2, n = 3;
      const samples = Float32Array.from({ length: n * H * W * C }, () => rng.uniform(-2, 3));
      const at = (f: number, c: number) => (p: number) => samples[f * H * W * C + p * C + c];
      const starts = [0, 1, 2].map((k) => ({ gain: keypointGain(k, 5), pivot: [0, 0] as [number, number], cut: 0 }));
      const ae = buildAutoencoder({ arch: 'keypoint', frames: C, keypoints: starts, inputShape: [H, W, C], latent: 2 * C * starts.length, hidden: [4], seed });
      try {
        const z = encodeAll(ae, samples, n), d = 2 * C * starts.length;
        for (let f = 0; f < n; f++)
          for (let c = 0; c < C; c++)
            starts.forEach((s, k) => {
              const [x, y] = softArgmax(at(f, c), H, W, s.gain);
              const j = f * d + (c * starts.length + k) * 2;
              assert.ok(Math.abs(z[j] - x) <= 1e-4 && Math.abs(z[j + 1] - y) <= 1e-4, `frame ${f}, stacked ${c}, keypoint ${k}: (${z[j]}, ${z[j + 1]}) against (${x}, ${y})`);
            });
      } finally {
        ae.encoder.dispose();
        ae.decoder.dispose();
      }
    }),
    { seed: 8, numRuns: 10 },
  );
});

test('on a pendulum video the untrained angle encoder reads the pendulum’s angle, continuous over every swing', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 10000 }), (seed) => {
      const set = pendulum({ sequences: 6, frames: 16, size: 32, seed });
      const [H, W, C] = set.sampleShape, n = set.samples.length / set.sampleSize;
      const starts = keypointStarts(1, { n, at: (f, p) => set.samples[f * set.sampleSize + p * C] }, H, W);
      const ae = buildAutoencoder({ arch: 'angle', frames: 2, keypoints: starts, inputShape: set.sampleShape, latent: 2, hidden: [8], seed });
      try {
        const z = encodeAll(ae, set.samples, n);
        // u = ±θ + c: fit the offset for each sign and keep the better one.
        const theta = Array.from({ length: n }, (_, i) => set.truth!.values[2 * i]);
        const worst = Math.min(...[1, -1].map((sign) => {
          const c = theta.reduce((acc, th, i) => acc + (z[2 * i] - sign * th), 0) / n;
          return Math.max(...theta.map((th, i) => Math.abs(z[2 * i] - sign * th - c)));
        }));
        assert.ok(worst <= 0.02, `largest deviation from ±θ + c: ${worst} rad`);
      } finally {
        ae.encoder.dispose();
        ae.decoder.dispose();
      }
    }),
    { seed: 2, numRuns: 4 },
  );
});

test('keypoint encoders need stacked images and a latent size that fits them: one-line option errors', async () => {
  const vectors = join(dir, 'vectors.npy');
  writeFileSync(vectors, writeNpy(hiddenRotationFrames(4, 8, 6, 0.3), [4, 8, 6]));
  const base = { out: join(dir, 'bad'), epochs: 1, backend: 'cpu' as const, search: stubSearch };
  await assert.rejects(anneal({ ...base, latent: 2, arch: 'angle', data: { kind: 'file', path: vectors, stack: 2 } }),
    (e: unknown) => e instanceof OptionError && /finds keypoints in images/.test(e.message) && e.message.includes(vectors));
  await assert.rejects(anneal({ ...base, latent: 2, arch: 'keypoint', data: { kind: 'pendulum', sequences: 2, frames: 4 } }),
    (e: unknown) => e instanceof OptionError && /must be a multiple of 4/.test(e.message));
});

test('an angle run trains its gains’ sizes and warp, saves a model that loads again, and its latents keep the shift', async () => {
  const out = join(dir, 'angle-run'), messages: string[] = [];
  const r = await anneal({
    out, data: { kind: 'pendulum', sequences: 4, frames: 10, size: 24 }, heldout: 1, latent: 2, hidden: [8], epochs: 2, batchSequences: 2,
    arch: 'angle', backend: 'cpu', search: stubSearch, onMessage: (line: string) => messages.push(line),
  });
  assert.equal(r.interrupted, false);
  // The run says where its chart starts: the pendulum swings about the image centre.
  assert.ok(messages.some((m) => /^angle encoder from the training frames .*keypoint 1: bright features, angle about \(-?0\.0\d\d, -?0\.0\d\d\) cut at -?\d+\.\d°$/.test(m)), messages.join('\n'));
  const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { model: { arch: string; frames: number; keypoints: { gain: number; pivot: number[]; cut: number }[] } };
  assert.deepEqual([run.model.arch, run.model.frames, run.model.keypoints.length], ['angle', 2, 1]);
  const encoder = await loadModel(join(out, 'model', 'encoder'));
  try {
    const [logGain, warp, pivot, cut] = encoder.getWeights().map((w) => Array.from(w.dataSync()));
    const start = run.model.keypoints[0];
    assert.notEqual(logGain[0], Math.fround(Math.log(start.gain)), 'the gain trains');
    assert.ok(Math.abs(logGain[0] - Math.log(start.gain)) < 0.1, `log gain ${logGain[0]} from ${Math.log(start.gain)}`);
    assert.deepEqual([...pivot, ...cut], [...start.pivot, start.cut].map(Math.fround), 'pivot and cut stay where the data put them');
    // The stub search's linear map pulled in the physics epoch: the warp moved.
    assert.equal(warp.length, 16);
    assert.ok(warp.some((c) => c !== 0), `warp ${warp}`);
  } finally {
    encoder.dispose();
  }
  const latents = loadDataset(join(out, 'latents.npy'));
  for (let k = 0; k + 1 < latents.offsets.length; k++)
    for (let i = latents.offsets[k]; i + 1 < latents.offsets[k + 1]; i++) assert.ok(Math.abs(latents.states[2 * i + 1] - latents.states[2 * (i + 1)]) <= 1e-5, `sample ${i}`);
  // The loaded decoder finds the loaded encoder's warp to undo (it would throw otherwise).
  const roll = await rollout({ run: out, steps: 3, sequences: 1, hold: 'initial' });
  assert.ok(roll.predicted.every(Number.isFinite));
});

test('without the physics (λ = 0) the angle chart’s warp stays exactly where it started', async () => {
  const out = join(dir, 'angle-baseline');
  await anneal({
    out, data: { kind: 'pendulum', sequences: 4, frames: 10, size: 24 }, heldout: 1, latent: 2, hidden: [8], epochs: 2, batchSequences: 2,
    arch: 'angle', backend: 'cpu', search: stubSearch, schedule: { lambda: 0 },
  });
  const encoder = await loadModel(join(out, 'model', 'encoder'));
  try {
    const warp = Array.from(encoder.getWeights()[1].dataSync());
    assert.ok(warp.length === 16 && warp.every((c) => c === 0), `warp ${warp}`);
  } finally {
    encoder.dispose();
  }
});

test('auto charts a pendulum by angle, from a frames file too, unless the latent size asks for another encoder', async () => {
  const base = { heldout: 1, hidden: [8], epochs: 1, batchSequences: 2, backend: 'cpu' as const, search: stubSearch };
  const arch = (out: string) => (JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { model: { arch: string; latent: number } }).model;
  const messages: string[] = [];
  await anneal({ ...base, out: join(dir, 'auto-built-in'), data: { kind: 'pendulum', sequences: 6, frames: 12, size: 24 }, onMessage: (m: string) => messages.push(m) });
  const chosen = arch(join(dir, 'auto-built-in'));
  assert.ok(chosen.arch === 'angle' && chosen.latent === 2, JSON.stringify(chosen));
  assert.ok(messages[0].startsWith('encoder: angle chart (auto: the brightest feature swings on a circle'), messages[0]);
  // The same frames from a file, [K, T, H, W], stacked in twos by the run.
  const set = pendulum({ sequences: 6, frames: 12, size: 24 });
  const frames = new Float64Array(6 * 12 * 24 * 24);
  for (let k = 0; k < 6; k++)
    for (let t = 0; t < 11; t++)
      for (let p = 0; p < 24 * 24; p++) {
        const sample = (k * 11 + t) * 2 * 24 * 24;
        frames[((k * 12 + t) * 24 * 24) + p] = set.samples[sample + 2 * p];
        if (t === 10) frames[((k * 12 + 11) * 24 * 24) + p] = set.samples[sample + 2 * p + 1];
      }
  const file = join(dir, 'pendulum-frames.npy');
  writeFileSync(file, writeNpy(frames, [6, 12, 24, 24]));
  await anneal({ ...base, out: join(dir, 'auto-file'), data: { kind: 'file', path: file, stack: 2 } });
  assert.equal(arch(join(dir, 'auto-file')).arch, 'angle');
  // Four coordinates for two stacked frames: not one angle each, so the learned encoder.
  await anneal({ ...base, out: join(dir, 'auto-latent-4'), latent: 4, data: { kind: 'pendulum', sequences: 6, frames: 12, size: 24 } });
  assert.notEqual(arch(join(dir, 'auto-latent-4')).arch, 'angle');
});
