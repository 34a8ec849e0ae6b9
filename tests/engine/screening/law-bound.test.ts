/**
 * Screening rules out a linear-map candidate without fitting it when a lower bound on its description
 * length is not below 0. What a user relies on: this never drops a law. The residual floors are below
 * every map of the family (the fitted one, and any orthogonal map), and a ruled-out candidate, fitted
 * and scored as screening does, indeed does not beat the null model.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { coefficientsOf, familyFitsDimension, fitLinearFamily, LINEAR_MAP_FAMILIES, linearFeatureStats, offsetVariants, parameterCount, residualSumOfSquares } from '../../../src/engine/model/families.ts';
import { descriptionLength, type LawFit, parameterStdErrors } from '../../../src/engine/model/law-fit.ts';
import { subspaceVariance } from '../../../src/engine/moments/moments.ts';
import { cannotBeLaw, leastSquaresResidual, orthogonalResidual, orthogonalResidualExact } from '../../../src/engine/screening/law-bound.ts';
import { orthonormalRows } from '../../../src/engine/kernels/linalg.ts';
import { subspaceMomentsOf } from '../exact-moments.ts';
import { Rng } from '../../../src/random.ts';

/** Transitions u' = A u + b + σ·noise for a random A (an orthogonal one when `orthogonal`), u ~ N(0, 1). */
function transitions(seed: number, k: number, n: number, sigma: number, orthogonal: boolean) {
  const rng = new Rng(seed);
  const square = () => Array.from({ length: k }, () => Array.from({ length: k }, () => rng.normal()));
  const A = orthogonal ? orthonormalRows(square()) : square().map((row) => row.map((v) => v / Math.sqrt(k)));
  const b = Array.from({ length: k }, () => rng.normal());
  const x = Array.from({ length: n }, () => Array.from({ length: k }, () => rng.normal()));
  const y = x.map((u) => A.map((row, i) => row.reduce((s, a, j) => s + a * u[j], b[i]) + sigma * rng.normal()));
  return { sm: subspaceMomentsOf(x, y), rng };
}

const FAMILIES = [...LINEAR_MAP_FAMILIES];
const data = fc.record({
  seed: fc.nat(),
  k: fc.integer({ min: 2, max: 6 }),
  extra: fc.integer({ min: 4, max: 80 }),
  sigma: fc.constantFrom(0, 1e-6, 0.01, 0.3, 1, 3),
  orthogonal: fc.boolean(),
  offset: fc.boolean(),
});

test('no map of a linear family fits better than the floors screening rules candidates out by', () => {
  fc.assert(
    fc.property(data, ({ seed, k, extra, sigma, orthogonal, offset }) => {
      const { sm, rng } = transitions(seed, k, k + extra, sigma, orthogonal);
      const fs = linearFeatureStats(sm, offset);
      const leastSquares = leastSquaresResidual(fs)!;
      const orth = orthogonalResidual(sm, offset);
      const exact = orthogonalResidualExact(sm, offset);
      for (const family of FAMILIES.filter((f) => familyFitsDimension(f, k) && offsetVariants(f).includes(offset))) {
        const rss = residualSumOfSquares(coefficientsOf(family, k, offset, fitLinearFamily(family, sm, offset)), fs);
        assert.ok(rss >= leastSquares, `${family}: ${rss} < least squares ${leastSquares}`);
        if (family === 'orthogonal' || family === 'rotation') assert.ok(rss >= Math.max(orth, exact), `${family}: ${rss} < orthogonal floors ${orth}, ${exact}`);
        // The exact floor is the Procrustes map's own residual, up to its slack: a floor of 0 would pass the line above.
        const scale = fs.Y.reduce((t, row, i) => t + row[i], 0) + fs.G.reduce((t, row, i) => t + (i < k ? row[i] : 0), 0);
        if (family === 'orthogonal') assert.ok(rss <= exact * (1 + 1e-3) + 1e-9 * scale, `orthogonal: ${rss} far above its exact floor ${exact}`);
      }
      // Any orthogonal map, not only the fitted one, with the best offset when there is one.
      const Q = orthonormalRows(Array.from({ length: k }, () => Array.from({ length: k }, () => rng.normal())));
      const n = sm.n;
      const b = sm.sy.map((s, i) => (s - Q[i].reduce((t, q, j) => t + q * sm.sx[j], 0)) / n);
      const rssQ = residualSumOfSquares(offset ? Q.map((row, i) => [...row, b[i]]) : Q, fs);
      assert.ok(rssQ >= Math.max(orth, exact), `random orthogonal map: ${rssQ} < ${orth}, ${exact}`);
    }),
    { seed: 17, numRuns: 200 },
  );
});

test('a candidate ruled out by its bound does not beat the null model when fitted and scored', () => {
  let ruledOut = 0;
  fc.assert(
    fc.property(data, fc.integer({ min: 0, max: 60 }), ({ seed, k, extra, sigma, orthogonal, offset }, structuralCost) => {
      const { sm } = transitions(seed, k, k + extra, sigma, orthogonal);
      const fs = linearFeatureStats(sm, offset);
      const stats = { role: 'map' as const, fs, n: sm.n, nIn: sm.n, variance: subspaceVariance(sm), k };
      const features = [...Array.from({ length: k }, (_, i) => `u${i + 1}`), ...(offset ? ['1'] : [])];
      const floor = 1e-9;
      for (const family of FAMILIES.filter((f) => familyFitsDimension(f, k) && offsetVariants(f).includes(offset))) {
        const orthogonalFamily = family === 'orthogonal' || family === 'rotation';
        const rssFloor = Math.max(leastSquaresResidual(fs)!, orthogonalFamily ? orthogonalResidual(sm, offset) : 0, orthogonalFamily ? orthogonalResidualExact(sm, offset) : 0);
        if (!cannotBeLaw(family, offset, structuralCost, features, stats, rssFloor, floor)) continue;
        ruledOut++;
        const params = fitLinearFamily(family, sm, offset);
        const fit: Pick<LawFit, 'parametrization' | 'k' | 'structuralCost' | 'features'> = { parametrization: { kind: 'linear', family, offset }, k, structuralCost, features };
        const stderrs = parameterStdErrors(fit, params, stats, floor);
        const dl = descriptionLength(fit, params, params.map(() => null), stderrs, stats, 1, floor);
        assert.ok(dl.total >= 0, `${family} ruled out, but its description length is ${dl.total} (${parameterCount(family, k, offset)} parameters)`);
      }
    }),
    { seed: 18, numRuns: 200 },
  );
  assert.ok(ruledOut > 50, `only ${ruledOut} candidates were ruled out: the property was hardly exercised`);
});
