import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { zipSync } from 'fflate';
import { loadDataset } from '../../src/data/load.ts';
import { writeNpy } from '../../src/data/npy.ts';
import { assertInputError, fixture, handNpy, tempDir } from './helpers.ts';

const dir = tempDir('npz');

const seq = (n: number, start = 0): Float64Array => Float64Array.from({ length: n }, (_, i) => start + i);
const a = writeNpy(seq(8), [4, 2]); // one trajectory, 4 states
const b = writeNpy(seq(12, 100), [2, 3, 2]); // two trajectories, 3 states each
const c = writeNpy(seq(6, 50), [3, 2]);

/** Written by numpy 2.4: np.savez(buf, first=[[0.5,1],[1.5,2],[2.5,3],[3.5,4]], second=float32 [[-1,-2],[-3,-4],[-5,-6]]). Zip64 extras, stored. */
const NUMPY_SAVEZ =
  'UEsDBC0AAAAAAAAAIQC0XnoL//////////8JABQAZmlyc3QubnB5AQAQAMAAAAAAAAAAwAAAAAAAAACTTlVNUFkBAHYAeydkZXNjcic6ICc8ZjgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoNCwgMiksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgCgAAAAAAAOA/AAAAAAAA8D8AAAAAAAD4PwAAAAAAAABAAAAAAAAABEAAAAAAAAAIQAAAAAAAAAxAAAAAAAAAEEBQSwMELQAAAAAAAAAhAF7/HCf//////////woAFABzZWNvbmQubnB5AQAQAJgAAAAAAAAAmAAAAAAAAACTTlVNUFkBAHYAeydkZXNjcic6ICc8ZjQnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMywgMiksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgCgAAgL8AAADAAABAwAAAgMAAAKDAAADAwFBLAQItAy0AAAAAAAAAIQC0XnoLwAAAAMAAAAAJAAAAAAAAAAAAAACAAQAAAABmaXJzdC5ucHlQSwECLQMtAAAAAAAAACEAXv8cJ5gAAACYAAAACgAAAAAAAAAAAAAAgAH7AAAAc2Vjb25kLm5weVBLBQYAAAAAAgACAG8AAADPAQAAAAA=';
/** Written by numpy 2.4: np.savez_compressed(buf, same two arrays) → members arr_0.npy, arr_1.npy, deflated. */
const NUMPY_SAVEZ_COMPRESSED =
  'UEsDBC0AAAAIAAAAIQC0XnoL//////////8JABQAYXJyXzAubnB5AQAQAMAAAAAAAAAAXwAAAAAAAACb7BfqGxDJyFDGUK2eklqcXKRupaBuk2ahrqOgnpZfVFKUmBefX5SSChJ3S8wpTgWKF2ckFqQC+RomOgpGmjoKtQpkAy4GMHhgD6E/QOkfUJrBAUKxQGkOKM0DpQUcAFBLAwQtAAAACAAAACEAXv8cJ///////////CQAUAGFycl8xLm5weQEAEACYAAAAAAAAAFoAAAAAAAAAm+wX6hsQychQxlCtnpJanFykbqWgbpNmoq6joJ6WX1RSlJgXn1+UkgoSd0vMKU4FihdnJBakAvkaxjoKRpo6CrUKZAMuBoaG/QwMDAcYGByAuAGIFwDxgQMAUEsBAi0DLQAAAAgAAAAhALReegtfAAAAwAAAAAkAAAAAAAAAAAAAAIABAAAAAGFycl8wLm5weVBLAQItAy0AAAAIAAAAIQBe/xwnWgAAAJgAAAAJAAAAAAAAAAAAAACAAZoAAABhcnJfMS5ucHlQSwUGAAAAAAIAAgBuAAAALwEAAAAA';
const NUMPY_VALUES = [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, -1, -2, -3, -4, -5, -6];

describe('.npz archives', () => {
  it('every .npy member is a trajectory, 3-D members add K, archive order kept', () => {
    for (const level of [0, 6] as const) {
      const p = fixture(dir, `multi-${level}.npz`, zipSync({ 'a.npy': a, 'b.npy': b, 'c.npy': c }, { level }));
      const ds = loadDataset(p);
      assert.equal(ds.dim, 2);
      assert.deepEqual(ds.offsets, [0, 4, 7, 10, 13]);
      assert.deepEqual(Array.from(ds.states), [...seq(8), ...seq(12, 100), ...seq(6, 50)]);
    }
  });

  it('--key selects one member, with or without .npy', () => {
    const p = fixture(dir, 'keyed.npz', zipSync({ 'a.npy': a, 'b.npy': b, 'notes.txt': new TextEncoder().encode('hi') }));
    for (const key of ['b', 'b.npy']) {
      const ds = loadDataset(p, { key });
      assert.deepEqual(ds.offsets, [0, 3, 6], key);
      assert.deepEqual(Array.from(ds.states), Array.from(seq(12, 100)));
    }
  });

  it('non-.npy members are ignored', () => {
    const p = fixture(dir, 'extra.npz', zipSync({ 'readme.txt': new Uint8Array([104, 105]), 'a.npy': a }));
    assert.deepEqual(loadDataset(p).offsets, [0, 4]);
  });

  it('reads real numpy savez (zip64) and savez_compressed archives', () => {
    for (const [name, b64] of [['savez', NUMPY_SAVEZ], ['savez_compressed', NUMPY_SAVEZ_COMPRESSED]]) {
      const p = fixture(dir, `numpy-${name}.npz`, Buffer.from(b64, 'base64'));
      const ds = loadDataset(p);
      assert.deepEqual(ds.offsets, [0, 4, 7], name);
      assert.deepEqual(Array.from(ds.states), NUMPY_VALUES, name);
    }
    const p = fixture(dir, 'numpy-key.npz', Buffer.from(NUMPY_SAVEZ, 'base64'));
    assert.deepEqual(Array.from(loadDataset(p, { key: 'first' }).states), NUMPY_VALUES.slice(0, 8));
  });
});

describe('bad .npz archives give specific errors', () => {
  it('a missing key lists the available keys', () => {
    const p = fixture(dir, 'nokey.npz', zipSync({ 'alpha.npy': a, 'beta.npy': c }));
    assertInputError(() => loadDataset(p, { key: 'gamma' }), p, 'no member named "gamma"', 'available keys: "alpha", "beta"');
  });

  it('a corrupt (truncated) zip', () => {
    const whole = zipSync({ 'a.npy': a, 'b.npy': b });
    const p = fixture(dir, 'truncated.npz', whole.subarray(0, whole.length - 30));
    assertInputError(() => loadDataset(p), p, 'corrupt .npz (zip) archive');
  });

  it('a flipped byte in a stored member fails the CRC check, naming the member', () => {
    const bytes = zipSync({ 'a.npy': a, 'b.npy': b }, { level: 0 });
    const at = Buffer.from(bytes).indexOf(Buffer.from(b.subarray(128, 136))); // b's first value, as stored
    assert.ok(at > 0);
    bytes[at + 3] ^= 0x10;
    const p = fixture(dir, 'crc.npz', bytes);
    assertInputError(() => loadDataset(p), p, 'member "b.npy" fails its CRC-32 check');
  });

  it('a .npz that is not a zip says what the content looks like', () => {
    const p = fixture(dir, 'json.npz', '[[1, 2], [3, 4]]');
    assertInputError(() => loadDataset(p), p, 'not a .npz file (not a zip archive; content looks like JSON)');
    const q = fixture(dir, 'npy.npz', a);
    assertInputError(() => loadDataset(q), q, 'content looks like a .npy array');
  });

  it('an archive without .npy members lists what it holds', () => {
    const p = fixture(dir, 'nonpy.npz', zipSync({ 'x.txt': new Uint8Array([1]), 'y.csv': new Uint8Array([2]) }));
    assertInputError(() => loadDataset(p), p, 'contains no .npy members', '"x.txt", "y.csv"');
  });

  it('a bad member is named in the message', () => {
    const ints = handNpy("{'descr': '<i4', 'fortran_order': False, 'shape': (4, 2), }", new Uint8Array(32));
    const p = fixture(dir, 'badmember.npz', zipSync({ 'good.npy': a, 'ints.npy': ints }));
    assertInputError(() => loadDataset(p), p, 'member ints.npy', "dtype '<i4'");
    const q = fixture(dir, 'onedmember.npz', zipSync({ 'good.npy': a, 'flat.npy': writeNpy(seq(5), [5]) }));
    assertInputError(() => loadDataset(q), q, 'member flat.npy', '1-D array of shape (5,)');
  });

  it('members of different dimensions name both', () => {
    const p = fixture(dir, 'dims.npz', zipSync({ 'a.npy': a, 'wide.npy': writeNpy(seq(12), [4, 3]) }));
    assertInputError(() => loadDataset(p), p, 'trajectory 1 (member wide.npy) has dimension 3', 'trajectory 0 (member a.npy) has dimension 2');
  });

  it('NaN inside a 3-D member names the global trajectory and the member slice', () => {
    const vals = seq(12, 100);
    vals[6 + 2 * 2 + 1] = NaN; // member trajectory 1, step 2, coordinate 1
    const p = fixture(dir, 'nanmember.npz', zipSync({ 'a.npy': a, 'b.npy': writeNpy(vals, [2, 3, 2]) }));
    assertInputError(() => loadDataset(p), p, 'trajectory 2 (member b.npy[1]), step 2, coordinate 1 is NaN');
  });
});
