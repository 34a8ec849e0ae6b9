/**
 * Trimmed refits sum a law's statistics over a subset of the screening sample from features evaluated
 * once (statsOnRows). The promise: exactly the statistics a feature pass over that subset gives, bit
 * for bit, for any family, subset (across pass blocks) and data, so trimming results do not depend on
 * how the features were evaluated.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { FeatureCatalog, subspaceVariables } from '../../../src/engine/model/features.ts';
import { featurePass } from '../helpers.ts';
import { mulberry32 } from '../../../src/random.ts';
import { accumulationOf, sampleView, statsFromPass, statsOnRows, viewFeatures } from '../../../src/engine/finalists/sample-fit.ts';
import type { LawFit } from '../../../src/engine/model/law-fit.ts';
import { expressionTree } from '../../../src/grammar/safe-math.ts';

const VARS = subspaceVariables(2);
const LIBRARY = ['u1', 'u2', 'sin(u1)', 'cos(u2) * u1', 'u1^2'];
const CATALOG = new FeatureCatalog(LIBRARY.filter((e) => /sin|cos/.test(e)).map((e) => [e, expressionTree(e, VARS)]));

/** Equal down to the bits: numbers by Object.is (so -0 ≠ 0 and NaN = NaN), arrays and objects entry by entry. */
function assertSameBits(got: unknown, want: unknown, path = 'stats'): void {
  if (typeof want === 'number') {
    assert.ok(typeof got === 'number' && Object.is(got, want), `${path}: ${String(got)} vs ${want}`);
    return;
  }
  if (want === null || typeof want !== 'object') {
    assert.equal(got, want, path);
    return;
  }
  assert.ok(got !== null && typeof got === 'object', `${path}: not an object`);
  const keys = Object.keys(want);
  assert.deepEqual(Object.keys(got as object), keys, `${path}: keys`);
  for (const key of keys) assertSameBits((got as Record<string, unknown>)[key], (want as Record<string, unknown>)[key], `${path}.${key}`);
}

/** Families covering each accumulation: subspace moments (linear), own features for maps and for invariants. */
const LAWS: Pick<LawFit, 'family' | 'role' | 'features'>[] = [
  { family: 'affine', role: 'map', features: ['u1', 'u2', '1'] },
  { family: 'linear_invariant', role: 'invariant', features: ['u1', 'u2'] },
  { family: 'library_map', role: 'map', features: LIBRARY },
  { family: 'library_invariant', role: 'invariant', features: LIBRARY },
  { family: 'quadratic_invariant', role: 'invariant', features: ['u1', 'u2', 'u1^2', 'u1*u2', 'u2^2'] },
];

test('statistics summed from features evaluated once equal a feature pass over the same transitions, bit for bit', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 1400 }), fc.constantFrom(...LAWS), fc.double({ min: 0.05, max: 1, noNaN: true }), (seed, S, law, keep) => {
      // A gathered sample: transition i is rows (2i, 2i + 1) of 3-d states.
      const rand = mulberry32(seed);
      const dim = 3;
      const rows = { states: Float64Array.from({ length: 2 * S * dim }, () => 4 * rand() - 2), dim, starts: Uint32Array.from({ length: S }, (_, i) => 2 * i) };
      const basis = [[0.6, 0, 0.8], [0, 1, 0]];
      const view = sampleView(rows, basis);
      const select = Uint32Array.from({ length: S }, (_, i) => i).filter(() => rand() < keep);
      const { features, want } = accumulationOf(law, 2);
      const fit = law as LawFit;
      const got = statsOnRows(viewFeatures(view, 2, features, CATALOG), view.U, 2, view.starts, fit, 3.5, S, select);
      const expected = statsFromPass(fit, 2, featurePass(view.U, 2, view.starts, null, features, select, want, CATALOG), 3.5, S);
      assertSameBits(got, expected);
      assert.equal(got.stats.nIn, select.length);
    }),
    { numRuns: 100, seed: 41 },
  );
});
