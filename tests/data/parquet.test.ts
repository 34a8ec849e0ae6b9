/**
 * Long-format Parquet: fixtures written by hyparquet-writer (make-parquet-fixtures.mjs), round trips
 * through it, and the CSV reader's layout rules applied to Parquet rows.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { loadDataset, loadDatasetAsync } from '../../src/data/load.ts';
import { assertInputError, assertInputErrorAsync, committed, fixture, grid, tempDir } from './helpers.ts';

const dir = tempDir('parquet');
let counter = 0;

type Column = Parameters<typeof parquetWriteBuffer>[0]['columnData'][number];

function writeParquet(columns: Column[], options: { rowGroupSize?: number; codec?: 'LZO' } = {}): string {
  const compressors = options.codec ? { [options.codec]: (bytes: Uint8Array) => bytes } : undefined;
  const bytes = new Uint8Array(parquetWriteBuffer({ columnData: columns, rowGroupSize: options.rowGroupSize, codec: options.codec, compressors }));
  return fixture(dir, `w${counter++}.parquet`, bytes);
}

/** traj, t, z0…: `rows` as [traj, t, ...z]. */
function longColumns(rows: (number | string)[][], types: { traj?: 'INT32' | 'STRING'; t?: 'INT32' | 'DOUBLE' } = {}): Column[] {
  const d = rows[0].length - 2;
  return [
    { name: 'traj', data: rows.map((r) => r[0]), type: types.traj ?? 'INT32' },
    { name: 't', data: rows.map((r) => r[1]), type: types.t ?? 'INT32' },
    ...Array.from({ length: d }, (_, j) => ({ name: `z${j}`, data: rows.map((r) => r[2 + j] as number), type: 'DOUBLE' as const })),
  ];
}

describe('.parquet trajectories', () => {
  it('shuffled rows in two row groups, string labels, an index column as pandas keeps it', async () => {
    const ds = await loadDatasetAsync(committed('long.parquet'));
    assert.equal(ds.dim, 2);
    assert.deepEqual(ds.offsets, [0, 4, 8]);
    assert.deepEqual(Array.from(ds.states), grid(2, 4, 2));
  });

  it('float32 coordinates, gzip-compressed, rows already in order', async () => {
    const ds = await loadDatasetAsync(committed('gzip-float32.parquet'));
    assert.deepEqual(ds.offsets, [0, 5, 10, 15]);
    assert.deepEqual(Array.from(ds.states), grid(3, 5, 3));
  });

  it('round trip: shuffled rows, arbitrary ids and t offsets, any row-group size, load in traj order', async () => {
    const trajectories = fc.integer({ min: 1, max: 4 }).chain((d) =>
      fc.array(fc.array(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: d, maxLength: d }), { minLength: 2, maxLength: 6 }), { minLength: 2, maxLength: 4 }),
    ).filter((ts) => ts.reduce((n, t) => n + t.length - 1, 0) >= 3);
    const cases = trajectories.chain((ts) =>
      fc.record({
        ts: fc.constant(ts),
        ids: fc.uniqueArray(fc.integer({ min: -1000, max: 1000 }), { minLength: ts.length, maxLength: ts.length }),
        starts: fc.array(fc.integer({ min: -50, max: 50 }), { minLength: ts.length, maxLength: ts.length }),
        order: fc.shuffledSubarray(ts.flatMap((t, k) => t.map((_, i) => [k, i] as const)), { minLength: ts.reduce((n, t) => n + t.length, 0) }),
        rowGroupSize: fc.integer({ min: 1, max: 8 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ({ ts, ids, starts, order, rowGroupSize }) => {
        const rows = order.map(([k, i]) => [ids[k], starts[k] + i, ...ts[k][i]]);
        const ds = await loadDatasetAsync(writeParquet(longColumns(rows), { rowGroupSize }));
        const byId = ts.map((t, k) => ({ t, id: ids[k] })).sort((a, b) => a.id - b.id).map((x) => x.t);
        assert.deepEqual(ds.offsets, byId.reduce((o, t) => [...o, o[o.length - 1] + t.length], [0]));
        byId.flat(2).forEach((v, i) => assert.ok(Object.is(ds.states[i], v), `index ${i}: ${ds.states[i]} vs ${v}`));
      }),
      { numRuns: 60 },
    );
  });
});

describe('bad .parquet files give one-line errors naming column, row and row group', () => {
  const good = [[0, 0, 1], [0, 1, 2], [0, 2, 3], [0, 3, 4]];

  it('a missing, extra or misnamed column', async () => {
    const noT = writeParquet(longColumns(good).filter((c) => c.name !== 't'));
    await assertInputErrorAsync(() => loadDatasetAsync(noT), noT, 'has no "t" column; expected columns traj, t, z0…z{d-1}; it has "traj", "z0"');
    const gap = writeParquet([...longColumns(good), { name: 'z2', data: [1, 2, 3, 4], type: 'DOUBLE' }]);
    await assertInputErrorAsync(() => loadDatasetAsync(gap), gap, 'has 2 coordinate columns but no "z1"; expected z0…z1');
    const extra = writeParquet([...longColumns(good), { name: 'label', data: ['a', 'b', 'c', 'd'], type: 'STRING' }]);
    await assertInputErrorAsync(() => loadDatasetAsync(extra), extra, 'column "label" is not one of traj, t, z0…z0');
    const strings = writeParquet([...longColumns(good).slice(0, 2), { name: 'z0', data: ['1', '2', '3', '4'], type: 'STRING' }]);
    await assertInputErrorAsync(() => loadDatasetAsync(strings), strings, 'column z0 has type UTF8; expected numbers (INT32, INT64, FLOAT, DOUBLE)');
  });

  it('a non-integer t, a missing value, a duplicate and a gap', async () => {
    const frac = writeParquet(longColumns([[0, 0, 1], [0, 1, 2], [0, 2.5, 3], [0, 3, 4]], { t: 'DOUBLE' }), { rowGroupSize: 2 });
    await assertInputErrorAsync(() => loadDatasetAsync(frac), frac, 'row 2 in row group 1, column t: 2.5 is not an integer time step');
    const missing = writeParquet([...longColumns(good).slice(0, 2), { name: 'z0', data: [1, 2, null, 4], type: 'DOUBLE' }]);
    await assertInputErrorAsync(() => loadDatasetAsync(missing), missing, 'row 2 in row group 0, column z0: missing value');
    const dup = writeParquet(longColumns([[3, 0, 1], [3, 1, 2], [3, 2, 3], [3, 1, 9]]), { rowGroupSize: 3 });
    await assertInputErrorAsync(() => loadDatasetAsync(dup), dup, 'row 3 in row group 1: duplicate row for traj=3, t=1 (also on row 1 in row group 0)');
    const gap = writeParquet(longColumns([['a', 0, 1], ['a', 1, 2], ['a', 3, 3], ['a', 4, 4]], { traj: 'STRING' }));
    await assertInputErrorAsync(() => loadDatasetAsync(gap), gap, 'trajectory traj=a: t jumps from 1 (row 1 in row group 0) to 3 (row 2 in row group 0)');
  });

  it('NaN is located by trajectory, step, time and row', async () => {
    const p = writeParquet(longColumns([[5, 0, 0], [5, 1, 1], [5, 2, NaN], [5, 3, 3]]), { rowGroupSize: 2 });
    await assertInputErrorAsync(() => loadDatasetAsync(p), p, 'trajectory 0 (traj=5), step 2 (t=2, row 2 in row group 1), coordinate 0 is NaN');
  });

  it('a codec the reader lacks names the row group', async () => {
    const p = writeParquet(longColumns(good), { codec: 'LZO' });
    await assertInputErrorAsync(() => loadDatasetAsync(p), p, 'row group 0, column traj: unsupported compression codec: LZO');
  });

  it('a truncated file, and a file that is not Parquet', async () => {
    const whole = await import('node:fs').then((fs) => fs.readFileSync(committed('long.parquet')));
    const cut = fixture(dir, 'cut.parquet', whole.subarray(0, whole.length - 10));
    await assertInputErrorAsync(() => loadDatasetAsync(cut), cut, 'truncated: the file does not end with the Parquet footer (PAR1)');
    const csv = fixture(dir, 'csv.parquet', 'traj,t,z0\n0,0,1\n');
    await assertInputErrorAsync(() => loadDatasetAsync(csv), csv, 'not a Parquet file (no PAR1 magic; content looks like CSV text)');
  });

  it('the synchronous loader points to loadDatasetAsync', () => {
    const p = committed('long.parquet');
    assertInputError(() => loadDataset(p), p, '.parquet files are read asynchronously: load them with loadDatasetAsync');
  });

  it('a corrupt page that sends the decoder into an endless loop gives a one-line error, then reading goes on', async () => {
    // Found by the property below: these four flips make hyparquet loop forever on a definition-level run.
    const b = Uint8Array.from(await import('node:fs').then((fs) => fs.readFileSync(committed('long.parquet'))));
    [[319, 199], [104, 114], [1155, 66], [1052, 219]].forEach(([at, x]) => (b[at] ^= x));
    const p = fixture(dir, 'endless.parquet', b);
    await assertInputErrorAsync(() => loadDatasetAsync(p), p, /row group \d+, column z\d: decoding did not finish within \d+ s; the file looks corrupt/);
    assert.equal((await loadDatasetAsync(committed('long.parquet'))).dim, 2);
  });

  it('valid files with bytes flipped or cut give a data set or a one-line InputError', async () => {
    const valid = await import('node:fs').then((fs) => fs.readFileSync(committed('long.parquet')));
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 1, max: 255 })), { maxLength: 4 }), fc.integer({ min: 1, max: valid.length }), async (flips, cut) => {
        const b = Uint8Array.from(valid.subarray(0, cut));
        for (const [at, x] of flips) if (at < b.length) b[at] ^= x;
        const p = fixture(dir, `m${counter++}.parquet`, b);
        await loadDatasetAsync(p).catch((err) => assertInputErrorAsync(() => Promise.reject(err), p));
      }),
      { numRuns: 300 },
    );
  });
});
