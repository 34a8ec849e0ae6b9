import assert from 'node:assert/strict';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import { zipSync } from 'fflate';
import { loadDataset, loadDatasetAsync, SUPPORTED_EXTENSIONS } from '../../src/data/load.ts';
import { writeNpy } from '../../src/data/npy.ts';
import { assertInputError, assertInputErrorAsync, committed, fixture, tempDir } from './helpers.ts';

const dir = tempDir('load');

describe('loadDataset: the file itself', () => {
  it('a path that does not exist', () => {
    const p = path.join(dir, 'nope.npy');
    assertInputError(() => loadDataset(p), p, 'no such file');
    const q = path.join(dir, 'nope.txt'); // existence is reported before the extension
    assertInputError(() => loadDataset(q), q, 'no such file');
  });

  it('a directory', () => {
    const p = path.join(dir, 'folder.npy');
    fs.mkdirSync(p);
    assertInputError(() => loadDataset(p), p, 'is a directory');
  });

  it('a 0-byte file, whatever the extension', async () => {
    for (const ext of SUPPORTED_EXTENSIONS) {
      const p = fixture(dir, `empty${ext}`, '');
      assertInputError(() => loadDataset(p), p, 'is empty (0 bytes)');
      await assertInputErrorAsync(() => loadDatasetAsync(p), p, 'is empty (0 bytes)');
    }
  });

  it('an unknown extension lists the supported ones', () => {
    const p = fixture(dir, 'data.txt', '1 2 3');
    assertInputError(() => loadDataset(p), p, 'unsupported file extension ".txt"', 'supported: .npy, .npz, .json, .csv, .safetensors, .h5, .hdf5, .parquet');
    const q = fixture(dir, 'noext', '1 2 3');
    assertInputError(() => loadDataset(q), q, 'no file extension', 'supported: .npy, .npz, .json, .csv, .safetensors, .h5, .hdf5, .parquet');
  });

  it('extensions are matched case-insensitively', () => {
    const p = fixture(dir, 'UPPER.NPY', writeNpy(new Float64Array(8), [4, 2]));
    assert.deepEqual(loadDataset(p).offsets, [0, 4]);
  });

  it('a file read synchronously is stat\'ed once, whatever the format', () => {
    const npy = writeNpy(Float64Array.from({ length: 8 }, (_, i) => i), [4, 2]);
    const files: Record<string, string | Uint8Array> = {
      '.npy': npy,
      '.npz': zipSync({ 'a.npy': npy }),
      '.json': '[[[0, 1], [2, 3], [4, 5], [6, 7]]]',
      '.csv': 'traj,t,z0,z1\n0,0,0,1\n0,1,2,3\n0,2,4,5\n0,3,6,7\n',
      '.safetensors': fs.readFileSync(committed('single.safetensors')),
    };
    const names = ['statSync', 'lstatSync', 'fstatSync'] as const;
    const originals = names.map((n) => fs[n]);
    let stats = 0;
    // The loaders import these by name: syncBuiltinESMExports makes their bindings see the counters.
    names.forEach((n, i) => Object.assign(fs, { [n]: (...args: unknown[]) => (stats++, (originals[i] as (...a: unknown[]) => unknown)(...args)) }));
    syncBuiltinESMExports();
    try {
      for (const [ext, content] of Object.entries(files)) {
        const p = fixture(dir, `once${ext}`, content);
        stats = 0;
        assert.equal(loadDataset(p).states.length, ext === '.safetensors' ? 10 : 8, ext);
        assert.equal(stats, 1, `${ext}: stat calls`);
      }
    } finally {
      names.forEach((n, i) => Object.assign(fs, { [n]: originals[i] }));
      syncBuiltinESMExports();
    }
  });

  it('key on a file that holds one array', () => {
    const p = fixture(dir, 'keyed.json', '[[1],[2],[3],[4]]');
    const msg = assertInputError(() => loadDataset(p, { key: 'a' }), p, 'key names one array of an .npz, .h5, .hdf5 or .safetensors file and does not apply to .json files');
    assert.doesNotMatch(msg, /--key/, 'the library names its option, not the CLI flag');
  });
});

describe('loadDataset: file:name', () => {
  const archive = fixture(dir, 'pair.npz', zipSync({ 'a.npy': writeNpy(Float64Array.from({ length: 8 }, (_, i) => i), [4, 2]), 'b.npy': writeNpy(Float64Array.from({ length: 8 }, (_, i) => 10 + i), [4, 2]) }));

  it('names a member of an .npz as key does, and is recorded in the source', () => {
    const ds = loadDataset(`${archive}:b`);
    assert.deepEqual(Array.from(ds.states), [10, 11, 12, 13, 14, 15, 16, 17]);
    assert.equal(ds.source, `${archive}:b`);
    assert.equal(loadDataset(archive, { key: 'b' }).source, `${archive}:b`);
    assert.equal(loadDataset(archive).source, archive);
  });

  it('a name and a different key are refused; the same name twice is fine', () => {
    const msg = assertInputError(() => loadDataset(`${archive}:b`, { key: 'a' }), `${archive}:b`, 'key "a" and the name in the path "b" differ');
    assert.doesNotMatch(msg, /--key/);
    assert.equal(loadDataset(`${archive}:b`, { key: 'b' }).states.length, 8);
  });

  it('a path that exists as written is not split, and a missing file is named without its suffix', () => {
    const p = fixture(dir, 'odd.npz:name.npy', writeNpy(Float64Array.from({ length: 8 }, (_, i) => i), [4, 2]));
    assert.deepEqual(loadDataset(p).offsets, [0, 4]);
    const missing = `${dir}/absent.h5:/z`;
    assertInputError(() => loadDataset(missing), `${dir}/absent.h5`, 'no such file');
  });

  it('the asynchronous loader reads the synchronous formats alike', async () => {
    const sync = loadDataset(`${archive}:a`);
    const async = await loadDatasetAsync(`${archive}:a`);
    assert.deepEqual(async, sync);
  });
});

describe('loadDataset: shared validation', () => {
  it('a trajectory with a single state is named', () => {
    const p = fixture(dir, 'single.json', '{"trajectories": [[[1],[2],[3]], [[4]], [[5],[6]]]}');
    assertInputError(() => loadDataset(p), p, 'trajectory 1 (trajectories[1]) has 1 state', 'at least 2 states');
  });

  it('a trajectory with no states is named', () => {
    const p = fixture(dir, 'nostates.json', '{"trajectories": [[[1],[2],[3]], []]}');
    assertInputError(() => loadDataset(p), p, 'trajectory 1 (trajectories[1]) has 0 states');
  });

  it('fewer than 3 transitions in total', () => {
    const p = fixture(dir, 'few.json', '[[[1],[2]], [[3],[4]]]');
    assertInputError(() => loadDataset(p), p, 'has only 2 transitions in total', 'at least 3');
    const q = fixture(dir, 'few.npy', writeNpy(new Float64Array(6), [3, 2]));
    assertInputError(() => loadDataset(q), q, 'has only 2 transitions');
  });

  it('dimension 0', () => {
    const p = fixture(dir, 'dim0.npy', writeNpy(new Float64Array(0), [5, 0]));
    assertInputError(() => loadDataset(p), p, 'trajectory 0 has dimension 0', 'at least 1 coordinate');
    const q = fixture(dir, 'dim0.json', '[[], [], [], []]');
    assertInputError(() => loadDataset(q), q, 'has dimension 0');
  });

  it('empty data', () => {
    const p = fixture(dir, 'k0.npy', writeNpy(new Float64Array(0), [0, 4, 2]));
    assertInputError(() => loadDataset(p), p, 'contains no trajectories');
    const q = fixture(dir, 't0.npy', writeNpy(new Float64Array(0), [0, 2]));
    assertInputError(() => loadDataset(q), q, 'contains no states');
  });

  it('NaN is located by trajectory, step and coordinate (npy)', () => {
    const vals = new Float64Array(4 * 5 * 3).map((_, i) => i);
    vals[3 * 15 + 4 * 3 + 2] = NaN;
    const p = fixture(dir, 'nan3.npy', writeNpy(vals, [4, 5, 3]));
    assertInputError(() => loadDataset(p), p, 'trajectory 3, step 4, coordinate 2 is NaN');
  });

  it('the Dataset layout: contiguous states, K+1 offsets, source', () => {
    const p = fixture(dir, 'layout.json', '[[[1,2],[3,4],[5,6]], [[7,8],[9,10]]]');
    const ds = loadDataset(p);
    assert.ok(ds.states instanceof Float64Array);
    assert.deepEqual(ds.offsets, [0, 3, 5]);
    assert.equal(ds.states.length, ds.offsets[ds.offsets.length - 1] * ds.dim);
    assert.equal(ds.source, p);
  });
});
