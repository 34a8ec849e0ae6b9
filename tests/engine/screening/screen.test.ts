/**
 * Sparse terms are chosen by description length. A least-squares fit over a library gives every term
 * some coefficient, and on noisy data the spurious ones are well above the grammar's smallest share
 * (0.1% of the largest term); what a user must read is the law with the terms the data need. What a
 * user relies on: along the path of supports from dense to sparse, the one with the shortest
 * description wins, so noise does not buy quadratic terms for a linear map, nor cross terms for a
 * circle's radius, while a small term that the data pin down stays.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { descriptionLengthScore, fitOnStats } from '../../../src/engine/screening/screen.ts';
import { coefficientsFor, type LawFit, type ScoringStats } from '../../../src/engine/model/law-fit.ts';
import { type FamilyName } from '../../../src/types.ts';
import { Rng } from '../../../src/random.ts';

const SEED = 20240707;
const FEATURES = ['u1', 'u2', 'u1^2', 'u1*u2', 'u2^2'];
const phi = ([a, b]: number[]) => [a, b, a * a, a * b, b * b];

/** Transitions (u, u') with u uniform in [−1, 1]² and u' = step(u) plus white noise of standard deviation σ. */
function transitions(n: number, sigma: number, step: (u: number[]) => number[]): [number[], number[]][] {
  const rng = new Rng(SEED);
  return Array.from({ length: n }, () => {
    const u = [rng.uniform(-1, 1), rng.uniform(-1, 1)];
    return [u, step(u).map((v) => v + sigma * rng.normal())];
  });
}

/** Map statistics over the library: Σ φφᵀ, Σ u'φᵀ, Σ u'u'ᵀ and the variance of u. */
function mapStats(data: [number[], number[]][]): ScoringStats {
  const m = FEATURES.length;
  const G = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  const C = [new Array<number>(m).fill(0), new Array<number>(m).fill(0)];
  const Y = [
    [0, 0],
    [0, 0],
  ];
  const mean = [0, 1].map((i) => data.reduce((s, [u]) => s + u[i], 0) / data.length);
  let variance = 0;
  for (const [u, y] of data) {
    const f = phi(u);
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) G[a][b] += f[a] * f[b];
    for (let i = 0; i < 2; i++) {
      for (let a = 0; a < m; a++) C[i][a] += y[i] * f[a];
      for (let j = 0; j < 2; j++) Y[i][j] += y[i] * y[j];
      variance += (u[i] - mean[i]) ** 2;
    }
  }
  return { role: 'map', fs: { n: data.length, G, C, Y }, n: data.length, nIn: data.length, variance, k: 2 };
}

/** Invariant statistics over the library: Σ ΔφΔφᵀ and the centred Σ (φ − φ̄)(φ − φ̄)ᵀ. */
function invariantStats(data: [number[], number[]][]): ScoringStats {
  const m = FEATURES.length;
  const D = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  const Cov = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  const mean = new Array<number>(m).fill(0);
  for (const [u] of data) phi(u).forEach((v, a) => (mean[a] += v / data.length));
  for (const [u, y] of data) {
    const [f, g] = [phi(u), phi(y)];
    for (let a = 0; a < m; a++)
      for (let b = 0; b < m; b++) {
        D[a][b] += (g[a] - f[a]) * (g[b] - f[b]);
        Cov[a][b] += (f[a] - mean[a]) * (f[b] - mean[b]);
      }
  }
  return { role: 'invariant', st: { n: data.length, D, Cov }, n: data.length, nIn: data.length };
}

/** The sparse fit the screening stage makes, as the law's nonzero terms per row. */
function fitted(family: FamilyName, stats: ScoringStats): { terms: string[][]; W: number[][] } {
  const meta: Omit<LawFit, 'parametrization' | 'params'> = { id: family, family, role: stats.role, k: 2, features: FEATURES, structuralCost: 4, featureCosts: FEATURES.map(() => 2) };
  const fit = fitOnStats(family, false, 2, FEATURES, stats, null, 0.001, descriptionLengthScore(meta, stats, 1, 1e-3));
  const W = coefficientsFor({ parametrization: fit.parametrization, k: 2 }, fit.params);
  return { terms: W.map((row) => FEATURES.filter((_, j) => row[j] !== 0)), W };
}

const rotate = ([a, b]: number[]) => [Math.cos(0.5) * a - Math.sin(0.5) * b, Math.sin(0.5) * a + Math.cos(0.5) * b];

test('a rotation measured with noise is a linear map: no quadratic terms fitted to the noise', () => {
  const { terms, W } = fitted('library_map', mapStats(transitions(200, 0.05, rotate)));
  assert.deepEqual(terms, [['u1', 'u2'], ['u1', 'u2']]);
  const want = [
    [Math.cos(0.5), -Math.sin(0.5)],
    [Math.sin(0.5), Math.cos(0.5)],
  ];
  want.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(W[i][j] - v) < 0.02, `W[${i}][${j}] = ${W[i][j]} vs ${v}`)));
});

test('a small quadratic term that the data pin down stays', () => {
  // u1' gains 0.02·u2²: 1% of the largest term, far above what 200 nearly noise-free transitions resolve.
  const { terms, W } = fitted('library_map', mapStats(transitions(200, 1e-6, (u) => { const [a, b] = rotate(u); return [a + 0.02 * u[1] * u[1], b]; })));
  assert.deepEqual(terms, [['u1', 'u2', 'u2^2'], ['u1', 'u2']]);
  assert.ok(Math.abs(W[0][4] - 0.02) < 1e-5, `u2² coefficient ${W[0][4]}`);
});

test('a circle\'s radius measured with noise is u1² + u2²: no linear or cross terms fitted to the noise', () => {
  const { terms, W } = fitted('quadratic_invariant', invariantStats(transitions(200, 0.01, rotate)));
  assert.deepEqual(terms, [['u1^2', 'u2^2']]);
  const ratio = W[0][4] / W[0][2];
  assert.ok(Math.abs(ratio - 1) < 0.05, `u2² / u1² = ${ratio}`);
});
