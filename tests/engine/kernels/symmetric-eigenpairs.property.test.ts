/**
 * The principal directions and dense invariants ask for a few eigenvectors of a large symmetric matrix,
 * computed one at a time from its tridiagonal form instead of all at once. What the search relies on:
 * the eigenvalues are bit for bit the full decomposition's, each vector is a unit eigenvector
 * (A v = λ v to rounding) with its largest entry positive, vectors of one repeated eigenvalue are
 * orthogonal, and a planted leading direction comes out.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { orthonormalRows, symmetricEigen, symmetricEigenpairs } from '../../../src/engine/kernels/linalg.ts';
import { Rng } from '../../../src/random.ts';

/** ‖A v − λ v‖ / ‖A‖_F. */
function relativeResidual(A: number[][], v: number[], value: number): number {
  let num = 0;
  let normA = 0;
  A.forEach((row, r) => {
    const av = row.reduce((s, a, c) => s + a * v[c], 0);
    for (const a of row) normA += a * a;
    num += (av - value * v[r]) ** 2;
  });
  return Math.sqrt(num / Math.max(normA, 1e-300));
}

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);

/** Q diag(values) Qᵀ for a random orthonormal Q. */
function withSpectrum(values: number[], rng: Rng): number[][] {
  const n = values.length;
  const Q = orthonormalRows(Array.from({ length: n }, () => Array.from({ length: n }, () => rng.normal())));
  return Q.map((_, r) => Q.map((__, c) => values.reduce((s, v, i) => s + v * Q[i][r] * Q[i][c], 0)));
}

/** Symmetric matrices of 1–40 rows: dense, sparse with repeated entries, or a spectrum with repeated values. */
const matrices = fc.integer({ min: 1, max: 40 }).chain((n) =>
  fc.oneof(
    fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: n * n, maxLength: n * n }).map((e) => symmetrised(e, n)),
    fc.array(fc.constantFrom(0, 0, 0, 1, -1, 0.5), { minLength: n * n, maxLength: n * n }).map((e) => symmetrised(e, n)),
    fc.tuple(fc.array(fc.constantFrom(-1, 0, 2, 2, 3), { minLength: n, maxLength: n }), fc.nat()).map(([values, seed]) => withSpectrum(values, new Rng(seed))),
  ),
);

function symmetrised(entries: number[], n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (__, j) => entries[Math.max(i, j) * n + Math.min(i, j)]));
}

describe('symmetric eigenpairs on demand', () => {
  it('eigenvalues are bit for bit the full decomposition’s; vectors are unit, signed, orthogonal eigenvectors', () => {
    fc.assert(
      fc.property(matrices, fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), (A, picks) => {
        const n = A.length;
        const wanted = [...new Set(picks.map((p) => p % n))];
        const full = symmetricEigen(A);
        const some = symmetricEigenpairs(A, wanted);
        assert.deepEqual(some.values, full.values);
        assert.equal(some.vectors.length, wanted.length);
        some.vectors.forEach((v, w) => {
          assert.ok(Math.abs(dot(v, v) - 1) < 1e-12, 'unit length');
          const top = v.reduce((best, x, i) => (Math.abs(x) > Math.abs(v[best]) ? i : best), 0);
          assert.ok(v[top] > 0, 'largest entry positive');
          const residual = relativeResidual(A, v, some.values[wanted[w]]);
          assert.ok(residual < 1e-9, `eigenvalue ${some.values[wanted[w]]}: residual ${residual}`);
          for (let o = 0; o < w; o++) assert.ok(Math.abs(dot(v, some.vectors[o])) < 1e-8, `vectors ${wanted[o]} and ${wanted[w]} orthogonal`);
        });
      }),
      { numRuns: 300, seed: 4242 },
    );
  });

  it('the leading direction planted among noise directions comes out, in any basis', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 80 }), fc.nat(), (n, seed) => {
        const rng = new Rng(seed);
        const Q = orthonormalRows(Array.from({ length: n }, () => Array.from({ length: n }, () => rng.normal())));
        // Variance 10 along Q[0], noise variances in [0.5, 1.5] elsewhere.
        const spread = Q.map((_, i) => (i === 0 ? 10 : rng.uniform(0.5, 1.5)));
        const A = Q.map((_, r) => Q.map((__, c) => spread.reduce((s, v, i) => s + v * Q[i][r] * Q[i][c], 0)));
        const { vectors } = symmetricEigenpairs(A, [n - 1]);
        assert.ok(Math.abs(Math.abs(dot(vectors[0], Q[0])) - 1) < 1e-10, 'the planted direction');
      }),
      { numRuns: 100, seed: 99 },
    );
  });
});
