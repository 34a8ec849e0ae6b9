/**
 * The simulated systems of the "no false laws" tests have the properties those tests rely on: the
 * systems said to conserve nothing converge to (or, for Lotka–Volterra, spiral away from) their fixed
 * point, the leapfrog step is the symplectic, reversible Störmer–Verlet step whose energy stays O(h²)
 * close to p²/2 − cos q, and the exact laws hold to rounding. If one of these failed, a failing
 * acceptance test would say nothing about the engine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { svd } from '../../../src/engine/kernels/linalg.ts';
import {
  constants, contractingAffine, dampedRotation, decays, deepKoopman, leapfrogPendulum, leapfrogStep, lotkaVolterra, lotkaVolterraStep, lotkaVolterraV,
  pendulumEnergy, pureNoise, scaleAndShift, slowDrift, stateRows, transitionStarts, twoRotations, uniformScaling,
} from './systems.ts';
import { correlationOf } from './claims.ts';

const iterate = (step: (x: number[]) => number[], x: number[], n: number) => {
  for (let i = 0; i < n; i++) x = step(x);
  return x;
};

test('every truth map reproduces its noise-free data to rounding', () => {
  const systems = [
    dampedRotation({ seed: 3, rho: 0.95, theta: 0.7, decays: [0.9, 0.999], mix: true }),
    decays({ seed: 4, rates: [0.93, 0.999, 0.9], mix: true }),
    contractingAffine({ seed: 5, dim: 3, s: 0.95, mix: true }),
    deepKoopman({ seed: 6, mix: true }),
    lotkaVolterra({ seed: 7, mix: true }),
    uniformScaling({ seed: 8, dim: 2, rate: 0.9048, mix: true }),
    twoRotations({ seed: 9, theta1: 0.4, theta2: 1.9, mix: true }),
    leapfrogPendulum({ seed: 10, h: 0.03 }),
    slowDrift({ seed: 11, rhos: [1, 1, 0.995], sigmas: [0, 0, 0.02], theta: 0.5, mix: true }),
    constants({ seed: 12, dim: 3, constants: new Map([[0, 5], [2, -2.5]]) }),
  ];
  for (const sys of systems) {
    const rows = stateRows(sys.dataset);
    for (const truth of sys.truths) {
      if (!truth.map) continue;
      const project = (z: number[]) => truth.basis.map((b) => b.reduce((s, w, j) => s + w * z[j], 0));
      let worst = 0;
      for (const s of transitionStarts(sys.dataset)) {
        const pred = truth.map(project(rows[s]));
        const next = project(rows[s + 1]);
        worst = Math.max(worst, ...pred.map((v, i) => Math.abs(v - next[i]) / Math.max(1, Math.abs(next[i]))));
      }
      assert.ok(worst < 1e-12, `${sys.name}: truth map off by ${worst}`);
    }
  }
});

test('damped rotations, decays, contracting affine maps and the DeepKoopman map converge to one fixed point', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e6 }), fc.double({ min: 0.9, max: 0.999, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }), (seed, rate, theta) => {
      // Orbits approach the origin (the fixed point) from every start: nothing continuous is conserved.
      const rotation = (x: number[]) => [rate * (Math.cos(theta) * x[0] - Math.sin(theta) * x[1]), rate * (Math.sin(theta) * x[0] + Math.cos(theta) * x[1])];
      const end = iterate(rotation, [1.5, -0.7], 40_000);
      assert.ok(Math.hypot(...end) < 1e-6);
      const dk = deepKoopman({ seed, trajectories: 1, steps: 2 }).truths[0].map!;
      assert.ok(Math.hypot(...iterate(dk, [2.5, -1.5], 40_000)) < 1e-6);
      // A contracting affine map: ‖A‖₂ < 1, so every distance shrinks by that factor each step.
      const aff = contractingAffine({ seed, dim: 4, s: rate, trajectories: 1, steps: 2 });
      const norm = svd(aff.A).s[0];
      assert.ok(norm < 1, `‖A‖₂ = ${norm}`);
    }),
    { numRuns: 20, seed: 1 },
  );
});

test('the Euler Lotka–Volterra map raises V = 0.002x − 0.01 ln x + 0.005y − 0.01 ln y at every step of the data', () => {
  for (const seed of [1, 2, 3]) {
    const sys = lotkaVolterra({ seed, trajectories: 30, steps: 120 });
    const rows = stateRows(sys.dataset);
    for (const s of transitionStarts(sys.dataset)) {
      const [x, y] = rows[s];
      const [x1, y1] = rows[s + 1];
      assert.ok(x > 0 && y > 0);
      assert.ok(lotkaVolterraV(x1, y1) > lotkaVolterraV(x, y), `V fell at state ${s}`);
    }
    // And backward from a start, V falls towards its minimum at the fixed point (5, 2): the fixed point repels.
    let z = [5.5, 2.2];
    const v0 = lotkaVolterraV(z[0], z[1]);
    for (let i = 0; i < 5000; i++) z = lotkaVolterraStep(z);
    assert.ok(lotkaVolterraV(z[0], z[1]) > v0);
  }
});

test('the leapfrog step is reversible, area-preserving, and keeps p²/2 − cos q within O(h²)', () => {
  fc.assert(
    fc.property(fc.double({ min: 0.01, max: 0.05, noNaN: true }), fc.double({ min: -2, max: 2, noNaN: true }), fc.double({ min: -1, max: 1, noNaN: true }), (h, q, p) => {
      const [q1, p1] = leapfrogStep(q, p, h);
      const [qb, pb] = leapfrogStep(q1, -p1, h);
      assert.ok(Math.abs(qb - q) < 1e-12 && Math.abs(-pb - p) < 1e-12, 'not time-reversible');
      const e = 1e-6;
      const [a, b] = leapfrogStep(q + e, p, h);
      const [c, d] = leapfrogStep(q, p + e, h);
      const det = ((a - q1) * (d - p1) - (c - q1) * (b - p1)) / (e * e);
      assert.ok(Math.abs(det - 1) < 1e-6, `Jacobian determinant ${det}`);
    }),
    { numRuns: 50, seed: 2 },
  );
  for (const h of [0.01, 0.05]) {
    const sys = leapfrogPendulum({ seed: 4, h, trajectories: 5, steps: 20_000 });
    const rows = stateRows(sys.dataset);
    for (let k = 0; k < 5; k++) {
      const e0 = pendulumEnergy(rows[sys.dataset.offsets[k]][0], rows[sys.dataset.offsets[k]][1]);
      let worst = 0;
      for (let s = sys.dataset.offsets[k]; s < sys.dataset.offsets[k + 1]; s++) worst = Math.max(worst, Math.abs(pendulumEnergy(rows[s][0], rows[s][1]) - e0));
      assert.ok(worst < h * h, `h = ${h}: energy moved by ${worst} over 20000 steps`);
    }
  }
});

test('two rotations conserve each plane\'s radius; constants stay; pure noise has no memory; scaleAndShift is c·z + b', () => {
  const two = twoRotations({ seed: 3, theta1: 0.3, theta2: 2.2, mix: true });
  for (const truth of two.truths) {
    const r = stateRows(two.dataset).map((z) => truth.invariant!(truth.basis.map((b) => b.reduce((s, w, j) => s + w * z[j], 0))));
    for (const s of transitionStarts(two.dataset)) assert.ok(Math.abs(r[s + 1] - r[s]) < 1e-12);
  }
  const cs = constants({ seed: 4, dim: 3, constants: new Map([[1, 7.25]]) });
  assert.ok(stateRows(cs.dataset).every((z) => z[1] === 7.25));
  const noise = pureNoise({ seed: 5, dim: 3, trajectories: 30, steps: 100 });
  const rows = stateRows(noise.dataset);
  const starts = transitionStarts(noise.dataset);
  for (let j = 0; j < 3; j++) assert.ok(Math.abs(correlationOf(starts.map((s) => rows[s][j]), starts.map((s) => rows[s + 1][j]))) < 0.1);
  const shifted = scaleAndShift(cs.dataset, 1e-100, [1, 2, 3]);
  assert.equal(shifted.states[1], 1e-100 * 7.25 + 2);
});
