/**
 * The law a run is summed up by (summary.json's bestLaw, the last line of `anneal`, each epoch's "best
 * law"): what a reader relies on is that it names the physics, the simplest near-perfect law, even when
 * a map of the whole latent space (noise dimensions included) ranks first by description length.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closestToPerfect, headlineLaw, NEAR_PERFECT } from '../../src/anneal/headline.ts';
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

test('the bridge pulls the near-perfect law closest to perfect, not the one in the fewest bits', () => {
  // A training search at its loose tolerance (spinning, seed 4, step 176): planes of two latent
  // coordinates near the rotation's plane are "near-perfect" in fewer bits than the rotation itself.
  const coordinatePlane = law('damped_skewed_rotation+offset@coords[0,2]', 1, 51, 2.8e-1);
  const rotation = law('skewed_rotation+offset@eig(0.914±0.386i)', 1, 73, 8.4e-2);
  const harmonic = law('damped_skewed_rotation+offset@eig(0.336±0.870i)', 1, 84, 2.2e-1);
  const laws = result([harmonic, rotation, coordinatePlane]);
  assert.equal(headlineLaw(laws)?.id, coordinatePlane.id);
  assert.equal(closestToPerfect(laws)?.id, rotation.id);
  // A more exact law that is not near-perfect is not pulled; with none near-perfect, the best-ranked.
  const rough = law('linear@full', NEAR_PERFECT - 0.01, 300, 1e-3);
  assert.equal(closestToPerfect(result([rough, harmonic, rotation]))?.id, rotation.id);
  assert.equal(closestToPerfect(result([rough]))?.id, rough.id);
  assert.equal(closestToPerfect(null), undefined);
});

