/**
 * The eigen-subspaces ask for a few eigenvectors of a large operator, computed one at a time by inverse
 * iteration instead of all at once. What the search relies on: the eigenvalues are bit for bit those of
 * the full decomposition (so the same modes are kept), each vector is an eigenvector (A v = λ v to
 * rounding), and a complex pair spans the same invariant plane as the full decomposition's vectors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generalEigen, generalEigenvalues, orthonormalRows, principalAngles } from '../../../src/engine/kernels/linalg.ts';
import { Rng } from '../../../src/random.ts';

/** ‖A v − λ v‖ / (‖A‖_F ‖v‖) for v = x + i y and λ = re + i·im. */
function relativeResidual(A: number[][], x: number[], y: number[], re: number, im: number): number {
  let num = 0;
  let den = 0;
  let normA = 0;
  A.forEach((row, r) => {
    let ax = 0;
    let ay = 0;
    row.forEach((a, c) => {
      ax += a * x[c];
      ay += a * y[c];
      normA += a * a;
    });
    num += (ax - (re * x[r] - im * y[r])) ** 2 + (ay - (re * y[r] + im * x[r])) ** 2;
    den += x[r] * x[r] + y[r] * y[r];
  });
  return Math.sqrt(num / den / Math.max(normA, 1e-300));
}

/** Square matrices of 2–40 rows: dense, sparse with repeated entries, or an orthogonal map with noise. */
const matrices = fc.integer({ min: 2, max: 40 }).chain((n) =>
  fc.oneof(
    // Entries below 1e-100 are zeros: an operator fitted to data never spans hundreds of decades.
    fc.array(fc.array(fc.double({ min: -10, max: 10, noNaN: true }).map((v) => (Math.abs(v) < 1e-100 ? 0 : v)), { minLength: n, maxLength: n }), { minLength: n, maxLength: n }),
    fc.array(fc.array(fc.constantFrom(0, 0, 0, 1, -1, 0.5), { minLength: n, maxLength: n }), { minLength: n, maxLength: n }),
  ),
);

describe('eigenvectors on demand', () => {
  it('eigenvalues are bit for bit the full decomposition’s, and every vector is an eigenvector', () => {
    fc.assert(
      fc.property(matrices, (A) => {
        fc.pre(A.some((row, i) => row.some((v, j) => v !== A[j][i])));
        const full = generalEigen(A);
        const lazy = generalEigenvalues(A);
        assert.deepEqual(lazy.re, full.re);
        assert.deepEqual(lazy.im, full.im);
        lazy.re.forEach((re, i) => {
          if (lazy.im[i] < 0) return;
          const [x, y = x.map(() => 0)] = lazy.vector(i);
          const ours = relativeResidual(A, x, y, re, lazy.im[i]);
          // An exact eigenvector of A + E with ‖E‖ ≤ 1e-8‖A‖ is ample for proposing subspaces, which are
          // then refined on data; where the full decomposition's own vector does worse (near-Jordan
          // blocks of the sparse matrices), it sets the bar.
          const fullX = full.vectors[i];
          const theirs = relativeResidual(A, fullX, lazy.im[i] > 0 ? full.vectors[i + 1] : fullX.map(() => 0), re, lazy.im[i]);
          assert.ok(ours < Math.max(1e-8, 10 * theirs), `eigenvalue ${re} + ${lazy.im[i]}i: residual ${ours} (full decomposition ${theirs})`);
        });
      }),
      { numRuns: 200, seed: 5150 },
    );
  });

  it('a rotation plane hidden among noise dimensions is the plane the full decomposition gives', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 60 }), fc.double({ min: 0.05, max: 3, noNaN: true }), fc.nat(), (n, theta, seed) => {
        const rng = new Rng(seed);
        // A = Q diag(R(θ), D) Qᵀ with D well away from the pair's modulus, Q a random orthonormal basis.
        const Q = orthonormalRows(Array.from({ length: n }, () => Array.from({ length: n }, () => rng.normal())));
        const block = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (__, j) => (i === j && i >= 2 ? 0.3 * rng.uniform(-1, 1) : 0)));
        [block[0][0], block[0][1], block[1][0], block[1][1]] = [Math.cos(theta), -Math.sin(theta), Math.sin(theta), Math.cos(theta)];
        for (let i = 2; i < n; i++) for (let j = i + 1; j < n; j++) block[i][j] = 0.1 * rng.normal();
        const A = Q.map((_, r) => Q.map((__, c) => block.reduce((s, row, i) => s + Q[i][r] * row.reduce((t, b, j) => t + b * Q[j][c], 0), 0)));
        const lazy = generalEigenvalues(A);
        const full = generalEigen(A);
        const i = lazy.im.findIndex((v, k) => v > 0 && Math.abs(Math.hypot(lazy.re[k], v) - 1) < 1e-6);
        assert.ok(i >= 0, 'the rotation’s eigenvalue pair');
        const plane = orthonormalRows(lazy.vector(i));
        const truth = [Q[0], Q[1]];
        assert.ok(Math.max(...principalAngles(plane, truth)) < 1e-6, `angle to the planted plane ${principalAngles(plane, truth)}`);
        const fullPlane = orthonormalRows([full.vectors[i], full.vectors[i + 1]]);
        assert.ok(Math.max(...principalAngles(plane, fullPlane)) < 1e-6);
      }),
      { numRuns: 60, seed: 5151 },
    );
  });
});
