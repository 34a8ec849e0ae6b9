/**
 * The fast paths of the finalists' pass agree with the plain ones they replace: block-compiled
 * expressions with per-sample closures (bit for bit), the logarithm-free histogram with histBin, and
 * inlier moments taken as "all minus outliers" with moments summed over the inliers directly.
 */
import { FeatureCatalog } from '../../../src/engine/model/features.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ALLOWED_FUNCTIONS, type BinaryOp, compileExpr, compileExprBatch, type Expr } from '../../../src/grammar/expr-ir.ts';
import { histBin, histCount, histEdges, HIST_BINS } from '../../../src/engine/kernels/histogram.ts';
import { transitionStream } from '../../../src/engine/passes/stream.ts';
import { BlockResidual } from '../../../src/engine/passes/block-residual.ts';
import { groupPass, memberPass } from '../../../src/engine/finalists/group-pass.ts';
import { mulberry32 } from '../../../src/random.ts';

const SEED = 20240611;
const VARS = ['u1', 'u2'];
const slots = new Map(VARS.map((v, i) => [v, i]));

const { tree } = fc.letrec<{ tree: Expr }>((tie) => ({
  tree: fc.oneof(
    { maxDepth: 4, depthSize: 'small' },
    fc.oneof(
      fc.constantFrom<Expr>(...VARS.map((name) => ({ kind: 'variable' as const, name })), { kind: 'constant', name: 'pi' }),
      fc.constantFrom(0, -0, 1, -1, 2, 0.5, -3).map((value): Expr => ({ kind: 'number', value })),
    ),
    fc.tuple(fc.constantFrom<BinaryOp>('+', '-', '*', '/', '^'), tie('tree'), tie('tree')).map(([op, left, right]): Expr => ({ kind: 'binary', op, left, right })),
    tie('tree').map((arg): Expr => ({ kind: 'negate', arg })),
    fc.tuple(fc.constantFrom(...ALLOWED_FUNCTIONS), tie('tree')).map(([fn, arg]): Expr => ({ kind: 'call', fn, arg })),
  ),
}));

test('block-compiled expressions give the per-sample closure values bit for bit', () => {
  const points = fc.array(fc.tuple(fc.double({ min: -4, max: 4, noNaN: true }), fc.double({ min: -4, max: 4, noNaN: true })), { minLength: 1, maxLength: 9 });
  fc.assert(
    fc.property(tree, points, (t, pts) => {
      const one = compileExpr(t, slots);
      const block = compileExprBatch(t, slots, 16);
      const X = Float64Array.from(pts.flat());
      const out = new Float64Array(3 * pts.length);
      block(X, 2, pts.length, out, 3, 1);
      pts.forEach((p, i) => {
        const want = one(p);
        assert.ok(Object.is(out[i * 3 + 1], want), `sample ${i}: ${out[i * 3 + 1]} vs ${want}`);
      });
    }),
    { numRuns: 1500, seed: SEED },
  );
});

test('the logarithm-free histogram puts residuals in histBin\'s bins (up to rounding at an edge)', () => {
  fc.assert(
    fc.property(fc.double({ min: 1e-6, max: 1e3, noNaN: true }), fc.array(fc.double({ min: 0, max: 1e5, noNaN: true }), { minLength: 1, maxLength: 50 }), (spread, rs) => {
      const hist = new Uint32Array(HIST_BINS);
      const edges = histEdges(spread);
      for (const r of rs) {
        hist.fill(0);
        histCount(hist, edges, Float64Array.of(r), 1);
        const got = hist.findIndex((v) => v === 1);
        const want = histBin(r, spread);
        if (got !== want) {
          const edge = edges[Math.max(got, want)];
          assert.ok(Math.abs(got - want) === 1 && Math.abs(r - edge) <= 1e-12 * edge, `r=${r} spread=${spread}: bin ${got} vs ${want}`);
        }
      }
    }),
    { numRuns: 500, seed: SEED },
  );
});

test('inlier moments as all-minus-outliers match moments summed over the inliers', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 50, max: 3000 }), (seed, n) => {
      const rand = mulberry32(seed);
      const dim = 3;
      // Trajectories of random length; 5% of steps jump.
      const states: number[] = [];
      const offsets = [0];
      while (offsets[offsets.length - 1] < n + 1) {
        const T = 2 + Math.floor(rand() * 40);
        let x = [rand() - 0.5, rand() - 0.5, rand() - 0.5];
        for (let t = 0; t < T; t++) {
          states.push(...x);
          x = rand() < 0.05 ? [3 * rand(), 3 * rand(), -3 * rand()] : [0.9 * x[0] - 0.4 * x[1], 0.4 * x[0] + 0.9 * x[1], x[2] + 1e-3 * (rand() - 0.5)];
        }
        offsets.push(offsets[offsets.length - 1] + T);
      }
      const starts: number[] = [];
      for (let j = 0; j + 1 < offsets.length; j++) for (let s = offsets[j]; s < offsets[j + 1] - 1; s++) starts.push(s);
      const ctx = { states: Float64Array.from(states), dim, starts: Uint32Array.from(starts) };
      const c = Math.SQRT1_2;
      const basis = [[c, c, 0], [-c, c, 0]];
      const features = ['u1', 'u2', '1', 'u1^2', 'u1*u2', 'u2^2'];
      const stream = transitionStream(ctx, basis, features, new FeatureCatalog());
      const W = [[0.9, -0.4, 0], [0.4, 0.9, 0]];
      const mapCols = [0, 1, 2];
      const invCols = [3, 4, 5];
      const thr = 0.05;
      const want = (cols: number[], role: 'map' | 'invariant', Wm: number[][]) => {
        const residual = new BlockResidual(role, 2, role === 'map' ? mapCols : invCols, Wm);
        return memberPass(stream, null, [{ residual, spread: 1, accCols: cols, want: { map: role === 'map', invariant: role === 'invariant' }, lo: thr, hi: thr }], 0)[0].acc.result();
      };
      const Winv = [[1, 0, 1]];
      const group = groupPass(
        stream,
        [
          { role: 'map', cols: mapCols, W, scale: 1, spread: 1, accCols: mapCols, want: { map: true, invariant: false }, lo: thr, hi: thr },
          { role: 'invariant', cols: invCols, W: Winv, scale: 1, spread: 1, accCols: invCols, want: { map: false, invariant: true }, lo: thr, hi: thr },
        ],
        0,
      );
      const got = [
        group.outputs[0].out.complementOf(group.mapAll!, mapCols.map((x) => group.mapCols.indexOf(x))).result(),
        group.outputs[1].out.complementOf(group.invAll!, invCols.map((x) => group.invCols.indexOf(x))).result(),
      ];
      const expected = [want(mapCols, 'map', W), want(invCols, 'invariant', Winv)];
      const close = (a: number[][], b: number[][]) =>
        a.every((row, i) => row.every((v, j) => Math.abs(v - b[i][j]) <= 1e-9 * (1 + Math.abs(b[i][j]))));
      assert.equal(got[0].map!.n, expected[0].map!.n);
      assert.ok(close(got[0].map!.G, expected[0].map!.G) && close(got[0].map!.C, expected[0].map!.C) && close(got[0].map!.Y, expected[0].map!.Y), 'map moments');
      assert.equal(got[1].invariant!.n, expected[1].invariant!.n);
      assert.ok(close(got[1].invariant!.D, expected[1].invariant!.D) && close(got[1].invariant!.Cov, expected[1].invariant!.Cov), 'invariant moments');
    }),
    { numRuns: 40, seed: SEED },
  );
});

test('a group with map and invariant members shares Σ φφᵀ and gets the sums of separate groups bit for bit', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 5, max: 2500 }), fc.shuffledSubarray([0, 1, 2, 3, 4, 5], { minLength: 1 }), fc.shuffledSubarray([0, 1, 2, 3, 4, 5], { minLength: 1 }), (seed, n, mapAcc, invAcc) => {
      const rand = mulberry32(seed);
      const dim = 3;
      const states = Float64Array.from({ length: (n + 1) * dim }, () => 4 * rand() - 2);
      // Two trajectories, so some transitions' second states are not the next row of the block.
      const cut = Math.floor(n / 2);
      const starts = Uint32Array.from({ length: n - 1 }, (_, t) => (t < cut ? t : t + 1));
      const ctx = { states, dim, starts };
      const stream = transitionStream(ctx, [[0.6, 0.8, 0], [0, 0, 1]], ['u1', 'u2', '1', 'u1^2', 'u1*u2', 'u2^2'], new FeatureCatalog());
      const map = { role: 'map' as const, cols: [0, 1, 2], W: [[0.9, -0.4, 0.1], [0.4, 0.9, 0]], scale: 1, spread: 1, accCols: mapAcc, want: { map: true, invariant: false }, lo: 0.3, hi: 0.5 };
      const inv = { role: 'invariant' as const, cols: [3, 5], W: [[1, 1]], scale: 1, spread: 1, accCols: invAcc, want: { map: false, invariant: true }, lo: 0.3, hi: 0.5 };
      const both = groupPass(stream, [map, inv], 64);
      const mapOnly = groupPass(stream, [map], 64);
      const invOnly = groupPass(stream, [inv], 64);
      assert.deepEqual(both.mapAll!.result(), mapOnly.mapAll!.result());
      assert.deepEqual(both.invAll!.result(), invOnly.invAll!.result());
      assert.deepEqual(both.outputs[0].out.result(), mapOnly.outputs[0].out.result());
      assert.deepEqual(both.outputs[1].out.result(), invOnly.outputs[0].out.result());
    }),
    { numRuns: 60, seed: SEED },
  );
});
