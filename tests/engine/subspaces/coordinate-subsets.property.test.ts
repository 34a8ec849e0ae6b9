/**
 * With more coordinate pairs than `max_coordinate_subsets`, the pairs searched are the predictable
 * ones: a law planted in two coordinates among many noise coordinates is always among them, and with
 * few coordinates every pair is searched, as before.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { choleskySolve2, combinations, coordinateSubsets, pairPredictability, subsetPredictability } from '../../../src/engine/subspaces/coordinate-subsets.ts';
import { solve } from '../../../src/engine/kernels/linalg.ts';
import { accumulateMoments, momentShift } from '../../../src/engine/moments/moments.ts';
import { transitionStarts } from '../../../src/engine/moments/transitions.ts';
import { mulberry32 } from '../../../src/random.ts';

/** d coordinates of white noise (or a random walk), with a rotation by θ in coordinates (i, j). */
function plantedPair(d: number, i: number, j: number, theta: number, walk: boolean, seed: number) {
  const rand = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const K = 8;
  const T = 60;
  const states = new Float64Array(K * T * d);
  for (let k = 0; k < K; k++) {
    let [a, b] = [gauss(), gauss()];
    const z = Array.from({ length: d }, gauss);
    for (let t = 0; t < T; t++) {
      for (let c = 0; c < d; c++) z[c] = walk ? z[c] + 0.1 * gauss() : gauss();
      z[i] = a;
      z[j] = b;
      states.set(z, (k * T + t) * d);
      [a, b] = [Math.cos(theta) * a - Math.sin(theta) * b, Math.sin(theta) * a + Math.cos(theta) * b];
    }
  }
  const offsets = Array.from({ length: K + 1 }, (_, k) => k * T);
  const starts = transitionStarts(offsets);
  return accumulateMoments(states, d, starts, momentShift(states, d), 0, starts.length);
}

test('a rotation in two of many coordinates is among the pairs kept, whatever its coordinates and the noise', () => {
  fc.assert(
    fc.property(
      fc.record({ d: fc.integer({ min: 12, max: 40 }), seed: fc.integer({ min: 1, max: 1e9 }), theta: fc.double({ min: 0.2, max: 2.9, noNaN: true }), walk: fc.boolean() }).chain((r) =>
        fc.record({ pair: fc.uniqueArray(fc.integer({ min: 0, max: r.d - 1 }), { minLength: 2, maxLength: 2 }), r: fc.constant(r) }),
      ),
      ({ pair, r }) => {
        const [i, j] = [...pair].sort((x, y) => x - y);
        const mom = plantedPair(r.d, i, j, r.theta, r.walk, r.seed);
        const coords = [...Array(r.d).keys()];
        const kept = coordinateSubsets(mom, coords, 2, 8);
        assert.equal(kept.length, 8);
        assert.ok(kept.some(([a, b]) => a === i && b === j), `pair (${i}, ${j}) not kept: ${JSON.stringify(kept)}`);
        assert.ok(subsetPredictability(mom, [i, j]) > 0.99, `the rotation's pair predicts its next value`);
        const noise = coords.filter((c) => c !== i && c !== j).slice(0, 2);
        assert.ok(subsetPredictability(mom, noise) < 0.2, `noise pair (${noise}) scored ${subsetPredictability(mom, noise)}`);
      },
    ),
    { numRuns: 60, seed: 4411 },
  );
});

test('within the cap every pair is kept, in lexicographic order', () => {
  const mom = plantedPair(6, 1, 4, 0.5, false, 3);
  const kept = coordinateSubsets(mom, [0, 2, 3, 5], 2, 256);
  assert.deepEqual(kept, [[0, 2], [0, 3], [0, 5], [2, 3], [2, 5], [3, 5]]);
});

test('pairs are scored with exactly the arithmetic of the general solve, or by it', () => {
  const entry = fc.double({ min: -1e3, max: 1e3, noNaN: true });
  fc.assert(
    fc.property(entry, entry, entry, fc.array(fc.tuple(entry, entry), { minLength: 1, maxLength: 3 }), fc.constantFrom(1, 1e-6, 1e12, 2 ** 300, 2 ** -300), (a, b, c, columns, scale) => {
      // A = [[a² + s, ab], [ab, b² + c²]]·scale: positive definite but for degenerate draws.
      const A = [
        [(a * a + 1e-3) * scale, a * b * scale],
        [a * b * scale, (b * b + c * c) * scale],
      ];
      const R = [columns.map(([x]) => x), columns.map(([, y]) => y)];
      const fast = choleskySolve2(A, R);
      if (fast === null) return;
      assert.deepEqual(fast, solve(A, R));
    }),
    { numRuns: 500, seed: 77 },
  );
});

test('over the cap, the kept subsets are the best-scored ones (ties to the earlier), in lexicographic order', () => {
  fc.assert(
    fc.property(fc.integer({ min: 4, max: 12 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 60 }), fc.nat(), fc.boolean(), (d, k, cap, seed, walk) => {
      const mom = plantedPair(d, 0, 1, 0.7, walk, seed + 1);
      const coords = [...Array(d).keys()].filter((c) => c !== 2);
      // The ranking as a plain sort: every subset scored, the first `cap` by score, then by order.
      const all = [...combinations(coords.length, k)].map((c) => c.map((i) => coords[i]));
      const scored = all.map((subset, order) => ({ subset, order, score: subsetPredictability(mom, subset) }));
      const want = all.length <= cap ? all : scored.sort((a, b) => b.score - a.score || a.order - b.order).slice(0, cap).sort((a, b) => a.order - b.order).map((x) => x.subset);
      assert.deepEqual(coordinateSubsets(mom, coords, k, cap), want);
    }),
    { numRuns: 150, seed: 2024 },
  );
});

test('pairs are scored as subsetPredictability scores them, to the bit', () => {
  fc.assert(
    fc.property(
      fc.record({ d: fc.integer({ min: 3, max: 12 }), seed: fc.integer({ min: 1, max: 1e9 }), theta: fc.double({ min: 0.2, max: 2.9, noNaN: true }), walk: fc.boolean(), scale: fc.constantFrom(1, 1e-150, 1e150) }),
      ({ d, seed, theta, walk, scale }) => {
        const mom = plantedPair(d, 0, d - 1, theta, walk, seed);
        // Far from unit magnitude the solve rescales, and pairPredictability defers to the general path.
        const scaled = { ...mom, sums: mom.sums.map((v) => v * scale) };
        for (let a = 0; a < d; a++)
          for (let b = a + 1; b < d; b++) {
            const [fast, general] = [pairPredictability(scaled, a, b), subsetPredictability(scaled, [a, b])];
            assert.ok(Object.is(fast, general), `pair (${a}, ${b}): ${fast} vs ${general}`);
          }
      },
    ),
    { numRuns: 100, seed: 20261203 },
  );
});
