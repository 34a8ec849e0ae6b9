/**
 * Conservation along whole trajectories. A user reads an invariant law as "this quantity stays the same
 * however long the system runs", so the ranking follows every invariant along the trajectories and
 * keeps it only when that is true. What a user relies on:
 * - a conserved quantity measured with white noise is kept: its change over a whole trajectory is no
 *   larger than over one step (Σ net² / Σ step² ≈ 1/L), and its value differs from trajectory to
 *   trajectory (it carries the data's variation);
 * - a quantity that drifts is not: its change grows with the length of the trajectory, however small
 *   each step is;
 * - a random walk is not, even when its net change is still within the tolerance: its steps add up;
 * - trajectories are followed only where the law holds: cut at outlier jumps and at trajectory ends,
 *   so a jump is not counted as drift;
 * - a quantity that "holds" only where the system has come to rest, or is the same number everywhere,
 *   is not a conservation law.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type Conservation, conservationBatch, conservationOf, DRIFT_HORIZONS, isConserved } from '../../../src/engine/ranking/conservation.ts';
import { trajectoryRanges } from '../../../src/engine/passes/ranges.ts';
import type { LawFit } from '../../../src/engine/model/law-fit.ts';
import { type DataContext, transitionStarts } from '../../../src/engine/moments/transitions.ts';
import { Rng } from '../../../src/random.ts';

const SEED = 20240701;

/** The data context of a list of trajectories (each a list of states). */
function dataOf(trajectories: number[][][]): DataContext {
  const offsets = [0];
  for (const t of trajectories) offsets.push(offsets[offsets.length - 1] + t.length);
  return { states: Float64Array.from(trajectories.flat(2)), dim: trajectories[0][0].length, starts: transitionStarts(offsets) };
}

/** An invariant I = Σ params_j · features_j(u) as the ranking holds it. */
function invariant(features: string[], params: number[]): LawFit {
  return {
    id: `invariant(${features.join(',')})`,
    family: 'quadratic_invariant',
    role: 'invariant',
    k: 2,
    features,
    parametrization: { kind: 'sparse', positions: features.map((_, j) => [0, j]), rows: 1, cols: features.length, names: features.map((_, j) => `c${j}`) },
    params,
    structuralCost: 0,
  };
}

const RADIUS = invariant(['u1^2', 'u2^2'], [1, 1]);
const FIRST = invariant(['u1'], [1]);
const PLANE = [
  [1, 0],
  [0, 1],
];

/** The value of a feature `u<i>` or `u<i>^2` at a state. */
function featureValue(feature: string, z: ArrayLike<number>): number {
  const match = /^u(\d)(\^2)?$/.exec(feature);
  if (!match) throw new Error(`feature ${feature} is not u<i> or u<i>^2`);
  const v = z[Number(match[1]) - 1];
  return match[2] ? v * v : v;
}

/** The standard deviation of the invariant over the transitions' first states: the unit of its tolerance. */
function stdOver(ctx: DataContext, fit: LawFit): number {
  const values = Array.from(ctx.starts, (row) => {
    const z = ctx.states.subarray(row * ctx.dim, (row + 1) * ctx.dim);
    return fit.features.reduce((sum, f, j) => sum + fit.params[j] * featureValue(f, z), 0);
  });
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length) || 1;
}

/**
 * Follow one invariant along the trajectories (tolerance in units of its standard deviation), in
 * ranges of about `size` transitions as workers do (whole trajectories each, combined in order).
 */
const follow = (ctx: DataContext, fit: LawFit, tolerance: number, size = 500): Conservation => {
  const laws = [{ fit, tolerance, scale: stdOver(ctx, fit) }];
  return conservationOf(trajectoryRanges(ctx.starts, size).map((range) => conservationBatch(ctx, { basis: PLANE, laws, trees: [], range })[0]));
};

/** Trajectories of x_{t+1} = step(x_t) in the plane, `count` of them with `length` transitions each. */
function trajectories(rng: Rng, count: number, length: number, start: () => number[], step: (z: number[]) => number[]): number[][][] {
  return Array.from({ length: count }, () => {
    const t = [start()];
    for (let s = 0; s < length; s++) t.push(step(t[s]));
    return t;
  });
}

/** A rotation by 0.3 rad with radius ρ per step, on circles of radius 0.5 to 1.5. */
function circles(rng: Rng, count: number, length: number, rho: number): number[][][] {
  const [c, s] = [rho * Math.cos(0.3), rho * Math.sin(0.3)];
  return trajectories(rng, count, length, () => {
    const r = rng.uniform(0.5, 1.5);
    const a = rng.uniform(0, 2 * Math.PI);
    return [r * Math.cos(a), r * Math.sin(a)];
  }, ([x, y]) => [c * x - s * y, s * x + c * y]);
}

/** Every state with white noise of standard deviation σ added (measurement noise: it does not accumulate). */
const withNoise = (rng: Rng, data: number[][][], sigma: number) => data.map((t) => t.map((z) => z.map((v) => v + sigma * rng.normal())));

test('a conserved quantity measured with white noise is conserved: whole-trajectory change about one step\'s, Σ net² / Σ step² ≈ 1/L', () => {
  const rng = new Rng(SEED);
  const L = 50;
  const c = follow(dataOf(withNoise(rng, circles(rng, 40, L, 1), 2e-4)), RADIUS, 0.02);
  assert.equal(c.segments, 40, 'one segment per trajectory: no step exceeds the tolerance');
  // Noise does not add up along a trajectory: the net change over L steps is about one step's.
  assert.ok(c.walk > 0.5 / L && c.walk < 2 / L, `walk ${c.walk} vs 1/L = ${1 / L}`);
  assert.ok(c.drift < 2 * c.horizons[0], `drift ${c.drift} vs one step ${c.horizons[0]}`);
  for (const h of c.horizons.slice(0, 3)) assert.ok(h < 1.5 * c.horizons[0] && h > 0.5 * c.horizons[0], `horizons ${c.horizons}`);
  assert.ok(Number.isNaN(c.horizons[3]), `no trajectory is ${DRIFT_HORIZONS[3]} steps long: ${c.horizons}`);
  // The radius differs between trajectories and that is all its variation: levels ≈ 1.
  assert.ok(c.levels > 0.95 && c.levels < 1.05, `levels ${c.levels}`);
  assert.ok(isConserved(c, 0.02, 1e-6), `conserved: ${JSON.stringify(c)}`);
});

test('a drifting quantity is not conserved: its change grows in proportion to the trajectory length', () => {
  // A spiral that shrinks by 0.999 per step: each step changes the squared radius by 0.2%, well within
  // the tolerance, but the change adds up along the trajectory.
  const drifts = [8, 16, 32, 64].map((L) => {
    const c = follow(dataOf(circles(new Rng(SEED + 1), 30, L, 0.999)), RADIUS, 0.02);
    assert.equal(c.segments, 30);
    assert.ok(c.walk > L / 2, `walk ${c.walk} for a drift over L = ${L} steps (≈ L)`);
    assert.ok(!isConserved(c, 0.02, 1e-6), `L = ${L}: ${JSON.stringify(c)}`);
    return c.drift;
  });
  for (let i = 1; i < drifts.length; i++) {
    const ratio = drifts[i] / drifts[i - 1];
    assert.ok(ratio > 1.8 && ratio < 2.1, `doubling the length multiplies the drift by ${ratio} (${drifts})`);
  }
  // On the longest trajectories the drift itself exceeds twice the tolerance.
  assert.ok(drifts[3] > 2 * 0.02, `drift ${drifts[3]}`);
});

test('a steady drift shows at every horizon in proportion to it (property)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 65, max: 120 }), fc.double({ min: 1e-6, max: 1e-3, noNaN: true }), fc.integer({ min: 1, max: 1e6 }), (L, delta, seed) => {
      // I = u1 grows by δ per step from a level that differs between trajectories.
      const rng = new Rng(seed);
      const data = trajectories(rng, 10, L, () => [rng.uniform(-1, 1), 0], ([x, y]) => [x + delta, y]);
      const first = data.flatMap((t) => t.slice(0, -1).map((z) => z[0]));
      const mean = first.reduce((a, b) => a + b, 0) / first.length;
      const std = Math.sqrt(first.reduce((a, b) => a + (b - mean) ** 2, 0) / first.length);
      const c = follow(dataOf(data), FIRST, (10 * delta) / std);
      const step = delta / std;
      DRIFT_HORIZONS.forEach((h, q) => assert.ok(Math.abs(c.horizons[q] / (h * step) - 1) < 1e-6, `horizon ${h}: ${c.horizons[q]} vs ${h * step}`));
      assert.ok(Math.abs(c.drift / (L * step) - 1) < 1e-6, `drift ${c.drift} vs ${L * step}`);
      assert.ok(Math.abs(c.walk / L - 1) < 1e-6, `walk ${c.walk} vs L = ${L}`);
      assert.ok(!isConserved(c, (10 * delta) / std, 1e-9));
    }),
    { numRuns: 30, seed: SEED },
  );
});

test('followed in ranges of whole trajectories, as workers do, an invariant gets the figures of one pass (property)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 20, max: 400 }), fc.double({ min: 0.99, max: 1, noNaN: true }), (seed, size, rho) => {
      const rng = new Rng(seed);
      const data = withNoise(rng, circles(rng, 12, 20 + (seed % 90), rho), 1e-3);
      const ctx = dataOf(data);
      const [whole, split] = [follow(ctx, RADIUS, 0.01, Infinity), follow(ctx, RADIUS, 0.01, size)];
      assert.ok(trajectoryRanges(ctx.starts, size).length > 1 || ctx.starts.length < 2 * size);
      const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9 * (1 + Math.abs(b)) || (Number.isNaN(a) && Number.isNaN(b)), `${what}: ${a} vs ${b}`);
      assert.equal(split.segments, whole.segments);
      for (const key of ['drift', 'levels', 'walk', 'coverage'] as const) close(split[key], whole[key], key);
      whole.horizons.forEach((h, q) => close(split.horizons[q], h, `horizon ${DRIFT_HORIZONS[q]}`));
    }),
    { numRuns: 40, seed: SEED },
  );
});

test('on trajectories of three steps a drift is rejected: its steps add up and its net change exceeds the bound', () => {
  // Three steps of δ per trajectory, each within the tolerance 1.2δ: over three steps the quantity
  // has moved 3δ, more than twice the tolerance.
  const rng = new Rng(SEED + 5);
  const data = trajectories(rng, 50, 3, () => [rng.uniform(-1, 1), 0], ([x, y]) => [x + 0.01, y]);
  const first = data.flatMap((t) => t.slice(0, -1).map((z) => z[0]));
  const mean = first.reduce((a, b) => a + b, 0) / first.length;
  const std = Math.sqrt(first.reduce((a, b) => a + (b - mean) ** 2, 0) / first.length);
  const tolerance = (1.2 * 0.01) / std;
  const c = follow(dataOf(data), FIRST, tolerance);
  assert.equal(c.segments, 50);
  assert.ok(Math.abs(c.walk - 3) < 1e-9, `walk ${c.walk}: a drift adds up to L = 3 steps' worth`);
  assert.ok(c.drift > 2 * tolerance, `drift ${c.drift} vs 2 tol ${2 * tolerance}`);
  assert.ok(c.levels > 0.9, `levels ${c.levels}`);
  assert.ok(!isConserved(c, tolerance, 1e-9), JSON.stringify(c));
});

test('a random walk is not conserved, although its net change stays within twice the tolerance', () => {
  const rng = new Rng(SEED + 2);
  const sigma = 1e-3;
  const data = trajectories(rng, 40, 50, () => [rng.uniform(-1, 1), 0], ([x, y]) => [x + sigma * rng.normal(), y]);
  const first = data.flatMap((t) => t.slice(0, -1).map((z) => z[0]));
  const mean = first.reduce((a, b) => a + b, 0) / first.length;
  const std = Math.sqrt(first.reduce((a, b) => a + (b - mean) ** 2, 0) / first.length);
  const tolerance = (5 * sigma) / std;
  const c = follow(dataOf(data), FIRST, tolerance);
  assert.ok(c.walk > 0.6 && c.walk < 1.6, `walk ${c.walk} (≈ 1 for a random walk)`);
  // The change over h steps grows like √h.
  assert.ok(c.horizons[2] / c.horizons[0] > 3 && c.horizons[2] / c.horizons[0] < 5, `horizons ${c.horizons}`);
  // Every measured change is within twice the tolerance: only the walk clause tells it apart.
  for (const x of [c.drift, ...c.horizons.filter((h) => !Number.isNaN(h))]) assert.ok(x <= 2 * tolerance, `change ${x} vs 2 tol ${2 * tolerance}`);
  assert.ok(c.levels > 0.9, `levels ${c.levels}`);
  assert.ok(!isConserved(c, tolerance, 1e-9), JSON.stringify(c));
  // The same wobble, when all of it lies within the resolution, cannot be told from a conserved
  // quantity's rounding (an integrator's bounded energy error): then it is not held against the law.
  assert.ok(isConserved(c, tolerance, c.drift), 'a wobble within twice the resolution floor');
});

test('trajectories are cut into segments at outlier jumps and at trajectory ends; a jump is not drift', () => {
  const rng = new Rng(SEED + 3);
  const level = (values: number[], length: number) => Array.from({ length }, () => [0, 0]).map((_, s) => [values[Math.min(Math.floor(s / 30), values.length - 1)], 0]);
  // One trajectory held at 0, then (a jump) at 5, then at −5; another held at 2. Transitions are
  // numbered consecutively across the two trajectories, but no transition joins them.
  const clean = [level([0, 5, -5], 90), level([2], 21)];
  const c = follow(dataOf(withNoise(rng, clean, 1e-3)), FIRST, 0.05);
  assert.equal(c.segments, 4, 'three stretches of the first trajectory and the second one');
  // Only the noise is left once the jumps are cut out: tiny next to the 5-unit jumps (≈ 1.3 std).
  assert.ok(c.drift < 2e-3, `drift ${c.drift}`);
  assert.ok(c.levels > 0.9, `levels ${c.levels}: the four stretches carry the variation`);
  assert.ok(isConserved(c, 0.05, 1e-6), JSON.stringify(c));

  // Without the noise the same data conserve I exactly within every segment.
  const exact = follow(dataOf(clean), FIRST, 0.05);
  assert.equal(exact.segments, 4);
  assert.equal(exact.drift, 0);
  assert.deepEqual(exact.horizons.slice(0, 3), [0, 0, 0]);
});

test('a quantity that holds only where the system has come to rest, or is one number everywhere, is not conserved', () => {
  const rng = new Rng(SEED + 4);
  // Each trajectory falls from its own height in steps far above the tolerance and then rests at 0:
  // I = u1 "holds" only on the resting stretches, all at the same value.
  const settle = trajectories(rng, 20, 40, () => [rng.uniform(5, 10), 0], ([x, y]) => [x > 0.5 ? x / 10 : 0, y]);
  const c = follow(dataOf(withNoise(rng, settle, 1e-6)), FIRST, 0.01);
  assert.ok(c.segments >= 20 && c.drift < 0.01, JSON.stringify(c));
  assert.ok(c.levels < 0.1, `levels ${c.levels}: the resting stretches carry none of I's variation`);
  assert.ok(!isConserved(c, 0.01, 1e-9));

  // The same value on every trajectory: nothing varies, so nothing is conserved (it is a constant).
  const flat = follow(dataOf(trajectories(rng, 5, 20, () => [3, 0], (z) => z)), FIRST, 0.01);
  assert.equal(flat.levels, 0);
  assert.ok(!isConserved(flat, 0.01, 1e-9));
});

test('a quantity that holds only after a transient is not conserved; one broken by scattered glitches is', () => {
  const rng = new Rng(SEED + 7);
  // I = u1 jumps at every step of the first 15 of 60, then stays put.
  const settling = trajectories(rng, 20, 60, () => [rng.uniform(-1, 1), 0], ([x, y]) => [x, y]).map((t) =>
    t.map(([x, y], s) => [s < 15 ? x + (s % 2 === 0 ? 0.5 : -0.3) : x, y]),
  );
  const transient = follow(dataOf(settling), FIRST, 0.01);
  assert.ok(transient.coverage < 0.1, `coverage ${transient.coverage}`);
  assert.ok(!isConserved(transient, 0.01, 1e-9), JSON.stringify(transient));
  // The same number of broken steps, at random places.
  const glitchy = trajectories(rng, 20, 60, () => [rng.uniform(-1, 1), 0], ([x, y]) => [x, y]).map((t) =>
    t.map(([x, y]) => [rng.uniform(0, 1) < 0.12 ? x + 0.5 : x, y]),
  );
  const scattered = follow(dataOf(glitchy), FIRST, 0.01);
  assert.ok(scattered.coverage > 0.8 && scattered.coverage <= 1.2, `coverage ${scattered.coverage}`);
  assert.ok(isConserved(scattered, 0.01, 1e-9), JSON.stringify(scattered));
});

// ---------------------------------------------------------------------------------------------------
// The verdict
// ---------------------------------------------------------------------------------------------------

/** A conserved quantity's record at tolerance 0.1 and resolution floor 1e-6. */
const KEPT: Conservation = { drift: 0.1, horizons: [0.05, 0.1, 0.12, 0.15], levels: 1, segments: 10, walk: 0.05, coverage: 1 };

test('isConserved: each clause on its own rejects an invariant', () => {
  const rows: [string, Partial<Conservation>, number, number, boolean][] = [
    ['a conserved quantity', {}, 0.1, 1e-6, true],
    ['no segment at all', { segments: 0 }, 0.1, 1e-6, false],
    ['whole-segment drift above 2 tolerances', { drift: 0.21 }, 0.1, 1e-6, false],
    ['drift exactly 2 tolerances', { drift: 0.2 }, 0.1, 1e-6, true],
    ['a 64-step change above 2 tolerances', { horizons: [0.05, 0.1, 0.12, 0.21] }, 0.1, 1e-6, false],
    ['a one-step change above 2 tolerances', { horizons: [0.21, 0.1, 0.12, 0.15] }, 0.1, 1e-6, false],
    ['horizons longer than every segment are not measured', { horizons: [0.05, 0.1, NaN, NaN] }, 0.1, 1e-6, true],
    ['changes that add up like a random walk', { walk: 0.6 }, 0.1, 1e-6, false],
    ['a random walk within twice the resolution floor', { walk: 0.6 }, 0.1, 0.08, true],
    ['a random walk just above twice the resolution floor', { walk: 0.6 }, 0.1, 0.07, false],
    ['no segment long enough to tell a random walk', { walk: NaN }, 0.1, 1e-6, true],
    ['stretches that carry too little of the variation', { levels: 0.45 }, 0.1, 1e-6, false],
    ['levels must also exceed 2 tolerances', { levels: 0.7 }, 0.4, 1e-6, false],
    ['levels above 2 tolerances', { levels: 0.85, drift: 0.3, horizons: [0.3, 0.3, 0.3, 0.3] }, 0.4, 1e-6, true],
    ['holds in one quarter of the trajectories at under half its overall rate', { coverage: 0.45 }, 0.1, 1e-6, false],
    ['holds in every quarter at half its overall rate or more', { coverage: 0.5 }, 0.1, 1e-6, true],
  ];
  for (const [what, change, tolerance, floor, want] of rows) assert.equal(isConserved({ ...KEPT, ...change }, tolerance, floor), want, what);
});

test('isConserved: a kept invariant never changes by more than 2 tolerances and carries at least half its spread (property)', () => {
  const change = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(NaN));
  const record = fc.record({
    drift: fc.double({ min: 0, max: 1, noNaN: true }),
    horizons: fc.tuple(change, change, change, change),
    levels: fc.double({ min: 0, max: 2, noNaN: true }),
    segments: fc.integer({ min: 0, max: 100 }),
    walk: fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constant(NaN)),
    coverage: fc.double({ min: 0, max: 1.5, noNaN: true }),
  });
  fc.assert(
    fc.property(record, fc.double({ min: 1e-3, max: 0.5, noNaN: true }), fc.double({ min: 1e-9, max: 0.1, noNaN: true }), (c, tolerance, floor) => {
      if (!isConserved(c, tolerance, floor)) return;
      const changes = [c.drift, ...c.horizons].filter((x) => !Number.isNaN(x));
      assert.ok(c.segments > 0);
      for (const x of changes) assert.ok(x <= 2 * tolerance, `change ${x} > 2 × ${tolerance}`);
      assert.ok(c.levels >= 0.5 && c.levels >= 2 * tolerance, `levels ${c.levels}`);
      assert.ok(Number.isNaN(c.walk) || c.walk <= 0.5 || changes.every((x) => x <= 2 * floor), `walk ${c.walk}`);
      assert.ok(c.coverage >= 0.5, `coverage ${c.coverage}`);
    }),
    { numRuns: 2000, seed: SEED },
  );
});
