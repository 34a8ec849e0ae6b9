/**
 * The moment pass in chunks: whatever order the chunks finish in and however many run at once, the
 * summed moments are the same to the bit (a result must not depend on the worker count), and no more
 * chunks are in flight than the lanes allow (each holds (2d+1)² sums: 42 MB at d = 1024).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { computeMoments, momentBuffers, momentChunk, momentChunks, type MomentTask } from '../../../src/engine/moments/stage.ts';
import { ExcludedSum } from '../../../src/engine/moments/excluded.ts';
import type { Moments } from '../../../src/engine/moments/moments.ts';
import { transitionStarts } from '../../../src/engine/moments/transitions.ts';
import { mulberry32 } from '../../../src/random.ts';

const DIM = 40;
const TRAJECTORIES = 12;
const STEPS = 2000;

/** Random walks of TRAJECTORIES × STEPS states in DIM dimensions: enough transitions for several chunks. */
function walks(seed: number) {
  const rand = mulberry32(seed);
  const states = new Float64Array(TRAJECTORIES * STEPS * DIM);
  for (let k = 0; k < TRAJECTORIES; k++)
    for (let t = 0; t < STEPS; t++)
      for (let j = 0; j < DIM; j++) {
        const i = (k * STEPS + t) * DIM + j;
        states[i] = (t === 0 ? 3 * rand() : states[i - DIM]) + rand() - 0.5;
      }
  const offsets = Array.from({ length: TRAJECTORIES + 1 }, (_, k) => k * STEPS);
  return { states, dim: DIM, starts: transitionStarts(offsets) };
}

const sameBits = (a: Float64Array | undefined, b: Float64Array | undefined, what: string) => {
  assert.equal(a === undefined, b === undefined, `${what}: present in one sum only`);
  if (a && b) assert.ok(Buffer.from(a.buffer).equals(Buffer.from(b.buffer)), `${what}: not the same bits`);
};

function sumInOrder(parts: Moments[]) {
  const add = (pick: (m: Moments) => Float64Array | undefined) => {
    const first = pick(parts[0]);
    if (!first) return undefined;
    const out = new Float64Array(first.length);
    for (const p of parts) pick(p)!.forEach((v, i) => (out[i] += v));
    return out;
  };
  const n = parts.reduce((a, p) => a + p.n, 0);
  const lagN = parts.reduce((a, p) => a + (p.lag?.n ?? 0), 0);
  const excluded = new ExcludedSum(2 * DIM + 1);
  for (const p of parts) excluded.add(p.lag!.excluded!);
  return { n, sums: add((p) => p.sums)!, lag: { n: lagN, excluded: excluded.result(), ahead: add((p) => p.lag?.ahead) } };
}

test('the chunked moment pass gives the same bits whatever the finishing order and lanes, within its lanes', async () => {
  const ctx = walks(7);
  assert.ok(momentChunks(ctx.starts.length, DIM) >= 4, 'the data should make several chunks');
  // The reference: every chunk in arrays of its own (not the pass's reused buffers), summed entry by
  // entry in chunk order.
  const parts: Moments[] = [];
  await computeMoments(ctx, async (task) => parts[parts.push(momentChunk(ctx, { ...task, into: undefined })) - 1], () => {});
  const inOrder = sumInOrder(parts);
  assert.ok(inOrder.lag.excluded.gram, 'twelve trajectory ends at d = 40 should be summed into their Gram');
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 8, maxLength: 8 }), async (lanes, delays) => {
      let inFlight = 0;
      let most = 0;
      let calls = 0;
      const run = (task: MomentTask) =>
        new Promise<Moments>((resolve) => {
          most = Math.max(most, ++inFlight);
          const result = momentChunk(ctx, task);
          setTimeout(() => {
            inFlight--;
            resolve(result);
          }, delays[calls++ % delays.length]);
        });
      let reported = 0;
      const got = await computeMoments(ctx, run, (done, total) => {
        assert.equal(done, ++reported);
        assert.equal(total, momentChunks(ctx.starts.length, DIM));
      }, lanes);
      assert.ok(most <= lanes, `${most} chunks in flight with ${lanes} lanes`);
      assert.equal(reported, momentChunks(ctx.starts.length, DIM));
      assert.equal(got.n, inOrder.n);
      sameBits(got.sums, inOrder.sums, 'sums');
      sameBits(got.lag?.excluded?.gram, inOrder.lag.excluded.gram, 'lag-2 left-out sums');
      sameBits(got.lag?.ahead, inOrder.lag?.ahead, 'lag-2 sums ahead');
      assert.equal(got.lag?.n, inOrder.lag?.n);
    }),
    { numRuns: 12, seed: 11 },
  );
});

test('a chunk written into shared buffers holds the sums of a chunk returned in arrays of its own, at any lag-2 stride', () => {
  const ctx = walks(3);
  const n = ctx.starts.length;
  fc.assert(
    fc.property(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 1, max: 3000 }), fc.constantFrom(1, 2, 5), (from, length, lagStride) => {
      const to = Math.min(n, from + length);
      const shift = Array.from({ length: DIM }, (_, j) => 0.5 * j);
      const own = momentChunk(ctx, { from, to, shift, lagStride });
      const into = momentBuffers(DIM, lagStride);
      into.sums.fill(7); // left over from an earlier chunk: every entry must be written
      into.ahead.fill(7);
      const shared = momentChunk(ctx, { from, to, shift, lagStride, into });
      assert.equal(shared.sums, into.sums);
      assert.equal(shared.n, own.n);
      sameBits(shared.sums, own.sums, 'sums');
      sameBits(shared.lag?.ahead, own.lag?.ahead, 'lag-2 sums ahead');
      sameBits(shared.lag?.base, own.lag?.base, 'thinned lag-2 sums');
      assert.equal(shared.lag?.n, own.lag?.n);
      assert.deepEqual(shared.lag?.excluded, own.lag?.excluded);
    }),
    { numRuns: 30, seed: 12 },
  );
});
