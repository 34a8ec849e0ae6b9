/**
 * From scored finalists to the reported laws. What a user relies on: one law per role and subspace, the
 * shortest description, with the others that fit about as well kept as its alternatives (at most four,
 * shortest first); no "law" that does not beat the null model or holds on too few transitions; no law
 * repeated on a subspace nested in a better one's; a Pareto front with exactly the non-dominated laws;
 * and constants stated exactly (π/7, or an invariant's coefficients at their simplest scale).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { collapseDuplicates, paretoFront, scoreFinalist, type ScoredLaw } from '../../../src/engine/ranking/rank.ts';
import type { FinalistResult } from '../../../src/engine/finalists/finalize.ts';
import { parameterStdErrors, type LawFit, type ScoringStats } from '../../../src/engine/model/law-fit.ts';
import { fitLinearFamily, linearFeatureStats } from '../../../src/engine/model/families.ts';
import { subspaceVariance } from '../../../src/engine/moments/moments.ts';
import { HIST_BINS, histBin } from '../../../src/engine/kernels/histogram.ts';
import { mulberry32 } from '../../../src/random.ts';
import type { LawRole } from '../../../src/types.ts';
import { subspaceMomentsOf } from '../exact-moments.ts';

const SEED = 20240618;

// ---------------------------------------------------------------------------------------------------
// Pareto front
// ---------------------------------------------------------------------------------------------------

const point = fc.record({ complexity: fc.integer({ min: 0, max: 8 }), inlierRelativeError: fc.constantFrom(0, 1e-9, 1e-6, 1e-3, 0.1, 1) });

test('the Pareto front holds exactly the non-dominated laws, one per point, cheapest first', () => {
  fc.assert(
    fc.property(fc.array(point, { maxLength: 25 }), (laws) => {
      const front = paretoFront(laws);
      const dominated = (p: (typeof laws)[number]) =>
        laws.some((q) => q.complexity <= p.complexity && q.inlierRelativeError <= p.inlierRelativeError && (q.complexity < p.complexity || q.inlierRelativeError < p.inlierRelativeError));
      const key = (p: (typeof laws)[number]) => `${p.complexity}|${p.inlierRelativeError}`;
      // Brute force: the distinct non-dominated points.
      const want = [...new Set(laws.filter((p) => !dominated(p)).map(key))].sort();
      assert.deepEqual(front.map(key).sort(), want);
      for (const p of front) assert.ok(laws.includes(p), 'front members are the laws themselves');
      front.forEach((p, i) => {
        if (i > 0) assert.ok(front[i - 1].complexity < p.complexity && front[i - 1].inlierRelativeError > p.inlierRelativeError, 'cheapest first, each more exact');
      });
    }),
    { numRuns: 500, seed: SEED },
  );
});

// ---------------------------------------------------------------------------------------------------
// Duplicate collapsing
// ---------------------------------------------------------------------------------------------------

interface LawSpec {
  id: string;
  subspaceIndex: number;
  dl: number;
  role?: LawRole;
  relErr?: number;
  inliers?: number;
  motionError?: number;
}

/** A scored law with the fields collapsing reads; the finalist behind it is a placeholder. */
function scored({ id, subspaceIndex, dl, role = 'map', relErr = 1e-3, inliers = 1, motionError }: LawSpec): ScoredLaw {
  const fit: LawFit = {
    id,
    family: role === 'map' ? 'linear' : 'linear_invariant',
    role,
    k: 1,
    features: ['u1'],
    parametrization: { kind: 'linear', family: 'linear', offset: false },
    params: [],
    structuralCost: 0,
  };
  const stats: ScoringStats = { role: 'invariant', st: { n: 1, D: [[0]], Cov: [[1]] }, n: 1, nIn: 1 };
  const finalist: FinalistResult = { fit, stats, n: 1, variance: 1, spread: 1, floor: 1e-7, hist: new Uint32Array(HIST_BINS), median: 0 };
  return { fit, subspaceIndex, offset: false, exact: [], tolerance: 1, inlierFraction: inliers, inlierRelativeError: relErr, complexity: 0, descriptionLength: dl, finalist, conserves: [], alternatives: [], ...(motionError !== undefined ? { motionError } : {}) };
}

const e = (d: number, i: number) => Array.from({ length: d }, (_, j) => (j === i ? 1 : 0));
/** Subspace bases in R³: 0 the (x, y) plane, 1 all of R³, 2 the (y, z) plane, 3 and 4 the (x, y) plane tilted by 0.03 and 0.1 rad. */
const tilted = (a: number) => [e(3, 0), [0, Math.cos(a), Math.sin(a)]];
const BASES = [[e(3, 0), e(3, 1)], [e(3, 0), e(3, 1), e(3, 2)], [e(3, 1), e(3, 2)], tilted(0.03), tilted(0.1)];

const summary = (laws: ScoredLaw[]) => laws.map((l) => `${l.fit.id}[${l.alternatives.map((a) => a.fit.id).join(',')}]`);

test('one law per role and subspace: the shortest, with at most four alternatives in order of description length', () => {
  const specs: LawSpec[] = [
    ...[-100, -90, -80, -70, -60, -50, -40].map((dl, i) => ({ id: `map${i}`, subspaceIndex: 0, dl })),
    { id: 'inv', subspaceIndex: 0, dl: -30, role: 'invariant' },
    { id: 'inv-other', subspaceIndex: 2, dl: -120, role: 'invariant' },
  ];
  fc.assert(
    fc.property(fc.shuffledSubarray(specs, { minLength: specs.length }), (order) => {
      const got = collapseDuplicates(order.map(scored), BASES, 0.5, 0.5);
      // Input order does not matter; the result is in order of description length.
      assert.deepEqual(summary(got), ['inv-other[]', 'map0[map1,map2,map3,map4]', 'inv[]']);
    }),
    { numRuns: 50, seed: SEED },
  );
});

test('only laws that fit about as well (relative error within 2×) are kept as alternatives', () => {
  const got = collapseDuplicates(
    [
      scored({ id: 'best', subspaceIndex: 0, dl: -100, relErr: 1e-3 }),
      scored({ id: 'worse', subspaceIndex: 0, dl: -90, relErr: 2.5e-3 }),
      scored({ id: 'close', subspaceIndex: 0, dl: -80, relErr: 2e-3 }),
    ],
    BASES,
    0.5,
    0.5,
  );
  assert.deepEqual(summary(got), ['best[close]']);
});

test('laws that do not beat the null model or hold on too few transitions are dropped', () => {
  const got = collapseDuplicates(
    [
      scored({ id: 'zero', subspaceIndex: 0, dl: 0 }),
      scored({ id: 'positive', subspaceIndex: 1, dl: 5 }),
      scored({ id: 'nan', subspaceIndex: 2, dl: NaN }),
      scored({ id: 'few', subspaceIndex: 0, dl: -500, role: 'invariant', inliers: 0.79 }),
      scored({ id: 'enough', subspaceIndex: 2, dl: -10, role: 'invariant', inliers: 0.8 }),
    ],
    BASES,
    0.8,
    0.5,
  );
  assert.deepEqual(summary(got), ['enough[]']);
});

test('a law on a subspace nested in, or containing, a clearly better law\'s subspace is dropped', () => {
  const collapse = (specs: LawSpec[]) => summary(collapseDuplicates(specs.map(scored), BASES, 0.5, 0.5));
  const plane = { id: 'plane', subspaceIndex: 0, dl: -100, relErr: 1e-9 };
  // The whole space fitted by a linear map, shorter but clearly less exact than the plane's rotation.
  assert.deepEqual(collapse([plane, { id: 'space', subspaceIndex: 1, dl: -200, relErr: 1e-2 }]), ['plane[]']);
  // The other way round: the plane's law is the sloppy one and the whole space's map is exact.
  assert.deepEqual(collapse([{ ...plane, relErr: 1e-2 }, { id: 'space', subspaceIndex: 1, dl: -50, relErr: 1e-9 }]), ['space[]']);
  // Both exact (relative errors under 1e-6 are all exact): a decomposition and the whole map are both true.
  assert.deepEqual(collapse([plane, { id: 'space', subspaceIndex: 1, dl: -200, relErr: 1e-7 }]), ['space[]', 'plane[]']);
  // Equally exact, but the nested law holds on clearly more transitions: the other goes.
  assert.deepEqual(collapse([{ ...plane, inliers: 0.99 }, { id: 'space', subspaceIndex: 1, dl: -200, relErr: 1e-7, inliers: 0.9 }]), ['plane[]']);
  assert.deepEqual(collapse([{ ...plane, inliers: 0.99 }, { id: 'space', subspaceIndex: 1, dl: -200, relErr: 1e-7, inliers: 0.98 }]), ['space[]', 'plane[]']);
  // Not nested: two different planes keep their laws whatever their quality.
  assert.deepEqual(collapse([plane, { id: 'other', subspaceIndex: 2, dl: -50, relErr: 1e-2 }]), ['plane[]', 'other[]']);
  // The same plane found twice with bases 0.03 rad apart counts as nested; 0.1 rad apart does not.
  assert.deepEqual(collapse([plane, { id: 'near', subspaceIndex: 3, dl: -50, relErr: 1e-2 }]), ['plane[]']);
  assert.deepEqual(collapse([plane, { id: 'far', subspaceIndex: 4, dl: -50, relErr: 1e-2 }]), ['plane[]', 'far[]']);
  // A map and an invariant say different things: both stay.
  assert.deepEqual(collapse([plane, { id: 'space-inv', subspaceIndex: 1, dl: -50, relErr: 1e-2, role: 'invariant' }]), ['plane[]', 'space-inv[]']);
});

test('equally exact laws on one span (bases up to 0.05 rad apart) are one law: the shorter stays', () => {
  // One plane found twice (as a coordinate plane and, 0.03 rad off, by a data-driven generator):
  // two entries would state one law twice.
  const collapse = (specs: LawSpec[]) => summary(collapseDuplicates(specs.map(scored), BASES, 0.5, 0.5));
  assert.deepEqual(collapse([{ id: 'plane', subspaceIndex: 0, dl: -100, relErr: 1e-9 }, { id: 'near', subspaceIndex: 3, dl: -90, relErr: 1e-9 }]), ['plane[]']);
  assert.deepEqual(collapse([{ id: 'plane', subspaceIndex: 0, dl: -80, relErr: 1e-9 }, { id: 'near', subspaceIndex: 3, dl: -90, relErr: 1e-9 }]), ['near[]']);
  // 0.1 rad apart they are two planes, and two laws.
  assert.deepEqual(collapse([{ id: 'plane', subspaceIndex: 0, dl: -100, relErr: 1e-9 }, { id: 'far', subspaceIndex: 4, dl: -90, relErr: 1e-9 }]), ['plane[]', 'far[]']);
});

// ---------------------------------------------------------------------------------------------------
// Scoring a finalist
// ---------------------------------------------------------------------------------------------------

/** A histogram of residuals (in units of spread 1). */
function histogram(residuals: number[]): Uint32Array {
  const hist = new Uint32Array(HIST_BINS);
  for (const r of residuals) hist[histBin(r, 1)]++;
  return hist;
}

function finalist(fit: LawFit, stats: ScoringStats, residuals: number[], variance = 1): FinalistResult {
  return { fit, stats, n: stats.n, variance, spread: 1, floor: 1e-7, hist: histogram(residuals), median: 0 };
}

test('an invariant is stated at its simplest scale: 0.7234·(u1 − 2 u2) is reported as u1 − 2 u2', () => {
  // Transitions that move only along (2, 1): I = u1 − 2 u2 is conserved exactly.
  const rand = mulberry32(3);
  const n = 200;
  const x = Array.from({ length: n }, () => [4 * rand() - 2, 4 * rand() - 2]);
  const D = [[0, 0], [0, 0]];
  x.forEach(() => {
    const s = 2 * rand() - 1;
    const d = [2 * s, s];
    for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) D[i][j] += d[i] * d[j];
  });
  const mean = [0, 1].map((j) => x.reduce((s, u) => s + u[j], 0) / n);
  const Cov = [0, 1].map((i) => [0, 1].map((j) => x.reduce((s, u) => s + (u[i] - mean[i]) * (u[j] - mean[j]), 0)));
  const scale = 0.7234;
  const fit: LawFit = {
    id: 'linear_invariant@coords[0,1]',
    family: 'linear_invariant',
    role: 'invariant',
    k: 2,
    features: ['u1', 'u2'],
    parametrization: { kind: 'sparse', positions: [[0, 0], [0, 1]], rows: 1, cols: 2, names: ['w1', 'w2'] },
    params: [scale, -2 * scale],
    structuralCost: 6,
  };
  const stats: ScoringStats = { role: 'invariant', st: { n, D, Cov }, n, nIn: n };
  const law = scoreFinalist({ result: finalist(fit, stats, new Array<number>(n).fill(0)), subspaceIndex: 0, offset: false }, 1e-6, 12);
  assert.deepEqual(law.fit.params, [1, -2]);
  assert.deepEqual(law.exact.map((c) => c?.expr), ['1', '-2']);
  assert.equal(law.inlierFraction, 1);
  assert.ok(law.descriptionLength < 0, `DL ${law.descriptionLength}`);
});

/**
 * A rotation law in the plane fitted on transitions u' = R(θ) u + noise (noise 0 for exact data), and
 * its finalist. With `sigmas`, the data are turned so that the fitted angle lies that many of its
 * standard errors from π/7.
 */
function rotationFinalist(opts: { theta: number; noise: number; residuals: number[]; sigmas?: number }) {
  const rand = mulberry32(5);
  const x = Array.from({ length: 100 }, () => [2 * rand() - 1, 2 * rand() - 1]);
  const turn = (t: number, [a, b]: number[]) => [Math.cos(t) * a - Math.sin(t) * b, Math.sin(t) * a + Math.cos(t) * b];
  let y = x.map((u) => turn(opts.theta, u).map((v) => v + opts.noise * (2 * rand() - 1)));
  const parametrization = { kind: 'linear', family: 'rotation', offset: false } as const;
  const statsOf = (sm: ReturnType<typeof subspaceMomentsOf>): ScoringStats => ({ role: 'map', fs: linearFeatureStats(sm, false), n: sm.n, nIn: sm.n, variance: subspaceVariance(sm), k: 2 });
  let sm = subspaceMomentsOf(x, y);
  let theta = fitLinearFamily('rotation', sm, false)[0];
  if (opts.sigmas !== undefined) {
    // Turning every u' turns the fitted angle by the same amount and leaves its standard error as it is.
    const [se] = parameterStdErrors({ parametrization, k: 2 }, [theta], statsOf(sm));
    const shift = Math.PI / 7 + opts.sigmas * se - theta;
    y = y.map((v) => turn(shift, v));
    sm = subspaceMomentsOf(x, y);
    theta = fitLinearFamily('rotation', sm, false)[0];
  }
  const fit: LawFit = { id: 'rotation@coords[0,1]', family: 'rotation', role: 'map', k: 2, features: ['u1', 'u2'], parametrization, params: [theta], structuralCost: 5 };
  const stats = statsOf(sm);
  return { result: finalist(fit, stats, opts.residuals, subspaceVariance(sm)), stderr: parameterStdErrors(fit, [theta], stats)[0] };
}

test('an exact rotation by π/7 is reported as exactly π/7, with the inlier share its residuals give', () => {
  const residuals = [...new Array<number>(60).fill(1e-12), ...new Array<number>(40).fill(0.5)];
  const { result } = rotationFinalist({ theta: Math.PI / 7, noise: 0, residuals });
  const law = scoreFinalist({ result, subspaceIndex: 3, offset: false }, 1e-6, 12);
  assert.equal(law.exact[0]?.expr, 'pi/7');
  assert.deepEqual(law.fit.params, [Math.PI / 7]);
  assert.equal(law.subspaceIndex, 3);
  assert.ok(Math.abs(law.inlierFraction - 0.6) < 1e-12, `inlier fraction ${law.inlierFraction}`);
  assert.ok(law.descriptionLength < 0);
});

test('on noisy data the residuals decide: π/7 is taken 2 standard errors away, not 7.5', () => {
  // Noise 1e-5 puts the angle's standard error near 1e-6: its free digits cost about 20 bits, π/7 costs 12.
  // Moving 2 standard errors costs about 3 bits of residuals, moving 7.5 about 40.
  const zeros = new Array<number>(100).fill(0);
  const near = rotationFinalist({ theta: 0.45, noise: 1e-5, residuals: zeros, sigmas: 2 });
  const far = rotationFinalist({ theta: 0.45, noise: 1e-5, residuals: zeros, sigmas: 7.5 });
  assert.ok(far.stderr > 1e-7 && far.stderr < 1e-5, `standard error ${far.stderr}`);
  const snapped = scoreFinalist({ result: near.result, subspaceIndex: 0, offset: false }, 1e-3, 12);
  assert.equal(snapped.exact[0]?.expr, 'pi/7');
  const kept = scoreFinalist({ result: far.result, subspaceIndex: 0, offset: false }, 1e-3, 12);
  assert.deepEqual(kept.exact, [null]);
  assert.deepEqual(kept.fit.params, far.result.fit.params);
});

test('a map whose residual in its worst direction exceeds maxMotionError of its step is dropped; the cap is the caller\'s', () => {
  const laws = () => [scored({ id: 'explains', subspaceIndex: 0, dl: -100, motionError: 0.4 }), scored({ id: 'rough', subspaceIndex: 2, dl: -100, motionError: 0.8 })];
  assert.deepEqual(summary(collapseDuplicates(laws(), BASES, 0.5, 0.5)), ['explains[]']);
  // A caller that wants rough laws (anneal's training searches) asks only that they beat "nothing moves".
  assert.deepEqual(summary(collapseDuplicates(laws(), BASES, 0.5, 1)).sort(), ['explains[]', 'rough[]']);
});
