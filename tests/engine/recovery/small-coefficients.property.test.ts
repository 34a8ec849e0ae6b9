/**
 * Small coefficients are part of the law, and constants come out exact. The maps users compare with
 * PySINDy, which recovers them in full:
 * - Hénon, x' = 1 − a x² + y, y' = b x, with its constants snapped (7/5, 3/10, ...);
 * - the DeepKoopman discrete-spectrum example x1' = a x1, x2' = b x2 + c x1² with c = 0.0198, from its
 *   paper's starts in [−0.5, 0.5]², where c x1² moves x2 by at most half a percent of a unit per step;
 * - the Lotka–Volterra Euler map x' = 1.01x − 0.005xy, y' = 0.99y + 0.002xy, whose interaction terms
 *   are 0.2–0.5 % of the linear ones.
 * Each must come out as that library map, on its coordinates (possibly beside pure-noise coordinates),
 * with every term and no other, coefficients within 1e-3 (see coefficientTolerance), and, on noise-free
 * data, decimals such as 1.01 and 0.005 stated exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Law } from '../../../src/types.ts';
import { fitInline } from '../helpers.ts';
import { describeLaws } from './claims.ts';
import { assertPlantedMapReported, coefficientTolerance, plantedMapReadings, plantedTable, writeTerms } from './library-terms.ts';
import { DEEP_KOOPMAN_DECIMAL, DEEP_KOOPMAN_FLOW, deepKoopmanMap, henon, lotkaVolterraMap, type PolynomialSystem } from './systems-nonlinear.ts';

const seed = fc.integer({ min: 1, max: 1_000_000 });
const size = { trajectories: fc.integer({ min: 20, max: 40 }), steps: fc.integer({ min: 50, max: 100 }) };
const noise = fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 1e-4, noNaN: true }));

/**
 * Every planted term of the reported map is stated by its exact constant: the parameter has `exact`
 * and its value equals the planted one (to rounding; in the system's coordinates, so a basis with a
 * flipped sign flips the constant with it).
 */
function assertExactConstants(sys: PolynomialSystem, laws: Law[], sigma: number): void {
  const planted = plantedTable(sys.terms, sys.lawDim);
  const { best } = plantedMapReadings(laws, sys.truths[0].basis, planted, coefficientTolerance(sys, sigma));
  assert.ok(best && best.mismatches.length === 0, `${sys.dataset.source}: no map with the planted terms`);
  const notExact: string[] = [];
  for (const [eq, row] of planted)
    for (const [key, t] of row) {
      const read = best.terms.get(eq)!.get(key)!;
      if (read.exactValue === undefined || Math.abs(read.exactValue - t.value) > 1e-12 * Math.max(1, Math.abs(t.value)))
        notExact.push(`x${eq}': ${key} planted ${t.value}, stated ${read.exact ?? read.value}${read.exact ? ` (= ${read.exactValue})` : ' (not snapped)'}`);
    }
  assert.deepEqual(notExact, [], `${sys.dataset.source}, noise ${sigma}: constants not stated exactly in ${best.law.id}: ${writeTerms(best.terms)}\n  laws:\n  ${describeLaws(laws)}`);
}

test('Hénon maps (a ∈ {1.4, 1.2, 1.1}, b ∈ {0.3, 0.2}) are reported with exactly their terms and exact a, b', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record({ seed, a: fc.constantFrom(1.4, 1.2, 1.1), b: fc.constantFrom(0.3, 0.2), noiseDims: fc.integer({ min: 0, max: 2 }), noise, ...size }),
      async (c) => {
        const sys = henon(c);
        const { laws } = await fitInline(sys.dataset);
        assertPlantedMapReported(sys, laws, c.noise);
        // 1, −a, 1 and b are short exact constants the data pin down (noise ≤ 1e-4 on orbits of size 1).
        assertExactConstants(sys, laws, c.noise);
      },
    ),
    { numRuns: 8, seed: 1403, endOnFailure: true, includeErrorInReport: true },
  );
});

const smallTermCase = fc.record({
  system: fc.constantFrom('deep-koopman-decimal' as const, 'deep-koopman-flow' as const, 'lotka-volterra' as const),
  seed,
  noiseDims: fc.integer({ min: 0, max: 2 }),
  noise,
  ...size,
});

function build(c: { system: 'deep-koopman-decimal' | 'deep-koopman-flow' | 'lotka-volterra'; seed: number; noiseDims: number; noise: number; trajectories: number; steps: number }): PolynomialSystem {
  if (c.system === 'lotka-volterra') return lotkaVolterraMap(c);
  return deepKoopmanMap({ ...c, ...(c.system === 'deep-koopman-decimal' ? DEEP_KOOPMAN_DECIMAL : DEEP_KOOPMAN_FLOW) });
}

test('the DeepKoopman map (c = 0.0198) and the Lotka–Volterra Euler map are reported in full: small terms are not thresholded away', async () => {
  await fc.assert(
    fc.asyncProperty(smallTermCase, async (c) => {
      const sys = build(c);
      const { laws } = await fitInline(sys.dataset);
      assertPlantedMapReported(sys, laws, c.noise);
    }),
    { numRuns: 10, seed: 1404, endOnFailure: true, includeErrorInReport: true },
  );
});

test('noise-free, the decimals 0.999, 0.98, 0.0198 and 1.01, 0.005, 0.99, 0.002 are stated exactly', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record({ system: fc.constantFrom('deep-koopman-decimal' as const, 'lotka-volterra' as const), seed, noiseDims: fc.integer({ min: 0, max: 1 }), noise: fc.constant(0), ...size }),
      async (c) => {
        const sys = build(c);
        const { laws } = await fitInline(sys.dataset);
        assertPlantedMapReported(sys, laws, 0);
        assertExactConstants(sys, laws, 0);
      },
    ),
    { numRuns: 5, seed: 1405, endOnFailure: true, includeErrorInReport: true },
  );
});
