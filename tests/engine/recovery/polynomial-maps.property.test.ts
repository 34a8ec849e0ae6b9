/**
 * Polynomial maps in 3 and 4 dimensions, as users bring them: a stable linear part with a few small
 * quadratic couplings, or one Euler step of Lorenz. A library map on the system's coordinates must be
 * reported with exactly the planted terms (none thresholded away, however small; none added) and
 * coefficients within 1e-3. The grammar is the default one: library laws on subspaces of up to four
 * dimensions are part of what a user gets without configuring anything.
 *
 * Library terms are not rotation invariant (x² in one basis is a full quadratic form in another), so
 * these systems sit on data coordinates (at random positions, possibly beside pure-noise coordinates)
 * and the law is read back in them, whatever order and signs the engine's basis has.
 */
import { test } from 'node:test';
import fc from 'fast-check';
import { fitInline } from '../helpers.ts';
import { assertPlantedMapReported } from './library-terms.ts';
import { lorenzEuler, polynomialMap } from './systems-nonlinear.ts';

const seed = fc.integer({ min: 1, max: 1_000_000 });
const size = { trajectories: fc.integer({ min: 20, max: 40 }), steps: fc.integer({ min: 50, max: 100 }) };
const noise = fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 1e-4, noNaN: true }));

test('a sparse polynomial map in 3-D or 4-D, with terms down to 0.5 % of the largest, is reported with exactly its terms', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record({ seed, lawDim: fc.constantFrom(3, 4), noiseDims: fc.integer({ min: 0, max: 2 }), noise, ...size }),
      async (c) => {
        const sys = polynomialMap(c);
        const result = await fitInline(sys.dataset);
        assertPlantedMapReported(sys, result.laws, c.noise);
      },
    ),
    { numRuns: 10, seed: 1401, endOnFailure: true, includeErrorInReport: true },
  );
});

test('one Euler step of Lorenz (h = 0.001–0.005), beside up to three noise coordinates, is reported as its quadratic map, the −h·xz and h·xy terms included', async () => {
  await fc.assert(
    fc.asyncProperty(
      // h a decimal (10–50 × 1e-4), as a user steps an integrator.
      fc.record({ seed, h: fc.integer({ min: 10, max: 50 }).map((n) => n / 10_000), noiseDims: fc.integer({ min: 0, max: 3 }), noise, ...size }),
      async (c) => {
        const sys = lorenzEuler(c);
        const result = await fitInline(sys.dataset);
        assertPlantedMapReported(sys, result.laws, c.noise);
      },
    ),
    { numRuns: 6, seed: 1402, endOnFailure: true, includeErrorInReport: true },
  );
});
