/**
 * The transitions the lag-2 set leaves out: kept as vectors while few, summed into their Gram once
 * many, and the same to the bit however they were split into chunks; projected on a subspace, both
 * forms give the sums Σ u uᵀ, Σ u' uᵀ, Σ u' u'ᵀ, Σ u, Σ u' of those transitions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ExcludedSum, maxExcludedRows, type ShiftedSums, withoutExcluded } from '../../../src/engine/moments/excluded.ts';
import { projectedSums } from '../../../src/engine/moments/moments.ts';
import { mulberry32 } from '../../../src/random.ts';
import { randomOrthogonal } from '../../../src/planted.ts';

/** `count` random vectors v = [w; w'; 1] of dimension d, as rows. */
function vectors(d: number, count: number, seed: number): Float64Array {
  const rand = mulberry32(seed);
  const m = 2 * d + 1;
  return Float64Array.from({ length: count * m }, (_, i) => (i % m === 2 * d ? 1 : 4 * rand() - 2));
}

/** The rows cut at `cuts` (fractions), as chunks' parts. */
function split(rows: Float64Array, m: number, cuts: number[]) {
  const count = rows.length / m;
  const at = [0, ...cuts.map((c) => Math.floor(c * count)).sort((a, b) => a - b), count];
  return at.slice(1).map((to, i) => ({ count: to - at[i], rows: rows.slice(at[i] * m, to * m) }));
}

test('left-out transitions: vectors while few, else their Gram, the same bits for any chunking', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 12 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }), fc.integer({ min: 1, max: 1e6 }), (d, count, cuts, seed) => {
      const m = 2 * d + 1;
      const rows = vectors(d, count, seed);
      const whole = new ExcludedSum(m);
      whole.add({ count, rows });
      const chunked = new ExcludedSum(m);
      for (const part of split(rows, m, cuts)) chunked.add(part);
      const [a, b] = [whole.result(), chunked.result()];
      assert.equal(a.count, count);
      assert.equal(b.count, count);
      if (count <= maxExcludedRows(m)) {
        assert.deepEqual(Array.from(b.rows!), Array.from(rows));
        return;
      }
      assert.ok(a.gram && b.gram, `${count} vectors of ${m} entries should be summed into their Gram`);
      assert.ok(Buffer.from(a.gram.buffer).equals(Buffer.from(b.gram.buffer)), 'the chunked Gram differs in its bits');
      for (let i = 0; i < m; i++)
        for (let j = 0; j < m; j++) {
          let want = 0;
          for (let r = 0; r < count; r++) want += rows[r * m + i] * rows[r * m + j];
          assert.ok(Math.abs(a.gram[i * m + j] - want) <= 1e-12 * (1 + Math.abs(want)), `gram[${i}][${j}]`);
        }
    }),
    { numRuns: 150, seed: 5 },
  );
});

test('projected on any basis, taking out the vectors or their Gram leaves the same sums', () => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 20 }), fc.boolean(), fc.integer({ min: 1, max: 1e6 }), (d, k, count, unit, seed) => {
      const m = 2 * d + 1;
      const rows = vectors(d, count, seed);
      const basis = unit ? Array.from({ length: Math.min(k, d) }, (_, a) => Array.from({ length: d }, (_, p) => (p === (a * 3 + seed) % d ? 1 : 0))) : randomOrthogonal(d, mulberry32(seed + 1)).slice(0, Math.min(k, d));
      if (unit && new Set(basis.map((row) => row.indexOf(1))).size < basis.length) return;
      const gram = new Float64Array(m * m);
      for (let r = 0; r < count; r++) for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) gram[i * m + j] += rows[r * m + i] * rows[r * m + j];
      const project = (S: Float64Array) => projectedSums(S, d, basis);
      // Start from the sums of other transitions, as the lag-2 set's are taken from all transitions' sums.
      const others = () => project(gram.map((e, i) => 3 * e + (i % 7)));
      const fromRows = withoutExcluded(others(), { count, rows }, d, basis, project);
      const fromGram = withoutExcluded(others(), { count, gram }, d, basis, project);
      const want: ShiftedSums = others();
      const ex = project(gram);
      for (const key of ['xx', 'yx', 'yy'] as const) want[key].forEach((row, a) => row.forEach((_, b) => (row[b] -= ex[key][a][b])));
      for (const key of ['sx', 'sy'] as const) want[key].forEach((_, a) => (want[key][a] -= ex[key][a]));
      const close = (x: number, y: number, what: string) => assert.ok(Math.abs(x - y) <= 1e-9 * (1 + Math.abs(y)), `${what}: ${x} vs ${y}`);
      for (const got of [fromRows, fromGram]) {
        for (const key of ['xx', 'yx', 'yy'] as const) want[key].forEach((row, a) => row.forEach((v, b) => close(got[key][a][b], v, `${key}[${a}][${b}]`)));
        for (const key of ['sx', 'sy'] as const) want[key].forEach((v, a) => close(got[key][a], v, `${key}[${a}]`));
      }
    }),
    { numRuns: 120, seed: 6 },
  );
});
