import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadDataset } from '../../src/data/load.ts';
import { halfToDouble, parseNpy, readNpyFile, readNpyFileAsync, writeNpy } from '../../src/data/npy.ts';
import { join } from 'node:path';
import { assertInputError, assertInputErrorAsync, f64Bytes, fixture, handNpy, tempDir } from './helpers.ts';

const dir = tempDir('npy');

describe('writeNpy → loadDataset round trips', () => {
  it('one trajectory of shape [T, d]', () => {
    const values = Float64Array.from({ length: 15 }, (_, i) => (i - 7) / 3);
    const p = fixture(dir, 'rt2.npy', writeNpy(values, [5, 3]));
    const ds = loadDataset(p);
    assert.equal(ds.dim, 3);
    assert.deepEqual(ds.offsets, [0, 5]);
    assert.deepEqual(Array.from(ds.states), Array.from(values));
    assert.equal(ds.source, p);
  });

  it('K trajectories of shape [K, T, d]', () => {
    const values = Float64Array.from({ length: 3 * 4 * 2 }, (_, i) => i * 0.25 - 1);
    const ds = loadDataset(fixture(dir, 'rt3.npy', writeNpy(values, [3, 4, 2])));
    assert.equal(ds.dim, 2);
    assert.deepEqual(ds.offsets, [0, 4, 8, 12]);
    assert.deepEqual(Array.from(ds.states), Array.from(values));
    // Read straight into shared memory, which the data set then uses as is: the fit's workers read it
    // without a copy, and a large file is not held twice over.
    const read = readNpyFile(join(dir, 'rt3.npy'));
    assert.ok(read.data.buffer instanceof SharedArrayBuffer);
    assert.equal(read.data.byteLength, read.data.buffer.byteLength);
    assert.ok(ds.states.buffer instanceof SharedArrayBuffer);
    assert.equal(ds.states.byteLength, ds.states.buffer.byteLength);
  });

  it('files larger than the header read (1 MiB) come back whole, float64 and float32', () => {
    const values = Float64Array.from({ length: 200_000 * 3 }, (_, i) => Math.sin(i) * 1e3);
    const ds = loadDataset(fixture(dir, 'big.npy', writeNpy(values, [200_000, 3])));
    assert.equal(ds.states.length, values.length);
    assert.ok(ds.states.every((v, i) => v === values[i]));
    const single = Float32Array.from(values);
    const ds32 = loadDataset(fixture(dir, 'big32.npy', writeNpy(single, [100, 2000, 3])));
    assert.deepEqual(ds32.offsets.length, 101);
    assert.ok(ds32.states.every((v, i) => v === single[i]));
  });

  it('float32 input is written as <f4 and read back exactly', () => {
    const values = Float32Array.from([0.1, -0.2, 0.3, 1e-3, 5, 6, 7, 8]);
    const bytes = writeNpy(values, [4, 2]);
    assert.match(Buffer.from(bytes.subarray(10, 80)).toString('latin1'), /'descr': '<f4'/);
    const ds = loadDataset(fixture(dir, 'rt32.npy', bytes));
    assert.deepEqual(Array.from(ds.states), Array.from(values));
  });
});

describe('writeNpy header', () => {
  it('is format 1.0, padded to 64 bytes, ends in a newline, spells shapes like numpy', () => {
    for (const [shape, text] of [
      [[5], '(5,)'],
      [[2, 3], '(2, 3)'],
      [[], '()'],
    ] as const) {
      const n = shape.reduce((a: number, b: number) => a * b, 1);
      const b = writeNpy(new Float64Array(n), [...shape]);
      assert.deepEqual(Array.from(b.subarray(0, 8)), [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
      const hlen = b[8] | (b[9] << 8);
      assert.equal((10 + hlen) % 64, 0);
      const header = Buffer.from(b.subarray(10, 10 + hlen)).toString('latin1');
      assert.ok(header.endsWith('\n'));
      assert.equal(header.trimEnd(), `{'descr': '<f8', 'fortran_order': False, 'shape': ${text}, }`);
      assert.equal(b.length, 10 + hlen + 8 * n);
    }
  });

  it('refuses a shape that does not match the array', () => {
    assert.throws(() => writeNpy(new Float64Array(5), [2, 3]), /holds 6 values but the array has 5/);
  });
});

describe('hand-built .npy files decode to the right numbers', () => {
  it('big-endian float32 (literal IEEE bytes)', () => {
    // 1.0, -2.5, 0.15625, 2.0, 0.5, -1.0, 4.0, 8.0 as big-endian binary32
    const hex = '3f800000 c0200000 3e200000 40000000 3f000000 bf800000 40800000 41000000';
    const data = hex.split(' ').flatMap((w) => w.match(/../g)!.map((h) => parseInt(h, 16)));
    const p = fixture(dir, 'be32.npy', handNpy("{'descr': '>f4', 'fortran_order': False, 'shape': (4, 2), }", data));
    const ds = loadDataset(p);
    assert.deepEqual(Array.from(ds.states), [1, -2.5, 0.15625, 2, 0.5, -1, 4, 8]);
  });

  it('float16, little- and big-endian, including subnormals and -0', () => {
    const halves = [0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x0400, 0x3555, 0x8000];
    const expected = [1, -2, 0.5, 65504, 2 ** -24, 2 ** -14, 0.333251953125, -0];
    for (const le of [true, false]) {
      const data = halves.flatMap((h) => (le ? [h & 0xff, h >> 8] : [h >> 8, h & 0xff]));
      const descr = le ? '<f2' : '>f2';
      const p = fixture(dir, `half-${descr.slice(0, 1) === '<' ? 'le' : 'be'}.npy`,
        handNpy(`{'descr': '${descr}', 'fortran_order': False, 'shape': (4, 2), }`, data));
      const got = Array.from(loadDataset(p).states);
      got.forEach((v, i) => assert.ok(Object.is(v, expected[i]), `${descr}[${i}]: ${v} vs ${expected[i]}`));
    }
    assert.ok(Number.isNaN(halfToDouble(0x7e00)));
    assert.equal(halfToDouble(0xfc00), -Infinity);
  });

  it('Fortran order (2-D) is transposed to row-major', () => {
    // M = [[1,2,3],[4,5,6],[7,8,9],[10,11,12]] stored column by column
    const columnMajor = [1, 4, 7, 10, 2, 5, 8, 11, 3, 6, 9, 12];
    const p = fixture(dir, 'fort2.npy', handNpy("{'descr': '<f8', 'fortran_order': True, 'shape': (4, 3), }", f64Bytes(columnMajor)));
    const ds = loadDataset(p);
    assert.equal(ds.dim, 3);
    assert.deepEqual(Array.from(ds.states), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('Fortran order (3-D) is transposed to row-major', () => {
    const [K, T, D] = [2, 3, 2];
    const value = (k: number, t: number, j: number): number => 100 * k + 10 * t + j;
    const columnMajor: number[] = [];
    for (let j = 0; j < D; j++) for (let t = 0; t < T; t++) for (let k = 0; k < K; k++) columnMajor.push(value(k, t, j));
    const rowMajor: number[] = [];
    for (let k = 0; k < K; k++) for (let t = 0; t < T; t++) for (let j = 0; j < D; j++) rowMajor.push(value(k, t, j));
    const p = fixture(dir, 'fort3.npy', handNpy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3, 2), }", f64Bytes(columnMajor)));
    const ds = loadDataset(p);
    assert.deepEqual(ds.offsets, [0, 3, 6]);
    assert.deepEqual(Array.from(ds.states), rowMajor);
  });

  it('version 2.0 and 3.0 headers (u32 header length)', () => {
    const vals = [1, 2, 3, 4, 5, 6, 7, 8];
    for (const v of [2, 3] as const) {
      const p = fixture(dir, `v${v}.npy`, handNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (4, 2), }", f64Bytes(vals), v));
      assert.deepEqual(Array.from(loadDataset(p).states), vals);
    }
  });

  it("native and not-applicable byte orders, Python 2 'L' integers, double-quoted keys", () => {
    const vals = [1.5, 2, 3, 4, 5, 6, 7, 8];
    const native = f64Bytes(vals, new Uint8Array(new Uint16Array([1]).buffer)[0] === 1);
    for (const [name, dict] of [
      ['eq', "{'descr': '=f8', 'fortran_order': False, 'shape': (4, 2), }"],
      ['bar', "{'descr': '|f8', 'fortran_order': False, 'shape': (4, 2), }"],
      ['py2', "{'descr': '=f8', 'fortran_order': False, 'shape': (4L, 2L), }"],
      ['dq', '{"descr": "=f8", "fortran_order": False, "shape": (4, 2)}'],
    ]) {
      assert.deepEqual(Array.from(loadDataset(fixture(dir, `${name}.npy`, handNpy(dict, native))).states), vals, name);
    }
  });

  it('parseNpy returns any rank unchanged', () => {
    const r = parseNpy(writeNpy(Float64Array.from([1, 2, 3]), [3]), 'x.npy');
    assert.deepEqual(r.shape, [3]);
    assert.deepEqual(Array.from(r.data), [1, 2, 3]);
  });
});

describe('bad .npy files give specific errors', () => {
  const header = (descr: string, shape: string, fortran = 'False'): string =>
    `{'descr': '${descr}', 'fortran_order': ${fortran}, 'shape': ${shape}, }`;

  it('1-D array names its shape', () => {
    const p = fixture(dir, 'one-d.npy', writeNpy(new Float64Array(6), [6]));
    assertInputError(() => loadDataset(p), p, '1-D array of shape (6,)', '(T, d)');
  });

  it('4-D array names its shape', () => {
    const p = fixture(dir, 'four-d.npy', writeNpy(new Float64Array(8), [1, 2, 2, 2]));
    assertInputError(() => loadDataset(p), p, '4-D array of shape (1, 2, 2, 2)');
  });

  it('0-D array names its shape', () => {
    const p = fixture(dir, 'zero-d.npy', writeNpy(new Float64Array(1), []));
    assertInputError(() => loadDataset(p), p, '0-D array of shape ()');
  });

  for (const [descr, what, size] of [
    ['<i8', 'signed integer', 8],
    ['<u2', 'unsigned integer', 2],
    ['|b1', 'boolean', 1],
    ['<c16', 'complex', 16],
    ['|O', 'Python object', 8],
    ['<U5', 'unicode string', 20],
    ['|S3', 'byte string', 3],
    ['<f16', 'float', 16],
  ] as const) {
    it(`dtype ${descr} is rejected by name`, () => {
      const p = fixture(dir, `dtype-${descr.replace(/[<>|]/, '')}.npy`, handNpy(header(descr, '(4, 2)'), new Uint8Array(8 * size)));
      assertInputError(() => loadDataset(p), p, `dtype '${descr}'`, what, 'expected float16, float32 or float64');
    });
  }

  it('truncated data says expected vs actual bytes', () => {
    const p = fixture(dir, 'short.npy', handNpy(header('<f8', '(4, 2)'), new Uint8Array(60)));
    assertInputError(() => loadDataset(p), p, 'truncated data', 'needs 64 bytes, file has 60');
  });

  it('a file that ends while it is read says where, read either way', async () => {
    // The size given is the one the header needs (as if the file shrank after it was measured).
    const bytes = handNpy(header('<f8', '(4, 2)'), new Uint8Array(60));
    const p = fixture(dir, 'shrank.npy', bytes);
    const claimed = bytes.length + 4;
    const where = `truncated: the file ended after ${bytes.length} bytes while being read`;
    assertInputError(() => readNpyFile(p, claimed), p, where);
    await assertInputErrorAsync(() => readNpyFileAsync(p, claimed), p, where);
  });

  it('a large file read several chunks at a time gives its values, and where it ended when it shrank', async () => {
    // 5 million float64 values (40 MB): more chunks than reads in flight, the last one partial.
    const count = 5_000_000;
    const values = Float64Array.from({ length: count }, (_, i) => Math.sin(i) * 1e3);
    const bytes = handNpy(header('<f8', `(${count / 2}, 2)`), new Uint8Array(values.buffer));
    const p = fixture(dir, 'large.npy', bytes);
    assert.deepEqual((await readNpyFileAsync(p)).data, values);
    // The file as if it had shrunk to 10 MB after it was measured: the earliest end is reported,
    // whichever read met its end first.
    const cut = 10 * 2 ** 20 + 12;
    const q = fixture(dir, 'large-shrank.npy', bytes.subarray(0, cut));
    await assertInputErrorAsync(() => readNpyFileAsync(q, bytes.length), q, `truncated: the file ended after ${cut} bytes while being read`);
  });

  it('trailing bytes after the data are reported', () => {
    const p = fixture(dir, 'long.npy', handNpy(header('<f8', '(4, 2)'), new Uint8Array(70)));
    assertInputError(() => loadDataset(p), p, '6 unexpected bytes after the data', 'needs 64 bytes, file has 70');
  });

  it('truncated header (length field points past the end of the file)', () => {
    const full = handNpy(header('<f8', '(4, 2)'), f64Bytes([1, 2, 3, 4, 5, 6, 7, 8]));
    const p = fixture(dir, 'cut-header.npy', full.subarray(0, 40));
    assertInputError(() => loadDataset(p), p, 'truncated .npy header', 'header length field says 118 bytes, only 30 follow');
  });

  it('truncated header (file ends inside the magic/length prefix)', () => {
    const p = fixture(dir, 'cut-magic.npy', new Uint8Array([0x93, 0x4e, 0x55, 0x4d]));
    assertInputError(() => loadDataset(p), p, 'truncated .npy header (file is only 4 bytes)');
    const q = fixture(dir, 'cut-len.npy', new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 5]));
    assertInputError(() => loadDataset(q), q, 'truncated .npy header (file is only 9 bytes)');
  });

  it('corrupt header dict', () => {
    const p = fixture(dir, 'corrupt.npy', handNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (4, 2}", f64Bytes(new Array(8).fill(0))));
    assertInputError(() => loadDataset(p), p, 'corrupt .npy header', "expected ',' or ')'");
    const q = fixture(dir, 'noshape.npy', handNpy("{'descr': '<f8', 'fortran_order': False}", f64Bytes(new Array(8).fill(0))));
    assertInputError(() => loadDataset(q), q, "corrupt .npy header (no 'shape' key)");
    const r = fixture(dir, 'negshape.npy', handNpy(header('<f8', '(-4, 2)'), f64Bytes(new Array(8).fill(0))));
    assertInputError(() => loadDataset(r), r, "'shape' is not a tuple of non-negative integers");
  });

  it('unsupported format version', () => {
    const b = handNpy(header('<f8', '(4, 2)'), f64Bytes(new Array(8).fill(0)));
    b[6] = 4;
    const p = fixture(dir, 'v4.npy', b);
    assertInputError(() => loadDataset(p), p, 'unsupported .npy format version 4.0');
  });

  it('bad magic: says what the content looks like', () => {
    const j = fixture(dir, 'is-json.npy', '{"trajectories": []}');
    assertInputError(() => loadDataset(j), j, 'not a .npy file (no \\x93NUMPY magic; content looks like JSON)');
    const c = fixture(dir, 'is-csv.npy', 'traj,t,z0\n0,0,1\n');
    assertInputError(() => loadDataset(c), c, 'no \\x93NUMPY magic; content looks like CSV text');
    const z = fixture(dir, 'is-zip.npy', new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0, 0]));
    assertInputError(() => loadDataset(z), z, 'content looks like a zip archive');
    const b = fixture(dir, 'is-bin.npy', new Uint8Array([0, 1, 2, 0xff, 0xfe, 7, 8, 9, 10, 11]));
    assertInputError(() => loadDataset(b), b, 'content looks like binary data');
  });

  it('NaN and Infinity name trajectory, step and coordinate', () => {
    const vals = Array.from({ length: 2 * 3 * 2 }, (_, i) => i);
    vals[1 * 6 + 2 * 2 + 0] = NaN; // trajectory 1, step 2, coordinate 0
    const p = fixture(dir, 'nan.npy', handNpy(header('<f8', '(2, 3, 2)'), f64Bytes(vals)));
    assertInputError(() => loadDataset(p), p, 'trajectory 1, step 2, coordinate 0 is NaN');
    const inf = Array.from({ length: 8 }, (_, i) => i);
    inf[3] = -Infinity; // step 1, coordinate 1
    const q = fixture(dir, 'inf.npy', handNpy(header('<f8', '(4, 2)'), f64Bytes(inf)));
    assertInputError(() => loadDataset(q), q, 'trajectory 0, step 1, coordinate 1 is -Infinity');
  });

  it('float16 infinity is caught after conversion', () => {
    const halves = [0x3c00, 0x3c00, 0x3c00, 0x7c00, 0x3c00, 0x3c00, 0x3c00, 0x3c00];
    const p = fixture(dir, 'half-inf.npy', handNpy(header('<f2', '(4, 2)'), halves.flatMap((h) => [h & 0xff, h >> 8])));
    assertInputError(() => loadDataset(p), p, 'trajectory 0, step 1, coordinate 1 is Infinity');
  });
});
