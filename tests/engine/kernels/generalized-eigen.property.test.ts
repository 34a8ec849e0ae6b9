/**
 * The smallest generalised eigenpairs of (A, B) solve A x = λ B x with xᵀBx = 1, ascending, whether B
 * is well conditioned (whitened by its Cholesky factor) or singular (projected onto its range).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { smallestGeneralizedEigen, smallestPairFrom } from '../../../src/engine/kernels/generalized-eigen.ts';
import { flattened } from '../../../src/engine/kernels/linalg.ts';
import { mulberry32 } from '../../../src/random.ts';
import { randomOrthogonal } from '../../../src/planted.ts';

const mul = (M: number[][], x: number[]) => M.map((row) => row.reduce((s, v, j) => s + v * x[j], 0));
const dot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i], 0);

/** Q diag(values) Qᵀ for a random orthogonal Q, and the eigenvectors (columns of Q) as rows. */
function withSpectrum(values: number[], rand: () => number): { M: number[][]; directions: number[][] } {
  const Q = randomOrthogonal(values.length, rand);
  const M = values.map((_, i) => values.map((__, j) => values.reduce((s, v, k) => s + Q[i][k] * v * Q[j][k], 0)));
  return { M, directions: values.map((_, k) => Q.map((row) => row[k])) };
}

const pencil = fc.record({
  m: fc.integer({ min: 1, max: 12 }),
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  rank: fc.integer({ min: 0, max: 3 }),
});

test('A x = λ B x with xᵀBx = 1 and λ ascending, on B of full rank and on singular B', () => {
  fc.assert(
    fc.property(pencil, ({ m, seed, rank }) => {
      const rand = mulberry32(seed);
      const missing = Math.min(rank, m - 1); // directions where B is zero
      const bValues = Array.from({ length: m }, (_, i) => (i < missing ? 0 : 10 ** (6 * rand() - 3)));
      const { M: B, directions } = withSpectrum(bValues, rand);
      const range = directions.slice(missing);
      const { M: A } = withSpectrum(Array.from({ length: m }, () => 4 * rand() - 1), rand);
      const { values, vectors } = smallestGeneralizedEigen(A, B);
      assert.equal(values.length, m - missing, `one eigenpair per direction where B is not zero`);
      for (let i = 1; i < values.length; i++) assert.ok(values[i] >= values[i - 1]);
      const scale = Math.max(...bValues);
      vectors.forEach((x, i) => {
        assert.ok(Math.abs(dot(x, mul(B, x)) - 1) < 1e-6, `xᵀBx = ${dot(x, mul(B, x))}`);
        // The pencil on the range of B: A x − λ B x has no component there (x lies in it).
        const r = mul(A, x).map((v, j) => v - values[i] * mul(B, x)[j]);
        const size = Math.sqrt(dot(x, x)) * (1 + Math.abs(values[i]) * scale);
        for (const y of range) assert.ok(Math.abs(dot(y, r)) < 1e-7 * size, `residual ${dot(y, r)} for λ = ${values[i]}`);
        for (const y of directions.slice(0, missing)) assert.ok(Math.abs(dot(y, x)) < 1e-7 * Math.sqrt(dot(x, x)), 'x reaches where B is zero');
      });
    }),
    { numRuns: 300, seed: 7141 },
  );
});

test('inverse iteration from any start, shifted below the smallest eigenvalue, finds the smallest pair', () => {
  let found = 0;
  let runs = 0;
  fc.assert(
    fc.property(pencil, fc.double({ min: 1e-6, max: 10, noNaN: true }), ({ m, seed }, gap) => {
      const rand = mulberry32(seed);
      const { M: B } = withSpectrum(Array.from({ length: m }, () => 10 ** (4 * rand() - 2)), rand);
      const { M: A } = withSpectrum(Array.from({ length: m }, () => 4 * rand()), rand);
      const full = smallestGeneralizedEigen(A, B);
      const start = Array.from({ length: m }, () => rand() - 0.5);
      const pair = smallestPairFrom(flattened(A), flattened(B), A.length, start, full.values[0] - gap);
      runs++;
      if (!pair) return; // the caller decomposes instead; only a found pair must be right
      found++;
      assert.ok(Math.abs(pair.value - full.values[0]) <= 1e-9 * (1 + Math.abs(full.values[0])), `λ ${pair.value} vs ${full.values[0]}`);
      const cos = Math.abs(dot(pair.vector, mul(B, full.vectors[0])));
      assert.ok(cos > 1 - 1e-6 || full.values.length > 1 && full.values[1] - full.values[0] < 1e-6, `vector off by ${1 - cos}`);
    }),
    { numRuns: 300, seed: 7142 },
  );
  // Refusing is allowed, but the shortcut must usually work or it saves nothing.
  assert.ok(found >= 0.8 * runs, `inverse iteration settled in ${found} of ${runs} runs`);
});

test('a shift above the smallest eigenvalue is refused, not answered wrongly', () => {
  const A = [[1, 0], [0, 3]];
  const B = [[1, 0], [0, 1]];
  assert.equal(smallestPairFrom(flattened(A), flattened(B), 2, [1, 1], 2), null);
});
