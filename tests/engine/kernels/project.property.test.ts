/**
 * The projector's fast paths (all rows of a dense plane or small subspace at once; copies for unit
 * rows) give exactly the plain per-row sums of projectState (up to the sign of a zero), and the
 * block projector gives what the per-state projector gives, state by state.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { blockProjector, projectState, projector } from '../../../src/engine/kernels/project.ts';

const SEED = 20240615;
const value = fc.double({ min: -50, max: 50, noNaN: true });

/** Bases of one to five rows over `dim` coordinates, each row dense or a unit vector. */
const bases = (dim: number) =>
  fc.array(fc.oneof(fc.array(value, { minLength: dim, maxLength: dim }), fc.integer({ min: 0, max: dim - 1 }).map((c) => Array.from({ length: dim }, (_, j) => (j === c ? 1 : 0)))), { minLength: 1, maxLength: 5 });

test('projector equals the plain projection exactly, for dense, unit and mixed bases', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 9 }).chain((dim) =>
        fc.tuple(
          fc.constant(dim),
          bases(dim),
          fc.array(value, { minLength: 3 * dim, maxLength: 3 * dim }),
        ),
      ),
      ([dim, basis, data]) => {
        const states = Float64Array.from(data);
        const k = basis.length;
        const project = projector(basis, dim);
        for (let s = 0; s < 3; s++) {
          const got = new Float64Array(k + 2);
          project(states, s, got, 1);
          const want = new Float64Array(k);
          projectState(states, dim, s, basis, want);
          // Equal as numbers: a unit row copies a -0 that the plain sum turns into +0.
          for (let a = 0; a < k; a++) assert.ok(got[1 + a] === want[a], `state ${s} row ${a}: ${got[1 + a]} vs ${want[a]}`);
        }
      },
    ),
    { numRuns: 500, seed: SEED },
  );
});

test('blockProjector projects any list of states as the plain projection does', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 9 }).chain((dim) =>
        fc.tuple(
          fc.constant(dim),
          bases(dim),
          fc.array(value, { minLength: 4 * dim, maxLength: 4 * dim }),
          fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 0, maxLength: 12 }),
          fc.integer({ min: 0, max: 3 }),
        ),
      ),
      ([dim, basis, data, rows, at]) => {
        const states = Float64Array.from(data);
        const k = basis.length;
        const got = new Float64Array((at + rows.length) * k).fill(7);
        blockProjector(basis, dim)(states, Int32Array.from(rows), rows.length, got, at);
        // Against the plain projection, state by state (projector itself is this kernel on one row).
        const want = new Float64Array((at + rows.length) * k).fill(7);
        rows.forEach((s, i) => projectState(states, dim, s, basis, want.subarray((at + i) * k, (at + i + 1) * k)));
        for (let i = 0; i < want.length; i++) assert.ok(got[i] === want[i], `entry ${i}: ${got[i]} vs ${want[i]}`);
      },
    ),
    { numRuns: 500, seed: SEED },
  );
});
