/**
 * The systems of ./systems-nonlinear.ts have the laws the acceptance tests say they have, to 1e-9: every
 * polynomial map reproduces its noise-free data and is the only exact map of degree ≤ 2 there, the
 * rigid body conserves both |L|² and L1² + L2²/2 + L3²/3 (two independent quantities), leapfrog Kepler
 * conserves x·py − y·px, and a skewed rotation turns by θ in its own frame. If one of these failed, a
 * failing acceptance test would say nothing about the engine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generalEigen, symmetricEigen } from '../../../src/engine/kernels/linalg.ts';
import { correlationOf } from './claims.ts';
import {
  angularMomentum, DEEP_KOOPMAN_DECIMAL, DEEP_KOOPMAN_FLOW, deepKoopmanMap, henon, keplerLeapfrog, lorenzEuler, lotkaVolterraMap, monomialKey,
  polynomialMap, POLYNOMIAL_BOUND, quadraticDesignConditioning, quadraticMonomials, rigidBody, rigidBodyEnergy, rigidBodyNormSquared, skewedRotation, type PolynomialSystem,
} from './systems-nonlinear.ts';
import { lotkaVolterraStep, stateRows, transitionStarts, type System } from './systems.ts';

/** Every state in the law's own coordinates u = basis · z. */
const lawStates = (sys: System) => stateRows(sys.dataset).map((z) => sys.truths[0].basis.map((b) => b.reduce((s, w, j) => s + w * z[j], 0)));

/** Largest one-step error of the truth map on the data, relative to max(1, |x'|). */
function mapError(sys: System): number {
  const u = lawStates(sys);
  const map = sys.truths[0].map!;
  let worst = 0;
  for (const s of transitionStarts(sys.dataset)) {
    const pred = map(u[s]);
    worst = Math.max(worst, ...pred.map((v, i) => Math.abs(v - u[s + 1][i]) / Math.max(1, Math.abs(u[s + 1][i]))));
  }
  return worst;
}

/** Largest change of f along any trajectory, relative to max(1, |f|) at the trajectory's start. */
function drift(sys: System, f: (u: number[]) => number): number {
  const u = lawStates(sys);
  const { offsets } = sys.dataset;
  let worst = 0;
  for (let k = 0; k + 1 < offsets.length; k++) {
    const f0 = f(u[offsets[k]]);
    for (let s = offsets[k]; s < offsets[k + 1]; s++) worst = Math.max(worst, Math.abs(f(u[s]) - f0) / Math.max(1, Math.abs(f0)));
  }
  return worst;
}

/**
 * The singular values (ascending) of the one-step changes of every monomial of degree 1 and 2 in the
 * law coordinates, each monomial scaled to unit spread over the states: the right singular vectors of
 * values near 0 are the conserved polynomials of degree ≤ 2 (w · φ(u') = w · φ(u) on every transition).
 * Their count is the number of independent such invariants the data hold.
 */
function invariantSpectrum(sys: System): number[] {
  const u = lawStates(sys);
  const monomials = quadraticMonomials(u[0].length);
  const phi = u.map((x) => monomials.map((m) => m.reduce((p, i) => p * x[i], 1)));
  const n = phi.length;
  const spreads = monomials.map((_, j) => {
    const mean = phi.reduce((s, r) => s + r[j], 0) / n;
    return Math.sqrt(phi.reduce((s, r) => s + (r[j] - mean) ** 2, 0) / n);
  });
  const D = transitionStarts(sys.dataset).map((s) => phi[s + 1].map((v, j) => (v - phi[s][j]) / spreads[j]));
  const G = monomials.map((_, a) => monomials.map((_, b) => D.reduce((acc, r) => acc + r[a] * r[b], 0) / D.length));
  return symmetricEigen(G).values.map((v) => Math.sqrt(Math.max(v, 0)));
}

/** The checks every polynomial system passes: exact map, bounded orbits, a unique exact map of degree ≤ 2. */
function assertPolynomialSystem(sys: PolynomialSystem, bound: number): void {
  assert.ok(mapError(sys) < 1e-12, `${sys.dataset.source}: truth map off by ${mapError(sys)}`);
  const u = lawStates(sys);
  assert.ok(u.every((x) => x.every((v) => Math.abs(v) <= bound)), `${sys.dataset.source}: an orbit leaves ±${bound}`);
  const starts = transitionStarts(sys.dataset).map((s) => u[s]);
  const cond = quadraticDesignConditioning(starts);
  assert.ok(cond > 1e-3, `${sys.dataset.source}: degree ≤ 2 design nearly singular (${cond})`);
}

test('random polynomial maps: exact, bounded, sparse, one piece, smallest coefficient 0.5–1 % of the largest', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom(3, 4), fc.integer({ min: 0, max: 2 }), (seed, lawDim, noiseDims) => {
      const sys = polynomialMap({ seed, lawDim, noiseDims, trajectories: 20, steps: 100 });
      assertPolynomialSystem(sys, POLYNOMIAL_BOUND);
      const n = sys.terms.length;
      assert.ok(n >= 3 && n <= 8, `${n} terms`);
      assert.ok(sys.terms.some((t) => t.monomial.length === 2), 'no quadratic term');
      for (let eq = 0; eq < lawDim; eq++) assert.ok(sys.terms.some((t) => t.eq === eq), `x${eq}' has no term`);
      const sizes = sys.terms.map((t) => Math.abs(t.coef));
      const ratio = Math.min(...sizes) / Math.max(...sizes);
      assert.ok(ratio >= 0.005 - 1e-15 && ratio <= 0.01, `smallest/largest = ${ratio}`);
      // In coordinates: the law's basis rows are coordinate axes, one per law coordinate.
      for (const row of sys.truths[0].basis) assert.equal(row.filter((v) => v !== 0).length, 1);
      assert.equal(sys.dataset.dim, lawDim + noiseDims);
    }),
    { numRuns: 30, seed: 11 },
  );
});

test('Hénon maps with a ∈ {1.4, 1.2, 1.1}, b ∈ {0.3, 0.2}: exact and bounded from their starts', () => {
  for (const a of [1.4, 1.2, 1.1])
    for (const b of [0.3, 0.2])
      for (const seed of [1, 2]) {
        const sys = henon({ seed, a, b, noiseDims: 1, trajectories: 30, steps: 100 });
        assertPolynomialSystem(sys, 3);
        assert.deepEqual(sys.terms.map((t) => `${t.eq}:${monomialKey(t.monomial)}=${t.coef}`), [`0:1=1`, `0:x0^2=${-a}`, `0:x1=1`, `1:x0=${b}`]);
      }
});

test('DeepKoopman, Lotka–Volterra and Euler-Lorenz maps reproduce their data; DeepKoopman\'s flow coefficients are 0.9990005, 0.9801987, 0.0197815', () => {
  assert.ok(Math.abs(DEEP_KOOPMAN_FLOW.a - 0.9990005) < 1e-7 && Math.abs(DEEP_KOOPMAN_FLOW.b - 0.9801987) < 1e-7 && Math.abs(DEEP_KOOPMAN_FLOW.c - 0.0197815) < 1e-7, JSON.stringify(DEEP_KOOPMAN_FLOW));
  // The flow's x2 at time Δt from the closed-form solution of ẋ2 = λ(x2 − x1²) agrees with one RK4-integrated step.
  const f = (x: number[]) => [-0.05 * x[0], -(x[1] - x[0] * x[0])];
  let x = [0.4, -0.3];
  const h = 0.02 / 200;
  for (let i = 0; i < 200; i++) {
    const k1 = f(x), k2 = f(x.map((v, j) => v + (h / 2) * k1[j])), k3 = f(x.map((v, j) => v + (h / 2) * k2[j])), k4 = f(x.map((v, j) => v + h * k3[j]));
    x = x.map((v, j) => v + (h / 6) * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]));
  }
  const { a, b, c } = DEEP_KOOPMAN_FLOW;
  assert.ok(Math.abs(x[0] - a * 0.4) < 1e-12 && Math.abs(x[1] - (b * -0.3 + c * 0.16)) < 1e-12, `${x} vs flow map`);
  for (const seed of [1, 2, 3]) {
    for (const coefs of [DEEP_KOOPMAN_FLOW, DEEP_KOOPMAN_DECIMAL]) assertPolynomialSystem(deepKoopmanMap({ seed, ...coefs, noiseDims: 2, trajectories: 30, steps: 100 }), 0.5);
    const lv = lotkaVolterraMap({ seed, noiseDims: 1, trajectories: 30, steps: 100 });
    assertPolynomialSystem(lv, 20);
    // The same map as the no-false-laws tests' Lotka–Volterra step (up to the order of rounding).
    for (const z of [[3, 1.5], [7.5, 0.9]]) lv.truths[0].map!(z).forEach((v, i) => assert.ok(Math.abs(v - lotkaVolterraStep(z)[i]) < 1e-14));
    for (const h of [0.001, 0.005]) {
      const lz = lorenzEuler({ seed, h, trajectories: 30, steps: 100 });
      assertPolynomialSystem(lz, 60);
      // On the attractor: z stays positive, the orbits wind around both wings (x takes both signs).
      const u = lawStates(lz);
      assert.ok(u.every((s) => s[2] > 0), 'z ≤ 0 off the attractor');
      assert.ok(u.some((s) => s[0] > 5) && u.some((s) => s[0] < -5), 'orbits on one wing only');
    }
  }
});

test('the rigid body conserves |L|² and L1² + L2²/2 + L3²/3 to 1e-9, two independent invariants and no other of degree ≤ 2', () => {
  for (const [seed, h, placement] of [[1, 0.1, 'coordinates'], [2, 0.2, 'mixed'], [3, 0.05, 'mixed']] as const) {
    const sys = rigidBody({ seed, h, placement, noiseDims: 1, trajectories: 30, steps: 100 });
    for (const f of [rigidBodyNormSquared, (L: number[]) => rigidBodyEnergy(L)]) assert.ok(drift(sys, f) < 1e-9, `${sys.dataset.source}: drift ${drift(sys, f)}`);
    for (const [i, truth] of sys.truths.entries()) assert.ok(drift(sys, truth.invariant!) < 1e-9, `truth ${i}`);
    // Independent: neither is an affine function of the other over the data (the ratio differs between orbits) ...
    const u = lawStates(sys);
    assert.ok(Math.abs(correlationOf(u.map(rigidBodyNormSquared), u.map((L) => rigidBodyEnergy(L)))) < 0.99);
    // ... and they are all there is: the conserved polynomials of degree ≤ 2 form exactly a 2-D space.
    const sv = invariantSpectrum(sys);
    assert.ok(sv[1] < 1e-7 && sv[2] > 1e-4, `singular values of the one-step changes: ${sv.slice(0, 4).map((v) => v.toExponential(1))}`);
    // ... and the body really tumbles: L moves by order 1 along the orbits (the invariants are not trivially constant coordinates).
    const { offsets } = sys.dataset;
    const moved = Array.from({ length: offsets.length - 1 }, (_, k) => Math.hypot(...u[offsets[k + 1] - 1].map((v, j) => v - u[offsets[k]][j])));
    assert.ok(moved.filter((m) => m > 0.1).length > 0.8 * moved.length, `orbits barely move: ${moved.map((m) => m.toFixed(2))}`);
  }
});

test('leapfrog Kepler conserves x·py − y·px to 1e-9, and no other polynomial of degree ≤ 2, on bound orbits away from the centre', () => {
  for (const [seed, h, placement] of [[1, 0.01, 'coordinates'], [2, 0.05, 'mixed'], [3, 0.03, 'mixed']] as const) {
    const sys = keplerLeapfrog({ seed, h, placement, noiseDims: 1, trajectories: 30, steps: 100 });
    assert.ok(drift(sys, angularMomentum) < 1e-9, `drift ${drift(sys, angularMomentum)}`);
    const u = lawStates(sys);
    const radii = u.map((s) => Math.hypot(s[0], s[1]));
    assert.ok(Math.min(...radii) > 0.2 && Math.max(...radii) < 5, `radii ${Math.min(...radii)}..${Math.max(...radii)}`);
    // It is the only conserved polynomial of degree ≤ 2 (the energy is conserved only approximately, and is not polynomial).
    const sv = invariantSpectrum(sys);
    assert.ok(sv[0] < 1e-7 && sv[1] > 1e-4, `singular values of the one-step changes: ${sv.slice(0, 3).map((v) => v.toExponential(1))}`);
    // The angular momentum differs between orbits (both senses of rotation): something to correlate with.
    const L = u.map(angularMomentum);
    assert.ok(Math.min(...L) < -0.5 && Math.max(...L) > 0.5);
  }
});

test('a skewed rotation S R(θ) S⁻¹ turns by θ in its own frame, its frame has the condition number asked, and it conserves |S⁻¹u|²', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1_000_000 }),
      fc.integer({ min: 3, max: 12 }),
      fc.double({ min: 1.5, max: 5, noNaN: true }),
      fc.double({ min: 0, max: Math.PI, noNaN: true }),
      fc.constantFrom(1, 0.98),
      (seed, k, cond, alpha, rho) => {
        const theta = Math.PI / k;
        const sys = skewedRotation({ seed, theta, cond, alpha, rho, noiseDims: 2, trajectories: 20, steps: 50 });
        assert.ok(mapError(sys) < 1e-12);
        const { re, im } = generalEigen(sys.matrix);
        for (let i = 0; i < 2; i++) {
          assert.ok(Math.abs(Math.hypot(re[i], im[i]) - rho) < 1e-12);
          assert.ok(Math.abs(Math.abs(Math.atan2(im[i], re[i])) - theta) < 1e-9, `eigen angle ${Math.atan2(im[i], re[i])} vs ${theta}`);
        }
        const sv = [Math.hypot(sys.S[0][0], sys.S[1][0]), Math.hypot(sys.S[0][1], sys.S[1][1])];
        assert.ok(Math.abs(Math.max(...sv) / Math.min(...sv) - cond) < 1e-9, `cond(S) ${Math.max(...sv) / Math.min(...sv)} vs ${cond}`);
        // The frame is really skewed: the map is not orthogonal (a plain rotation does not fit).
        const M = sys.matrix;
        assert.ok(Math.abs(M[0][0] * M[0][1] + M[1][0] * M[1][1]) > 1e-3 || Math.abs(M[0][0] ** 2 + M[1][0] ** 2 - M[0][1] ** 2 - M[1][1] ** 2) > 1e-3);
        if (rho === 1) assert.ok(drift(sys, sys.truths[0].invariant!) < 1e-9);
      },
    ),
    { numRuns: 40, seed: 12 },
  );
});
