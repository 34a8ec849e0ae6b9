/**
 * A map that its parts already state is stated as its parts. Two independent rotations in 4-D are read
 * as two rotation laws, each with its plane and angle; the 4-D map they make together stays reachable
 * as an alternative of the first, not a 16-coefficient law ranked among them. What a user relies on:
 * - the whole is folded only when smaller map laws, each as exact as it is, span exactly its subspace;
 * - a part that is clearly less exact, a part outside the whole's subspace, or parts that overlap and
 *   leave a direction uncovered do not fold it: then the whole says something the parts do not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { foldDecompositions } from '../../../src/engine/ranking/decompose.ts';
import type { ScoredLaw } from '../../../src/engine/ranking/rank.ts';
import type { FinalistResult } from '../../../src/engine/finalists/finalize.ts';
import type { LawFit, ScoringStats } from '../../../src/engine/model/law-fit.ts';
import { HIST_BINS } from '../../../src/engine/kernels/histogram.ts';
import type { LawRole } from '../../../src/types.ts';

const SEED = 20240702;

/** A scored law with the fields folding reads (relative error and floor); the rest are placeholders. */
function law(id: string, subspaceIndex: number, k: number, relErr: number, role: LawRole = 'map', floor = 1e-7): ScoredLaw {
  const fit: LawFit = {
    id,
    family: role === 'map' ? (k === 2 ? 'rotation' : 'orthogonal') : 'quadratic_invariant',
    role,
    k,
    features: [],
    parametrization: { kind: 'linear', family: 'linear', offset: false },
    params: [],
    structuralCost: 0,
  };
  const stats: ScoringStats = { role: 'invariant', st: { n: 1, D: [[0]], Cov: [[1]] }, n: 1, nIn: 1 };
  const finalist: FinalistResult = { fit, stats, n: 1, variance: 1, spread: 1, floor, hist: new Uint32Array(HIST_BINS), median: 0 };
  return { fit, subspaceIndex, offset: false, exact: [], tolerance: 1, inlierFraction: 1, inlierRelativeError: relErr, complexity: 0, descriptionLength: -100, finalist, conserves: [], alternatives: [] };
}

const e = (i: number, d = 5) => Array.from({ length: d }, (_, j) => (j === i ? 1 : 0));
/** A rotation of the (a, b) plane of R⁵ by angle t: a basis of the same plane, not its axes. */
const turned = (a: number, b: number, t: number) => [e(a).map((v, j) => Math.cos(t) * v + Math.sin(t) * e(b)[j]), e(a).map((v, j) => -Math.sin(t) * v + Math.cos(t) * e(b)[j])];
/**
 * Subspaces of R⁵: 0 the (z0, z1) plane, 1 the (z2, z3) plane, 2 the first four coordinates, 3 the
 * (z1, z2) plane, 4 the (z3, z4) plane, 5 the (z0, z1) plane in a turned basis, 6 the z0 axis.
 */
const BASES = [[e(0), e(1)], [e(2), e(3)], [e(0), e(1), e(2), e(3)], [e(1), e(2)], [e(3), e(4)], turned(0, 1, 0.7), [e(0)]];

const ids = (laws: ScoredLaw[]) => laws.map((l) => `${l.fit.id}[${l.alternatives.map((a) => a.fit.id).join(',')}]`);

test('two rotation planes that span a 4-D map fold it: two laws, the 4-D map an alternative of the first', () => {
  const a = law('rotA', 0, 2, 1e-9);
  const b = law('rotB', 1, 2, 2e-9);
  const whole = law('orth4', 2, 4, 1e-9);
  // In ranking order the whole may come first: it is still stated as its parts.
  const got = foldDecompositions([whole, a, b], BASES);
  assert.deepEqual(ids(got), ['rotA[orth4]', 'rotB[]']);
  assert.deepEqual(whole.decomposes, [a, b]);
});

test('the parts are independent: a plane overlapping one already counted is not one of them', () => {
  const [a, d, b] = [law('rotA', 0, 2, 1e-9), law('rotD', 3, 2, 1e-9), law('rotB', 1, 2, 1e-9)];
  const whole = law('orth4', 2, 4, 1e-9);
  // (z1, z2) overlaps (z0, z1): the decomposition is (z0, z1) ⊕ (z2, z3), and the overlapping law stays a law.
  assert.deepEqual(ids(foldDecompositions([whole, a, d, b], BASES)), ['rotA[orth4]', 'rotD[]', 'rotB[]']);
  assert.deepEqual(whole.decomposes, [a, b]);
});

test('a part is found whatever basis its plane is stated in', () => {
  const got = foldDecompositions([law('orth4', 2, 4, 1e-9), law('rotA', 5, 2, 1e-9), law('rotB', 1, 2, 1e-9)], BASES);
  assert.deepEqual(ids(got), ['rotA[orth4]', 'rotB[]']);
});

test('a part that is clearly less exact than the whole does not fold it', () => {
  // rotB holds to 1e-3 where the 4-D map is exact: the whole says more than the parts.
  const got = foldDecompositions([law('orth4', 2, 4, 1e-9), law('rotA', 0, 2, 1e-9), law('rotB', 1, 2, 1e-3)], BASES);
  assert.deepEqual(ids(got), ['orth4[]', 'rotA[]', 'rotB[]']);
  // Within twice the whole's error (or the resolution floor) the parts are as exact as the whole.
  const close = foldDecompositions([law('orth4', 2, 4, 1e-3), law('rotA', 0, 2, 1e-9), law('rotB', 1, 2, 2e-3)], BASES);
  assert.deepEqual(ids(close), ['rotA[orth4]', 'rotB[]']);
  const floored = foldDecompositions([law('orth4', 2, 4, 1e-9, 'map', 1e-4), law('rotA', 0, 2, 1e-9), law('rotB', 1, 2, 1.5e-4)], BASES);
  assert.deepEqual(ids(floored), ['rotA[orth4]', 'rotB[]']);
});

test('parts outside the whole\'s subspace, or that leave a direction uncovered, do not fold it', () => {
  // (z3, z4) reaches outside the first four coordinates.
  assert.deepEqual(ids(foldDecompositions([law('orth4', 2, 4, 1e-9), law('rotA', 0, 2, 1e-9), law('rotC', 4, 2, 1e-9)], BASES)), ['orth4[]', 'rotA[]', 'rotC[]']);
  // (z0, z1) and (z1, z2) overlap: together they span three of the four directions.
  assert.deepEqual(ids(foldDecompositions([law('orth4', 2, 4, 1e-9), law('rotA', 0, 2, 1e-9), law('rotD', 3, 2, 1e-9)], BASES)), ['orth4[]', 'rotA[]', 'rotD[]']);
  // An invariant on a plane is not a part of a map.
  assert.deepEqual(
    ids(foldDecompositions([law('orth4', 2, 4, 1e-9), law('rotA', 0, 2, 1e-9), law('radius', 1, 2, 1e-9, 'invariant')], BASES)),
    ['orth4[]', 'rotA[]', 'radius[]'],
  );
  // A single law is not a decomposition of a wider one, nor is a map folded into a law on its own span.
  assert.deepEqual(ids(foldDecompositions([law('rotA', 0, 2, 1e-9), law('rotA2', 5, 2, 1e-9)], BASES)), ['rotA[]', 'rotA2[]']);
});

test('a 2-D map spanned by two 1-D maps folds into them; the laws keep their order (property)', () => {
  // Any order of the three laws: the plane's map goes, the axis map and the other line stay in order.
  const line = law('scaleX', 6, 1, 1e-9);
  const other = law('scaleY', 7, 1, 1e-9);
  const plane = law('plane', 0, 2, 1e-9);
  const bases = [...BASES, [e(1)]];
  fc.assert(
    fc.property(fc.shuffledSubarray([line, other, plane], { minLength: 3 }), (order) => {
      for (const l of order) {
        l.alternatives = [];
        l.decomposes = undefined;
      }
      const got = foldDecompositions(order, bases);
      assert.deepEqual(got, order.filter((l) => l !== plane));
      const first = order.find((l) => l !== plane)!;
      assert.deepEqual(first.alternatives, [plane]);
    }),
    { numRuns: 30, seed: SEED },
  );
});
