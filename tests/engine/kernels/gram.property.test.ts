/**
 * The blocked moment kernels equal dot products taken one entry at a time (bit for bit), for any number
 * of columns (odd and even, so every tile shape and remainder is used) and any block length: the scalar
 * kernels one running sum per entry, the SIMD kernels a sum over even and one over odd transitions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addCross, addCrossScalar, addGramUpper, addGramUpperScalar } from '../../../src/engine/kernels/gram.ts';
import { simdGram } from '../../../src/engine/kernels/gram-simd.ts';

const SEED = 20240612;
const value = fc.double({ min: -1e3, max: 1e3, noNaN: true });

function dot(A: Float64Array, a: number, B: Float64Array, b: number, count: number): number {
  let s = 0;
  for (let c = 0; c < count; c++) s += A[a + c] * B[b + c];
  return s;
}

/** The SIMD kernels' order: even transitions and odd transitions summed apart, then added. */
function laneDot(A: Float64Array, a: number, B: Float64Array, b: number, count: number): number {
  let even = 0;
  let odd = 0;
  for (let c = 0; c < count; c += 2) {
    even += A[a + c] * B[b + c];
    if (c + 1 < count) odd += A[a + c + 1] * B[b + c + 1];
  }
  return even + odd;
}

const simd = simdGram();
type Gram = typeof addGramUpper;
type Cross = typeof addCross;
const kernels: { name: string; gram: Gram; cross: Cross; dot: typeof dot }[] = [
  { name: 'scalar', gram: addGramUpperScalar, cross: addCrossScalar, dot },
  ...(simd ? [{ name: 'SIMD', gram: simd.addGramUpper.bind(simd) as Gram, cross: simd.addCross.bind(simd) as Cross, dot: laneDot }] : []),
];

test('the moment kernels run as WebAssembly SIMD on this Node', () => {
  assert.ok(simd, 'gram-simd.ts did not load: the moment passes fall back to the scalar kernels');
  const A = Float64Array.from({ length: 6 }, (_, i) => i + 1);
  const out = new Float64Array(1);
  addGramUpper(A, Int32Array.of(0), 5, out, 1);
  assert.equal(out[0], laneDot(A, 0, A, 0, 5));
});

// Each entry is its running sum(s) in transition order, so the kernels equal the reference exactly.
const same = (x: number, y: number) => Object.is(x, y);

const columns = fc
  .record({ m: fc.integer({ min: 1, max: 7 }), count: fc.integer({ min: 0, max: 40 }), gap: fc.integer({ min: 0, max: 3 }) })
  .chain(({ m, count, gap }) => fc.tuple(fc.constant({ m, count, cap: count + gap }), fc.array(value, { minLength: m * (count + gap), maxLength: m * (count + gap) })));

for (const { name, gram, cross, dot } of kernels) {
  test(`addGramUpper (${name}) sums the upper triangle of the Gram matrix, on top of what is there`, () => {
    fc.assert(
      fc.property(columns, fc.integer({ min: 0, max: 3 }), ([{ m, count, cap }, data], extra) => {
        const A = Float64Array.from(data);
        // Columns in a scrambled order, as the members' feature columns are.
        const offs = Int32Array.from({ length: m }, (_, i) => ((i * 5 + extra) % m) * cap);
        const out = new Float64Array((m + extra) * (m + extra)).fill(0.5);
        gram(A, offs, count, out, m + extra);
        for (let i = 0; i < m + extra; i++) {
          for (let j = 0; j < m + extra; j++) {
            const want = i < m && j < m && i <= j ? 0.5 + dot(A, offs[i], A, offs[j], count) : 0.5;
            assert.ok(same(out[i * (m + extra) + j], want), `(${i},${j}): ${out[i * (m + extra) + j]} vs ${want}`);
          }
        }
      }),
      { numRuns: 400, seed: SEED },
    );
  });

  test(`addCross (${name}) sums every product of a column of A with a column of B`, () => {
    fc.assert(
      fc.property(columns, fc.integer({ min: 1, max: 5 }), ([{ m, count, cap }, data], mb) => {
        const A = Float64Array.from(data);
        const B = Float64Array.from({ length: mb * cap }, (_, i) => Math.sin(i + 1) * 7);
        const offsA = Int32Array.from({ length: m }, (_, i) => (m - 1 - i) * cap);
        const offsB = Int32Array.from({ length: mb }, (_, j) => j * cap);
        const out = new Float64Array(m * mb);
        cross(A, offsA, B, offsB, count, out, mb);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < mb; j++) assert.ok(same(out[i * mb + j], dot(A, offsA[i], B, offsB[j], count)), `(${i},${j})`);
        }
      }),
      { numRuns: 400, seed: SEED },
    );
  });
}
