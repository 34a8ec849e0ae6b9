import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { useFastWasmProducts } from '../../src/anneal/wasm-matmul.ts';

/** op(x) of a [batch, r, c] array: x itself or its last two axes swapped. */
const op = (x: number[][][], transposed: boolean): number[][][] =>
  transposed ? x.map((m) => m[0].map((_, j) => m.map((row) => row[j]))) : x;

/** The float64 product of op(a) and op(b), batch by batch. */
function reference(a: number[][][], b: number[][][], ta: boolean, tb: boolean): number[][][] {
  const A = op(a, ta), B = op(b, tb);
  return A.map((m, i) => m.map((row) => B[i][0].map((_, j) => row.reduce((s, v, k) => s + v * B[i][k][j], 0))));
}

const matrices = (batch: number, rows: number, cols: number) =>
  fc.array(fc.array(fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows }), { minLength: batch, maxLength: batch });

/** Shapes and values of a product op(a)·op(b) with random transposes. */
const product = fc
  .record({ batch: fc.integer({ min: 1, max: 3 }), m: fc.integer({ min: 1, max: 9 }), k: fc.integer({ min: 1, max: 9 }), n: fc.integer({ min: 1, max: 9 }), ta: fc.boolean(), tb: fc.boolean(), fused: fc.boolean() })
  .chain((s) => fc.record({ s: fc.constant(s), a: matrices(s.batch, s.ta ? s.k : s.m, s.ta ? s.m : s.k), b: matrices(s.batch, s.tb ? s.n : s.k, s.tb ? s.k : s.n) }));

test('wasm products with transposed operands equal the float64 product and leak no buffers', async () => {
  await tf.setBackend('wasm');
  await tf.ready();
  useFastWasmProducts();
  useFastWasmProducts(); // idempotent: a second call must not wrap the wrapper
  const backend = tf.engine().backend;
  fc.assert(
    fc.property(product, ({ s, a, b }) => {
      const before = backend.numDataIds();
      const got = tf.tidy(() => {
        const [ta, tb] = [tf.tensor3d(a), tf.tensor3d(b)];
        const out = s.fused ? tf.fused.matMul({ a: ta, b: tb, transposeA: s.ta, transposeB: s.tb }) : tf.matMul(ta, tb, s.ta, s.tb);
        return out.arraySync() as number[][][];
      });
      assert.equal(backend.numDataIds(), before, 'intermediate transposes are released');
      const want = reference(a, b, s.ta, s.tb);
      want.forEach((m, i) => m.forEach((row, r) => row.forEach((v, c) => assert.ok(Math.abs(got[i][r][c] - v) <= 1e-4 * (1 + Math.abs(v)), `[${i}][${r}][${c}]: ${got[i][r][c]} vs ${v}`))));
    }),
    { seed: 7, numRuns: 200 },
  );
  await tf.setBackend('cpu');
});
