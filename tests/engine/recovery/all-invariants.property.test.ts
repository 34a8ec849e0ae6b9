/**
 * Every independent invariant, on subspaces of up to four dimensions, with the default grammar.
 * - The free rigid body conserves |L|² and L1² + L2²/2 + L3²/3: the quadratic invariants of its data
 *   form a 2-D space, and a user needs both, not one combination of them. However the engine picks its
 *   basis of that space (the simplest forms are two-term combinations such as 3L1² − L3²), each true
 *   invariant must be an affine combination of the reported invariants: the best such combination
 *   correlates with it at |corr| > 0.999 over the data.
 * - Planar Kepler integrated by leapfrog conserves the angular momentum x·py − y·px exactly (a
 *   quadratic form on the 4-D state): an invariant correlating with it at |corr| > 0.999 is reported.
 * Quadratic forms stay quadratic forms in any orthonormal basis, so both systems are also placed in
 * random bases, beside a pure-noise coordinate or not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fitInline } from '../helpers.ts';
import { correlationOf, describeLaws } from './claims.ts';
import { invariantSeries, reportedInvariants, spanCorrelation } from './library-terms.ts';
import { angularMomentum, keplerLeapfrog, rigidBody, rigidBodyEnergy, rigidBodyNormSquared } from './systems-nonlinear.ts';
import { stateRows, type System } from './systems.ts';

const seed = fc.integer({ min: 1, max: 1_000_000 });
const size = { trajectories: fc.integer({ min: 20, max: 40 }), steps: fc.integer({ min: 50, max: 100 }) };
const placement = fc.constantFrom('coordinates' as const, 'mixed' as const);

/** A function of the law's coordinates u = basis · z, evaluated on every state of the data. */
const onStates = (sys: System, f: (u: number[]) => number) => stateRows(sys.dataset).map((z) => f(sys.truths[0].basis.map((b) => b.reduce((s, w, j) => s + w * z[j], 0))));

test('the rigid body\'s |L|² and L1² + L2²/2 + L3²/3 both lie in the span of the reported invariants', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        seed,
        h: fc.double({ min: 0.05, max: 0.2, noNaN: true }),
        placement,
        noiseDims: fc.integer({ min: 0, max: 1 }),
        noise: fc.oneof(fc.constant(0), fc.double({ min: 1e-6, max: 1e-4, noNaN: true })),
        ...size,
      }),
      async (c) => {
        const sys = rigidBody(c);
        const { laws } = await fitInline(sys.dataset);
        const invariants = reportedInvariants(laws);
        const series = invariantSeries(invariants, sys.dataset);
        const truths = { '|L|²': onStates(sys, rigidBodyNormSquared), 'L1² + L2²/2 + L3²/3': onStates(sys, (L) => rigidBodyEnergy(L)) };
        const each = invariants.map((l, i) => `${l.id}: ${Object.entries(truths).map(([name, t]) => `corr with ${name} ${correlationOf(series[i], t).toFixed(4)}`).join(', ')}`);
        for (const [name, values] of Object.entries(truths)) {
          const r = spanCorrelation(series, values);
          assert.ok(r > 0.999, `${sys.dataset.source} (${c.placement}, noise ${c.noise}): ${name} is not in the span of the reported invariants (best combination correlates ${r.toFixed(4)})\n  invariants:\n  ${each.join('\n  ') || '(none)'}\n  laws:\n  ${describeLaws(laws)}`);
        }
      },
    ),
    { numRuns: 8, seed: 1406, endOnFailure: true, includeErrorInReport: true },
  );
});

test('leapfrog Kepler\'s angular momentum x·py − y·px is reported, noise-free and with noise 1e-5', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        seed,
        h: fc.double({ min: 0.01, max: 0.05, noNaN: true }),
        placement,
        noiseDims: fc.integer({ min: 0, max: 1 }),
        noise: fc.constantFrom(0, 1e-5),
        ...size,
      }),
      async (c) => {
        const sys = keplerLeapfrog(c);
        const { laws } = await fitInline(sys.dataset);
        const invariants = reportedInvariants(laws);
        const truth = onStates(sys, angularMomentum);
        const scores = invariantSeries(invariants, sys.dataset).map((v) => Math.abs(correlationOf(v, truth)));
        const best = Math.max(0, ...scores);
        assert.ok(best > 0.999, `${sys.dataset.source} (${c.placement}, noise ${c.noise}): no invariant correlates with x·py − y·px (best |corr| ${best.toFixed(4)})\n  invariants: ${invariants.map((l, i) => `${l.id} (${scores[i].toFixed(4)})`).join(', ') || '(none)'}\n  laws:\n  ${describeLaws(laws)}`);
      },
    ),
    { numRuns: 8, seed: 1407, endOnFailure: true, includeErrorInReport: true },
  );
});

test('leapfrog Kepler in a random basis beside a noise coordinate, with measurement noise 1e-5', async () => {
  // The 4-D subspace estimated from the linear operator tilts about 1e-4 into the noise coordinate, and
  // the angular momentum on it drifts; the quadratic invariant on the whole 5-D space is exact.
  const sys = keplerLeapfrog({ seed: 836245, h: 0.05, placement: 'mixed', noiseDims: 1, noise: 1e-5, trajectories: 37, steps: 54 });
  const { laws } = await fitInline(sys.dataset);
  const truth = onStates(sys, angularMomentum);
  const best = Math.max(0, ...invariantSeries(reportedInvariants(laws), sys.dataset).map((v) => Math.abs(correlationOf(v, truth))));
  assert.ok(best > 0.999, `best |corr| ${best.toFixed(4)}`);
});
