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
import { Rng } from '../../../src/random.ts';

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

/** One Euler step (h = 0.01) of Lorenz on z0..z2 beside `noise` fresh N(0, 1) coordinates. */
function lorenzBesideNoise(noise: number, seed: number) {
  const rng = new Rng(seed);
  const d = 3 + noise;
  const rows: number[] = [];
  const offsets = [0];
  for (let k = 0; k < 20; k++) {
    let [x, y, z] = [rng.uniform(-15, 15), rng.uniform(-15, 15), rng.uniform(5, 40)];
    for (let t = 0; t < 50; t++) {
      rows.push(x, y, z, ...Array.from({ length: noise }, () => rng.normal()));
      [x, y, z] = [x + 0.1 * (y - x), y + 0.01 * (x * (28 - z) - y), z + 0.01 * (x * y - (8 / 3) * z)];
    }
    offsets.push(offsets[k] + 50);
  }
  const states = Float64Array.from(rows);
  const starts = transitionStarts(offsets);
  const mom = accumulateMoments(states, d, starts, momentShift(states, d), 0, starts.length);
  return generateSubspaces(grammar, mom, 2 ** -53).subspaces;
}

test('the coordinates a law moves, beside noise coordinates, are searched together even beyond `coordinates max`', () => {
  // With `coordinates max 2`, the subset of the coordinates the state predicts is Lorenz's span.
  const labels = lorenzBesideNoise(3, SEED).map((s) => s.label);
  assert.ok(labels.includes('coords[0,1,2]'), labels.join(' '));
  // Beside noise alone nothing is predictable: no coordinate subset beyond pairs.
  const noise = subspacesOf({ kind: 'linear', lawDim: 1, seed: 6, noiseDims: 5, mix: false, trajectories: 20, steps: 40 });
  assert.ok(!noise.some((s) => s.kind === 'coordinates' && s.basis.length > 2), noise.map((s) => s.label).join(' '));
});
