/**
 * HDF5 files as h5py writes them (fixtures from make-fixtures.py), and any [K, T, d] array written by
 * the HDF5 library itself (through h5wasm) read back bit for bit.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import h5wasm from 'h5wasm/node';
import { loadDataset, loadDatasetAsync } from '../../src/data/load.ts';
import { writeNpy } from '../../src/data/npy.ts';
import { hyperslabs } from '../../src/data/hdf5-layout.ts';
import { assertInputError, assertInputErrorAsync, committed, fixture, grid, tempDir } from './helpers.ts';

const dir = tempDir('hdf5');
const latents = committed('latents.h5');
const dtypes = committed('dtypes.h5');

describe('HDF5 files written by h5py', () => {
  it('a dataset named by path, with or without the leading slash, or by key', async () => {
    for (const [spec, key] of [[`${latents}:/encoder/z`, undefined], [`${latents}:encoder/z`, undefined], [latents, '/encoder/z']] as const) {
      const ds = await loadDatasetAsync(spec, { key });
      assert.equal(ds.dim, 2, spec);
      assert.deepEqual(ds.offsets, [0, 5, 10, 15]);
      assert.deepEqual(Array.from(ds.states), grid(3, 5, 2));
    }
    assert.equal((await loadDatasetAsync(latents, { key: '/encoder/z' })).source, `${latents}:/encoder/z`);
  });

  it('a (T, d) dataset is one trajectory', async () => {
    const ds = await loadDatasetAsync(`${latents}:/encoder/z_pooled`);
    assert.deepEqual(ds.offsets, [0, 6]);
    assert.deepEqual(Array.from(ds.states), grid(1, 6, 2));
  });

  it('without a name, the only numeric dataset of rank 2 or 3 (big-endian float64 here)', async () => {
    const ds = await loadDatasetAsync(committed('single.h5'));
    assert.equal(ds.dim, 3);
    assert.deepEqual(Array.from(ds.states), grid(1, 6, 3));
  });

  it('float16, integer types, gzip with shuffle, and a file with a user block', async () => {
    for (const name of ['f16', 'i16', 'u8', 'i64']) assert.deepEqual(Array.from((await loadDatasetAsync(`${dtypes}:${name}`)).states), grid(1, 4, 2), name);
    const gz = await loadDatasetAsync(`${dtypes}:gzip`);
    assert.deepEqual(gz.offsets, [0, 20, 40]);
    assert.deepEqual(Array.from(gz.states), grid(2, 20, 2));
    assert.deepEqual(Array.from((await loadDatasetAsync(committed('userblock.h5'))).states), grid(2, 3, 2));
  });
});

describe('bad HDF5 files and names give one-line errors', () => {
  it('several candidates and no name: the candidates are listed', async () => {
    await assertInputErrorAsync(() => loadDatasetAsync(latents), latents,
      `holds 2 numeric datasets of shape (T, d) or (K, T, d); name one as ${latents}:NAME: "/encoder/z" float32 (3, 5, 2), "/encoder/z_pooled" float64 (6, 2)`);
  });

  it('an unknown dataset lists every dataset', async () => {
    await assertInputErrorAsync(() => loadDatasetAsync(`${latents}:/encoder/zz`), latents,
      'no dataset named "/encoder/zz"; datasets: "/encoder/z" float32 (3, 5, 2), "/encoder/z_pooled" float64 (6, 2), "/labels" int64 (3,), "/notes" string ()');
  });

  it('a dataset of the wrong rank or type', async () => {
    await assertInputErrorAsync(() => loadDatasetAsync(`${latents}:labels`), latents,
      'dataset "/labels" has shape (3,); expected (T, d) for one trajectory or (K, T, d) for K trajectories; for a single scalar series store it as (T, 1)');
    await assertInputErrorAsync(() => loadDatasetAsync(`${latents}:notes`), latents, 'dataset "/notes" has dtype string; expected a float or integer type');
    await assertInputErrorAsync(() => loadDatasetAsync(`${dtypes}:pairs`), dtypes, 'dataset "/pairs" has dtype compound');
  });

  it('a compression filter the reader lacks', async () => {
    await assertInputErrorAsync(() => loadDatasetAsync(`${dtypes}:lzf`), dtypes, 'dataset "/lzf": compressed with the "lzf" filter', 'compression="gzip"');
  });

  it('a truncated file, and a file that is not HDF5', async () => {
    const truncated = committed('truncated.h5');
    await assertInputErrorAsync(() => loadDatasetAsync(truncated), truncated, 'truncated: the file has 5148 bytes, its HDF5 superblock records 10296');
    const npy = fixture(dir, 'npy.h5', writeNpy(new Float64Array(8), [4, 2]));
    await assertInputErrorAsync(() => loadDatasetAsync(npy), npy, 'not an HDF5 file (no HDF5 signature; content looks like a .npy array)');
  });

  it('the synchronous loader points to loadDatasetAsync', () => {
    assertInputError(() => loadDataset(latents), latents, '.h5 files are read asynchronously: load them with loadDatasetAsync');
  });

  it('a non-finite value is located by trajectory (named by its dataset), step and coordinate', async () => {
    const p = await writeHdf5('nan.h5', Float64Array.from(grid(3, 4, 2)).fill(NaN, 2 * 8 + 2 * 2 + 1, 2 * 8 + 2 * 2 + 2), [3, 4, 2], '<d');
    await assertInputErrorAsync(() => loadDatasetAsync(p), p, 'trajectory 2 (dataset /z[2]), step 2, coordinate 1 is NaN');
  });
});

/** Write `values` as dataset /z with the HDF5 library (h5wasm's writer). */
async function writeHdf5(name: string, values: Float64Array | Float32Array, shape: number[], dtype: string): Promise<string> {
  await h5wasm.ready;
  const p = `${dir}/${name}`;
  const f = new h5wasm.File(p, 'w');
  try {
    f.create_dataset({ name: 'z', data: values, shape, dtype });
  } finally {
    f.close();
  }
  return p;
}

describe('round trips through the HDF5 library', () => {
  let counter = 0;
  it('any [K, T, d] or [T, d] float64 or float32 array reads back bit for bit', async () => {
    const finite = (single: boolean) => (single ? fc.float({ noNaN: true, noDefaultInfinity: true }) : fc.double({ noNaN: true, noDefaultInfinity: true }));
    const shapes = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 4, max: 9 }), fc.integer({ min: 1, max: 5 }), fc.boolean(), fc.boolean());
    const cases = shapes.chain(([K, T, d, threeD, single]) =>
      fc.tuple(fc.constant([K, T, d, threeD, single] as const), fc.array(finite(single), { minLength: K * T * d, maxLength: K * T * d })),
    );
    await fc.assert(
      fc.asyncProperty(cases,
        async ([[K, T, d, threeD, single], values]) => {
          const data = single ? Float32Array.from(values) : Float64Array.from(values);
          const p = await writeHdf5(`r${counter++}.h5`, data, threeD ? [K, T, d] : [K * T, d], single ? '<f' : '<d');
          const ds = await loadDatasetAsync(p);
          assert.equal(ds.dim, d);
          assert.deepEqual(ds.offsets, threeD ? Array.from({ length: K + 1 }, (_, k) => k * T) : [0, K * T]);
          data.forEach((v, i) => assert.ok(Object.is(ds.states[i], v), `index ${i}: ${ds.states[i]} vs ${v}`));
        }),
      { numRuns: 40 },
    );
  });

  it('a dataset larger than one read block is read block by block, in order', async () => {
    const T = 600_000;
    const values = Float32Array.from({ length: T * 2 }, (_, i) => i % 4099);
    const ds = await loadDatasetAsync(await writeHdf5('blocks.h5', values, [1, T, 2], '<f'));
    assert.equal(ds.states.length, values.length);
    assert.ok(values.every((v, i) => ds.states[i] === v));
  });

  it('the read blocks cover the array once, in order, each within the block size', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 2, maxLength: 3 }), fc.integer({ min: 1, max: 40 }), (shape, block) => {
        const total = shape.reduce((a, b) => a * b, 1);
        let next = 0;
        for (const s of hyperslabs(shape, block)) {
          assert.equal(s.start, next);
          assert.equal(s.values, s.count.reduce((a, b) => a * b, 1));
          const rowValues = total / shape[0];
          assert.ok(s.values <= Math.max(block, shape.length === 3 ? rowValues / shape[1] : rowValues), `block of ${s.values}`);
          next += s.values;
        }
        assert.equal(next, total);
      }),
    );
  });
});
