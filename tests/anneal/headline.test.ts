/**
 * The law a run is summed up by (summary.json's bestLaw, the last line of `anneal`, each epoch's "best
 * law"): what a reader relies on is that it names the physics, the simplest near-perfect law, even when
 * a map of the whole latent space (noise dimensions included) ranks first by description length.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headlineLaw, NEAR_PERFECT } from '../../src/anneal/headline.ts';
import type { FitResult, Law } from '../../src/types.ts';
import { planeLaw } from '../laws/fixtures.ts';

function law(id: string, inlierFraction: number, complexity: number, inlierRelativeError = 1e-2): Law {
  const l = planeLaw('map', ['u1', 'u2'], [[1, 0], [0, 1]]);
  return { ...l, id, metrics: { ...l.metrics, inlierFraction, complexity, inlierRelativeError } };
}
const result = (laws: Law[]) => ({ laws }) as unknown as FitResult;

test('of the near-perfect laws the simplest is the headline, not the best-ranked long map', () => {
  const fullMap = law('library_map@full', 1, 900);
  const rotation = law('skewed_rotation@eig(0.923±0.383i)', 1, 60);
  assert.equal(headlineLaw(result([fullMap, rotation]))?.id, rotation.id);
  // A simpler law that is not near-perfect does not take the headline.
  const rough = law('scaling@coords[3]', NEAR_PERFECT - 0.01, 10);
  assert.equal(headlineLaw(result([fullMap, rough, rotation]))?.id, rotation.id);
  // Equally simple: the more exact.
  const twin = law('rotation@pca2', 1, 60, 1e-3);
  assert.equal(headlineLaw(result([fullMap, rotation, twin]))?.id, twin.id);
});

test('with no near-perfect law the best-ranked law is the headline; with none, nothing', () => {
  const first = law('affine@full', 0.9, 100);
  assert.equal(headlineLaw(result([first, law('scaling@coords[0]', 0.7, 5)]))?.id, first.id);
  assert.equal(headlineLaw(result([])), undefined);
  assert.equal(headlineLaw(null), undefined);
});
