/**
 * One law, one entry: two invariants that are the same function of z are one law, whatever subspaces
 * they were found on and however they are scaled or shifted (I, 2I + 5 and −I conserve the same
 * thing). What a user relies on: of such a group one statement is reported (of two nearly equal ones,
 * the more exact); invariants that differ and map laws are all kept, in their order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { dropRepeatedInvariants } from '../../../src/engine/ranking/same-function.ts';
import type { ScoredLaw } from '../../../src/engine/ranking/rank.ts';
import type { FinalistResult } from '../../../src/engine/finalists/finalize.ts';
import type { LawFit, ScoringStats } from '../../../src/engine/model/law-fit.ts';
import { FeatureCatalog } from '../../../src/engine/model/features.ts';
import { HIST_BINS } from '../../../src/engine/kernels/histogram.ts';
import { type DataContext, transitionStarts } from '../../../src/engine/moments/transitions.ts';
import type { LawRole } from '../../../src/types.ts';
import { Rng } from '../../../src/random.ts';

const SEED = 20240705;

/** A scored law I = Σ params_j · features_j(u) (or a map) on subspace `subspaceIndex`. */
function law(id: string, subspaceIndex: number, k: number, features: string[], params: number[], role: LawRole = 'invariant', inlierRelativeError = 1e-9): ScoredLaw {
  const fit: LawFit = {
    id,
    family: role === 'map' ? 'linear' : 'quadratic_invariant',
    role,
    k,
    features,
    parametrization: { kind: 'sparse', positions: features.map((_, j) => [0, j]), rows: 1, cols: features.length, names: features.map((_, j) => `c${j}`) },
    params,
    structuralCost: 0,
  };
  const stats: ScoringStats = { role: 'invariant', st: { n: 1, D: [[0]], Cov: [[1]] }, n: 1, nIn: 1 };
  const finalist: FinalistResult = { fit, stats, n: 1, variance: 1, spread: 1, floor: 1e-7, hist: new Uint32Array(HIST_BINS), median: 0 };
  return { fit, subspaceIndex, offset: false, exact: [], tolerance: 1e-6, inlierFraction: 1, inlierRelativeError, complexity: 0, descriptionLength: -100, finalist, conserves: [], alternatives: [] };
}

const e = (i: number) => [0, 1, 2].map((j) => (j === i ? 1 : 0));
const [c, s] = [Math.cos(0.4), Math.sin(0.4)];
/** Subspaces of R³: 0 the (z0, z1) plane, 1 all of R³, 2 the (z0, z1) plane in a turned basis, 3 the z2 axis. */
const BASES = [[e(0), e(1)], [e(0), e(1), e(2)], [[c, s, 0], [-s, c, 0]], [e(2)]];

/** Random states in R³ (one trajectory), and every transition as the sample. */
function data(): { ctx: DataContext; sample: Uint32Array } {
  const rng = new Rng(SEED);
  const states = Float64Array.from({ length: 3 * 300 }, () => rng.uniform(-2, 2));
  const starts = transitionStarts([0, 300]);
  return { ctx: { states, dim: 3, starts }, sample: Uint32Array.from(starts.keys()) };
}

const { ctx, sample } = data();
const drop = (laws: ScoredLaw[]) => dropRepeatedInvariants(laws, BASES, ctx, sample, new FeatureCatalog()).map((l) => l.fit.id);

/** z0² + z1² stated five ways: on the plane, scaled and shifted on R³, in a turned basis, negated. */
const radius = () => [
  law('radius', 0, 2, ['u1^2', 'u2^2'], [1, 1]),
  law('radius-in-R3', 1, 3, ['u1^2', 'u2^2', '1'], [2, 2, 5]),
  law('radius-turned', 2, 2, ['u1^2', 'u2^2'], [1, 1]),
  law('minus-radius', 0, 2, ['u1^2', 'u2^2'], [-1, -1]),
  law('radius-three-terms', 2, 2, ['u1^2', 'u1*u2', 'u2^2'], [1, 0, 1]),
];

test('the same function of z stated on other subspaces, scaled, shifted or negated is one law: the first stays', () => {
  assert.deepEqual(drop(radius()), ['radius']);
  // Whichever comes first in the ranking is the one kept.
  assert.deepEqual(drop(radius().reverse()), ['radius-three-terms']);
});

test('different invariants are all kept; maps are never dropped', () => {
  // Two map laws on one plane with the same coefficients: the same function, but maps are not invariants.
  const laws = [
    law('radius', 0, 2, ['u1^2', 'u2^2'], [1, 1]),
    law('rotation', 0, 2, ['u1', 'u2'], [1, 1], 'map'),
    law('ellipse', 0, 2, ['u1^2', 'u2^2'], [1, 2]),
    law('third', 3, 1, ['u1'], [1]),
    law('rotation-again', 0, 2, ['u1', 'u2'], [1, 1], 'map'),
  ];
  assert.deepEqual(drop(laws), ['radius', 'rotation', 'ellipse', 'third', 'rotation-again']);
});

test('two statements of nearly one quantity (|correlation| ≥ 0.98) are one law: the more exact one stays', () => {
  const near = (error: number) => law('near-radius', 0, 2, ['u1^2', 'u2^2'], [1, 1.01], 'invariant', error);
  assert.deepEqual(drop([law('radius', 0, 2, ['u1^2', 'u2^2'], [1, 1]), near(1e-9)]), ['radius']);
  // Exact by more than a factor of two: the later statement replaces the first.
  assert.deepEqual(drop([law('radius', 0, 2, ['u1^2', 'u2^2'], [1, 1]), near(1e-10)]), ['near-radius']);
});

test('of every group of equal invariants, in any ranking order, exactly one stays, in ranking order (property)', () => {
  const third = () => [law('third', 3, 1, ['u1'], [1]), law('third-scaled', 1, 3, ['u3', '1'], [-3, 2])];
  const map = law('map', 1, 3, ['u1', 'u2', 'u3'], [1, 1, 1], 'map');
  fc.assert(
    fc.property(fc.shuffledSubarray([...radius(), ...third(), map], { minLength: 8 }), (order) => {
      const kept = drop(order);
      const ids = order.map((l) => l.fit.id);
      assert.equal(kept.filter((id) => id.startsWith('third')).length, 1, `one of the z2 group: ${kept}`);
      assert.equal(kept.filter((id) => id !== 'map' && !id.startsWith('third')).length, 1, `one of the radius group: ${kept}`);
      assert.ok(kept.includes('map'), 'the map stays');
      assert.deepEqual(kept, ids.filter((id) => kept.includes(id)), 'kept laws stay in ranking order');
    }),
    { numRuns: 100, seed: SEED },
  );
});
