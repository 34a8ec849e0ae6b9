/**
 * No trivial solutions: the physics loss judges a law against the motion it must explain, so rescaling
 * space, slowing time or freezing the latents cannot lower it (bridge.ts, "The yardstick S").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bridge, computeWeights, physicsLossAndGradient, type BridgeOptions } from '../../src/anneal/bridge.ts';
import type { Dataset, Law } from '../../src/types.ts';
import { makeLaw } from './helpers.ts';

const QUADRATIC = ['u1^2', 'u1*u2', 'u2^2', 'u1', 'u2', '1'];

/** Latents near a planted rotation by `angle` on a random plane of R^d, radius 1..2 per trajectory, plus noise. */
const planted = fc
  .record({
    d: fc.integer({ min: 2, max: 4 }),
    K: fc.integer({ min: 2, max: 5 }),
    T: fc.integer({ min: 6, max: 12 }),
    angle: fc.double({ min: 0.2, max: 1, noNaN: true }),
    noise: fc.double({ min: 1e-4, max: 0.05, noNaN: true }),
    seed: fc.integer({ min: 1, max: 1e6 }),
  })
  .map(({ d, K, T, angle, noise, seed }) => {
    let s = seed;
    const rnd = (): number => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
    // Orthonormal rows by Gram–Schmidt: u = B z reads the plane back exactly.
    const basis: number[][] = [];
    while (basis.length < 2) {
      const v = Array.from({ length: d }, rnd);
      for (const b of basis) {
        const dot = v.reduce((t, x, c) => t + x * b[c], 0);
        for (let c = 0; c < d; c++) v[c] -= dot * b[c];
      }
      const n = Math.hypot(...v);
      if (n > 0.1) basis.push(v.map((x) => x / n));
    }
    const states = new Float64Array(K * T * d);
    for (let k = 0; k < K; k++) {
      const r = 1 + k / (K - 1), phase = Math.PI * rnd();
      for (let t = 0; t < T; t++) {
        const p = [r * Math.cos(phase + t * angle), r * Math.sin(phase + t * angle)];
        for (let c = 0; c < d; c++) states[(k * T + t) * d + c] = basis[0][c] * p[0] + basis[1][c] * p[1] + noise * rnd();
      }
    }
    const latents: Dataset = { dim: d, states, offsets: Array.from({ length: K + 1 }, (_, k) => k * T), source: 'fc' };
    return { latents, basis, angle };
  });

/** u' = M u + m as a law with features u1, u2, 1. */
const affineMap = (basis: number[][], M: number[][], m: number[]): Law =>
  makeLaw('map', 'map', basis, ['u1', 'u2', '1'], [[M[0][0], M[0][1], m[0]], [M[1][0], M[1][1], m[1]]]);

/** I(u) = |u − β|², the planted radius (β = 0) seen from a shifted origin. */
const radius = (basis: number[][], beta: number[]): Law =>
  makeLaw('radius', 'invariant', basis, QUADRATIC, [[1, 0, 1, -2 * beta[0], -2 * beta[1], beta[0] ** 2 + beta[1] ** 2]]);

const rotation = (a: number): number[][] => [[Math.cos(a), -Math.sin(a)], [Math.sin(a), Math.cos(a)]];
const IDENTITY = [[1, 0], [0, 1]];
const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.max(Math.abs(a), Math.abs(b)) + 1e-300;

test('rescaling space leaves the loss unchanged: L(c·Z + b) = L(Z) for the law restated in the new units', () => {
  fc.assert(
    fc.property(
      planted, fc.double({ min: -3, max: 3, noNaN: true }), fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 4, maxLength: 4 }),
      fc.double({ min: 0.02, max: 1, noNaN: true }), fc.double({ min: -0.05, max: 0.05, noNaN: true }),
      ({ latents, basis, angle }, logC, shift, relTolerance, miss) => {
        const c = 10 ** logC, d = latents.dim;
        const b = shift.slice(0, d).map((x) => c * x);
        const moved: Dataset = { ...latents, states: latents.states.map((z, i) => c * z + b[i % d]) };
        const beta = basis.map((row) => row.reduce((t, x, j) => t + x * b[j], 0));
        // u' = M u restated for v = c·u + β: v' = M v + β − M β.
        const M = rotation(angle + miss);
        const restated = [0, 1].map((a) => beta[a] - M[a][0] * beta[0] - M[a][1] * beta[1]);
        for (const opts of [{ qMin: 0, relTolerance }, { relTolerance }] as BridgeOptions[]) {
          const pairs: [Law, Law][] = [[affineMap(basis, M, [0, 0]), affineMap(basis, M, restated)], [radius(basis, [0, 0]), radius(basis, beta)]];
          for (const [law, lawMoved] of pairs) {
            const before = bridge(latents, [law], opts), after = bridge(moved, [lawMoved], opts);
            assert.equal(after.laws[0].inlierFraction, before.laws[0].inlierFraction, `${law.id}: q`);
            assert.ok(close(after.loss, before.loss), `${law.id}, c = ${c}: L ${before.loss} became ${after.loss}`);
          }
        }
      },
    ),
    { numRuns: 80, seed: 16 },
  );
});

/** Every trajectory slowed `m`-fold: m − 1 states interpolated between consecutive ones. */
function interpolated(z: Dataset, m: number): Dataset {
  const d = z.dim, out: number[] = [], offsets = [0];
  for (let k = 0; k + 1 < z.offsets.length; k++) {
    const lo = z.offsets[k], hi = z.offsets[k + 1];
    for (let i = lo; i < hi; i++)
      for (let j = 0; j < (i + 1 < hi ? m : 1); j++)
        for (let c = 0; c < d; c++) out.push(z.states[i * d + c] + (j / m) * ((z.states[(i + 1) * d + c] ?? 0) - z.states[i * d + c]));
    offsets.push(out.length / d);
  }
  return { ...z, states: Float64Array.from(out), offsets };
}

/** Every trajectory shrunk toward its first state: z_i → z_0 + s·(z_i − z_0), so every step shrinks s-fold. */
function shrunk(z: Dataset, s: number): Dataset {
  const d = z.dim, states = Float64Array.from(z.states);
  for (let k = 0; k + 1 < z.offsets.length; k++)
    for (let i = z.offsets[k]; i < z.offsets[k + 1]; i++)
      for (let c = 0; c < d; c++) states[i * d + c] = z.states[z.offsets[k] * d + c] + s * (z.states[i * d + c] - z.states[z.offsets[k] * d + c]);
  return { ...z, states };
}

/** L with every weight 1: the bare quotient A / S, which no speed of the latents may lower. */
function quotient(z: Dataset, law: Law): number {
  const [w] = computeWeights(z, [law], { qMin: 0, relTolerance: 1 });
  return physicsLossAndGradient(z, [law], [{ ...w, weight: 1, transitionWeights: w.transitionWeights.map(() => 1) }]).loss;
}

test('slowing time lowers neither the loss of "nothing moves" nor that of a function that is not conserved', () => {
  fc.assert(
    fc.property(planted, fc.integer({ min: 2, max: 6 }), fc.double({ min: -3, max: -0.3, noNaN: true }), fc.double({ min: 0.05, max: 0.6, noNaN: true }),
      ({ latents, basis }, m, logS, relTolerance) => {
        const still = affineMap(basis, IDENTITY, [0, 0]);
        // A generic function of the state: on slow latents it changes little per step, as if conserved.
        const coordinate = makeLaw('u1', 'invariant', basis, ['u1'], [[1]]);
        const base = quotient(latents, still), baseCoordinate = quotient(latents, coordinate);
        for (const slow of [interpolated(latents, m), shrunk(latents, 10 ** logS)]) {
          // u' = u leaves the whole step unexplained at any speed: A / S = ½ exactly.
          assert.ok(quotient(slow, still) >= base * (1 - 1e-9), `u' = u: ${base} fell to ${quotient(slow, still)}`);
          // …and with the default weighting it never becomes near-perfect.
          const res = bridge(slow, [still], { relTolerance });
          assert.equal(res.laws[0].weight, 0, `u' = u has inliers ${res.laws[0].inlierFraction} on slowed latents`);
        }
        // Interpolated states move the spreads a little (chords cut the circle), the steps m-fold.
        const slowCoordinate = quotient(interpolated(latents, m), coordinate);
        assert.ok(slowCoordinate >= 0.7 * baseCoordinate, `I = u1: ${baseCoordinate} fell to ${slowCoordinate} when slowed ${m}-fold`);
      }),
    { numRuns: 60, seed: 17 },
  );
});

test('a frozen latent earns no weight: nothing moves, so no law explains motion there', () => {
  fc.assert(
    fc.property(planted, fc.option(fc.double({ min: 0.01, max: 2, noNaN: true }), { nil: undefined }), ({ latents, basis, angle }, relTolerance) => {
      // Each trajectory stuck at its first state (distinct per trajectory, so the spread is not zero).
      const frozen = shrunk(latents, 0);
      const laws = [affineMap(basis, IDENTITY, [0, 0]), affineMap(basis, rotation(angle), [0, 0]), radius(basis, [0, 0])];
      for (const law of laws) {
        const res = bridge(frozen, [law], { relTolerance });
        assert.equal(res.laws[0].inlierFraction, 0, `${law.id} counts inliers on frozen latents`);
        assert.equal(res.laws[0].weight, 0);
        assert.equal(res.loss, 0);
        assert.ok(res.gradient.every((g) => g === 0));
      }
    }),
    { numRuns: 40, seed: 18 },
  );
});

test('a law fitted to the search tolerance cannot make "nothing moves" near-perfect on slow latents', () => {
  // Without relTolerance the law's own tolerance applies; on latents moving 1% of their spread per step
  // it would cover every step. For maps it is capped at half the RMS step.
  const z = makeSlow();
  const still = makeLaw('still', 'map', [[1, 0], [0, 1]], ['u1', 'u2'], [[1, 0], [0, 1]], 0.05);
  const res = bridge(z, [still]);
  assert.ok(res.laws[0].tolerance < 0.05, `tolerance ${res.laws[0].tolerance}`);
  assert.equal(res.laws[0].weight, 0, `q = ${res.laws[0].inlierFraction}`);
});

/** Four circles of radius 1..2 traversed at 0.01 rad per step: steps are 1% of the spread. */
function makeSlow(): Dataset {
  const K = 4, T = 50, states = new Float64Array(K * T * 2);
  for (let k = 0; k < K; k++)
    for (let t = 0; t < T; t++) {
      states[(k * T + t) * 2] = (1 + k / 3) * Math.cos(k + 0.01 * t);
      states[(k * T + t) * 2 + 1] = (1 + k / 3) * Math.sin(k + 0.01 * t);
    }
  return { dim: 2, states, offsets: [0, 50, 100, 150, 200], source: 'slow' };
}
