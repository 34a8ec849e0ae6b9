import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { holdOnManifold, slavedManifold } from '../../src/rollout/hold.ts';
import { randomOrthogonal } from '../../src/planted.ts';

/** Park–Miller generator in [0, 1) from an integer seed (fast-check supplies the seed, so runs replay). */
function rng(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 16807) % 2147483647) / 2147483647;
}

/**
 * Training latents on a closed curve, as an encoder of the spinning video makes them: a circle of radius r
 * in the law's plane (first two rows of a random orthogonal Q) and the angle's harmonics cos 2θ, sin 2θ
 * (times `amp`) along the other directions.
 */
function curve(d: number, n: number, r: number, amp: number, rand: () => number) {
  const Q = randomOrthogonal(d, rand);
  const B = Q.slice(0, 2);
  const off = (theta: number): number[] => {
    const v = new Array<number>(d).fill(0);
    const h = [Math.cos(2 * theta), Math.sin(2 * theta)];
    for (let a = 2; a < d; a++) for (let c = 0; c < d; c++) v[c] += amp * h[(a - 2) % 2] * Q[a][c];
    return v;
  };
  const Z = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const theta = (2 * Math.PI * i) / n;
    const o = off(theta);
    for (let c = 0; c < d; c++) Z[i * d + c] = r * Math.cos(theta) * B[0][c] + r * Math.sin(theta) * B[1][c] + o[c];
  }
  return { B, Z, off };
}

test('the manifold hold recovers off-plane dimensions that are functions of the in-plane angle (random bases)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 3, max: 8 }), fc.integer({ min: 1, max: 1e9 }), fc.double({ min: 0.5, max: 5, noNaN: true }),
      fc.double({ min: 0.1, max: 2, noNaN: true }), fc.double({ min: 0, max: 2 * Math.PI, noNaN: true }),
      (d, seed, r, amp, theta) => {
        const n = 720;
        const { B, Z, off } = curve(d, n, r, amp, rng(seed));
        const m = slavedManifold(Z, d, B);
        const held = holdOnManifold(m, [r * Math.cos(theta), r * Math.sin(theta)], new Float64Array(d));
        const truth = off(theta);
        // Neighbours lie within 2 samples (4π/n in angle); the harmonic moves 2·amp per radian there.
        const err = Math.hypot(...truth.map((t, c) => t - held[c]));
        assert.ok(err < 2 * amp * (4 * Math.PI / n) + 1e-9, `error ${err} (amp ${amp})`);
        // The held part lies outside the plane: the law's coordinates are the law's alone.
        for (const b of B) assert.ok(Math.abs(b.reduce((s, v, c) => s + v * held[c], 0)) < 1e-9);
      },
    ),
    { numRuns: 60 },
  );
});

test('an exact hit returns that training latent’s off-plane part; noise dimensions give a local mean', () => {
  const d = 5, n = 400, rand = rng(42);
  const { B, Z } = curve(d, n, 2, 0, rand);
  // Pure noise off the plane, independent of the angle.
  for (let i = 0; i < n; i++) for (let c = 0; c < d; c++) Z[i * d + c] += 0.3 * (rand() - 0.5);
  const m = slavedManifold(Z, d, B, 8);
  const i = 17;
  const u = B.map((b) => b.reduce((s, v, c) => s + v * Z[i * d + c], 0));
  const held = holdOnManifold(m, u, new Float64Array(d));
  for (let c = 0; c < d; c++) assert.ok(Math.abs(held[c] - m.rest[i * d + c]) < 1e-9);
  // Away from any sample the hold averages 8 neighbours: the off-plane spread shrinks below the data's.
  const spread = (v: ArrayLike<number>) => Math.hypot(...Array.from(v));
  let heldSpread = 0, dataSpread = 0;
  for (let j = 0; j < 50; j++) {
    const t = 2 * Math.PI * (j + 0.5) / 50;
    heldSpread += spread(holdOnManifold(m, [2 * Math.cos(t), 2 * Math.sin(t)], new Float64Array(d))) / 50;
    dataSpread += spread(m.rest.subarray(j * d, j * d + d)) / 50;
  }
  assert.ok(heldSpread < 0.75 * dataSpread, `held ${heldSpread} vs data ${dataSpread}`);
});

test('slavedManifold rejects an empty training set', () => {
  assert.throws(() => slavedManifold(new Float64Array(0), 3, [[1, 0, 0]]), /no training latents/);
});
