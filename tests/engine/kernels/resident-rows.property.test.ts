/**
 * The refinement multiplies a few basis rows by the same d × d moments at every step; the moments stay
 * in a WebAssembly instance of their own. What it relies on: each product is B·Mᵀ to rounding, for any
 * shape (odd d, d not a multiple of the kernel's tile), however many products come before, and a
 * basis with more rows than there is room for is refused rather than cut off.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { ResidentRows } from '../../../src/engine/kernels/gram-simd.ts';
import { Rng } from '../../../src/random.ts';

describe('resident products', () => {
  it('every product is B·Mᵀ, whatever came before', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 5 }), fc.nat(), (d, k, seed) => {
        const rng = new Rng(seed);
        const matrices = [0, 1].map(() => Float64Array.from({ length: d * d }, () => rng.normal()));
        const rowsOf = (M: Float64Array) => Array.from({ length: d }, (_, j) => Array.from(M.subarray(j * d, j * d + d)));
        const resident = ResidentRows.load(matrices.map((M) => ({ rows: rowsOf(M) })), d, k);
        assert.ok(resident, 'this machine runs WebAssembly SIMD');
        for (let call = 0; call < 4; call++) {
          const rows = 1 + (call % k);
          const B = Array.from({ length: rows }, () => Array.from({ length: d }, () => rng.normal()));
          const index = call % 2;
          const got: number[][] = resident.timesTransposed(index, B);
          assert.equal(got.length, rows);
          B.forEach((row, i) => {
            for (let j = 0; j < d; j++) {
              let want = 0;
              let size = 0;
              for (let c = 0; c < d; c++) {
                want += row[c] * matrices[index][j * d + c];
                size += Math.abs(row[c] * matrices[index][j * d + c]);
              }
              assert.ok(Math.abs(got[i][j] - want) <= 1e-13 * size, `call ${call}, entry (${i}, ${j}): ${got[i][j]} against ${want}`);
            }
          });
        }
        assert.throws(() => resident.timesTransposed(0, Array.from({ length: k + 1 }, () => new Array<number>(d).fill(1))), /room for/);
      }),
      { numRuns: 60, seed: 31 },
    );
  });
});

describe('resident matrices given transposed', () => {
  it('rows read transposed give the products of the transposed rows to the bit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 4 }), fc.nat(), (d, k, seed) => {
        const rng = new Rng(seed);
        const M = Array.from({ length: d }, () => Array.from({ length: d }, () => rng.normal()));
        const Mt = M.map((_, i) => M.map((row) => row[i]));
        const B = Array.from({ length: k }, () => Array.from({ length: d }, () => rng.normal()));
        const read = ResidentRows.load([{ rows: M, transposed: true }, { rows: M }], d, k)!;
        const got = [read.timesTransposed(0, B), read.timesTransposed(1, B)];
        const copied = ResidentRows.load([{ rows: Mt }, { rows: M }], d, k)!;
        assert.deepEqual(got, [copied.timesTransposed(0, B), copied.timesTransposed(1, B)]);
      }),
      { numRuns: 60, seed: 32 },
    );
  });
});
