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
        const resident = ResidentRows.load(matrices, d, k);
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

describe('resident matrices given as rows', () => {
  it('rows, and rows read transposed, give the products of their row-major copies to the bit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 4 }), fc.nat(), (d, k, seed) => {
        const rng = new Rng(seed);
        const M = Array.from({ length: d }, () => Array.from({ length: d }, () => rng.normal()));
        const flat = Float64Array.from(M.flat());
        const flatT = Float64Array.from({ length: d * d }, (_, i) => M[i % d][Math.floor(i / d)]);
        const B = Array.from({ length: k }, () => Array.from({ length: d }, () => rng.normal()));
        const fromRows = ResidentRows.load([{ rows: M }, { rows: M, transposed: true }], d, k)!;
        const got = [fromRows.timesTransposed(0, B), fromRows.timesTransposed(1, B)];
        const fromFlat = ResidentRows.load([flat, flatT], d, k)!;
        assert.deepEqual(got, [fromFlat.timesTransposed(0, B), fromFlat.timesTransposed(1, B)]);
      }),
      { numRuns: 60, seed: 32 },
    );
  });
});
