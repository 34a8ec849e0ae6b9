/**
 * Sparse fits over library features, from moment matrices alone. What a user relies on: a sparse map
 * u' = W φ(u) that holds exactly is recovered with exactly its terms (no spurious small coefficients
 * printed in the law), terms too small to matter are dropped and the rest refitted, and a conserved
 * combination c·φ is found with exactly its support, scaled to unit variance, while a small term the
 * conservation needs is not traded away for sparsity.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { invariantRatio, sparseInvariant, stlsq, type InvariantStats } from '../../../src/engine/model/sparse.ts';
import type { FeatureStats } from '../../../src/engine/model/families.ts';
import { mulberry32 } from '../../../src/random.ts';

const SEED = 20240615;

/**
 * n random feature vectors, feature j uniform on ±(1 + j) (library terms differ in scale: u1 and u1^3
 * are not comparable by their raw coefficients), the last column optionally constant as the feature '1' is.
 */
function featureRows(seed: number, n: number, m: number, constantColumn: boolean): number[][] {
  const rand = mulberry32(seed);
  return Array.from({ length: n }, () => Array.from({ length: m }, (_, j) => (constantColumn && j === m - 1 ? 1 : (1 + j) * (2 * rand() - 1))));
}

/** Exact statistics Σ φφᵀ, Σ yφᵀ, Σ yyᵀ of targets y = W φ. */
function featureStats(phi: number[][], W: number[][]): FeatureStats {
  const m = phi[0].length;
  const k = W.length;
  const G = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  const C = Array.from({ length: k }, () => new Array<number>(m).fill(0));
  const Y = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const f of phi) {
    const y = W.map((row) => row.reduce((s, w, j) => s + w * f[j], 0));
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) G[i][j] += f[i] * f[j];
    for (let r = 0; r < k; r++) {
      for (let j = 0; j < m; j++) C[r][j] += y[r] * f[j];
      for (let s = 0; s < k; s++) Y[r][s] += y[r] * y[s];
    }
  }
  return { n: phi.length, G, C, Y };
}

/** A coefficient bounded away from zero, either sign. */
const coefficient = fc.tuple(fc.boolean(), fc.double({ min: 0.5, max: 3, noNaN: true })).map(([neg, v]) => (neg ? -v : v));

/** k × m coefficient matrices with a non-empty random support in every row (sizes, in units of each feature's scale). */
const sparseMatrix = fc
  .record({ m: fc.integer({ min: 2, max: 9 }), k: fc.integer({ min: 1, max: 3 }) })
  .chain(({ m, k }) =>
    fc.array(
      fc.array(fc.option(coefficient, { nil: 0, freq: 2 }), { minLength: m, maxLength: m }).filter((row) => row.some((v) => v !== 0)),
      { minLength: k, maxLength: k },
    ),
  );

test('stlsq recovers a planted sparse map: its coefficients, and exact zeros everywhere else', () => {
  fc.assert(
    fc.property(sparseMatrix, fc.integer({ min: 1, max: 1e6 }), fc.boolean(), (sizes, seed, constantColumn) => {
      const m = sizes[0].length;
      // Coefficients 0.5…3 on the features' own scales: every planted term is well above the 5 % threshold.
      const W = sizes.map((row) => row.map((v, j) => (constantColumn && j === m - 1 ? v : v / (1 + j))));
      const fs = featureStats(featureRows(seed, 60 + 10 * m, m, constantColumn), W);
      const got = stlsq(fs, 0.05);
      W.forEach((row, r) =>
        row.forEach((w, j) => {
          if (w === 0) assert.equal(got[r][j], 0, `W[${r}][${j}] should be off the support, got ${got[r][j]}`);
          else assert.ok(Math.abs(got[r][j] - w) <= 1e-8 * (1 + Math.abs(w)), `W[${r}][${j}] = ${got[r][j]}, planted ${w}`);
        }),
      );
    }),
    { numRuns: 200, seed: SEED },
  );
});

test('stlsq drops a term whose scaled size is under the threshold and refits the rest; it keeps one above', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 2, max: 6 }), fc.double({ min: 0.002, max: 0.04, noNaN: true }), fc.double({ min: 0.06, max: 0.9, noNaN: true }), (seed, m, small, kept) => {
      const phi = featureRows(seed, 80, m, false);
      const rms = (j: number) => Math.sqrt(phi.reduce((s, f) => s + f[j] ** 2, 0) / phi.length);
      // Term 0 is large; term 1's magnitude |w|·rms(φ) is `small` (or `kept`) times term 0's.
      const plant = (ratio: number) => [[1 / rms(0), (ratio / rms(1)), ...new Array<number>(m - 2).fill(0)]];
      const dropped = stlsq(featureStats(phi, plant(small)), 0.05)[0];
      assert.equal(dropped[1], 0, `term at ${small} of the largest should be dropped`);
      // What is left is the least-squares fit on the remaining term, not the first fit with a hole in it.
      const g00 = phi.reduce((s, f) => s + f[0] * f[0], 0);
      const g01 = phi.reduce((s, f) => s + f[0] * f[1], 0);
      const refit = (1 / rms(0)) + ((small / rms(1)) * g01) / g00;
      assert.ok(Math.abs(dropped[0] - refit) <= 1e-9 * Math.abs(refit), `refit ${dropped[0]} vs ${refit}`);
      const both = stlsq(featureStats(phi, plant(kept)), 0.05)[0];
      assert.ok(Math.abs(both[1] - kept / rms(1)) <= 1e-8 * (kept / rms(1)), `term at ${kept} of the largest should stay, got ${both[1]}`);
    }),
    { numRuns: 200, seed: SEED },
  );
});

/**
 * Invariant statistics of states φ_t (feature j on the scale 1 + j) and next states φ_t + δ_t with every
 * step δ_t orthogonal to c: c·φ is conserved exactly, and any combination not parallel to c changes.
 */
function conservedStats(seed: number, n: number, c: number[]): InvariantStats {
  const rand = mulberry32(seed);
  const m = c.length;
  const cc = c.reduce((s, v) => s + v * v, 0);
  const phi = featureRows(seed + 1, n, m, false);
  const mean = new Array<number>(m).fill(0);
  phi.forEach((f) => f.forEach((v, j) => (mean[j] += v / n)));
  const D = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  const Cov = Array.from({ length: m }, () => new Array<number>(m).fill(0));
  for (const f of phi) {
    const g = Array.from({ length: m }, () => 2 * rand() - 1);
    const along = g.reduce((s, v, j) => s + v * c[j], 0) / cc;
    const delta = g.map((v, j) => v - along * c[j]);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        D[i][j] += delta[i] * delta[j];
        Cov[i][j] += (f[i] - mean[i]) * (f[j] - mean[j]);
      }
    }
  }
  return { n, D, Cov };
}

test('sparseInvariant finds a planted conserved combination with exactly its support, at unit variance', () => {
  // Feature j varies on the scale 1 + j; its planted coefficient is a size in [0.5, 3] on that scale, so every
  // planted term stays well above the 5 % threshold once sizes are measured in the features' own units.
  const planted = fc.integer({ min: 2, max: 7 }).chain((m) => fc.array(fc.option(coefficient, { nil: 0, freq: 2 }), { minLength: m, maxLength: m }).filter((c) => c.some((v) => v !== 0)));
  fc.assert(
    fc.property(planted, fc.integer({ min: 1, max: 1e6 }), (sizes, seed) => {
      const c = sizes.map((v, j) => v / (1 + j));
      const st = conservedStats(seed, 40 + 10 * c.length, c);
      const got = sparseInvariant(st, 0.05);
      assert.ok(got, 'no invariant');
      assert.ok(got.ratio < 1e-12, `ratio ${got.ratio}: not conserved`);
      // Parallel to c (up to sign and scale).
      const dot = got.coefficients.reduce((s, v, j) => s + v * c[j], 0);
      const norm = (v: number[]) => Math.hypot(...v);
      assert.ok(Math.abs(Math.abs(dot) / (norm(got.coefficients) * norm(c)) - 1) < 1e-9, `${got.coefficients} is not parallel to ${c}`);
      c.forEach((v, j) => {
        if (v === 0) assert.equal(got.coefficients[j], 0, `feature ${j} is not part of the planted invariant`);
      });
      // Unit variance of I = c·φ over the data: cᵀ Cov c / n = 1.
      const variance = got.coefficients.reduce((s, ci, i) => s + ci * st.Cov[i].reduce((t, v, j) => t + v * got.coefficients[j], 0), 0) / st.n;
      assert.ok(Math.abs(variance - 1) < 1e-9, `variance ${variance}`);
      assert.ok(Math.abs(invariantRatio(got.coefficients, st) - got.ratio) <= 1e-15);
    }),
    { numRuns: 200, seed: SEED },
  );
});

test('a small term the conservation needs is kept: sparsity is not bought with a worse invariant', () => {
  // I = φ1 + 0.01 φ2 (φ2 on twice φ1's scale: 2 % of φ1's size): under a 5 % threshold φ2 looks
  // droppable, but φ1 alone is not conserved.
  const c = [1, 0.01, 0];
  const st = conservedStats(7, 200, c);
  const withoutSmall = [1, 0, 0];
  assert.ok(invariantRatio(withoutSmall, st) > 1e-6, 'the test needs φ1 alone not to be conserved');
  const got = sparseInvariant(st, 0.05);
  assert.ok(got && got.ratio < 1e-12, `ratio ${got?.ratio}`);
  assert.ok(Math.abs(got.coefficients[1] / got.coefficients[0] - 0.01) < 1e-9, `${got.coefficients}`);
});

test('no feature varies (every state the same): sparseInvariant finds nothing rather than throwing', () => {
  // Constant features: Cov is zero, and so is D (nothing changes from step to step).
  for (const m of [1, 3]) {
    const zero = () => Array.from({ length: m }, () => new Array<number>(m).fill(0));
    assert.equal(sparseInvariant({ n: 50, D: zero(), Cov: zero() }, 0.05), null);
  }
});

/** Degrees of the features in the units test: 1, u, u², … as a library over one subspace mixes them. */
const degreeOf = (j: number) => [0, 1, 2, 1, 2, 2, 1, 0, 2][j % 9];

/**
 * The same statistics in other units: feature j times M^(degree j) and targets times M, as when the
 * states are multiplied by M. A law u' = W φ(u) then has W_rj · M^(1 − degree j).
 */
function inUnits(st: FeatureStats, M: number): FeatureStats;
function inUnits(st: InvariantStats, M: number): InvariantStats;
function inUnits(st: FeatureStats | InvariantStats, M: number): FeatureStats | InvariantStats {
  const both = (X: number[][]) => X.map((row, i) => row.map((v, j) => v * M ** degreeOf(i) * M ** degreeOf(j)));
  if ('Cov' in st) return { ...st, D: both(st.D), Cov: both(st.Cov) };
  return { ...st, G: both(st.G), C: st.C.map((row) => row.map((v, j) => v * M * M ** degreeOf(j))), Y: st.Y.map((row) => row.map((v) => v * M * M)) };
}

const units = fc.integer({ min: -8000, max: 8000 }).map((x) => 10 ** (x / 1000));

/**
 * Whether some term's scaled size |w_j|·rms(φ_j), relative to the row's largest, lies within 1% of the
 * threshold: a rounding difference can then keep or drop it, in any units alike, so such cases say
 * nothing about units.
 */
function nearThreshold(row: number[], diag: number[], threshold: number): boolean {
  const mags = row.map((v, j) => Math.abs(v) * Math.sqrt(Math.max(diag[j], 0)));
  const top = Math.max(...mags);
  return mags.some((m) => m > 0 && Math.abs(m / top - threshold) < 0.01 * threshold);
}

test('stlsq finds the same map in any units: terms of different degrees are treated alike', () => {
  fc.assert(
    fc.property(sparseMatrix, fc.integer({ min: 1, max: 1000 }), units, (W, seed, M) => {
      const st = featureStats(featureRows(seed, 60, W[0].length, true), W);
      fc.pre(!W.some((row) => nearThreshold(row, st.G.map((r, j) => r[j]), 0.05)));
      const atUnit = stlsq(st, 0.05);
      const scaled = stlsq(inUnits(st, M), 0.05);
      // Compared in the first units (W_rj · M^(degree j − 1)), to rounding of the row's largest entry.
      scaled.forEach((row, r) => {
        const size = Math.max(...atUnit[r].map(Math.abs));
        row.forEach((v, j) => {
          const back = v * M ** (degreeOf(j) - 1);
          assert.ok(Math.abs(back - atUnit[r][j]) <= 1e-7 * size, `M=${M}: W[${r}][${j}] = ${v}, in the first units ${back}, want ${atUnit[r][j]}`);
          assert.equal(v === 0, atUnit[r][j] === 0, `M=${M}: the support differs at W[${r}][${j}]`);
        });
      });
    }),
    { numRuns: 150, seed: SEED },
  );
});

test('sparseInvariant finds the same conserved quantity in any units', () => {
  fc.assert(
    fc.property(fc.array(fc.option(coefficient, { nil: 0, freq: 2 }), { minLength: 3, maxLength: 7 }).filter((c) => c.filter((v) => v !== 0).length >= 2), fc.integer({ min: 1, max: 1000 }), units, (c, seed, M) => {
      const st = conservedStats(seed, 200, c);
      fc.pre(!nearThreshold(c, st.Cov.map((r, j) => r[j]), 0.05));
      const atUnit = sparseInvariant(st, 0.05)!;
      const scaled = sparseInvariant(inUnits(st, M), 0.05);
      assert.ok(atUnit && scaled, `M=${M}: no invariant`);
      // Unit variance in both units: the same function of the states, up to sign.
      const sign = Math.sign(scaled.coefficients.find((v) => v !== 0)!) * Math.sign(atUnit.coefficients.find((v) => v !== 0)!);
      const size = Math.max(...atUnit.coefficients.map(Math.abs));
      scaled.coefficients.forEach((v, j) => {
        const back = sign * v * M ** degreeOf(j);
        assert.ok(Math.abs(back - atUnit.coefficients[j]) <= 1e-6 * size, `M=${M}: c[${j}] = ${v}, in the first units ${back}, want ${atUnit.coefficients[j]}`);
      });
    }),
    { numRuns: 150, seed: SEED },
  );
});
