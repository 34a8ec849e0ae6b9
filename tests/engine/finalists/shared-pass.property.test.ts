/**
 * Coordinate subspaces sharing one pass (a stream over the union of their coordinates) get exactly
 * what each would get from a pass of its own: histograms, bands, outlier sums and all-transition
 * moments, bit for bit, for any pairs of coordinates and any mix of library, quadratic and linear
 * features (also spelled differently, as the quadratic family and the library spell squares).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { groupPass, type GroupMember } from '../../../src/engine/finalists/group-pass.ts';
import { FeatureCatalog, subspaceVariables } from '../../../src/engine/model/features.ts';
import { sharedGroupPass } from '../../../src/engine/finalists/shared-pass.ts';
import { coordinatesOf } from '../../../src/engine/kernels/project.ts';
import { transitionStream } from '../../../src/engine/passes/stream.ts';
import { mulberry32 } from '../../../src/random.ts';
import { transitionStarts } from '../../../src/engine/moments/transitions.ts';
import { expressionTree } from '../../../src/grammar/safe-math.ts';

const SEED = 20240614;
const LIBRARY = ['sin(u1)', 'cos(u2)', 'u1 ^ 2', 'u1 * u2', 'exp(u2) - u1'];
const TREES = LIBRARY.map((e): [string, ReturnType<typeof expressionTree>] => [e, expressionTree(e, subspaceVariables(2))]);
const POOL = ['u1', 'u2', '1', 'u1^2', 'u1*u2', 'u2^2', ...LIBRARY];

const snapshot = (r: ReturnType<typeof groupPass>) =>
  JSON.stringify({
    outputs: r.outputs.map((o) => ({ hist: Array.from(o.hist), bandT: Array.from(o.bandT), bandR: Array.from(o.bandR), overflow: o.overflow, out: o.out })),
    mapAll: r.mapAll,
    invAll: r.invAll,
    mapCols: r.mapCols,
    invCols: r.invCols,
  });

test('groups on coordinate pairs sharing a pass get their own pass\'s results bit for bit', () => {
  const group = fc.record({
    pair: fc.uniqueArray(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 2 }),
    feats: fc.uniqueArray(fc.integer({ min: 0, max: POOL.length - 1 }), { minLength: 1, maxLength: 6 }),
    map: fc.boolean(),
    lo: fc.double({ min: 0.01, max: 0.5, noNaN: true }),
  });
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 20, max: 2500 }), fc.array(group, { minLength: 2, maxLength: 4 }), (seed, n, specs) => {
      const rand = mulberry32(seed);
      const dim = 5;
      const states: number[] = [];
      const offsets = [0];
      while (offsets[offsets.length - 1] < n + 1) {
        const T = 2 + Math.floor(rand() * 60);
        for (let t = 0; t < T * dim; t++) states.push(rand() < 0.02 ? 4 * rand() : rand() - 0.5);
        offsets.push(offsets[offsets.length - 1] + T);
      }
      const ctx = { states: Float64Array.from(states), dim, starts: transitionStarts(offsets) };
      const groups = specs.map((sp) => {
        const k = sp.pair.length;
        const features = sp.feats.map((j) => POOL[j]).filter((f) => k === 2 || !f.includes('u2'));
        if (features.length === 0) features.push('u1');
        const basis = sp.pair.map((c) => Array.from({ length: dim }, (_, j) => (j === c ? 1 : 0)));
        const cols = features.map((_, j) => j);
        const member: GroupMember = sp.map
          ? { role: 'map', cols, W: Array.from({ length: k }, (_, r) => cols.map((j) => 0.3 * Math.sin(r + j))), scale: 1, spread: 1, accCols: cols, want: { map: true, invariant: false }, lo: sp.lo, hi: 1.5 * sp.lo }
          : { role: 'invariant', cols, W: [cols.map((j) => Math.cos(j))], scale: 1, spread: 1, accCols: cols, want: { map: false, invariant: true }, lo: sp.lo, hi: 1.5 * sp.lo };
        return { basis, features, members: [member] };
      });
      groups.forEach((g) => assert.ok(coordinatesOf(g.basis)));
      const shared = sharedGroupPass(ctx, groups, 64, new FeatureCatalog(TREES));
      groups.forEach((g, i) => {
        const own = groupPass(transitionStream(ctx, g.basis, g.features, new FeatureCatalog(TREES)), g.members, 64);
        assert.equal(snapshot(shared[i]), snapshot(own), `group ${i} (coordinates ${coordinatesOf(g.basis)}, ${g.features.join(', ')})`);
      });
    }),
    { numRuns: 60, seed: SEED },
  );
});

test('coordinatesOf names the coordinates of unit-vector bases only', () => {
  assert.deepEqual(coordinatesOf([[0, 0, 1], [1, 0, 0]]), [2, 0]);
  assert.equal(coordinatesOf([[Math.SQRT1_2, Math.SQRT1_2, 0]]), null);
  assert.equal(coordinatesOf([[0, 2, 0]]), null);
});
