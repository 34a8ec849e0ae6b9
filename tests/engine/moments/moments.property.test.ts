/**
 * The small-matrix statistics the search is built on, each against a plain per-transition reference:
 * subspace moments projected from the full moment pass (projectMoments), the sample's centred moments
 * that subspace refinement uses (sampleCentredMoments, with its inlier mask), and parameter standard
 * errors (parameterStdErrors) against the Fisher information computed with the exact derivative.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { accumulateMoments, momentShift, projectMoments } from '../../../src/engine/moments/moments.ts';
import { transitionStarts } from '../../../src/engine/moments/transitions.ts';
import { sampleCentredMoments } from '../../../src/engine/subspaces/sample-moments.ts';
import { parameterStdErrors, residualMeasure, type ScoringStats } from '../../../src/engine/model/law-fit.ts';
import { mulberry32 } from '../../../src/random.ts';
import { randomOrthogonal } from '../../../src/planted.ts';

/** Random trajectories (lengths 2…30) in `dim` dimensions about `centre`. */
function data(seed: number, n: number, dim: number, centre: number) {
  const rand = mulberry32(seed);
  const states: number[] = [];
  const offsets = [0];
  while (offsets[offsets.length - 1] - (offsets.length - 1) < n) {
    const T = 2 + Math.floor(rand() * 29);
    for (let t = 0; t < T * dim; t++) states.push(centre + 2 * rand() - 1);
    offsets.push(offsets[offsets.length - 1] + T);
  }
  return { states: Float64Array.from(states), starts: transitionStarts(offsets), rand };
}

const close = (got: number, want: number, scale: number, what: string) => assert.ok(Math.abs(got - want) <= 1e-9 * scale, `${what}: ${got} vs ${want}`);

function sameMatrix(got: number[][], want: number[][], what: string) {
  const scale = 1 + Math.max(...want.flat().map(Math.abs));
  want.forEach((row, i) => row.forEach((v, j) => close(got[i][j], v, scale, `${what}[${i}][${j}]`)));
}

const outer = (acc: number[][], a: number[], b: number[]) => acc.forEach((row, i) => row.forEach((_, j) => (row[j] += a[i] * b[j])));
const zeros = (r: number, c: number) => Array.from({ length: r }, () => new Array<number>(c).fill(0));

test('subspace moments projected from the full moments equal the moments of the projected states', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 3, max: 600 }), fc.integer({ min: 2, max: 7 }), fc.integer({ min: 1, max: 3 }), fc.double({ min: -20, max: 20, noNaN: true }), (seed, n, dim, kWanted, centre) => {
      const k = Math.min(kWanted, dim);
      const { states, starts, rand } = data(seed, n, dim, centre);
      const Q = randomOrthogonal(dim, rand);
      // A dense subspace, or coordinate rows (the unit-vector shortcut of the projection).
      const basis = rand() < 0.5 ? Q.slice(0, k) : Array.from({ length: k }, (_, a) => Array.from({ length: dim }, (_, j) => (j === (a * 2) % dim ? 1 : 0)));
      const sm = projectMoments(accumulateMoments(states, dim, starts, momentShift(states, dim), 0, starts.length), basis);
      const project = (s: number) => basis.map((row) => row.reduce((acc, w, j) => acc + w * states[s * dim + j], 0));
      const [xx, yx, yy] = [zeros(k, k), zeros(k, k), zeros(k, k)];
      const sx = new Array<number>(k).fill(0);
      const sy = new Array<number>(k).fill(0);
      for (const s of starts) {
        const u = project(s);
        const v = project(s + 1);
        outer(xx, u, u);
        outer(yx, v, u);
        outer(yy, v, v);
        u.forEach((x, i) => (sx[i] += x));
        v.forEach((x, i) => (sy[i] += x));
      }
      const N = starts.length;
      assert.equal(sm.n, N);
      sameMatrix(sm.xx, xx, 'xx');
      sameMatrix(sm.yx, yx, 'yx');
      sameMatrix(sm.yy, yy, 'yy');
      sameMatrix([sm.sx, sm.sy], [sx, sy], 'sums');
      const centred = (M: number[][], a: number[], b: number[]) => M.map((row, i) => row.map((x, j) => x - (a[i] * b[j]) / N));
      // Centred sums are differences of large numbers when the data sit far from the origin: compare at the raw scale.
      const scale = 1 + Math.max(...xx.flat().map(Math.abs), ...yy.flat().map(Math.abs));
      for (const [got, want, what] of [[sm.cxx, centred(xx, sx, sx), 'cxx'], [sm.cyx, centred(yx, sy, sx), 'cyx'], [sm.cyy, centred(yy, sy, sy), 'cyy']] as const)
        want.forEach((row, i) => row.forEach((v, j) => close(got[i][j], v, scale, `${what}[${i}][${j}]`)));
    }),
    { numRuns: 60, seed: 71 },
  );
});

test('centred sample moments count only the transitions the mask keeps', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 5, max: 400 }), fc.integer({ min: 1, max: 6 }), fc.boolean(), (seed, n, dim, useMask) => {
      const { states, starts, rand } = data(seed, n, dim, 0.5);
      const idx = Uint32Array.from({ length: starts.length }, (_, i) => i).filter(() => rand() < 0.7);
      const mask = useMask ? Uint8Array.from(idx, () => (rand() < 0.6 ? 1 : 0)) : null;
      const got = sampleCentredMoments(states, dim, starts, idx, mask);
      const kept = Array.from(idx).filter((_, i) => !mask || mask[i] === 1);
      const x = kept.map((t) => Array.from(states.subarray(starts[t] * dim, starts[t] * dim + dim)));
      const y = kept.map((t) => Array.from(states.subarray((starts[t] + 1) * dim, (starts[t] + 2) * dim)));
      const mean = (rows: number[][]) => Array.from({ length: dim }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / Math.max(rows.length, 1));
      const [mx, my] = [mean(x), mean(y)];
      const [cxx, cyx, cyy] = [zeros(dim, dim), zeros(dim, dim), zeros(dim, dim)];
      x.forEach((xr, r) => {
        const a = xr.map((v, j) => v - mx[j]);
        const b = y[r].map((v, j) => v - my[j]);
        outer(cxx, a, a);
        outer(cyx, b, a);
        outer(cyy, b, b);
      });
      sameMatrix([got.meanX, got.meanY], [mx, my], 'means');
      sameMatrix(got.cxx, cxx, 'cxx');
      sameMatrix(got.cyx, cyx, 'cyx');
      sameMatrix(got.cyy, cyy, 'cyy');
    }),
    { numRuns: 60, seed: 72 },
  );
});

test("a rotation angle's standard error is the one the exact derivative of R(θ) gives", () => {
  fc.assert(
    fc.property(fc.double({ min: -3, max: 3, noNaN: true }), fc.integer({ min: 1, max: 1e6 }), fc.double({ min: 1e-3, max: 0.3, noNaN: true }), (theta, seed, noise) => {
      // Map statistics of u' = R(θ)u + noise on random states.
      const rand = mulberry32(seed);
      const c = Math.cos(theta);
      const s = Math.sin(theta);
      const G = zeros(2, 2);
      const C = zeros(2, 2);
      const Y = zeros(2, 2);
      const n = 200;
      for (let i = 0; i < n; i++) {
        const u = [2 * rand() - 1, 2 * rand() - 1];
        const v = [c * u[0] - s * u[1] + noise * (rand() - 0.5), s * u[0] + c * u[1] + noise * (rand() - 0.5)];
        outer(G, u, u);
        outer(C, v, u);
        outer(Y, v, v);
      }
      const stats: ScoringStats = { role: 'map', fs: { n, G, C, Y }, n, nIn: n, variance: Y[0][0] + Y[1][1], k: 2 };
      const fit = { parametrization: { kind: 'linear', family: 'rotation', offset: false } as const, k: 2 };
      const [se] = parameterStdErrors(fit, [theta], stats);
      // Fisher information tr(R' G R'ᵀ) / σ² with R'(θ) = [[−sin, −cos], [cos, −sin]] and σ² = RSS / (n·k).
      const dR = [[-s, -c], [c, -s]];
      let info = 0;
      for (const row of dR) for (let a = 0; a < 2; a++) for (let b = 0; b < 2; b++) info += row[a] * G[a][b] * row[b];
      const sigma2 = residualMeasure(fit, [theta], stats) / (n * 2);
      const want = Math.sqrt(sigma2 / info);
      assert.ok(Math.abs(se - want) <= 1e-7 * want, `θ = ${theta}: ${se} vs ${want}`);
    }),
    { numRuns: 80, seed: 73 },
  );
});
