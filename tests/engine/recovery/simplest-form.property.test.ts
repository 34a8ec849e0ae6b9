/**
 * The simplest exact form, not a denser one that fits a little better.
 * - The leapfrog pendulum conserves a modified energy h-close to H = p²/2 − cos q; a dense library
 *   invariant can follow that modification more closely than p² − 2 cos q, but what the researcher
 *   needs to read is the energy: exactly the two terms p² and cos q, in ratio −2.
 * - Two independent rotations in 4-D are two laws, each with its plane and angle; one orthogonal 4-D
 *   map restates both less clearly and must not be ranked first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Law } from '../../../src/types.ts';
import { fitInline } from '../helpers.ts';
import { correlationOf, describeLaws, invariantOnStates, spanDistance } from './claims.ts';
import { leapfrogPendulum, pendulumEnergy, stateRows, twoRotations } from './systems.ts';

/** The invariant's nonzero terms with its variables named by the data coordinates (z0 = q, z1 = p) they are, up to sign. */
function termsInDataCoordinates(law: Law): Map<string, number> | string {
  const names = ['q', 'p'];
  const rename = new Map<string, string>();
  for (const [a, row] of law.subspace.basis.entries()) {
    const j = row.findIndex((w) => Math.abs(Math.abs(w) - 1) < 1e-12);
    if (j < 0) return `basis row ${a + 1} is not a coordinate axis: ${JSON.stringify(row)}`;
    rename.set(law.model.variables[a], names[j]);
  }
  const terms = new Map<string, number>();
  law.model.features.forEach((f, i) => {
    const c = law.model.coefficients[0][i];
    if (c === 0) return;
    const named = f.replace(/u\d+/g, (v) => rename.get(v) ?? v).replace(/\s+/g, '').replace(/^\((\w)\)/, '$1');
    terms.set(named, c);
  });
  return terms;
}

test('the leapfrog pendulum\'s energy is reported as exactly p² and cos q in ratio −2', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        seed: fc.integer({ min: 1, max: 1_000_000 }),
        h: fc.double({ min: 0.01, max: 0.05, noNaN: true }),
        trajectories: fc.integer({ min: 10, max: 30 }),
        steps: fc.integer({ min: 40, max: 120 }),
      }),
      async (c) => {
        const sys = leapfrogPendulum(c);
        const result = await fitInline(sys.dataset);
        const energy = stateRows(sys.dataset).map(([q, p]) => pendulumEnergy(q, p));
        // The energy invariants: every reported invariant that is a function of H over the data.
        const found = result.laws.filter((l) => l.role === 'invariant' && Math.abs(correlationOf(invariantOnStates(l, sys.dataset), energy)) > 0.999);
        assert.ok(found.length > 0, `${sys.dataset.source}: no energy invariant; laws:\n  ${describeLaws(result.laws)}`);
        for (const law of found) {
          const terms = termsInDataCoordinates(law);
          assert.ok(typeof terms !== 'string', `${law.id}: ${terms}`);
          const written = [...terms].map(([f, v]) => `${v}·${f}`).join(' + ');
          assert.deepEqual([...terms.keys()].sort(), ['cos(q)', 'p^2'], `${sys.dataset.source}: ${law.id} is I = ${written}, not the two terms p², cos q`);
          const ratio = terms.get('cos(q)')! / terms.get('p^2')!;
          assert.ok(Math.abs(ratio + 2) <= 2e-3, `${sys.dataset.source}: ${law.id}: cos q / p² = ${ratio}, not −2 within 1e-3 (I = ${written})`);
        }
      },
    ),
    { numRuns: 8, seed: 401, endOnFailure: true, includeErrorInReport: true },
  );
});

test('two independent rotations in 4-D are reported as two rotations, not as one 4-D map ranked first', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.record({
        seed: fc.integer({ min: 1, max: 1_000_000 }),
        // Distinct angles, so that the two planes are the only invariant planes.
        theta1: fc.double({ min: 0.15, max: 1.4, noNaN: true }),
        theta2: fc.double({ min: 1.6, max: 2.9, noNaN: true }),
        noise: fc.oneof(fc.constant(0), fc.double({ min: 1e-7, max: 1e-4, noNaN: true })),
        mix: fc.boolean(),
        trajectories: fc.integer({ min: 10, max: 30 }),
        steps: fc.integer({ min: 40, max: 120 }),
      }),
      async (c) => {
        const sys = twoRotations(c);
        const result = await fitInline(sys.dataset);
        const list = `laws:\n  ${describeLaws(result.laws)}`;
        const rotations = sys.truths.map((truth) => {
          const law = result.laws.find((l) => l.family === 'rotation' && spanDistance(l.subspace.basis, truth.basis) < 1e-2);
          assert.ok(law, `${sys.dataset.source}: no rotation on the plane of angle ${truth.angle}; ${list}`);
          const theta = law.parameters.find((p) => p.name === 'theta')!.value;
          // The basis may have either orientation, which flips the sign of the angle.
          assert.ok(Math.abs(Math.abs(theta) - truth.angle!) < 1e-3, `${law.id}: angle ${theta}, planted ${truth.angle}`);
          return law;
        });
        assert.ok(rotations.includes(result.laws[0]), `${sys.dataset.source}: ranked first is ${result.laws[0]?.id}, not one of the rotations; ${list}`);
        const lastRotation = Math.max(...rotations.map((l) => l.rank));
        const wholeMaps = result.laws.filter((l) => l.role === 'map' && l.subspace.basis.length > 2 && l.rank < lastRotation);
        assert.deepEqual(wholeMaps.map((l) => l.id), [], `${sys.dataset.source}: a map over both planes ranks above a rotation; ${list}`);
      },
    ),
    { numRuns: 10, seed: 402, endOnFailure: true, includeErrorInReport: true },
  );
});
