/**
 * Linear and affine maps hidden in a random subspace among noise dimensions are recovered with a
 * relative Frobenius error below 1e-3 (compared as full-space operators, so the basis the engine
 * chose does not matter).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { plantLaw } from '../../../src/planted.ts';
import { matmul, transpose } from '../../../src/engine/kernels/linalg.ts';
import type { Law } from '../../../src/types.ts';
import { fitInline } from '../helpers.ts';
import { fullSpaceMap, planeError } from './compare.ts';

const mapCase = fc.record({
  kind: fc.constantFrom('linear' as const, 'affine' as const),
  seed: fc.integer({ min: 1, max: 1_000_000 }),
  lawDim: fc.integer({ min: 2, max: 4 }),
  noiseDims: fc.integer({ min: 0, max: 6 }),
  noise: fc.double({ min: 0, max: 1e-3, noNaN: true }),
  outliers: fc.double({ min: 0, max: 0.05, noNaN: true }),
});

const frob = (m: number[][]) => Math.sqrt(m.flat().reduce((s, v) => s + v * v, 0));

test('a planted linear or affine map is recovered within relative Frobenius error 1e-3', async () => {
  await fc.assert(
    fc.asyncProperty(mapCase, async (c) => {
      const { dataset, truth } = plantLaw({ ...c, trajectories: 20, steps: 40 });
      const result = await fitInline(dataset);
      const B = truth.basis;
      const trueA = matmul(matmul(transpose(B), truth.A!), B);
      const trueB = transpose(B).map((col) => col.reduce((s, v, i) => s + v * (truth.b?.[i] ?? 0), 0));
      // A map its modes decompose is stated as those modes, with the whole map as an alternative.
      const stated = result.laws.flatMap((l) => [l, ...(l.alternatives ?? [])]);
      const candidates = stated.filter((l) => l.role === 'map' && planeError(l as Law, B) < 1e-2 && ['linear', 'affine', 'orthogonal', 'damped_rotation', 'rotation', 'scaling'].includes(l.family)) as Law[];
      assert.ok(candidates.length > 0, `no map law on the planted ${c.lawDim}-D subspace; found ${result.laws.map((l) => `${l.id} (${planeError(l, B).toExponential(1)})`).join(', ')}`);
      const errors = candidates.map((law) => {
        const { A, b } = fullSpaceMap(law);
        const dA = frob(A.map((row, i) => row.map((v, j) => v - trueA[i][j]))) / frob(trueA);
        const db = Math.hypot(...b.map((v, i) => v - trueB[i])) / Math.max(1, Math.hypot(...trueB));
        return Math.max(dA, db);
      });
      assert.ok(Math.min(...errors) < 1e-3, `relative error ${Math.min(...errors).toExponential(2)}`);
    }),
    { numRuns: 10, seed: 7, endOnFailure: true },
  );
});
