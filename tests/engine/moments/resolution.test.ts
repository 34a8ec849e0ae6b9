/**
 * The resolution of a search: the relative residual below which laws count as exact. What a user
 * relies on:
 * - the data's storage precision is read from the values themselves (float64, float32 widened to
 *   float64, or float16 / small integers), so float32 latents are not asked to hold to 1e-16;
 * - the floor is the larger of the user's resolution and the data's rounding at their magnitude, so a
 *   noise-free exact law holds on every transition, and far-off data (a large offset, a small spread)
 *   are not asked for more digits than they carry;
 * - a map is judged against the motion it must explain: on slowly moving data its floor is a share of
 *   the step, so x' = 0.999·x is not the same law as x' = x.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { residualFloor, roundingFloor, subspaceFloors, unitRoundoff } from '../../../src/engine/moments/resolution.ts';
import { accumulateMoments, momentShift, projectMoments } from '../../../src/engine/moments/moments.ts';
import { transitionStarts } from '../../../src/engine/moments/transitions.ts';
import { Rng } from '../../../src/random.ts';

const SEED = 20240704;
const F64 = 2 ** -53;
const F32 = 2 ** -24;
const F16 = 2 ** -11;
const closeRel = (got: number, want: number, rel: number, what: string) => assert.ok(Math.abs(got - want) <= rel * Math.abs(want), `${what}: ${got} vs ${want}`);

// ---------------------------------------------------------------------------------------------------
// Storage precision
// ---------------------------------------------------------------------------------------------------

/** A value that needs exactly `bits` significant bits (its lowest one set), times 2^exponent. */
const withBits = (bits: number, exponent: number) =>
  fc.tuple(fc.integer({ min: 0, max: 2 ** Math.min(bits - 2, 30) - 1 }), fc.integer({ min: 0, max: 2 ** Math.max(bits - 32, 0) - 1 }), fc.boolean()).map(([lo, hi, negative]) => {
    // mantissa = 2^(bits−1) + (hi·2^30 + lo)·2 + 1: odd, so all `bits` bits are significant.
    const mantissa = 2 ** (bits - 1) + (hi * 2 ** 30 + lo) * 2 + 1;
    return (negative ? -1 : 1) * mantissa * 2 ** (exponent - bits + 1);
  });
const exponent = fc.integer({ min: -30, max: 30 });

test('float64 values have unit roundoff 2^-53', () => {
  const rng = new Rng(SEED);
  assert.equal(unitRoundoff(Float64Array.from({ length: 1000 }, () => rng.normal())), F64);
  assert.equal(unitRoundoff(new Float64Array(0)), F64, 'no values: assume float64');
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -2048, max: 2048 }), { maxLength: 20 }), exponent.chain((e) => withBits(53, e)), (small, wide) => {
      // One value that float32 cannot hold makes the data float64, whatever the others are.
      assert.equal(unitRoundoff(Float64Array.from([...small, wide])), F64);
    }),
    { numRuns: 200, seed: SEED },
  );
});

test('float32 values widened to float64 have unit roundoff 2^-24', () => {
  const rng = new Rng(SEED + 1);
  assert.equal(unitRoundoff(Float64Array.from({ length: 1000 }, () => Math.fround(rng.normal()))), F32);
  assert.equal(unitRoundoff(new Float64Array(new Float32Array([0.1, 1e-3, 12345.678, -7.25]))), F32);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -2048, max: 2048 }), { maxLength: 20 }), fc.integer({ min: 12, max: 24 }).chain((bits) => exponent.chain((e) => withBits(bits, e))), (small, narrow) => {
      // 12 to 24 significant bits: a float32, not a float16.
      assert.equal(unitRoundoff(Float64Array.from([...small, narrow])), F32, `${narrow}`);
    }),
    { numRuns: 200, seed: SEED },
  );
});

test('small integers, halves and other float16 values have unit roundoff 2^-11', () => {
  assert.equal(unitRoundoff(Float64Array.from([0, 1, -2, 3, 2048, -1024, 0.5, 0.375, 65504])), F16);
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: -2048, max: 2048 }), fc.integer({ min: -14, max: 4 })), { minLength: 1, maxLength: 30 }), (pairs) => {
      // Up to 11 significant bits and exponents within float16's normal range.
      const values = pairs.map(([m, e]) => m * 2 ** e);
      assert.equal(unitRoundoff(Float64Array.from(values)), F16, `${values}`);
    }),
    { numRuns: 200, seed: SEED },
  );
  // Out of float16's range (above 65504, or below its smallest normal 2^-14) they are float32.
  assert.equal(unitRoundoff(Float64Array.from([1, 2, 131072])), F32);
  assert.equal(unitRoundoff(Float64Array.from([1, 2, 2 ** -20])), F32);
});

// ---------------------------------------------------------------------------------------------------
// The floor
// ---------------------------------------------------------------------------------------------------

test('the floor is the user\'s resolution where the data\'s rounding is smaller', () => {
  assert.equal(residualFloor(1e-3, F64, 1, 1), 1e-3);
  assert.equal(residualFloor(1e-6, F32, 1, 1), 1e-6);
  assert.equal(residualFloor(0.25, F16, 3, 1), 0.25);
});

test('the floor rises to the data\'s rounding at their magnitude: float32 data far from the origin', () => {
  // float32 values around 10⁴ with spread 1 carry about 16 units of 2^-24 · 10⁴ ≈ 1e-2 of rounding.
  const want = (16 * F32 + 1024 * F64) * 1e4;
  closeRel(roundingFloor(F32, 1e4), want, 1e-12, 'rounding floor');
  closeRel(residualFloor(1e-3, F32, 1e4, 1), want, 1e-12, 'float32 at 1e4');
  assert.ok(want > 9e-3 && want < 1e-2, `${want}`);
  // float64 data 10¹² from the origin with spread 1: about 0.1 of the spread is rounding.
  closeRel(residualFloor(1e-3, F64, 1e12, 1), (16 + 1024) * F64 * 1e12, 1e-12, 'float64 at 1e12');
  // Never more than the whole spread, and 1 when there is no spread to judge against.
  assert.equal(residualFloor(1e-3, F16, 1e6, 1), 1);
  assert.equal(residualFloor(1e-3, F64, 1, 0), 1);
});

test('the floor never falls below the resolution, grows with magnitude and shrinks with spread (property)', () => {
  const positive = (min: number, max: number) => fc.double({ min, max, noNaN: true });
  fc.assert(
    fc.property(positive(1e-9, 0.5), fc.constantFrom(F64, F32, F16), positive(1e-6, 1e12), positive(1e-6, 1e6), positive(1, 100), (resolution, roundoff, magnitude, spread, k) => {
      const floor = residualFloor(resolution, roundoff, magnitude, spread);
      assert.ok(floor >= resolution && floor <= 1, `floor ${floor}`);
      assert.ok(floor >= Math.min(1, roundingFloor(roundoff, magnitude) / spread), 'at least the rounding');
      assert.ok(residualFloor(resolution, roundoff, magnitude * k, spread) >= floor, 'larger magnitude');
      assert.ok(residualFloor(resolution, roundoff, magnitude, spread * k) <= floor, 'larger spread');
    }),
    { numRuns: 500, seed: SEED },
  );
});

// ---------------------------------------------------------------------------------------------------
// Per subspace
// ---------------------------------------------------------------------------------------------------

/** Subspace moments of rotations by `theta` per step on circles about `center` (the whole plane). */
function rotationMoments(theta: number, center = [0, 0]) {
  const rng = new Rng(SEED + 7);
  const states: number[] = [];
  const offsets = [0];
  for (let t = 0; t < 20; t++) {
    const r = rng.uniform(0.5, 1.5);
    const a = rng.uniform(0, 2 * Math.PI);
    for (let s = 0; s < 50; s++) states.push(center[0] + r * Math.cos(a + s * theta), center[1] + r * Math.sin(a + s * theta));
    offsets.push(offsets[offsets.length - 1] + 50);
  }
  const data = Float64Array.from(states);
  const starts = transitionStarts(offsets);
  const mom = accumulateMoments(data, 2, starts, momentShift(data, 2), 0, starts.length);
  return projectMoments(mom, [
    [1, 0],
    [0, 1],
  ]);
}

test('a map\'s floor is a share of the step where the data move slowly; an invariant\'s is not', () => {
  const r = { resolution: 1e-3, roundoff: F64 };
  const slow = subspaceFloors(rotationMoments(1e-3), r);
  const faster = subspaceFloors(rotationMoments(1e-2), r);
  // Ten times the step, about ten times the floor (the longer arcs change the spread a little).
  closeRel(faster.map / slow.map, 10, 0.01, 'map floors');
  // The step is about θ times the radius, and the spread about the radius: floor ≈ resolution · θ.
  assert.ok(slow.map > 0.5e-6 && slow.map < 2e-6, `map floor ${slow.map}`);
  // An invariant is judged against its own spread, however slowly the data move.
  assert.equal(slow.invariant, 1e-3);
  assert.equal(faster.invariant, 1e-3);
  // Once a step is as large as the spread, the map's floor is the resolution itself.
  assert.equal(subspaceFloors(rotationMoments(2), r).map, 1e-3);
});

test('far from the origin the rounding sets both floors', () => {
  // The same circles 10¹² from the origin: float64 carries only about 1e-4 of the radius there.
  const far = subspaceFloors(rotationMoments(0.1, [1e12, 1e12]), { resolution: 1e-6, roundoff: F64 });
  assert.ok(far.invariant > 1e-2 && far.invariant < 1, `invariant floor ${far.invariant}`);
  assert.equal(far.map, far.invariant, 'the rounding does not shrink with the step');
});
