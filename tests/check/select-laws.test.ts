/**
 * `--law` names a reported law or one of its alternatives ("also fits as affine"), for `check` and
 * `rollout` alike.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { selectLaws } from '../../src/check/run.ts';
import { findLawById } from '../../src/laws/ids.ts';
import type { Law } from '../../src/types.ts';
import { makeLaw } from '../anneal/helpers.ts';

const strip = ({ rank: _r, outliers: _o, alternatives: _a, ...rest }: Law) => rest;
const first: Law = { ...makeLaw('library_map@plane', 'map', [[1, 0], [0, 1]], ['u1', 'u2', 'u1^2'], [[1, 0, 0.01], [0, 1, 0]]), rank: 1 };
const affine = strip({ ...makeLaw('affine@plane', 'map', [[1, 0], [0, 1]], ['u1', 'u2', '1'], [[1, 0, 0.1], [0, 1, 0]]) });
first.alternatives = [affine];
const second: Law = { ...makeLaw('linear_invariant@line', 'invariant', [[1, 0]], ['u1'], [[1]]), rank: 2, outliers: [3] };
const laws = [first, second];

test('an alternative is found by its id, as a law with its parent\'s rank and no outliers', () => {
  const found = findLawById(laws, 'affine@plane');
  assert.ok(found);
  assert.equal(found.rank, 1);
  assert.deepEqual(found.outliers, []);
  assert.deepEqual(found.model, affine.model);
  assert.equal(findLawById(laws, 'library_map@plane'), first);
  assert.equal(findLawById(laws, 'nothing'), undefined);
});

test('selectLaws takes ids of laws and alternatives and ranks, in file order, each once', () => {
  assert.deepEqual(selectLaws(laws, ['linear_invariant@line', 'affine@plane', 1, 'library_map@plane']).map((l) => l.id), ['library_map@plane', 'affine@plane', 'linear_invariant@line']);
  assert.deepEqual(selectLaws(laws, ['2']).map((l) => l.id), ['linear_invariant@line']);
  assert.equal(selectLaws(laws), laws);
});

test('an unknown --law names the ids there are, alternatives marked', () => {
  assert.throws(() => selectLaws(laws, ['nope']), (e: unknown) => e instanceof Error && /^laws: no law with id or rank "nope"/.test(e.message) && /affine@plane \(alternative\)/.test(e.message) && /linear_invariant@line/.test(e.message));
});
