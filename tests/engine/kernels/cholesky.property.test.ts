/**
 * Every well-conditioned symmetric system goes through a Cholesky factor: the normal equations of each
 * linear family, the whitening of dense invariants, the least-squares traces. From 192 rows on the
 * factor and the solves for many right-hand sides run in blocks, their products on the moment kernels.
 * What the search relies on: L Lᵀ = A to rounding, the blocked solves agree with the one-at-a-time ones,
 * and a matrix that is not safely positive definite is refused at any size.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { backSolveTransposed, backSolveTransposedRows, backSolveUpper, choleskyLower, forwardSolve, forwardSolveRows, transposedLower } from '../../../src/engine/kernels/cholesky.ts';
import { Rng } from '../../../src/random.ts';

/** Xᵀ X + shift·I for a random (n + extra) × n matrix X: positive definite unless shift is very negative. */
function gram(n: number, extra: number, shift: number, rng: Rng): number[][] {
  const X = Array.from({ length: n + extra }, () => Float64Array.from({ length: n }, () => rng.normal()));
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: n }, (__, j) => {
      let s = i === j ? shift : 0;
      for (const row of X) s += row[i] * row[j];
      return s;
    }),
  );
}

const sizes = fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 185, max: 300 }));

describe('Cholesky factors and solves', () => {
  it('L Lᵀ is the matrix, and the blocked solves solve, agreeing with one right-hand side at a time', () => {
    fc.assert(
      fc.property(sizes, fc.integer({ min: 1, max: 9 }), fc.nat(), (n, r, seed) => {
        const rng = new Rng(seed);
        const A = gram(n, 5, 0, rng);
        const L = choleskyLower(A, 1e-12);
        assert.ok(L, 'a Gram matrix of full rank is positive definite');
        let top = 0;
        for (const row of A) for (const v of row) top = Math.max(top, Math.abs(v));
        for (let i = 0; i < n; i++) {
          for (let j = 0; j <= i; j++) {
            let s = 0;
            for (let k = 0; k <= j; k++) s += L[i * n + k] * L[j * n + k];
            assert.ok(Math.abs(s - A[i][j]) <= 1e-12 * top, `(L Lᵀ)[${i}][${j}] = ${s}, A has ${A[i][j]}`);
          }
          for (let j = i + 1; j < n; j++) assert.equal(L[i * n + j], 0, 'lower triangular');
        }
        const Y = Float64Array.from({ length: r * n }, () => rng.normal());
        const forward = forwardSolveRows(L, n, Y, r);
        const back = backSolveTransposedRows(L, n, Y, r);
        for (let c = 0; c < r; c++) {
          const y = Array.from(Y.subarray(c * n, (c + 1) * n));
          const f: number[] = forwardSolve(L, n, y);
          const b: number[] = backSolveTransposed(L, n, y);
          const scale = Math.max(...f.map(Math.abs), ...b.map(Math.abs), 1e-300);
          f.forEach((v, i) => assert.ok(Math.abs(forward[c * n + i] - v) <= 1e-11 * scale, `forward, row ${c}, entry ${i}`));
          b.forEach((v, i) => assert.ok(Math.abs(back[c * n + i] - v) <= 1e-11 * scale, `back, row ${c}, entry ${i}`));
          assert.deepEqual(backSolveUpper(transposedLower(L, n), n, y), b, 'the same back solve, read by rows');
          // Below the blocking size the two sides run the same code, so each must also solve its system.
          const yScale = Math.max(...y.map(Math.abs));
          for (let i = 0; i < n; i++) {
            let lf = 0, ltb = 0;
            for (let k = 0; k < n; k++) {
              lf += L[i * n + k] * forward[c * n + k];
              ltb += L[k * n + i] * back[c * n + k];
            }
            assert.ok(Math.abs(lf - y[i]) <= 1e-9 * yScale && Math.abs(ltb - y[i]) <= 1e-9 * yScale, `L·f, Lᵀ·b against y at row ${c}, entry ${i}`);
          }
        }
      }),
      { numRuns: 40, seed: 1234 },
    );
  });

  it('a matrix with a negative eigenvalue is refused, wherever it shows', () => {
    fc.assert(
      fc.property(sizes, fc.nat(), (n, seed) => {
        fc.pre(n >= 2);
        const rng = new Rng(seed);
        // Rank n − 1 Gram matrix shifted down: its smallest eigenvalue is negative.
        const A = gram(n, -1, -1e-3, rng);
        assert.equal(choleskyLower(A, 1e-12), null);
      }),
      { numRuns: 30, seed: 4321 },
    );
  });
});
