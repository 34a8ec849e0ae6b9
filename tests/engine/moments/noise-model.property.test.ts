/**
 * The measurement-noise model from lag-2 moments: on planted damped rotations read with noise, the
 * clean map's ρ and θ, the noise scale, and the verdict "measurement noise" come out right; noise-free
 * data, process noise and readings of a static point are not mistaken for it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { computeMoments, momentChunk } from '../../../src/engine/moments/stage.ts';
import { limitsMaps, noiseModel } from '../../../src/engine/moments/noise-model.ts';
import { accumulateLagged } from '../../../src/engine/moments/lagged.ts';
import { generalEigen } from '../../../src/engine/kernels/linalg.ts';
import { contextOf, dampedRotation, noisyReadings } from '../noisy-readings.ts';

interface Noisy {
  rho: number;
  theta: number;
  measurement: number;
  process: number;
  noiseDims: number;
  seed: number;
  trajectories?: number;
  steps?: number;
}

async function modelOf(p: Noisy) {
  const { dataset, plane } = noisyReadings({ ...p, A: dampedRotation(p.rho, p.theta), trajectories: p.trajectories ?? 40, steps: p.steps ?? 500 });
  const ctx = contextOf(dataset);
  const mom = await computeMoments(ctx, async (task) => momentChunk(ctx, task), () => {});
  return noiseModel(mom, plane);
}

const angleAndRadius = (A: number[][]) => {
  const { re, im } = generalEigen(A);
  const i = im[0] >= 0 ? 0 : 1;
  return { theta: Math.atan2(im[i], re[i]), rho: Math.hypot(re[i], im[i]) };
};

test('a damped rotation read with up to 30% noise: its ρ, θ and the noise scale come out of the lag-2 moments', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        rho: fc.double({ min: 0.98, max: 1, noNaN: true }),
        theta: fc.double({ min: 0.3, max: 1.2, noNaN: true }),
        share: fc.double({ min: 0.05, max: 0.3, noNaN: true }),
        noiseDims: fc.integer({ min: 0, max: 3 }),
        seed: fc.integer({ min: 1, max: 1e6 }),
      }),
      async ({ rho, theta, share, noiseDims, seed }) => {
        // The signal's RMS per coordinate is about 1 over these trajectories: σ is its share.
        const model = await modelOf({ rho, theta, measurement: share, process: 0, noiseDims, seed, trajectories: 160, steps: 150 });
        assert.ok(model, 'a model');
        const got = angleAndRadius(model.map);
        assert.ok(Math.abs(got.theta - theta) <= 0.01 * theta, `θ ${got.theta} vs ${theta}`);
        assert.ok(Math.abs(got.rho - rho) <= 0.01 * rho, `ρ ${got.rho} vs ${rho}`);
        const sigma = Math.sqrt((model.measurement[0][0] + model.measurement[1][1]) / 2);
        assert.ok(Math.abs(sigma - share) <= 0.2 * share, `σ ${sigma} vs ${share}`);
        assert.ok(limitsMaps(model, 0.05), 'judged as measurement noise');
      },
    ),
    { numRuns: 12, seed: 15 },
  );
});

test('noise-free readings have no measurement noise to speak of', async () => {
  const model = await modelOf({ rho: 0.99, theta: 0.4, measurement: 0, process: 0, noiseDims: 1, seed: 3 });
  assert.ok(model);
  assert.ok(model.measurementShare < 1e-9, `share ${model.measurementShare}`);
  assert.equal(limitsMaps(model, 0.05), false);
});

test('process noise is not mistaken for measurement noise', async () => {
  const model = await modelOf({ rho: 0.99, theta: 0.4, measurement: 0, process: 0.1, noiseDims: 1, seed: 4 });
  assert.ok(model);
  assert.equal(limitsMaps(model, 0.05), false, `measurement share ${model.measurementShare}, process share ${model.processShare}`);
});

test('readings of a static point carry no clean motion: no model', async () => {
  const model = await modelOf({ rho: 0, theta: 0, measurement: 0.2, process: 0, noiseDims: 2, seed: 5 });
  assert.equal(model, null);
});

test('readings with both noises limit maps only when the clean state moves within 5% of its spread', async () => {
  const rough = await modelOf({ rho: 0.99, theta: 0.4, measurement: 0.3, process: 0.15, noiseDims: 0, seed: 6 });
  assert.ok(rough);
  assert.equal(limitsMaps(rough, 0.05), false, `process share ${rough.processShare}`);
  const fine = await modelOf({ rho: 0.99, theta: 0.4, measurement: 0.3, process: 0.01, noiseDims: 0, seed: 6 });
  assert.ok(fine && limitsMaps(fine, 0.05), `process share ${fine?.processShare}`);
});

test('lag-2 sums over every s-th transition equal plain sums over those transitions', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 7 }), (seed, d, stride) => {
      const { dataset } = noisyReadings({ A: dampedRotation(0.9, 0.3), measurement: 0.1, noiseDims: d, seed, trajectories: 7, steps: 5 + (seed % 40) });
      const ctx = contextOf(dataset);
      const D = ctx.dim;
      const shift = Array.from({ length: D }, (_, j) => 0.1 * j);
      const n = ctx.starts.length;
      const lag = accumulateLagged(ctx.states, D, ctx.starts, shift, 0, n, stride);
      const w = (state: number) => Array.from({ length: D }, (_, j) => ctx.states[state * D + j] - shift[j]);
      const m = 2 * D + 1;
      const base = new Float64Array(m * m);
      const excluded = new Float64Array(m * m);
      const ahead = new Float64Array((D + 1) * D);
      let count = 0;
      for (let t = 0; t < n; t += stride) {
        const st = ctx.starts[t];
        const v = [...w(st), ...w(st + 1), 1];
        if (!(t + 1 < n && ctx.starts[t + 1] === st + 1)) {
          for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) excluded[i * m + j] += v[i] * v[j];
          continue;
        }
        count++;
        const x = [...w(st), 1];
        const z2 = w(st + 2);
        for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) base[i * m + j] += v[i] * v[j];
        for (let i = 0; i <= D; i++) for (let j = 0; j < D; j++) ahead[i * D + j] += x[i] * z2[j];
      }
      assert.equal(lag.n, count);
      const close = (a: ArrayLike<number>, b: ArrayLike<number>, what: string) => Array.from(b).forEach((v, i) => assert.ok(Math.abs(a[i] - v) <= 1e-9 * (1 + Math.abs(v)), `${what}[${i}]: ${a[i]} vs ${v}`));
      close(lag.ahead, ahead, 'ahead');
      if (stride > 1) close(lag.base!, base, 'base');
      else {
        const { count, rows } = lag.excluded!;
        const gram = new Float64Array(m * m);
        for (let r = 0; r < count; r++) for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) gram[i * m + j] += rows![r * m + i] * rows![r * m + j];
        close(gram, excluded, 'excluded');
      }
    }),
    { numRuns: 60, seed: 8 },
  );
});
