/**
 * A law's residuals computed column by column over a block (the kernels of every pass over all
 * transitions) equal the plain per-transition formula, bit for bit: |u' − W φ(u)| for maps and
 * |Σ c (φ(u') − φ(u))| / scale for invariants, each sum running from 0 in the order of the features.
 */
import { FeatureCatalog } from '../../../src/engine/model/features.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BlockResidual } from '../../../src/engine/passes/block-residual.ts';
import { transitionStream } from '../../../src/engine/passes/stream.ts';
import { mulberry32 } from '../../../src/random.ts';

const FEATURES = ['u1', 'u2', '1', 'u1^2', 'u1*u2', 'u2^2'];

test('BlockResidual.block gives the per-transition residual of maps and invariants exactly', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 1e6 }),
      fc.integer({ min: 3, max: 2600 }),
      fc.constantFrom<'map' | 'invariant'>('map', 'invariant'),
      fc.shuffledSubarray([0, 1, 2, 3, 4, 5], { minLength: 1 }),
      fc.double({ min: 0.1, max: 10, noNaN: true }),
      (seed, n, role, cols, scale) => {
        const rand = mulberry32(seed);
        const dim = 3;
        const states = Float64Array.from({ length: (n + 1) * dim }, () => 4 * rand() - 2);
        // Two trajectories, so some transitions' second states are not the block's next row.
        const cut = Math.floor(n / 2);
        const starts = Uint32Array.from({ length: n - 1 }, (_, t) => (t < cut ? t : t + 1));
        const stream = transitionStream({ states, dim, starts }, [[0.6, 0.8, 0], [0, 0, 1]], FEATURES, new FeatureCatalog());
        const rows = role === 'map' ? 2 : 1;
        const W = Array.from({ length: rows }, () => cols.map(() => 2 * rand() - 1));
        const residual = new BlockResidual(role, 2, cols, W, role === 'map' ? 1 : scale);
        const r = new Float64Array(1024);
        let checked = 0;
        stream.run(null, (b) => {
          residual.block(b, r);
          const R = b.stride;
          for (let i = 0; i < b.count; i++) {
            const v = b.vRow[i];
            let want: number;
            if (role === 'map') {
              let s2 = 0;
              for (let q = 0; q < 2; q++) {
                let pred = 0;
                for (let j = 0; j < cols.length; j++) pred += W[q][j] * b.Phi[cols[j] * R + i];
                const e = b.X[v * 2 + q] - pred;
                s2 += e * e;
              }
              want = Math.sqrt(s2);
            } else {
              let d = 0;
              for (let j = 0; j < cols.length; j++) d += W[0][j] * (b.Phi[cols[j] * R + v] - b.Phi[cols[j] * R + i]);
              want = Math.abs(d) / scale;
            }
            assert.ok(Object.is(r[i], want), `transition ${b.t[i]}: ${r[i]} vs ${want}`);
            checked++;
          }
        });
        assert.equal(checked, n - 1);
      },
    ),
    { numRuns: 200, seed: 20261123 },
  );
});
