/**
 * Block products: block after block, the totals are the running sums of the products of the asked
 * column ranges (a Gram matrix's upper triangle, or a cross with the second range some rows on), bit
 * for bit as the kernels sum them (SIMD: even and odd rows apart), for any block lengths up to the
 * block's size, odd ones included; a column the caller keeps constant is still there afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { blockProducts, scalarBlockProducts, type BlockProduct, type BlockProducts } from '../../../src/engine/kernels/block-products.ts';
import { ResidentBlock } from '../../../src/engine/kernels/gram-simd.ts';

const SEED = 20261203;

const plainDot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i], 0);
function laneDot(x: number[], y: number[]): number {
  let [even, odd] = [0, 0];
  for (let c = 0; c < x.length; c += 2) {
    even += x[c] * y[c];
    if (c + 1 < x.length) odd += x[c + 1] * y[c + 1];
  }
  return even + odd;
}

const kinds: { name: string; make: typeof blockProducts; dot: typeof plainDot }[] = [
  { name: 'scalar', make: scalarBlockProducts, dot: plainDot },
  { name: 'SIMD', make: blockProducts, dot: laneDot },
];

const setup = fc
  .record({ columnCount: fc.integer({ min: 2, max: 8 }), halfRows: fc.integer({ min: 1, max: 6 }) })
  .chain(({ columnCount, halfRows }) => {
    const range = fc.integer({ min: 0, max: columnCount - 1 }).chain((a) => fc.tuple(fc.constant(a), fc.integer({ min: 1, max: columnCount - a })));
    const product = fc.record({ first: range, second: fc.option(range, { nil: undefined }), shift: fc.constantFrom(0 as const, 1 as const) });
    const rows = 2 * halfRows;
    return fc.record({
      columnCount: fc.constant(columnCount),
      rows: fc.constant(rows),
      products: fc.array(product, { minLength: 1, maxLength: 3 }),
      blocks: fc.array(fc.integer({ min: 1, max: rows }).chain((count) => fc.tuple(fc.constant(count), fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: columnCount * count, maxLength: columnCount * count }))), { minLength: 1, maxLength: 4 }),
    });
  });

for (const { name, make, dot } of kinds) {
  test(`block products (${name}) keep the running sums of their column ranges' products`, () => {
    if (name === 'SIMD') assert.ok(ResidentBlock.create(1, 2, []), 'no WebAssembly SIMD: the moment pass falls back to the scalar kernels');
    fc.assert(
      fc.property(setup, ({ columnCount, rows, products: drawn, blocks }) => {
        // The last column stays constant (as the moment pass's column of ones); the others are refilled.
        const products: BlockProduct[] = drawn.map(({ first: [a, ma], second, shift }) => (second ? { a, ma, b: second[0], mb: second[1], shift } : { a, ma }));
        const block: BlockProducts = make(columnCount + 1, rows, products);
        const ones = columnCount;
        block.columns.fill(1, ones * block.stride, ones * block.stride + rows);
        const want = products.map((p) => new Float64Array(p.ma * (p.mb ?? p.ma)));
        for (const [count, values] of blocks) {
          const column = (j: number, from: number, to: number) => Array.from({ length: to - from }, (_, r) => (j === ones ? 1 : values[j * count + from + r]));
          for (let j = 0; j < columnCount; j++) for (let r = 0; r < count; r++) block.columns[j * block.stride + r] = values[j * count + r];
          block.add(count);
          products.forEach((p, k) => {
            const shift = p.b === undefined ? 0 : (p.shift ?? 0);
            const n = count - shift;
            if (n <= 0) return;
            const mb = p.mb ?? p.ma;
            for (let i = 0; i < p.ma; i++)
              for (let j = p.b === undefined ? i : 0; j < mb; j++) want[k][i * mb + j] += dot(column(p.a + i, 0, n), column((p.b ?? p.a) + j, shift, shift + n));
          });
        }
        products.forEach((p, k) => {
          const { values, rowStride } = block.sums(k);
          const mb = p.mb ?? p.ma;
          for (let i = 0; i < p.ma; i++)
            for (let j = p.b === undefined ? i : 0; j < mb; j++)
              assert.ok(Object.is(values[i * rowStride + j], want[k][i * mb + j]), `product ${k} (${i}, ${j}): ${values[i * rowStride + j]} vs ${want[k][i * mb + j]}`);
        });
        for (let r = 0; r < rows; r++) assert.equal(block.columns[ones * block.stride + r], 1, `constant column, row ${r}`);
      }),
      { numRuns: 300, seed: SEED },
    );
  });
}
