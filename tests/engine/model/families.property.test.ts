/**
 * The closed-form fits of the linear families, from subspace moments alone. What a user relies on: an
 * exact rule of a family comes back with its own parameters (the angle of a rotation, the ρ and θ of a
 * spiral, a scale, a drift, an orthogonal or general matrix, an offset), the parameters rebuild a map
 * that reproduces the data, and on noisy data no nearby parameter setting of the same family fits better.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { coefficientsOf, fitLinearFamily, linearFeatureStats, parameterCount, parameterNames, residualSumOfSquares } from '../../../src/engine/model/families.ts';
import { randomOrthogonal } from '../../../src/planted.ts';
import { mulberry32 } from '../../../src/random.ts';
import type { FamilyName } from '../../../src/types.ts';
import { subspaceMomentsOf } from '../exact-moments.ts';

const SEED = 20240616;

interface Planted {
  family: FamilyName;
  k: number;
  offset: boolean;
  params: number[];
}

const angle = fc.double({ min: -3.1, max: 3.1, noNaN: true });
const entry = fc.double({ min: -2, max: 2, noNaN: true });
const entries = (n: number) => fc.array(entry, { minLength: n, maxLength: n });
const dim = fc.integer({ min: 1, max: 4 });

/** Planted parameters of every linear family, with the offset variants the family allows. */
const planted: fc.Arbitrary<Planted> = fc.oneof(
  dim.map((k) => ({ family: 'identity' as const, k, offset: false, params: [] })),
  dim.chain((k) => entries(k).map((c) => ({ family: 'constant' as const, k, offset: true, params: c }))),
  dim.chain((k) => entries(k).map((b) => ({ family: 'translation' as const, k, offset: true, params: b }))),
  fc.tuple(dim, fc.boolean(), fc.double({ min: -3, max: 3, noNaN: true })).chain(([k, offset, a]) => entries(offset ? k : 0).map((b) => ({ family: 'scaling' as const, k, offset, params: [a, ...b] }))),
  fc.tuple(fc.boolean(), angle, entries(2)).map(([offset, theta, b]) => ({ family: 'rotation' as const, k: 2, offset, params: offset ? [theta, ...b] : [theta] })),
  fc.tuple(fc.boolean(), fc.double({ min: 0.2, max: 2, noNaN: true }), angle, entries(2)).map(([offset, rho, theta, b]) => ({ family: 'damped_rotation' as const, k: 2, offset, params: offset ? [rho, theta, ...b] : [rho, theta] })),
  fc.tuple(fc.integer({ min: 2, max: 4 }), fc.boolean(), fc.integer({ min: 1, max: 1e6 }), fc.boolean()).chain(([k, offset, seed, reflect]) =>
    entries(offset ? k : 0).map((b) => {
      // Proper rotations and reflections alike.
      const Q = randomOrthogonal(k, mulberry32(seed));
      if (reflect) Q[0] = Q[0].map((v) => -v);
      return { family: 'orthogonal' as const, k, offset, params: [...Q.flat(), ...b] };
    }),
  ),
  dim.chain((k) => entries(k * k).map((A) => ({ family: 'linear' as const, k, offset: false, params: A }))),
  dim.chain((k) => entries(k * k + k).map((Ab) => ({ family: 'affine' as const, k, offset: true, params: Ab }))),
);

/** Transitions u' = W [u; 1] + noise from a planted law, states about a centre away from the origin. */
function transitions(p: Planted, seed: number, noise: number) {
  const rand = mulberry32(seed);
  const W = coefficientsOf(p.family, p.k, p.offset, p.params);
  const centre = Array.from({ length: p.k }, () => 10 * rand() - 5);
  const x = Array.from({ length: 40 }, () => centre.map((c) => c + 2 * rand() - 1));
  const y = x.map((u) => W.map((row) => row.reduce((s, w, j) => s + w * (j < p.k ? u[j] : 1), 0) + noise * (2 * rand() - 1)));
  return subspaceMomentsOf(x, y);
}

test('each linear family recovers its planted parameters from exact moments', () => {
  fc.assert(
    fc.property(planted, fc.integer({ min: 1, max: 1e6 }), (p, seed) => {
      const sm = transitions(p, seed, 0);
      const got = fitLinearFamily(p.family, sm, p.offset);
      assert.equal(got.length, parameterNames(p.family, p.k, p.offset).length, 'one value per named parameter');
      assert.equal(parameterCount(p.family, p.k, p.offset), got.length, 'the count screening bounds by');
      p.params.forEach((want, i) => assert.ok(Math.abs(got[i] - want) <= 1e-7 * (1 + Math.abs(want)), `${p.family}${p.offset ? '+offset' : ''} ${parameterNames(p.family, p.k, p.offset)[i]}: ${got[i]} vs ${want}`));
      // The parameters rebuild a map that reproduces every transition.
      const fs = linearFeatureStats(sm, p.offset);
      const rss = residualSumOfSquares(coefficientsOf(p.family, p.k, p.offset, got), fs);
      const scale = sm.yy.reduce((s, row, i) => s + row[i], 0) + sm.xx.reduce((s, row, i) => s + row[i], 0);
      assert.ok(rss <= 1e-12 * scale, `residual ${rss} of ${scale}`);
    }),
    { numRuns: 500, seed: SEED },
  );
});

test('on noisy data the fit is the least-squares optimum of its family: no nearby parameters fit better', () => {
  // Orthogonal matrices are left out: moving one entry leaves the family.
  const perturbable = planted.filter((p) => p.family !== 'orthogonal' && p.family !== 'identity');
  fc.assert(
    fc.property(perturbable, fc.integer({ min: 1, max: 1e6 }), fc.double({ min: 0.01, max: 0.5, noNaN: true }), (p, seed, noise) => {
      const sm = transitions(p, seed, noise);
      const fs = linearFeatureStats(sm, p.offset);
      const got = fitLinearFamily(p.family, sm, p.offset);
      const rss = (q: number[]) => residualSumOfSquares(coefficientsOf(p.family, p.k, p.offset, q), fs);
      const best = rss(got);
      got.forEach((v, i) => {
        for (const h of [1e-3, -1e-3]) {
          const q = got.slice();
          q[i] = v + h;
          assert.ok(rss(q) >= best * (1 - 1e-9), `${p.family}: moving ${parameterNames(p.family, p.k, p.offset)[i]} by ${h} lowers RSS ${best} to ${rss(q)}`);
        }
      });
    }),
    { numRuns: 300, seed: SEED },
  );
});

test('a rotation by π/7 is read as θ = π/7, counter-clockwise positive', () => {
  const theta = Math.PI / 7;
  const x = [[1, 0], [0, 1], [2, -1], [-1, 3]];
  const y = x.map(([a, b]) => [Math.cos(theta) * a - Math.sin(theta) * b, Math.sin(theta) * a + Math.cos(theta) * b]);
  const [got] = fitLinearFamily('rotation', subspaceMomentsOf(x, y), false);
  assert.ok(Math.abs(got - theta) < 1e-14, `${got}`);
});
