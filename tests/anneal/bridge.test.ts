import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  bridge, computeWeights, lawWeight, physicsLossAndGradient, transitionWeight,
} from '../../src/anneal/bridge.ts';
import type { Dataset } from '../../src/types.ts';
import { makeLaw, rotationData, rotationLaw } from './helpers.ts';

const NONLINEAR = ['sin(u1)', 'u1*u2', 'u1^2', 'cos(u2)', 'exp(u1/3)', 'u2^3', 'tanh(u1 + u2)', 'u1*sin(u2)'];

/** A random small problem: latents, and one law (map or invariant, linear or nonlinear) on a random basis. */
const problem = fc
  .record({
    d: fc.integer({ min: 2, max: 4 }),
    lengths: fc.array(fc.integer({ min: 2, max: 5 }), { minLength: 1, maxLength: 3 }),
    role: fc.constantFrom('map' as const, 'invariant' as const),
    nonlinear: fc.subarray(NONLINEAR, { maxLength: 3 }),
    constant: fc.boolean(),
    seed: fc.integer({ min: 1, max: 1e6 }),
  })
  .map(({ d, lengths, role, nonlinear, constant, seed }) => {
    let s = seed;
    const rnd = (): number => {
      s = (s * 16807) % 2147483647;
      return (s / 2147483647) * 2 - 1;
    };
    const k = 2; // the nonlinear features use u1 and u2
    const basis = Array.from({ length: k }, () => Array.from({ length: d }, () => rnd()));
    const features = ['u1', 'u2', ...nonlinear, ...(constant ? ['1'] : [])];
    const rows = role === 'map' ? k : 1;
    const coefficients = Array.from({ length: rows }, () => features.map(() => rnd()));
    const N = lengths.reduce((a, b) => a + b, 0);
    const offsets = [0];
    for (const n of lengths) offsets.push(offsets[offsets.length - 1] + n);
    const states = Float64Array.from({ length: N * d }, () => rnd());
    const latents: Dataset = { dim: d, states, offsets, source: 'fc' };
    return { latents, law: makeLaw('random', role, basis, features, coefficients) };
  });

test('G equals central finite differences of L (weights held fixed)', () => {
  fc.assert(
    fc.property(problem, fc.double({ min: 0.05, max: 2, noNaN: true }), ({ latents, law }, relTol) => {
      const opts = { qMin: 0, relTolerance: relTol };
      // Any fixed weights will do for the derivative; keep them non-zero so every term is exercised.
      const weights = computeWeights(latents, [law], opts).map((w) => ({
        ...w, weight: 1.3, transitionWeights: w.transitionWeights.map((c) => c + 0.5),
      }));
      const { gradient } = physicsLossAndGradient(latents, [law], weights);
      const h = 1e-6;
      let scale = 1e-8;
      for (const g of gradient) scale = Math.max(scale, Math.abs(g));
      for (let i = 0; i < latents.states.length; i++) {
        const plus = Float64Array.from(latents.states), minus = Float64Array.from(latents.states);
        plus[i] += h;
        minus[i] -= h;
        const Lp = physicsLossAndGradient({ ...latents, states: plus }, [law], weights).loss;
        const Lm = physicsLossAndGradient({ ...latents, states: minus }, [law], weights).loss;
        const fd = (Lp - Lm) / (2 * h);
        assert.ok(Math.abs(fd - gradient[i]) <= 1e-5 * scale + 1e-7, `coordinate ${i}: G=${gradient[i]} fd=${fd}`);
      }
    }),
    { numRuns: 60, seed: 42 },
  );
});

test('a state that ends one transition and starts the next gets both contributions', () => {
  const latents = rotationData(1, 6, 0.4);
  latents.states[4] += 0.3; // state 2 misses the law: transitions 1 and 2 are outliers, q = 3/5
  const law = rotationLaw(0.4);
  const opts = { qMin: 0.5, relTolerance: 0.01 };
  const w = computeWeights(latents, [law], opts);
  assert.ok(w[0].weight > 0);
  const full = physicsLossAndGradient(latents, [law], w).gradient;
  // Zero the weight of one transition at a time: the two partial gradients add up to the full one
  // (the spread term is shared, so compare with the spread term included once).
  const only = (t: number): Float64Array => {
    const tw = new Float64Array(5);
    tw[t] = w[0].transitionWeights[t];
    return physicsLossAndGradient(latents, [law], [{ ...w[0], transitionWeights: tw }]).gradient;
  };
  const none = physicsLossAndGradient(latents, [law], [{ ...w[0], transitionWeights: new Float64Array(5) }]).gradient;
  const parts = [0, 1, 2, 3, 4].map(only);
  for (let i = 0; i < full.length; i++) {
    const sum = parts.reduce((acc, g) => acc + g[i] - none[i], none[i]);
    assert.ok(Math.abs(sum - full[i]) < 1e-12, `coordinate ${i}`);
  }
  // State 2 is the "after" of transition 1 and the "before" of transition 2: both push it.
  const at2 = (g: Float64Array): number => Math.hypot(g[4] - none[4], g[5] - none[5]);
  assert.ok(at2(parts[1]) > 0 && at2(parts[2]) > 0, 'both transitions push state 2');
});

test('w(q) is zero below qMin and strictly increasing above it', () => {
  fc.assert(
    fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (a, b) => {
      const [lo, hi] = a < b ? [a, b] : [b, a];
      if (lo < 0.9) assert.equal(lawWeight(lo), 0);
      if (lo >= 0.9 && hi > lo) assert.ok(lawWeight(hi) > lawWeight(lo));
    }),
    { numRuns: 300, seed: 1 },
  );
  assert.ok(lawWeight(0.99) > 5 * lawWeight(0.9));
});

test('outliers weigh far more than inliers', () => {
  fc.assert(
    fc.property(fc.double({ min: 1e-3, max: 0.99, noNaN: true }), fc.double({ min: 1.01, max: 50, noNaN: true }), (inl, out) => {
      const tol = 0.1;
      assert.ok(transitionWeight(out * tol, tol) / (out * tol) > transitionWeight(inl * tol, tol) / (inl * tol));
      assert.ok(transitionWeight(out * tol, tol) > 1 && transitionWeight(inl * tol, tol) < 1);
    }),
    { numRuns: 200, seed: 2 },
  );
});

test('a law under qMin contributes exactly zero', () => {
  fc.assert(
    fc.property(problem, ({ latents, law }) => {
      // Random data with a random law: tolerance so tight nothing is an inlier.
      const res = bridge(latents, [law], { relTolerance: 1e-9, qMin: 0.5 });
      if (res.laws[0].inlierFraction >= 0.5) return;
      assert.equal(res.loss, 0);
      assert.ok(res.gradient.every((g) => g === 0));
    }),
    { numRuns: 50, seed: 3 },
  );
});

test('the more perfect law pushes harder on its remaining errors', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.double({ min: 0.2, max: 1, noNaN: true }), (few, extra, size) => {
      const T = 41; // 40 transitions: 1..3 outliers vs 2..7
      const angle = 0.3;
      const perturb = (count: number): Dataset => {
        const z = rotationData(1, T, angle);
        // Outliers at states 5, 10, 15, …: the first one is common to both data sets.
        for (let j = 0; j < count; j++) z.states[2 * (5 * (j + 1)) + 1] += size;
        return z;
      };
      const law = rotationLaw(angle, undefined, 0.05);
      const a = bridge(perturb(few), [law], { qMin: 0.8 });
      const b = bridge(perturb(few + extra), [law], { qMin: 0.8 });
      assert.ok(a.laws[0].inlierFraction > b.laws[0].inlierFraction);
      // Transition 4 ends at the common outlier state 5: same residual, so the difference is w(q).
      const eff = (r: typeof a): number => r.laws[0].weight * r.laws[0].transitionWeights[4];
      assert.ok(eff(a) > eff(b), `${eff(a)} vs ${eff(b)}`);
      const push = (r: typeof a): number => Math.hypot(r.gradient[10], r.gradient[11]);
      assert.ok(push(a) > push(b), `gradient at the shared outlier ${push(a)} vs ${push(b)}`);
    }),
    { numRuns: 40, seed: 4 },
  );
});

test('transitions never cross trajectories', () => {
  // Two trajectories of an exact rotation on different circles, with an empty one between them: the
  // step from the end of one to the start of the next would be a large residual.
  const z = rotationData(2, 3, 0.5);
  const res = bridge({ ...z, offsets: [0, 3, 3, 6] }, [rotationLaw(0.5)], { qMin: 0 });
  assert.equal(res.laws[0].residuals.length, 4);
  assert.ok(res.laws[0].residuals.every((r) => r < 1e-12), String(res.laws[0].residuals));
});

test('an exact law has zero loss and zero gradient', () => {
  const z = rotationData(3, 10, 0.5);
  const res = bridge(z, [rotationLaw(0.5)], {});
  assert.equal(res.laws[0].inlierFraction, 1);
  assert.ok(res.loss < 1e-25);
  assert.ok(res.gradient.every((g) => Math.abs(g) < 1e-12));
});

test('an invariant cannot be satisfied by collapsing: the spread term resists shrinking', () => {
  // I = u1² + u2² conserved on a rotation; the gradient must not point towards shrinking all states.
  const z = rotationData(4, 8, 0.5);
  for (let i = 0; i < z.states.length; i++) z.states[i] *= 1 + 0.05 * Math.sin(7 * i); // noisy radius
  const inv = makeLaw('radius', 'invariant', [[1, 0], [0, 1]], ['u1^2', 'u2^2'], [[1, 1]], 0.01);
  const res = bridge(z, [inv], { qMin: 0, relTolerance: 0.01 });
  let radial = 0;
  for (let i = 0; i < z.states.length; i++) radial += res.gradient[i] * z.states[i];
  // d/dα L(αZ) at α = 1 is Σ G·Z; a scale-free loss gives 0 for homogeneous features.
  assert.ok(Math.abs(radial) < 1e-9 * (1 + res.loss), `radial derivative ${radial}`);
});
