/**
 * The stride-1 lag-2 sums that the moment pass gathers from its own blocks equal those of a pass of
 * their own, for any chunk of the transitions: trajectories shorter and longer than a block, ends
 * inside a block and on its edge, chunks that stop before a trajectory's last transitions.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { accumulateLagged } from '../../../src/engine/moments/lagged.ts';
import { accumulateMoments } from '../../../src/engine/moments/moments.ts';
import { transitionStarts } from '../../../src/engine/moments/transitions.ts';
import { mulberry32 } from '../../../src/random.ts';

test('lag-2 sums from the moment blocks equal a separate lag-2 pass over any chunk', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 4 }), fc.array(fc.integer({ min: 2, max: 700 }), { minLength: 1, maxLength: 5 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (seed, dim, lengths, a, b) => {
      const rand = mulberry32(seed);
      const offsets = [0];
      for (const T of lengths) offsets.push(offsets[offsets.length - 1] + T);
      const states = Float64Array.from({ length: offsets[offsets.length - 1] * dim }, () => 3 + 2 * rand() - 1);
      const starts = transitionStarts(offsets);
      const n = starts.length;
      const [from, to] = [Math.floor(Math.min(a, b) * n), Math.ceil(Math.max(a, b) * n)];
      const shift = Array.from({ length: dim }, (_, j) => 3 + 0.1 * j);
      const want = accumulateLagged(states, dim, starts, shift, from, to, 1);
      const got = accumulateMoments(states, dim, starts, shift, from, to, true).lag!;
      assert.equal(got.n, want.n);
      const close = (x: Float64Array, y: Float64Array, what: string) =>
        y.forEach((v, i) => assert.ok(Math.abs(x[i] - v) <= 1e-9 * (1 + Math.abs(v)), `${what}[${i}]: ${x[i]} vs ${v}`));
      close(got.ahead, want.ahead, 'ahead');
      assert.equal(got.excluded!.count, want.excluded!.count);
      close(got.excluded!.rows!, want.excluded!.rows!, 'excluded');
    }),
    { numRuns: 80, seed: 21 },
  );
});
