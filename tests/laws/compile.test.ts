/**
 * The one law evaluator: residuals as the engine defines them, projection and lift, the features'
 * Jacobian against finite differences, the map's stretch, and the batch passes against single calls.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileLaw, spectralNorm, transitionResidual } from '../../src/laws/compile.ts';
import { randomOrthogonal } from '../../src/planted.ts';
import { mulberry32 } from '../../src/random.ts';
import { planeLaw, rotate, rotationLaw } from './fixtures.ts';

const coord = fc.double({ min: -5, max: 5, noNaN: true });
/** Features defined for u1, u2 in [0.2, 2] (log and sqrt included), each with a non-trivial derivative. */
const NONLINEAR = ['sin(u1)', 'u1*u2', 'u1^2', 'cos(u2)', 'exp(u1/3)', 'u2^3', 'tanh(u1 + u2)', 'u1*sin(u2)', 'log(u1)', 'sqrt(u2)', 'u1/u2', 'atan(u1*u2)'];

test('an exact rotation has zero residual on its own transitions, and the angle error otherwise', () => {
  fc.assert(
    fc.property(fc.double({ min: -3, max: 3, noNaN: true }), coord, coord, (th, x, y) => {
      const c = compileLaw(rotationLaw(th));
      assert.ok(transitionResidual(c, [x, y], rotate([x, y], th)) <= 1e-12 * (1 + Math.hypot(x, y)));
      const off = transitionResidual(c, [x, y], rotate([x, y], th + 0.1));
      assert.ok(Math.abs(off - 2 * Math.sin(0.05) * Math.hypot(x, y)) <= 1e-9);
    }),
    { numRuns: 200 },
  );
});

test('project and lift are inverse on the subspace and keep the base off it', () => {
  const c = compileLaw(rotationLaw(0.3));
  assert.deepEqual(c.project([1, 2, 3]), [1, 2]);
  assert.deepEqual(c.lift([5, 6], [1, 2, 3]), [5, 6, 3]);
  assert.deepEqual(c.lift([5, 6]), [5, 6, 0]);
});

test('on a random orthonormal basis, project(lift(u, z)) = u and lift(project(z), z) = z', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 1e6 }), (extra, k, seed) => {
      const d = k + extra;
      const rand = mulberry32(seed);
      const basis = randomOrthogonal(d, rand).slice(0, k);
      const features = basis.map((_, a) => `u${a + 1}`);
      const c = compileLaw(planeLaw('map', features, basis.map((_, a) => features.map((_f, j) => (a === j ? 1 : 0))), 1e-3, basis));
      const z = Array.from({ length: d }, () => 4 * rand() - 2);
      const u = Array.from({ length: k }, () => 4 * rand() - 2);
      const lifted = c.lift(u, z);
      c.project(lifted).forEach((x, a) => assert.ok(Math.abs(x - u[a]) < 1e-12, `u${a + 1}: ${x} vs ${u[a]}`));
      // The part of the lifted state off the subspace is the base's.
      const off = (v: number[]) => { const p = c.project(v); return v.map((x, j) => x - p.reduce((s, ua, a) => s + ua * basis[a][j], 0)); };
      off(lifted).forEach((x, j) => assert.ok(Math.abs(x - off(z)[j]) < 1e-12));
      c.lift(c.project(z), z).forEach((x, j) => assert.ok(Math.abs(x - z[j]) < 1e-12));
      // projectAll agrees with project state by state.
      const states = Float64Array.from([...z, ...lifted]);
      const U = c.projectAll(states, d);
      [z, lifted].forEach((v, s) => c.project(v).forEach((x, a) => assert.equal(U[s * k + a], x)));
    }),
    { numRuns: 200, seed: 5 },
  );
});

test('the features\' Jacobian agrees with central differences of their values', () => {
  fc.assert(
    fc.property(fc.subarray(NONLINEAR, { minLength: 1 }), fc.double({ min: 0.3, max: 1.9, noNaN: true }), fc.double({ min: 0.3, max: 1.9, noNaN: true }), (nonlinear, x, y) => {
      const features = ['u1', ...nonlinear, '1', '2.5'];
      const c = compileLaw(planeLaw('invariant', features, [features.map(() => 1)]));
      const { m, k } = c.features;
      const jac = c.features.jacobian([x, y], new Float64Array(m * k));
      const h = 1e-6;
      for (let a = 0; a < k; a++) {
        const up = [x, y], down = [x, y];
        up[a] += h;
        down[a] -= h;
        const fu = c.features.values(up, new Float64Array(m)), fd = c.features.values(down, new Float64Array(m));
        for (let j = 0; j < m; j++) {
          const numeric = (fu[j] - fd[j]) / (2 * h);
          assert.ok(Math.abs(jac[j * k + a] - numeric) <= 1e-6 * (1 + Math.abs(numeric)), `∂(${features[j]})/∂u${a + 1}: ${jac[j * k + a]} vs ${numeric}`);
        }
      }
    }),
    { numRuns: 200, seed: 6 },
  );
});

test('spectral norm: diagonal, rotation and a shear', () => {
  assert.ok(Math.abs(spectralNorm([[3, 0], [0, -5]]) - 5) < 1e-9);
  assert.ok(Math.abs(spectralNorm([[Math.cos(1), -Math.sin(1)], [Math.sin(1), Math.cos(1)]]) - 1) < 1e-9);
  // [[1,1],[0,1]]: largest singular value is the golden ratio.
  assert.ok(Math.abs(spectralNorm([[1, 1], [0, 1]]) - (1 + Math.sqrt(5)) / 2) < 1e-9);
});

test('a nonlinear map gets its stretch from the Jacobian along the rollout', () => {
  const c = compileLaw(planeLaw('map', ['u1', 'u2', 'u1^2'], [[0, 0, 1], [0, 1, 0]]));
  // u' = (u1², u2): Jacobian diag(2 u1, 1).
  assert.ok(Math.abs(c.stretch([3, 0]) - 6) < 1e-6);
  assert.ok(Math.abs(c.stretch([0.1, 0]) - 1) < 1e-6);
});

test('the stretch is the spectral norm of W · ∂φ/∂u', () => {
  fc.assert(
    fc.property(fc.subarray(NONLINEAR, { minLength: 1, maxLength: 4 }), fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 12, maxLength: 12 }), fc.double({ min: 0.3, max: 1.9, noNaN: true }), fc.double({ min: 0.3, max: 1.9, noNaN: true }), (nonlinear, w, x, y) => {
      const features = ['u1', 'u2', ...nonlinear];
      const W = [0, 1].map((a) => features.map((_, j) => w[a * 6 + j]));
      const c = compileLaw(planeLaw('map', features, W));
      const { m, k } = c.features;
      const jac = c.features.jacobian([x, y], new Float64Array(m * k));
      const J = W.map((row) => [0, 1].map((b) => row.reduce((s, wj, j) => s + wj * jac[j * k + b], 0)));
      const exact = spectralNorm(J);
      assert.ok(Math.abs(c.stretch([x, y]) - exact) <= 1e-6 * (1 + exact), `${c.stretch([x, y])} vs ${exact}`);
    }),
    { numRuns: 100, seed: 7 },
  );
});

test('the batch residual pass agrees with single transitions, and its vectors with predict', () => {
  fc.assert(
    fc.property(fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 12, maxLength: 12 }), fc.boolean(), (w, invariant) => {
      const features = ['u1', 'u2', 'u1*u2', 'sin(u1)', '1', 'u2^2'];
      const c = compileLaw(invariant ? planeLaw('invariant', features, [w.slice(0, 6)]) : planeLaw('map', features, [w.slice(0, 6), w.slice(6)]));
      const states = Float64Array.from({ length: 3 * 5 }, (_, i) => Math.sin(7 * i + w[0]));
      const U = c.projectAll(states, 3);
      const starts = Uint32Array.from([0, 1, 2, 3]);
      const batch = c.residualsAll(U, starts);
      const vectors = c.residualVectors(U, starts);
      assert.equal(vectors.length, starts.length * c.residualDim);
      starts.forEach((s, t) => {
        const u = Array.from(U.subarray(2 * s, 2 * s + 2)), v = Array.from(U.subarray(2 * s + 2, 2 * s + 4));
        const single = transitionResidual(c, u, v);
        assert.ok(Math.abs(batch[t] - single) <= 1e-12 * (1 + single));
        if (invariant) assert.equal(Math.abs(vectors[t]), batch[t]);
        else {
          const p = c.predict(u);
          assert.deepEqual([vectors[2 * t], vectors[2 * t + 1]], [v[0] - p[0], v[1] - p[1]]);
          assert.deepEqual(Array.from(c.predictInto(u, new Float64Array(2))), p);
        }
      });
    }),
    { numRuns: 100 },
  );
});

test('residual norms of data near 1e200 are finite (their squares are not)', () => {
  const c = compileLaw(rotationLaw(0.3));
  // Three 3-D states, two transitions; the law acts on the first two coordinates.
  const states = Float64Array.from([1, 2, 3, -1, -2, 4, 2, -3, 1].map((v) => v * 1e200));
  const r = c.residualsAll(c.projectAll(states, 3), Uint32Array.from([0, 1]));
  [0, 1].forEach((t) => {
    const next = rotate([states[3 * t], states[3 * t + 1]], 0.3);
    const want = Math.hypot(states[3 * t + 3] - next[0], states[3 * t + 4] - next[1]);
    assert.ok(Number.isFinite(r[t]) && Math.abs(r[t] - want) <= 1e-12 * want, `residual ${r[t]}, want ${want}`);
  });
});

test('a model edited in place is compiled afresh, and a feature outside the allowed language is refused', () => {
  const law = planeLaw('map', ['u1', 'u2', 'u1^2'], [[0, 0, 1], [0, 1, 0]]);
  assert.deepEqual(compileLaw(law).predict([3, 1]), [9, 1]);
  law.model.features[2] = 'u1^3';
  assert.deepEqual(compileLaw(law).predict([3, 1]), [27, 1]);
  law.model.features[2] = 'process.exit(1)';
  assert.throws(() => compileLaw(law), /not allowed|unknown symbol|cannot parse/);
});
