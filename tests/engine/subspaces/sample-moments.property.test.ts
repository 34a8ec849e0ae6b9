/**
 * The refinement's sample moments (blocked, on the moment kernels) equal centred sums taken one
 * transition at a time, for any dimension, sample, mask and block-spanning size; so do a trimmed
 * set's moments taken from the whole sample's by subtracting the transitions set aside.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { type MaskedMomentsStorage, maskedSampleMoments, sampleCentredMoments } from '../../../src/engine/subspaces/sample-moments.ts';
import { mulberry32 } from '../../../src/random.ts';

test('centred moments of a masked sample equal the plain sums', () => {
  fc.assert(
    fc.property(
      fc.record({
        dim: fc.integer({ min: 1, max: 9 }),
        rows: fc.integer({ min: 2, max: 700 }),
        seed: fc.integer({ min: 1, max: 1e9 }),
        masked: fc.boolean(),
        kept: fc.constantFrom(0.3, 0.7, 0.97),
        fromWhole: fc.boolean(),
      }),
      ({ dim, rows, seed, masked, kept, fromWhole }) => {
        const rand = mulberry32(seed);
        const states = Float64Array.from({ length: (rows + 1) * dim }, () => 10 * rand() - 3);
        const starts = Uint32Array.from({ length: rows }, (_, t) => t);
        const idx = Uint32Array.from({ length: Math.ceil(rows / 2) }, (_, i) => Math.min(rows - 1, 2 * i));
        const mask = masked ? Uint8Array.from(idx, () => (rand() < kept ? 1 : 0)) : null;
        const got =
          mask && fromWhole
            ? maskedSampleMoments(sampleCentredMoments(states, dim, starts, idx, null), states, dim, starts, idx, mask)
            : sampleCentredMoments(states, dim, starts, idx, mask);
        const used = [...idx].filter((_, i) => !mask || mask[i]);
        const at = (t: number, j: number, ahead: number) => states[(starts[t] + ahead) * dim + j];
        const mean = (j: number, ahead: number) => used.reduce((s, t) => s + at(t, j, ahead), 0) / Math.max(used.length, 1);
        const sum = (p: number, pa: number, q: number, qa: number) => used.reduce((s, t) => s + (at(t, p, pa) - mean(p, pa)) * (at(t, q, qa) - mean(q, qa)), 0);
        for (let p = 0; p < dim; p++) {
          for (const [name, means, ahead] of [['meanX', got.meanX, 0], ['meanY', got.meanY, 1]] as const) {
            assert.ok(Math.abs(means[p] - mean(p, ahead)) <= 1e-12 * 10, `${name}[${p}] = ${means[p]}, want ${mean(p, ahead)}`);
          }
          for (let q = 0; q < dim; q++) {
            for (const [name, M, pa, qa] of [['cxx', got.cxx, 0, 0], ['cyx', got.cyx, 1, 0], ['cyy', got.cyy, 1, 1]] as const) {
              const want = sum(p, pa, q, qa);
              assert.ok(Math.abs(M[p][q] - want) <= 1e-10 * (1 + Math.abs(want)) * used.length, `${name}[${p}][${q}] = ${M[p][q]}, want ${want}`);
            }
          }
        }
      },
    ),
    { numRuns: 200, seed: 5150 },
  );
});

test('trimmed rounds that reuse one storage get the moments fresh arrays would, bit for bit', () => {
  fc.assert(
    fc.property(
      fc.record({ dim: fc.integer({ min: 1, max: 7 }), rows: fc.integer({ min: 4, max: 600 }), seed: fc.integer({ min: 1, max: 1e9 }), rounds: fc.integer({ min: 2, max: 4 }) }),
      ({ dim, rows, seed, rounds }) => {
        const rand = mulberry32(seed);
        const states = Float64Array.from({ length: (rows + 1) * dim }, () => 10 * rand() - 3);
        const starts = Uint32Array.from({ length: rows }, (_, t) => t);
        const idx = Uint32Array.from({ length: rows }, (_, t) => t);
        const whole = sampleCentredMoments(states, dim, starts, idx, null);
        const reuse: MaskedMomentsStorage = {};
        const returned: number[][][] = [];
        for (let r = 0; r < rounds; r++) {
          // Mostly kept, as in a trimmed refit (fewer kept than set aside is summed afresh).
          const mask = Uint8Array.from(idx, () => (rand() < 0.9 ? 1 : 0));
          const fresh = maskedSampleMoments(whole, states, dim, starts, idx, mask);
          const reused = maskedSampleMoments(whole, states, dim, starts, idx, mask, reuse);
          assert.deepEqual(reused, fresh, `round ${r}`);
          returned.push(reused.cxx);
        }
        // The storage is filled again, not replaced, and the whole sample's moments are left alone.
        assert.ok(returned.every((m) => m === returned[0]));
        assert.deepEqual(whole, sampleCentredMoments(states, dim, starts, idx, null));
      },
    ),
    { numRuns: 100, seed: 6061 },
  );
});
