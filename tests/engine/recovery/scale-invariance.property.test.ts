/**
 * Laws do not depend on units or origin. Fitting c·z + b, for any c in [1e-150, 1e150] and any shift b,
 * gives the laws of z: the same families on the same subspaces with the same angles and rates, and the
 * same predictions carried over (a map's offset becomes c·b_map + (P − A)·b). And data with values
 * around 1e200 give a result or a one-line error, never a search that does not end.
 *
 * The fits run in a child process with a time limit, so that a fit that never returns fails its test
 * instead of stalling the whole run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Dataset, Law } from '../../../src/types.ts';
import { correlationOf, describeLaws, invariantOnStates, mapPredictions, rmsDistance, spanDistance } from './claims.ts';
import { fitInChild, transformedData, type ChildSpec } from './fit-in-child.ts';

/** Parameters that do not change with units: angles, rotation moduli, scaling factors. */
const SCALE_FREE = ['theta', 'rho', 'a'];

/**
 * `slack`: the statistical part of the difference allowed, relative to the data's scale. Scaling alone
 * changes nothing but rounding (slack 0). A shift moves the origin: a law about the origin in z becomes
 * a law about another point in c·z + b, whose offset is estimated from noisy data, so its parameters
 * may move by a fraction of the noise's standard error.
 */
function assertSameLaws(allBase: Law[], allScaled: Law[], data: Dataset, scaledData: Dataset, c: number, shift: number[], slack: number, what: string): void {
  // Terms such as sin u mean something only in the data's own units (far from unit magnitude they are
  // left out of the search): the claim is about laws whose terms scale, which these are.
  const scaleFree = (l: Law) => l.model.features.every((f) => f === '1' || /^u\d+(\s*\^\s*2|\s*\*\s*u\d+)?$/.test(f));
  const base = allBase.filter(scaleFree);
  const scaled = allScaled.filter(scaleFree);
  const lists = `laws of z:\n  ${describeLaws(base)}\nlaws of c·z + b:\n  ${describeLaws(scaled)}`;
  assert.deepEqual(scaled.map((l) => `${l.role} ${l.family}`), base.map((l) => `${l.role} ${l.family}`), `${what}: different laws\n${lists}`);
  base.forEach((law, i) => {
    const other = scaled[i];
    const gap = spanDistance(law.subspace.basis, other.subspace.basis);
    assert.ok(gap < 1e-6, `${what}: ${law.id} vs ${other.id}: subspaces ${gap} rad apart\n${lists}`);
    for (const name of SCALE_FREE) {
      const p = law.parameters.find((q) => q.name === name);
      const q = other.parameters.find((r) => r.name === name);
      if (!p) continue;
      assert.ok(q, `${what}: ${other.id} has no parameter ${name}`);
      // A basis of the other orientation flips the sign of an angle.
      const [x, y] = name === 'theta' ? [Math.abs(p.value), Math.abs(q.value)] : [p.value, q.value];
      assert.ok(Math.abs(x - y) < 1e-6 + slack, `${what}: ${law.id}: ${name} = ${p.value} for z, ${q.value} for c·z + b`);
    }
    assert.ok(Math.abs(law.metrics.inlierFraction - other.metrics.inlierFraction) <= 0.005, `${what}: ${law.id}: inlier fraction ${law.metrics.inlierFraction} for z, ${other.metrics.inlierFraction} for c·z + b`);
    if (law.role === 'map') {
      // The prediction at c·z + b is c·(prediction at z) + P·b, P the projector onto the law's subspace:
      // this checks the whole map, offset included.
      const B = other.subspace.basis;
      const Pb = Array.from({ length: data.dim }, (_, j) => B.reduce((s, row) => s + row[j] * row.reduce((t, w, k) => t + w * shift[k], 0), 0));
      const mine = mapPredictions(law, data).predicted.map((p) => p.map((v, j) => c * v + Pb[j]));
      const theirs = mapPredictions(other, scaledData).predicted;
      const size = rmsDistance(mine.map((p) => p.map((v, j) => v - Pb[j])), mine.map((p) => p.map(() => 0)));
      const err = rmsDistance(mine, theirs);
      assert.ok(err <= (1e-6 + slack) * size, `${what}: ${law.id}: predictions differ by ${(err / size).toExponential(2)} of their size`);
    } else {
      const r = Math.abs(correlationOf(invariantOnStates(law, data), invariantOnStates(other, scaledData)));
      assert.ok(r > 1 - 1e-6 - slack, `${what}: ${law.id}: invariants correlate ${r}`);
    }
  });
}

const planted = fc.oneof(
  // A rotation in a random plane among noise dimensions.
  fc.record({
    kind: fc.constant('rotation' as const),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    noiseDims: fc.integer({ min: 0, max: 4 }),
    angle: fc.double({ min: 0.15, max: 2.9, noNaN: true }),
    noise: fc.double({ min: 0, max: 1e-3, noNaN: true }),
    trajectories: fc.integer({ min: 10, max: 30 }),
    steps: fc.integer({ min: 40, max: 120 }),
  }),
  // An affine map on a random subspace among noise dimensions.
  fc.record({
    kind: fc.constant('affine' as const),
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    lawDim: fc.integer({ min: 2, max: 3 }),
    noiseDims: fc.integer({ min: 0, max: 3 }),
    noise: fc.double({ min: 0, max: 1e-3, noNaN: true }),
    trajectories: fc.integer({ min: 10, max: 30 }),
    steps: fc.integer({ min: 40, max: 120 }),
  }),
);

test('fitting c·z + b (c from 1e-150 to 1e150, any shift) gives the laws of z, transformed', async () => {
  await fc.assert(
    fc.asyncProperty(
      planted,
      fc.double({ min: -150, max: 150, noNaN: true }),
      // The shift's size relative to the data (of order 1 before scaling): up to 100 times it, where the
      // rounding of c·z + b still leaves z's digits far below the measurement noise.
      fc.constantFrom(0, 1, 100),
      fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 9, maxLength: 9 }),
      async (plant, log10c, shiftSize, direction) => {
        const d = (plant.kind === 'affine' ? plant.lawDim : 2) + plant.noiseDims;
        const c = 10 ** log10c;
        const shift = direction.slice(0, d).map((v) => c * shiftSize * v);
        const spec: ChildSpec = { plant: { ...plant, outliers: 0 }, transforms: [{ log10c: 0, shift: new Array(d).fill(0) }, { log10c, shift }] };
        const out = await fitInChild(spec, 45_000);
        const what = `${plant.kind} (seed ${plant.seed}) scaled by 1e${log10c.toFixed(1)}, shifted by ${shiftSize}·c`;
        assert.notEqual(out, 'timeout', `${what}: the fits did not finish within 45 s`);
        if (out === 'timeout') return;
        const [base, scaled] = out;
        assert.equal(base.outcome, 'ok', `fit of z failed: ${JSON.stringify(base)}`);
        assert.equal(scaled.outcome, 'ok', `${what}: ${JSON.stringify(scaled)}`);
        if (base.outcome !== 'ok' || scaled.outcome !== 'ok') return;
        const data = transformedData(spec, spec.transforms[0]);
        // Ten standard errors of a mean over all transitions, for signals of order 1.
        const slack = shiftSize === 0 ? 0 : (10 * plant.noise) / Math.sqrt(data.offsets[data.offsets.length - 1]);
        assertSameLaws(base.laws, scaled.laws, data, transformedData(spec, spec.transforms[1]), c, shift, slack, what);
      },
    ),
    { numRuns: 10, seed: 501, endOnFailure: true, includeErrorInReport: true },
  );
});

test('data with values around 1e200 give a result or a one-line error within 30 s', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 1_000_000 }), fc.double({ min: 180, max: 220, noNaN: true }), async (seed, log10c) => {
      const spec: ChildSpec = { plant: { kind: 'rotation', seed, noiseDims: 1, angle: 0.4, noise: 1e-4, outliers: 0, trajectories: 20, steps: 60 }, transforms: [{ log10c, shift: [0, 0, 0] }] };
      const out = await fitInChild(spec, 30_000);
      assert.notEqual(out, 'timeout', `data scaled by 1e${log10c.toFixed(1)}: the fit did not finish within 30 s`);
      if (out === 'timeout') return;
      const [r] = out;
      if (r.outcome === 'error') {
        // An error the user can act on, stated in one line (the CLI prints it as is); anything else is a crash.
        assert.ok(r.inputError, `an internal error, not a one-line input error: ${r.name}: ${r.message}`);
        assert.ok(r.message.length > 0 && !r.message.includes('\n'), `not one line: ${JSON.stringify(r.message)}`);
      } else {
        // A result must be readable: every number finite (JSON writes NaN and Infinity as null).
        for (const law of r.laws) {
          for (const p of law.parameters) assert.ok(typeof p.value === 'number' && Number.isFinite(p.value), `${law.id}: parameter ${p.name} = ${p.value}`);
          for (const [k, v] of Object.entries(law.metrics)) assert.ok(typeof v === 'number' && Number.isFinite(v), `${law.id}: metric ${k} = ${v}`);
        }
      }
    }),
    { numRuns: 3, seed: 502, endOnFailure: true, includeErrorInReport: true },
  );
});
