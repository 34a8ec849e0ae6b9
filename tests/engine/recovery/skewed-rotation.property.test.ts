/**
 * Rotations in a linear frame, as an encoder's latents usually hold them: z' = S R(θ) S⁻¹ z on a random
 * plane among noise dimensions, orbits that are ellipses. The search states them as such — the angle
 * snapped to the planted π/k or 2π/k, the plane found, a spiral's ρ — and a round frame stays a rotation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileExpression } from '../../../src/grammar/safe-math.ts';
import { matmul } from '../../../src/engine/kernels/linalg.ts';
import { randomOrthogonal } from '../../../src/planted.ts';
import { mulberry32 } from '../../../src/random.ts';
import type { Dataset, Law } from '../../../src/types.ts';
import { fitInline } from '../helpers.ts';
import { planeError } from './compare.ts';
import { gaussian } from './systems.ts';

const rotation = (a: number) => [[Math.cos(a), -Math.sin(a)], [Math.sin(a), Math.cos(a)]];

interface Planted {
  seed: number;
  noiseDims: number;
  noise: number;
  /** The angle per step: π/k or 2π/k. */
  k: number;
  twoPi: boolean;
  /** cond(S) and the frame's turns: S = R(α)·diag(cond, 1)·R(β). */
  cond: number;
  alpha: number;
  beta: number;
  rho: number;
  centre: [number, number] | null;
}

/** Trajectories of u' = c + ρ·S R(θ) S⁻¹ (u − c) on a random plane of R^d, the rest Gaussian noise. */
function plantedData(p: Planted): { dataset: Dataset; basis: number[][]; angle: number } {
  const rand = mulberry32(p.seed);
  const g = gaussian(rand);
  const angle = ((p.twoPi ? 2 : 1) * Math.PI) / p.k;
  const S = matmul(matmul(rotation(p.alpha), [[p.cond, 0], [0, 1]]), rotation(p.beta));
  const Sinv = matmul(matmul(rotation(-p.beta), [[1 / p.cond, 0], [0, 1]]), rotation(-p.alpha));
  const W = matmul(matmul(S, rotation(angle)), Sinv).map((row) => row.map((v) => v * p.rho));
  const c = p.centre ?? [0, 0];
  const d = 2 + p.noiseDims;
  const mixing = randomOrthogonal(d, rand);
  const K = 20;
  const T = 40;
  const states = new Float64Array(K * T * d);
  for (let traj = 0; traj < K; traj++) {
    // Start on an ellipse of the frame: S times a point of radius 0.5..2 (scaled to order 1).
    const r = (0.5 + 1.5 * rand()) / p.cond;
    const a = 2 * Math.PI * rand();
    let x = S.map((row, i) => c[i] + r * (row[0] * Math.cos(a) + row[1] * Math.sin(a)));
    for (let t = 0; t < T; t++) {
      const full = [...x, ...Array.from({ length: p.noiseDims }, g)];
      for (let j = 0; j < d; j++) {
        let z = 0;
        for (let i = 0; i < d; i++) z += mixing[i][j] * full[i];
        states[(traj * T + t) * d + j] = z + p.noise * g();
      }
      x = W.map((row, i) => c[i] + row[0] * (x[0] - c[0]) + row[1] * (x[1] - c[1]));
    }
  }
  const offsets = Array.from({ length: K + 1 }, (_, i) => i * T);
  return { dataset: { dim: d, states, offsets, source: `skewed(seed=${p.seed})` }, basis: mixing.slice(0, 2), angle };
}

/** A centre coordinate of 0.5 to 3 either way (a centre at the origin is no offset). */
const offCentre = fc.tuple(fc.double({ min: 0.5, max: 3, noNaN: true }), fc.boolean()).map(([x, neg]) => (neg ? -x : x));

const plantedCase = (opts: { cond: fc.Arbitrary<number>; rho: fc.Arbitrary<number> }): fc.Arbitrary<Planted> =>
  fc.record({
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    noiseDims: fc.integer({ min: 0, max: 3 }),
    noise: fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 1e-4, noNaN: true })),
    k: fc.integer({ min: 3, max: 12 }),
    twoPi: fc.boolean(),
    cond: opts.cond,
    alpha: fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
    beta: fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }),
    rho: opts.rho,
    centre: fc.option(fc.tuple(offCentre, offCentre), { nil: null }),
  });

/** The map law on the planted plane (a law, or an alternative of one), and what was found instead. */
function lawOnPlane(laws: Law[], basis: number[][]): { law: Law | undefined; found: string } {
  const law = laws.find((l) => l.role === 'map' && planeError(l, basis) < 1e-2);
  return { law, found: laws.map((l) => `${l.id} (${planeError(l, basis).toExponential(1)})`).join(', ') };
}

const param = (law: Law, name: string) => law.parameters.find((p) => p.name === name)!;

/** The law's equations, evaluated at a few states, give what its coefficients give. */
function equationsMatchModel(law: Law): void {
  const vars = law.model.variables;
  const evals = law.equations.map((e) => compileExpression(e.slice(e.indexOf('=') + 1), vars));
  for (const u of [[0.3, -1.2], [2, 0.7], [-1.1, 0.4]]) {
    const phi = law.model.features.map((f) => (f === '1' ? 1 : u[vars.indexOf(f)]));
    law.model.coefficients.forEach((row, i) => {
      const want = row.reduce((s, w, j) => s + w * phi[j], 0);
      assert.ok(Math.abs(evals[i](u) - want) <= 1e-8 * (1 + Math.abs(want)), `${law.equations[i]} at ${u}: ${evals[i](u)} vs ${want}`);
    });
  }
}

test('a rotation by π/k or 2π/k in a skewed frame (cond ≤ 5) is a skewed_rotation with the angle exact', async () => {
  await fc.assert(
    fc.asyncProperty(plantedCase({ cond: fc.double({ min: 1.5, max: 5, noNaN: true }), rho: fc.constant(1) }), async (p) => {
      const { dataset, basis, angle } = plantedData(p);
      const result = await fitInline(dataset);
      const { law, found } = lawOnPlane(result.laws, basis);
      assert.ok(law, `no map law on the planted plane; found ${found}`);
      const undamped = law.family === 'skewed_rotation' || (law.family === 'damped_skewed_rotation' && param(law, 'rho').exactValue === 1);
      assert.ok(undamped, `${law.id}: ${law.summary}`);
      assert.equal(law.model.features.includes('1'), p.centre !== null, `${law.id} for a centre ${p.centre}`);
      const theta = param(law, 'theta');
      // The found basis may have the opposite orientation, which flips the sign of the angle.
      assert.ok(theta.exact && Math.abs(Math.abs(theta.exactValue!) - angle) < 1e-12, `angle ${theta.exact ?? theta.value}, planted ${p.twoPi ? 2 : 1}*pi/${p.k}`);
      assert.ok(Math.abs(param(law, 'axis_ratio').value - p.cond) < 1e-2 * p.cond, `axis ratio ${param(law, 'axis_ratio').value}, cond(S) ${p.cond}`);
      assert.match(law.summary, /S·R\(-?\d*\*?pi\/\d+\)·S⁻¹/);
      assert.ok(law.notes.some((n) => n.startsWith('conserves I = ')), `no conserved form: ${law.notes}`);
      equationsMatchModel(law);
    }),
    { numRuns: 14, seed: 11, endOnFailure: true },
  );
});

test('a spiral in a skewed frame is a damped_skewed_rotation with its ρ and exact angle', async () => {
  await fc.assert(
    fc.asyncProperty(plantedCase({ cond: fc.double({ min: 1.5, max: 5, noNaN: true }), rho: fc.double({ min: 0.95, max: 0.99, noNaN: true }) }), async (p) => {
      const { dataset, basis, angle } = plantedData(p);
      const result = await fitInline(dataset);
      const { law, found } = lawOnPlane(result.laws, basis);
      assert.ok(law, `no map law on the planted plane; found ${found}`);
      assert.equal(law.family, 'damped_skewed_rotation', `${law.id}: ${law.summary}`);
      assert.ok(Math.abs(param(law, 'rho').value - p.rho) < 1e-3, `rho ${param(law, 'rho').value} vs ${p.rho}`);
      const theta = param(law, 'theta');
      assert.ok(theta.exact && Math.abs(Math.abs(theta.exactValue!) - angle) < 1e-12, `angle ${theta.exact ?? theta.value}, planted ${p.twoPi ? 2 : 1}*pi/${p.k}`);
      assert.ok(!law.notes.some((n) => n.startsWith('conserves I = ')), 'a spiral conserves no form');
      equationsMatchModel(law);
    }),
    { numRuns: 6, seed: 12, endOnFailure: true },
  );
});

test('in an orthonormal frame the same rotation is still a plain rotation', async () => {
  await fc.assert(
    fc.asyncProperty(plantedCase({ cond: fc.constant(1), rho: fc.constant(1) }), async (p) => {
      const { dataset, basis, angle } = plantedData(p);
      const result = await fitInline(dataset);
      const { law, found } = lawOnPlane(result.laws, basis);
      assert.ok(law, `no map law on the planted plane; found ${found}`);
      assert.equal(law.family, 'rotation', `${law.id}: ${law.summary}`);
      assert.ok(Math.abs(Math.abs(param(law, 'theta').exactValue ?? NaN) - angle) < 1e-12);
    }),
    { numRuns: 5, seed: 13, endOnFailure: true },
  );
});
