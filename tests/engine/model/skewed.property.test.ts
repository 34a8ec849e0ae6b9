/**
 * Rotations in a linear frame, W = ρ·S R(θ) S⁻¹: the parametrisation by angle, axis ratio and tilt is
 * what it claims (eigenvalues ρe^{±iθ}, the form uᵀQu conserved, every frame S covered), and the
 * closed-form fit with its refinement returns planted parameters from exact moments and the
 * least-squares optimum of its family from noisy ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { coefficientsOf, fitLinearFamily, linearFeatureStats, parameterNames, residualSumOfSquares } from '../../../src/engine/model/families.ts';
import { conservedForm, skewedRotationMatrix, skewedShapeOf } from '../../../src/engine/model/skewed.ts';
import { generalEigen, matmul, transpose } from '../../../src/engine/kernels/linalg.ts';
import { mulberry32 } from '../../../src/random.ts';
import { subspaceMomentsOf } from '../exact-moments.ts';

const SEED = 20240701;

/** |θ| away from 0 and π, where W is ±ρI whatever the frame and the frame cannot be read off. */
const angle = fc.tuple(fc.double({ min: 0.3, max: 2.8, noNaN: true }), fc.boolean()).map(([a, neg]) => (neg ? -a : a));
/** Axis ratios whose tilt is well defined (a round frame has none). */
const ratio = fc.double({ min: 1.2, max: 5, noNaN: true });
const tilt = fc.double({ min: -1.5, max: 1.5, noNaN: true });
const rho = fc.double({ min: 0.5, max: 1.5, noNaN: true });

const rotation = (a: number) => [[Math.cos(a), -Math.sin(a)], [Math.sin(a), Math.cos(a)]];
const close = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * (1 + Math.abs(b));
const maxDiff = (A: number[][], B: number[][]) => Math.max(...A.flatMap((row, i) => row.map((v, j) => Math.abs(v - B[i][j]))));

test('W(θ, r, φ) has eigenvalues ρe^{±iθ} and, undamped, conserves uᵀQu with Q = S⁻ᵀS⁻¹', () => {
  fc.assert(
    fc.property(rho, angle, ratio, tilt, (p, th, r, phi) => {
      const W = skewedRotationMatrix(p, th, r, phi);
      const { re, im } = generalEigen(W);
      assert.ok(re.every((x) => close(x, p * Math.cos(th), 1e-12)), `real parts ${re}`);
      assert.ok(close(Math.max(...im), p * Math.abs(Math.sin(th)), 1e-12) && close(Math.min(...im), -p * Math.abs(Math.sin(th)), 1e-12), `imaginary parts ${im}`);
      const R = skewedRotationMatrix(1, th, r, phi);
      const Q = conservedForm(r, phi);
      assert.ok(maxDiff(matmul(matmul(transpose(R), Q), R), Q) < 1e-12, 'RᵀQR ≠ Q');
      // The ellipse uᵀQu = 1 has semi-axes r along the tilt and 1 across it.
      const along = [Math.cos(phi), Math.sin(phi)];
      const across = [-Math.sin(phi), Math.cos(phi)];
      const form = (u: number[]) => u[0] * (Q[0][0] * u[0] + Q[0][1] * u[1]) + u[1] * (Q[1][0] * u[0] + Q[1][1] * u[1]);
      assert.ok(close(form(along), 1 / (r * r), 1e-12) && close(form(across), 1, 1e-12));
    }),
    { numRuns: 300, seed: SEED },
  );
});

test('every map S R(θ) S⁻¹ is one W(θ, r, φ): r = cond(S), the angle signed by det S; real eigenvalues are none', () => {
  // S = R(α)·diag(σ1, ±σ2)·R(β): any invertible frame, with its singular values known.
  const sigma = fc.double({ min: 0.2, max: 3, noNaN: true });
  const turn = fc.double({ min: -Math.PI, max: Math.PI, noNaN: true });
  fc.assert(
    fc.property(sigma, sigma, fc.boolean(), turn, turn, angle, rho, (s1, s2, reflect, alpha, beta, th, p) => {
      const S = matmul(matmul(rotation(alpha), [[s1, 0], [0, reflect ? -s2 : s2]]), rotation(beta));
      const Sinv = matmul(matmul(rotation(-beta), [[1 / s1, 0], [0, reflect ? -1 / s2 : 1 / s2]]), rotation(-alpha));
      const W = matmul(matmul(S, rotation(th)), Sinv).map((row) => row.map((v) => v * p));
      const shape = skewedShapeOf(W)!;
      assert.ok(shape, 'a map similar to a rotation was not recognised');
      assert.ok(maxDiff(skewedRotationMatrix(shape.rho, shape.theta, shape.ratio, shape.tilt), W) < 1e-9, 'shape does not rebuild W');
      const cond = Math.max(s1, s2) / Math.min(s1, s2);
      assert.ok(close(shape.ratio, cond, 1e-6), `axis ratio ${shape.ratio}, cond(S) ${cond}`);
      assert.ok(close(shape.theta, reflect ? -th : th, 1e-9) && close(shape.rho, p, 1e-9), `θ ${shape.theta} vs ${th}, ρ ${shape.rho}`);
      assert.ok(shape.ratio >= 1 && shape.tilt > -Math.PI / 2 && shape.tilt <= Math.PI / 2);
    }),
    { numRuns: 300, seed: SEED },
  );
  assert.equal(skewedShapeOf([[2, 0], [0, 0.5]]), null);
  assert.equal(skewedShapeOf([[1, 0.3], [0, 1]]), null, 'a shear is no rotation');
  assert.equal(skewedShapeOf([[0, 1], [1, 0]]), null, 'a reflection is no rotation');
});

interface Planted {
  family: 'skewed_rotation' | 'damped_skewed_rotation';
  offset: boolean;
  params: number[];
}

const centre = fc.tuple(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: -5, max: 5, noNaN: true }));
const planted: fc.Arbitrary<Planted> = fc
  .tuple(fc.boolean(), fc.boolean(), rho, angle, ratio, tilt, centre)
  .map(([damped, offset, p, th, r, phi, c]) => ({
    family: damped ? 'damped_skewed_rotation' : 'skewed_rotation',
    offset,
    params: [...(damped ? [p] : []), th, r, phi, ...(offset ? c : [])],
  }));

/** Moments of 60 transitions u' = W [u; 1] + noise from states spread about a point off the origin. */
function transitions(p: Planted, seed: number, noise: number) {
  const rand = mulberry32(seed);
  const W = coefficientsOf(p.family, 2, p.offset, p.params);
  const at = [6 * rand() - 3, 6 * rand() - 3];
  const x = Array.from({ length: 60 }, () => at.map((c) => c + 2 * rand() - 1));
  const y = x.map((u) => W.map((row) => row[0] * u[0] + row[1] * u[1] + (p.offset ? row[2] : 0) + noise * (2 * rand() - 1)));
  return subspaceMomentsOf(x, y);
}

test('the fit returns planted angle, ratio, tilt (ρ, centre) from exact moments', () => {
  fc.assert(
    fc.property(planted, fc.integer({ min: 1, max: 1e6 }), (p, seed) => {
      const sm = transitions(p, seed, 0);
      const got = fitLinearFamily(p.family, sm, p.offset);
      const names = parameterNames(p.family, 2, p.offset);
      assert.equal(got.length, names.length);
      p.params.forEach((want, i) => assert.ok(close(got[i], want, 1e-7), `${p.family}${p.offset ? '+offset' : ''} ${names[i]}: ${got[i]} vs ${want}`));
    }),
    { numRuns: 400, seed: SEED },
  );
});

test('on noisy data the fit is the least-squares optimum of its family (the undamped one after refinement)', () => {
  fc.assert(
    fc.property(planted, fc.integer({ min: 1, max: 1e6 }), fc.double({ min: 1e-3, max: 0.05, noNaN: true }), (p, seed, noise) => {
      const sm = transitions(p, seed, noise);
      const fs = linearFeatureStats(sm, p.offset);
      const got = fitLinearFamily(p.family, sm, p.offset);
      const rss = (q: number[]) => residualSumOfSquares(coefficientsOf(p.family, 2, p.offset, q), fs);
      const best = rss(got);
      got.forEach((v, i) => {
        for (const h of [1e-4, -1e-4]) {
          const q = got.slice();
          q[i] = v + h;
          assert.ok(rss(q) >= best * (1 - 1e-9), `${p.family}: moving ${parameterNames(p.family, 2, p.offset)[i]} by ${h} lowers RSS ${best} to ${rss(q)}`);
        }
      });
    }),
    { numRuns: 300, seed: SEED },
  );
});

test('data whose least-squares map has real eigenvalues get the best plain rotation, not an error', () => {
  const x = [[1, 0], [0, 1], [2, -1], [-1, 3], [0.5, 0.5]];
  const y = x.map(([a, b]) => [2 * a, 0.5 * b]);
  const sm = subspaceMomentsOf(x, y);
  for (const family of ['skewed_rotation', 'damped_skewed_rotation'] as const) {
    const got = fitLinearFamily(family, sm, false);
    const [r, phi] = got.slice(-2);
    assert.deepEqual([r, phi], [1, 0], `${family}: ${got}`);
    assert.ok(got.every(Number.isFinite));
  }
});
