/**
 * The blocked sample and moment passes agree with the plain per-transition sums they replace: the
 * feature pass (projection, block-compiled features, blocked moment kernels) with features evaluated
 * by closures and added one transition at a time, and the moment pass with Σ v vᵀ summed per
 * transition. Summation order differs, so agreement is to rounding.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MomentAccumulator } from '../../../src/engine/passes/accumulator.ts';
import { FeatureCatalog, subspaceVariables } from '../../../src/engine/model/features.ts';
import { featurePasses } from '../../../src/engine/passes/feature-pass.ts';
import { featurePass } from '../helpers.ts';
import { projectState } from '../../../src/engine/kernels/project.ts';
import { accumulateMoments } from '../../../src/engine/moments/moments.ts';
import { transitionStarts } from '../../../src/engine/moments/transitions.ts';
import { mulberry32 } from '../../../src/random.ts';
import { expressionTree } from '../../../src/grammar/safe-math.ts';

const SEED = 20240613;

/** Random trajectories (lengths 2…40) in `dim` dimensions, values about `centre`. */
function data(seed: number, n: number, dim: number, centre: number) {
  const rand = mulberry32(seed);
  const states: number[] = [];
  const offsets = [0];
  while (offsets[offsets.length - 1] < n + 1) {
    const T = 2 + Math.floor(rand() * 39);
    for (let t = 0; t < T * dim; t++) states.push(centre + 2 * (rand() - 0.5));
    offsets.push(offsets[offsets.length - 1] + T);
  }
  return { states: Float64Array.from(states), starts: transitionStarts(offsets), rand };
}

/** Bit-for-bit equality of statistics (no NaN in these data). */
const exact = (a: unknown, b: unknown) => assert.equal(JSON.stringify(a), JSON.stringify(b));

const close = (a: number, b: number, scale: number) => Math.abs(a - b) <= 1e-10 * scale;

function sameMatrix(got: number[][], want: number[][], what: string) {
  const scale = 1 + Math.max(...want.flat().map(Math.abs));
  got.forEach((row, i) => row.forEach((v, j) => assert.ok(close(v, want[i][j], scale), `${what}[${i}][${j}]: ${v} vs ${want[i][j]}`)));
}

const FEATURES = ['u1', '1', 'u2^2', 'u1*u2', 'sin(u1)', 'cos(u2) * u1', 'u2 ^ 2'];
const VARS = subspaceVariables(2);
const CATALOG = new FeatureCatalog(FEATURES.map((e) => [e, expressionTree(e, VARS)]));

test('the blocked feature pass gives the per-transition moments (select or all, basis or none)', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 1500 }), fc.boolean(), fc.boolean(), (seed, n, useSelect, useBasis) => {
      const dim = useBasis ? 3 : 2;
      const { states, starts, rand } = data(seed, n, dim, 0.3);
      const N = starts.length;
      const select = useSelect ? Uint32Array.from({ length: N }, (_, i) => i).filter(() => rand() < 0.6) : null;
      const c = Math.SQRT1_2;
      const basis = useBasis ? [[c, 0, c], [0, 1, 0]] : null;
      const want = { map: true, invariant: true };
      const got = featurePass(states, dim, starts, basis, FEATURES, select, want, CATALOG);
      // Plain: closures per state, one transition at a time.
      const acc = new MomentAccumulator(2, FEATURES.length, want);
      const evalFeatures = CATALOG.compileAll(FEATURES, VARS);
      const u = new Float64Array(2);
      const v = new Float64Array(2);
      const phi = new Float64Array(FEATURES.length);
      const phi2 = new Float64Array(FEATURES.length);
      for (const t of select ?? Uint32Array.from({ length: N }, (_, i) => i)) {
        if (basis) {
          projectState(states, dim, starts[t], basis, u);
          projectState(states, dim, starts[t] + 1, basis, v);
        } else {
          u.set(states.subarray(starts[t] * dim, starts[t] * dim + 2));
          v.set(states.subarray(starts[t] * dim + dim, starts[t] * dim + dim + 2));
        }
        evalFeatures(u, phi);
        evalFeatures(v, phi2);
        acc.add(phi, v, 0, phi2);
      }
      const plain = acc.result();
      assert.equal(got.map!.n, plain.map!.n);
      sameMatrix(got.map!.G, plain.map!.G, 'G');
      sameMatrix(got.map!.C, plain.map!.C, 'C');
      sameMatrix(got.map!.Y, plain.map!.Y, 'Y');
      sameMatrix(got.invariant!.D, plain.invariant!.D, 'D');
      sameMatrix(got.invariant!.Cov, plain.invariant!.Cov, 'Cov');
    }),
    { numRuns: 60, seed: SEED },
  );
});

test('the blocked moment pass gives Σ v vᵀ summed transition by transition', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 1200 }), fc.integer({ min: 1, max: 6 }), (seed, n, dim) => {
      const { states, starts, rand } = data(seed, n, dim, 5);
      const N = starts.length;
      const from = Math.floor(rand() * N);
      const to = from + Math.floor(rand() * (N - from + 1));
      const shift = Array.from({ length: dim }, (_, j) => 5 + 0.1 * j);
      const got = accumulateMoments(states, dim, starts, shift, from, to);
      const m = 2 * dim + 1;
      const want = new Float64Array(m * m);
      let count = 0;
      for (let t = from; t < to; t++) {
        count++;
        const vec = [...Array.from({ length: dim }, (_, j) => states[starts[t] * dim + j] - shift[j]), ...Array.from({ length: dim }, (_, j) => states[(starts[t] + 1) * dim + j] - shift[j]), 1];
        for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) want[i * m + j] += vec[i] * vec[j];
      }
      assert.equal(got.n, count);
      const scale = 1 + Math.max(0, ...want.map(Math.abs));
      for (let i = 0; i < m * m; i++) assert.ok(close(got.sums[i], want[i], scale), `entry ${i}: ${got.sums[i]} vs ${want[i]}`);
    }),
    { numRuns: 60, seed: SEED },
  );
});

test('requests sharing one pass get exactly the statistics of separate passes', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1e6 }),
      fc.integer({ min: 1, max: 1500 }),
      fc.array(fc.record({ cols: fc.uniqueArray(fc.integer({ min: 0, max: FEATURES.length - 1 }), { minLength: 1, maxLength: FEATURES.length }), map: fc.boolean() }), { minLength: 1, maxLength: 4 }),
      (seed, n, reqs) => {
        const { states, starts } = data(seed, n, 2, -0.2);
        const requests = reqs.map((r) => ({ cols: r.cols, want: { map: r.map, invariant: !r.map } }));
        const shared = featurePasses(states, 2, starts, null, FEATURES, requests, CATALOG);
        requests.forEach((r, i) => exact(shared[i], featurePass(states, 2, starts, null, r.cols.map((j) => FEATURES[j]), null, r.want, CATALOG)));
      },
    ),
    { numRuns: 40, seed: SEED },
  );
});

test('spellings with one key evaluate to the same values', () => {
  assert.equal(CATALOG.key('u2^2'), CATALOG.key('u2 ^ 2'));
  assert.notEqual(CATALOG.key('u1*u2'), CATALOG.key('u2^2'));
  const { states, starts } = data(7, 300, 2, 0.5);
  const want = { map: true, invariant: true };
  exact(featurePass(states, 2, starts, null, ['u2^2'], null, want, CATALOG), featurePass(states, 2, starts, null, ['u2 ^ 2'], null, want, CATALOG));
});
