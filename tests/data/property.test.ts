import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { loadDataset } from '../../src/data/load.ts';
import { writeNpy } from '../../src/data/npy.ts';
import { InputError } from '../../src/errors.ts';
import { fixture, tempDir } from './helpers.ts';

const dir = tempDir('prop');
let counter = 0;
const fresh = (ext: string): string => `p${counter++}${ext}`;

const finite = fc.double({ noNaN: true, noDefaultInfinity: true });

/** Ragged trajectories of a common dimension with at least 3 transitions in total. */
const trajectories = fc
  .integer({ min: 1, max: 5 })
  .chain((d) => fc.array(fc.array(fc.array(finite, { minLength: d, maxLength: d }), { minLength: 2, maxLength: 7 }), { minLength: 1, maxLength: 4 }))
  .filter((ts) => ts.reduce((n, t) => n + t.length - 1, 0) >= 3);

const flat = (ts: number[][][]): number[] => ts.flat(2);
const offsets = (ts: number[][][]): number[] => ts.reduce((o, t) => [...o, o[o.length - 1] + t.length], [0]);

describe('round-trip properties', () => {
  it('writeNpy → loadDataset reproduces any [K, T, d] float64 array bit for bit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 4, max: 9 }), fc.integer({ min: 1, max: 5 }), fc.boolean(), (K, T, d, threeD) =>
        fc.assert(
          fc.property(fc.array(finite, { minLength: K * T * d, maxLength: K * T * d }), (vals) => {
            const data = Float64Array.from(vals);
            const p = fixture(dir, fresh('.npy'), writeNpy(data, threeD ? [K, T, d] : [K * T, d]));
            const ds = loadDataset(p);
            assert.equal(ds.dim, d);
            assert.deepEqual(ds.offsets, threeD ? Array.from({ length: K + 1 }, (_, k) => k * T) : [0, K * T]);
            vals.forEach((v, i) => assert.ok(Object.is(ds.states[i], v), `index ${i}: ${ds.states[i]} vs ${v}`));
          }),
          { numRuns: 3 },
        ),
      ),
      { numRuns: 30 },
    );
  });

  it('writeNpy(Float32Array) → loadDataset reproduces float32 values exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noNaN: true, noDefaultInfinity: true }), { minLength: 8, maxLength: 8 }), (vals) => {
        const p = fixture(dir, fresh('.npy'), writeNpy(Float32Array.from(vals), [4, 2]));
        const ds = loadDataset(p);
        vals.forEach((v, i) => assert.ok(Object.is(ds.states[i], v)));
      }),
    );
  });

  it('a CSV written with shuffled rows, arbitrary traj ids and t offsets loads back in traj order', () => {
    const csvCase = trajectories.chain((ts) =>
      fc.record({
        ts: fc.constant(ts),
        ids: fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: ts.length, maxLength: ts.length }),
        starts: fc.array(fc.integer({ min: -50, max: 50 }), { minLength: ts.length, maxLength: ts.length }),
        order: fc.shuffledSubarray(
          ts.flatMap((t, k) => t.map((_, i) => [k, i] as const)),
          { minLength: ts.reduce((n, t) => n + t.length, 0) },
        ),
        crlf: fc.boolean(),
      }),
    );
    fc.assert(
      fc.property(csvCase, ({ ts, ids, starts, order, crlf }) => {
        const d = ts[0][0].length;
        const header = ['traj', 't', ...Array.from({ length: d }, (_, j) => `z${j}`)].join(',');
        const rows = order.map(([k, i]) => [ids[k], starts[k] + i, ...ts[k][i]].map(String).join(','));
        const p = fixture(dir, fresh('.csv'), [header, ...rows].join(crlf ? '\r\n' : '\n') + '\n');
        const ds = loadDataset(p);
        // Expected order: trajectories sorted by their numeric id.
        const byId = ts.map((t, k) => ({ t, id: ids[k] })).sort((a, b) => a.id - b.id).map((x) => x.t);
        assert.deepEqual(ds.offsets, offsets(byId));
        const want = flat(byId);
        want.forEach((v, i) => assert.ok(ds.states[i] === v, `index ${i}: ${ds.states[i]} vs ${v}`)); // === : CSV drops the sign of -0
      }),
      { numRuns: 60 },
    );
  });

  it('JSON (object and bare forms) round-trips ragged trajectories', () => {
    fc.assert(
      fc.property(trajectories, fc.boolean(), (ts, bare) => {
        const p = fixture(dir, fresh('.json'), JSON.stringify(bare ? ts : { trajectories: ts }, null, bare ? 0 : 2));
        const ds = loadDataset(p);
        assert.equal(ds.dim, ts[0][0].length);
        assert.deepEqual(ds.offsets, offsets(ts));
        flat(ts).forEach((v, i) => assert.ok(ds.states[i] === v));
      }),
      { numRuns: 60 },
    );
  });
});

describe('robustness: any bytes give a Dataset or a one-line InputError', () => {
  const onlyInputErrors = (p: string): void => {
    try {
      loadDataset(p);
    } catch (err) {
      assert.ok(err instanceof InputError, `not an InputError: ${String(err)}`);
      assert.ok(err.message.startsWith(`${p}: `) && !/[\r\n]/.test(err.message), err.message);
    }
  };
  const valid: Record<string, Uint8Array> = {
    '.npy': writeNpy(Float64Array.from({ length: 12 }, (_, i) => i), [2, 3, 2]),
    '.npz': zipSync({ 'a.npy': writeNpy(Float64Array.from({ length: 8 }, (_, i) => i), [4, 2]) }, { level: 6 }),
    '.json': new TextEncoder().encode('{"trajectories": [[[1, 2], [3, 4]], [[5, 6], [7, 8], [9, 10]]]}'),
    '.csv': new TextEncoder().encode('traj,t,z0,z1\n0,0,1,2\n0,1,3,4\n1,0,5,6\n1,1,7,8\n'),
  };

  it('random bytes under every extension', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(valid)), fc.uint8Array({ minLength: 1, maxLength: 300 }), (ext, bytes) => {
        onlyInputErrors(fixture(dir, fresh(ext), bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('valid files with bytes flipped, truncated or extended', () => {
    const mutation = fc.constantFrom(...Object.keys(valid)).chain((ext) =>
      fc.record({
        ext: fc.constant(ext),
        flips: fc.array(fc.tuple(fc.nat(valid[ext].length - 1), fc.integer({ min: 1, max: 255 })), { maxLength: 4 }),
        cut: fc.integer({ min: 1, max: valid[ext].length + 8 }),
      }),
    );
    fc.assert(
      fc.property(mutation, ({ ext, flips, cut }) => {
        const b = new Uint8Array(valid[ext].length + 8);
        b.set(valid[ext]);
        for (const [at, x] of flips) b[at] ^= x;
        onlyInputErrors(fixture(dir, fresh(ext), b.subarray(0, cut)));
      }),
      { numRuns: 400 },
    );
  });
});
