/**
 * The angle chart's warp: the decoder undoes it, so reconstruction cannot move it and the physics can;
 * and `auto` charts a video by angle exactly when its feature swings on an arc.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import { ChartUnwarp, LEGACY_WARP_SCALE, WARP_SCALE, warpTerm, type WarpSource } from '../../src/anneal/chart-warp.ts';
import { KeypointChart } from '../../src/anneal/keypoint-layers.ts';
import { pendulum, spinning, stackFrames, type FrameSet } from '../../src/anneal/datasets.ts';
import { firstKeypointPath, keypointPath } from '../../src/anneal/keypoint-init.ts';
import { swingsOnArc } from '../../src/anneal/index.ts';

before(async () => {
  await tf.setBackend('cpu');
});

const HARMONICS = 8;

/** A warp source holding fixed coefficients [2K, m]. */
function source(coefficients: tf.Variable): WarpSource {
  return { warpHarmonics: HARMONICS, warpScale: WARP_SCALE, warpCoefficients: () => coefficients };
}

/** Coefficients whose warp moves an angle by up to about 0.06 rad, far beyond a keypoint's bias. */
const coefficientArrays = (m: number) => fc.array(fc.double({ min: -4e-3 / WARP_SCALE, max: 4e-3 / WARP_SCALE, noNaN: true }), { minLength: 2 * HARMONICS * m, maxLength: 2 * HARMONICS * m });

test('the decoder’s unwarp inverts the chart’s warp for any coefficients of the warp’s scale', () => {
  fc.assert(
    fc.property(coefficientArrays(2), fc.array(fc.double({ min: -3.1, max: 3.1, noNaN: true }), { minLength: 12, maxLength: 12 }), (coefficients, angles) => {
      tf.tidy(() => {
        const c = tf.variable(tf.tensor2d(coefficients, [2 * HARMONICS, 2]));
        const alpha = tf.tensor3d(angles, [3, 2, 2]);
        const u = tf.reshape(tf.add(alpha, warpTerm(alpha, c, HARMONICS, WARP_SCALE)), [3, 4]);
        const layer = new ChartUnwarp({ keypoints: 2 });
        layer.attach(source(c));
        const back = (layer.apply(u) as tf.Tensor).dataSync();
        const moved = Math.max(...Array.from(u.dataSync(), (v, i) => Math.abs(v - angles[i])));
        angles.forEach((a, i) => assert.ok(Math.abs(back[i] - a) <= 2e-6, `α ${a} came back as ${back[i]} (the warp moved angles by up to ${moved})`));
        c.dispose();
      });
    }),
    { seed: 3, numRuns: 60 },
  );
});

test('reconstruction cannot move the warp but the physics can', () => {
  const rng = fc.sample(fc.double({ min: -3, max: 3, noNaN: true }), { seed: 5, numRuns: 40 });
  const c = tf.variable(tf.tensor2d(rng.slice(0, 2 * HARMONICS).map((v) => v / 3), [2 * HARMONICS, 1]));
  const alpha = tf.tensor3d(rng.slice(0, 20), [10, 2, 1]);
  const unwarp = new ChartUnwarp({ keypoints: 1 });
  unwarp.attach(source(c));
  const u = () => tf.reshape(tf.add(alpha, warpTerm(alpha, c, HARMONICS, WARP_SCALE)), [10, 2]);
  // Any decoder of the unwarped angles: its loss depends on α alone, whatever the warp.
  const recon = tf.variableGrads(() => tf.sum(tf.sin(tf.mul(unwarp.apply(u()) as tf.Tensor, 3))) as tf.Scalar, [c]).grads[c.name];
  const G = tf.tensor2d(rng.slice(20, 40), [10, 2]);
  const physics = tf.variableGrads(() => tf.sum(tf.mul(G, u())) as tf.Scalar, [c]).grads[c.name];
  const [r, p] = [tf.norm(recon).dataSync()[0], tf.norm(physics).dataSync()[0]];
  assert.ok(p > 1e-4, `the physics surrogate's gradient on the warp is ${p}`);
  assert.ok(r <= 1e-6 * p, `reconstruction's gradient on the warp is ${r} (physics: ${p})`);
  tf.dispose([c, alpha, recon, G, physics]);
});

test('a chart keeps the warp scale it was made with; one saved before the scale was recorded reads 1e-3', () => {
  const starts = [{ gain: 2, pivot: [0, 0] as [number, number], cut: 0 }];
  const made = new KeypointChart({ keypoints: 1, chart: 'angle', starts, warpHarmonics: HARMONICS, warpScale: WARP_SCALE });
  const config = made.getConfig();
  assert.equal(config.warpScale, WARP_SCALE);
  const reloaded = KeypointChart.fromConfig(KeypointChart, config) as KeypointChart;
  assert.equal(reloaded.warpScale, WARP_SCALE);
  const { warpScale: _omitted, ...legacy } = config;
  assert.equal((KeypointChart.fromConfig(KeypointChart, legacy) as KeypointChart).warpScale, LEGACY_WARP_SCALE);
  assert.notEqual(WARP_SCALE, LEGACY_WARP_SCALE);
});

/** Samples of two stacked frames of `set`'s frames (one channel per frame). */
const pairs = (set: FrameSet): { n: number; at: (s: number, f: number, p: number) => number } => ({
  n: set.samples.length / set.sampleSize,
  at: (s, f, p) => set.samples[s * set.sampleSize + p * set.sampleShape[2] + f],
});

test('auto charts the pendulum by angle and keeps a turning object on the learned encoder', () => {
  for (const seed of [0, 1]) {
    const path = firstKeypointPath(pairs(pendulum({ sequences: 16, frames: 16, seed, size: 24 })), 24, 24);
    assert.ok(swingsOnArc(path), `pendulum seed ${seed}: ${JSON.stringify(path)}`);
  }
  const spin = spinning({ sequences: 4, frames: 16, seed: 0, size: 24 });
  const stacked = stackFrames(spin.samples, spin.offsets, [24, 24], 2);
  const path = firstKeypointPath(pairs({ ...spin, samples: stacked.samples, offsets: stacked.offsets, sampleShape: [24, 24, 2], sampleSize: 2 * 24 * 24 }), 24, 24);
  assert.ok(!swingsOnArc(path) && path.crossings > 0, JSON.stringify(path));
});

test('a path swinging on any arc is a swing; one turning through every direction, or off a circle, is not', () => {
  fc.assert(
    fc.property(
      fc.double({ min: -0.5, max: 0.5, noNaN: true }), fc.double({ min: -0.5, max: 0.5, noNaN: true }), fc.double({ min: 0.2, max: 1, noNaN: true }),
      fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), fc.double({ min: 0.5, max: 5.5, noNaN: true }), fc.double({ min: 0.01, max: 0.3, noNaN: true }),
      (cx, cy, r, start, span, step) => {
        const at = (a: number): [number, number] => [cx + r * Math.cos(a), cy + r * Math.sin(a)];
        // Back and forth over the arc [start, start + span], `step` radians per frame.
        const phases = Array.from({ length: 200 }, (_, i) => start + (span / 2) * (1 - Math.cos(i * step)));
        const swing = keypointPath(phases.slice(0, -1).map(at), phases.slice(1).map(at));
        assert.ok(swingsOnArc(swing), `swing: ${JSON.stringify(swing)}`);
        // Always the same way round: every direction is turned through.
        const turns = Array.from({ length: 200 }, (_, i) => start + i * (step + 0.05));
        const turning = keypointPath(turns.slice(0, -1).map(at), turns.slice(1).map(at));
        assert.ok(!swingsOnArc(turning), `turning: ${JSON.stringify(turning)}`);
        // An ellipse of aspect 2 is no circle (over a short arc, one fits any curve).
        const squashed = (a: number): [number, number] => [cx + 2 * r * Math.cos(a), cy + r * Math.sin(a)];
        const ellipse = keypointPath(phases.slice(0, -1).map(squashed), phases.slice(1).map(squashed));
        if (span >= 3 && step * 199 >= Math.PI) assert.ok(!swingsOnArc(ellipse), `ellipse: ${JSON.stringify(ellipse)}`);
      },
    ),
    { seed: 7, numRuns: 150 },
  );
});
