/**
 * Each span is searched once, under its cheapest statement. Coordinate subsets, the whole space,
 * principal subspaces and eigenspaces often name the same span (in 2-D, `full`, `coords[0,1]` and the
 * rotation plane `eig(a±bi)` are one plane); searched under each name, one law would be fitted, ranked
 * and collapsed several times over, and which name it is reported under would depend on that collapse.
 * What a user relies on: no two generated subspaces share a span, and the name kept is the cheapest.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadGrammar, defaultGrammarPath } from '../../../src/grammar/index.ts';
import { principalAngles } from '../../../src/engine/kernels/linalg.ts';
import { accumulateMoments, momentShift } from '../../../src/engine/moments/moments.ts';
import { transitionStarts } from '../../../src/engine/moments/transitions.ts';
import { generateSubspaces } from '../../../src/engine/subspaces/generate.ts';
import { plantLaw, type PlantOptions } from '../../../src/planted.ts';

const SEED = 20240706;
const grammar = loadGrammar(defaultGrammarPath());

function subspacesOf(opts: PlantOptions) {
  const { dataset } = plantLaw(opts);
  const starts = transitionStarts(dataset.offsets);
  const mom = accumulateMoments(dataset.states, dataset.dim, starts, momentShift(dataset.states, dataset.dim), 0, starts.length);
  return generateSubspaces(grammar, mom, 2 ** -53).subspaces;
}

/** Pairs of generated subspaces with one span (every principal angle below 1e-5 rad). */
function sameSpans(subspaces: ReturnType<typeof subspacesOf>): string[] {
  const pairs: string[] = [];
  subspaces.forEach((a, i) =>
    subspaces.slice(i + 1).forEach((b) => {
      if (a.basis.length === b.basis.length && Math.max(...principalAngles(a.basis, b.basis)) < 1e-5) pairs.push(`${a.label} = ${b.label}`);
    }),
  );
  return pairs;
}

test('in 2-D the whole space, coords[0,1] and the rotation plane are one subspace: `full`, the cheapest', () => {
  const subspaces = subspacesOf({ kind: 'rotation', seed: 3, noiseDims: 0, mix: false, trajectories: 10, steps: 40 });
  const planes = subspaces.filter((s) => s.basis.length === 2);
  assert.deepEqual(planes.map((s) => s.label), ['full'], subspaces.map((s) => s.label).join(' '));
  assert.deepEqual(sameSpans(subspaces), []);
});

test('an eigenspace that is a coordinate plane is searched once, as those coordinates', () => {
  // A linear map on (z0, z1) beside two noise coordinates: the leading eigenspace is that coordinate plane.
  const subspaces = subspacesOf({ kind: 'linear', lawDim: 2, seed: 4, noiseDims: 2, mix: false, trajectories: 10, steps: 40 });
  assert.deepEqual(sameSpans(subspaces), [], subspaces.map((s) => s.label).join(' '));
  assert.equal(subspaces.filter((s) => s.label === 'coords[0,1]').length, 1);
});

test('no two generated subspaces share a span, whatever the data (property)', () => {
  const kinds = fc.constantFrom<PlantOptions['kind']>('rotation', 'linear', 'affine', 'ellipse', 'pendulum');
  fc.assert(
    fc.property(kinds, fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 0, max: 2 }), fc.boolean(), (kind, seed, noiseDims, mix) => {
      const subspaces = subspacesOf({ kind, seed, noiseDims, mix, lawDim: 2, trajectories: 8, steps: 30 });
      assert.deepEqual(sameSpans(subspaces), [], `${kind} seed ${seed}: ${subspaces.map((s) => s.label).join(' ')}`);
    }),
    { numRuns: 20, seed: SEED },
  );
});
