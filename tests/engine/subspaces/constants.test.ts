/**
 * Directions in which the data never vary are a constant, stated once with its value ("z2 = 5 on every
 * trajectory"), and every search subspace lies in the directions where the data vary, so no constant
 * is restated as an invariant of something else. What a user relies on:
 * - a coordinate that holds one value is found as that coordinate, with its value;
 * - a fixed combination of coordinates (z0 + z1 = 3) is found as a direction, with its value along it;
 * - "never varies" means within the data's rounding at their magnitude: an exact law computed in
 *   float64 counts as constant, a variation the data resolve does not;
 * - data that vary in every direction have no constant part.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { clearlyNothingFlat, splitConstants, spreadOverStates } from '../../../src/engine/subspaces/constants.ts';
import { symmetricEigenvalues } from '../../../src/engine/kernels/linalg.ts';
import { mulberry32, randomOrthogonal } from '../../../src/index.ts';
import { accumulateMoments, momentShift } from '../../../src/engine/moments/moments.ts';
import { unitRoundoff } from '../../../src/engine/moments/resolution.ts';
import { transitionStarts } from '../../../src/engine/moments/transitions.ts';
import { Rng } from '../../../src/random.ts';

const SEED = 20240703;

/** The split of data given as trajectories of states, at the data's own roundoff. */
function split(trajectories: number[][][]) {
  const dim = trajectories[0][0].length;
  const offsets = [0];
  for (const t of trajectories) offsets.push(offsets[offsets.length - 1] + t.length);
  const states = Float64Array.from(trajectories.flat(2));
  const starts = transitionStarts(offsets);
  const mom = accumulateMoments(states, dim, starts, momentShift(states, dim), 0, starts.length);
  return splitConstants(mom, unitRoundoff(states), spreadOverStates(states, dim, Array.from({ length: states.length / dim }, (_, r) => r)));
}

/** `count` trajectories of `length` states, each state made by `state(rng)`. */
const data = (seed: number, state: (rng: Rng) => number[], count = 6, length = 30) => {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => Array.from({ length }, () => state(rng)));
};

const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
const close = (got: number, want: number, tol: number, what: string) => assert.ok(Math.abs(got - want) <= tol, `${what}: ${got} vs ${want}`);

/** Rows orthonormal, and together with `other` a basis of R^d. */
function assertComplement(rows: number[][], other: number[][], d: number) {
  const all = [...rows, ...other];
  assert.equal(all.length, d, 'constant and varying directions together span the space');
  all.forEach((a, i) => all.forEach((b, j) => close(dot(a, b), i === j ? 1 : 0, 1e-9, `row ${i} · row ${j}`)));
}

test('a coordinate that holds one value is a constant coordinate, with its value', () => {
  const s = split(data(SEED, (rng) => [rng.uniform(-1, 1), rng.uniform(-3, 3), 5, rng.normal()]));
  assert.deepEqual(s.coordinates, [2]);
  assert.deepEqual(s.constant, [[0, 0, 1, 0]]);
  assert.deepEqual(s.values, [5]);
  assert.deepEqual(s.varying, [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 0, 1]]);
});

test('several constant coordinates are each stated with their own value', () => {
  const s = split(data(SEED + 1, (rng) => [-2, rng.uniform(-1, 1), 0.125, rng.normal()]));
  assert.deepEqual(s.coordinates, [0, 2]);
  assert.deepEqual(s.values, [-2, 0.125]);
  assertComplement(s.constant, s.varying, 4);
});

test('a fixed combination z0 + z1 = 3 is a constant direction, stated in a basis, with its value', () => {
  // z1 = 3 − z0 computed in float64: exact up to rounding, which the split must not mistake for variation.
  const s = split(data(SEED + 2, (rng) => {
    const z0 = rng.uniform(-2, 2);
    return [z0, 3 - z0, rng.normal()];
  }));
  assert.equal(s.coordinates, null, 'not a coordinate axis');
  assert.equal(s.constant.length, 1);
  const [row] = s.constant;
  // The direction is (1, 1, 0)/√2 up to sign, and the value along it is 3/√2 with the same sign.
  const sign = Math.sign(row[0]);
  [Math.SQRT1_2, Math.SQRT1_2, 0].forEach((v, j) => close(row[j], sign * v, 1e-9, `row[${j}]`));
  close(s.values[0], (sign * 3) / Math.SQRT2, 1e-9, 'value');
  assertComplement(s.constant, s.varying, 3);
});

test('data that vary in every direction have no constant part', () => {
  const s = split(data(SEED + 3, (rng) => [rng.normal(), 1e6 + rng.normal(), rng.uniform(0, 1e-3)]));
  assert.deepEqual(s.constant, []);
  assert.equal(s.coordinates, null);
  assert.deepEqual(s.values, []);
  assert.deepEqual(s.varying, [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
});

test('a variation the data resolve is not a constant; one below their rounding is (property)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e6 }), fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.integer({ min: -7, max: -3 }), (seed, level, exponent) => {
      // A coordinate at `level` that moves by 10^exponent relative to its size (and to the other
      // coordinate's spread, 1): resolved in float64.
      const amplitude = 10 ** exponent * Math.max(Math.abs(level), 1);
      const moving = split(data(seed, (rng) => [rng.normal(), level + amplitude * rng.normal()]));
      assert.deepEqual(moving.constant, [], `level ${level}, amplitude ${amplitude}`);
      // The same coordinate stored as level·(1 + a few units of roundoff): nothing the data can resolve.
      const rounding = split(data(seed, (rng) => [rng.normal(), level * (1 + 2 ** -52 * Math.round(4 * rng.normal()))]));
      assert.deepEqual(rounding.coordinates, [1], `level ${level}`);
      close(rounding.values[0], level, 1e-12 * Math.max(Math.abs(level), 1), 'value');
    }),
    { numRuns: 100, seed: SEED },
  );
});

test('a coordinate that moves by 3e-9 beside one that moves by 1 is not a constant', () => {
  // The data resolve this variation: 3e-9 is far above their rounding at magnitude 7 (about 1e-12).
  const s = split(data(SEED + 4, (rng) => [rng.normal(), 7 + 3e-9 * rng.normal()]));
  assert.deepEqual(s.constant, [], `constant ${JSON.stringify(s.constant)} = ${s.values}`);
});

test('the quick check for no flat direction never overrules the eigenvalues, and spares them when none is near', () => {
  // Covariances Q diag(λ) Qᵀ in a random basis, the smallest eigenvalue from 1e-16 to 1e-2 of the
  // largest, beside a floor: where the Cholesky check says "nothing flat", every eigenvalue is above
  // both bars of a flat direction; where all are clearly above, it says so (the eigenvalues are spared).
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 2, max: 40 }), fc.double({ min: -16, max: -2, noNaN: true }), fc.double({ min: -20, max: 0, noNaN: true }), (seed, d, smallest, floorExp) => {
      const rand = mulberry32(seed);
      const Q = randomOrthogonal(d, rand);
      const scale = 10 ** (6 * rand() - 3);
      const values = Array.from({ length: d }, (_, i) => scale * (i === 0 ? 10 ** smallest : 0.1 + rand()));
      const S = Q.map((qi) => Q.map((qj) => values.reduce((t, v, a) => t + v * qi[a] * qj[a], 0)));
      const floor = scale * 10 ** floorExp;
      const eigen = symmetricEigenvalues(S);
      const bar = Math.max(floor, 1e-12 * Math.max(...eigen));
      const quick = clearlyNothingFlat(S, floor);
      if (quick) assert.ok(Math.min(...eigen) > bar, `said nothing flat, smallest ${Math.min(...eigen)} ≤ ${bar}`);
      if (Math.min(...values) > 1e3 * Math.max(4 * floor, 1e-10 * values.reduce((a, b) => a + b, 0))) assert.ok(quick, 'every eigenvalue far above the bars, not seen');
    }),
    { numRuns: 200, seed: SEED },
  );
});
