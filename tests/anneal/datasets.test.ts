import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { zipSync } from 'fflate';
import { join } from 'node:path';
import { loadFrames, pendulum, spinning, splitSequences, SPIN_ANGLE } from '../../src/anneal/datasets.ts';
import { writeNpy } from '../../src/data/npy.ts';
import { InputError } from '../../src/errors.ts';

const frame = (s: Float32Array, i: number, D: number): Float32Array => s.subarray(i * D, (i + 1) * D);
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

test('datasets are deterministic per seed and differ across seeds', () => {
  for (const gen of [spinning, pendulum]) {
    const a = gen({ sequences: 3, frames: 6, seed: 7, size: 16 });
    const b = gen({ sequences: 3, frames: 6, seed: 7, size: 16 });
    const c = gen({ sequences: 3, frames: 6, seed: 8, size: 16 });
    assert.deepEqual(a.samples, b.samples);
    assert.deepEqual(a.truth, b.truth);
    assert.ok(maxDiff(a.samples, c.samples) > 0.1);
  }
});

test('spinning frames really rotate: t+16 repeats t, t+4 is t turned by 90 degrees, t+1 differs', () => {
  const set = spinning({ sequences: 2, frames: 20, seed: 3 });
  const D = 32 * 32;
  assert.equal(SPIN_ANGLE, (2 * Math.PI) / 16);
  for (const base of [0, 20]) {
    assert.ok(maxDiff(frame(set.samples, base, D), frame(set.samples, base + 16, D)) < 1e-6, 'period 16');
    assert.ok(maxDiff(frame(set.samples, base, D), frame(set.samples, base + 1, D)) > 0.1, 'moves');
    // frame_{t+4}(p) = frame_t(R(−90°) p): pixel (x, y) of frame t+4 is pixel (x' = y, y' = 31 − x) of frame t.
    const f0 = frame(set.samples, base, D), f4 = frame(set.samples, base + 4, D);
    let m = 0;
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) m = Math.max(m, Math.abs(f4[y * 32 + x] - f0[(31 - x) * 32 + y]));
    assert.ok(m < 1e-6, `quarter turn mismatch ${m}`);
    // No symmetry but the identity: a half turn changes the picture.
    assert.ok(maxDiff(f0, frame(set.samples, base + 8, D)) > 0.3, 'asymmetric');
  }
  const truth = set.truth!.values;
  assert.ok(Math.abs(((truth[1] - truth[0] + 2 * Math.PI) % (2 * Math.PI)) - SPIN_ANGLE) < 1e-12);
});

test('pendulum: energy is conserved along each sequence, stacked channels overlap, energies vary', () => {
  const T = 30;
  const set = pendulum({ sequences: 4, frames: T, seed: 5, size: 16 });
  assert.deepEqual(set.sampleShape, [16, 16, 2]);
  assert.equal(set.offsets[1], T - 1);
  const v = set.truth!.values;
  const energies: number[] = [];
  for (let k = 0; k < 4; k++) {
    const E0 = v[2 * k * (T - 1) + 1] ** 2 / 2 - Math.cos(v[2 * k * (T - 1)]);
    energies.push(E0);
    assert.ok(E0 <= 0.99);
    for (let t = 1; t < T - 1; t++) {
      const i = k * (T - 1) + t;
      assert.ok(Math.abs(v[2 * i + 1] ** 2 / 2 - Math.cos(v[2 * i]) - E0) < 1e-8, 'energy drift');
    }
  }
  assert.ok(Math.max(...energies) - Math.min(...energies) > 0.1, 'varying energy');
  const P = 16 * 16;
  for (let i = 0; i + 1 < set.offsets[1]; i++)
    for (let p = 0; p < P; p++) assert.equal(set.samples[(i * P + p) * 2 + 1], set.samples[((i + 1) * P + p) * 2]);
});

test('user frames load from .npy and .npz, standardised, with clear errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'anneal-frames-'));
  try {
    const vec = Float64Array.from({ length: 2 * 5 * 3 }, (_, i) => 10 + i);
    writeFileSync(join(dir, 'v.npy'), writeNpy(vec, [2, 5, 3]));
    const a = loadFrames(join(dir, 'v.npy'));
    assert.deepEqual(a.sampleShape, [3]);
    assert.deepEqual(a.offsets, [0, 5, 10]);
    const mean = a.samples.reduce((s, x) => s + x, 0) / a.samples.length;
    assert.ok(Math.abs(mean) < 1e-5);
    assert.ok(Math.abs(a.samples[0] * a.norm.scale + a.norm.offset - 10) < 1e-4);
    const img = Float64Array.from({ length: 1 * 4 * 2 * 2 }, (_, i) => i);
    writeFileSync(join(dir, 'img.npy'), writeNpy(img, [1, 4, 2, 2]));
    const b = loadFrames(join(dir, 'img.npy'), 2);
    assert.deepEqual(b.sampleShape, [2, 2, 2]);
    assert.deepEqual(b.offsets, [0, 3]);
    // Sample 0, pixel 1: channels are frames 0 and 1 at that pixel (raw values 1 and 5).
    assert.ok(Math.abs(b.samples[2] * b.norm.scale + b.norm.offset - 1) < 1e-4);
    assert.ok(Math.abs(b.samples[3] * b.norm.scale + b.norm.offset - 5) < 1e-4);
    writeFileSync(join(dir, 'f.npz'), zipSync({ 'frames.npy': writeNpy(vec, [2, 5, 3]), 'other.npy': writeNpy(vec, [30]) }));
    assert.deepEqual(loadFrames(join(dir, 'f.npz')).samples, a.samples);
    writeFileSync(join(dir, 'flat.npy'), writeNpy(vec, [30]));
    assert.throws(() => loadFrames(join(dir, 'flat.npy')), (e: unknown) => e instanceof InputError && /expected \(K, T, H, W\)/.test(e.message));
    const bad = Float64Array.from(vec);
    bad[7] = NaN;
    writeFileSync(join(dir, 'nan.npy'), writeNpy(bad, [2, 5, 3]));
    assert.throws(() => loadFrames(join(dir, 'nan.npy')), /sequence 0, frame 2, element 1 is NaN/);
    assert.throws(() => loadFrames(join(dir, 'missing.npy')), InputError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('splitSequences keeps the last sequences apart', () => {
  const set = spinning({ sequences: 5, frames: 4, seed: 1, size: 8 });
  const { train, heldout } = splitSequences(set, 2);
  assert.deepEqual(train.offsets, [0, 4, 8, 12]);
  assert.deepEqual(heldout!.offsets, [0, 4, 8]);
  assert.deepEqual(heldout!.samples, set.samples.slice(12 * 64));
  assert.deepEqual(heldout!.truth!.values, set.truth!.values.slice(12));
});
