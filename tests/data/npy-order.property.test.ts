/**
 * A Fortran-order .npy file decodes to exactly the values of the same array saved in C order: float16,
 * float32 and float64, both byte orders, aligned and unaligned bytes, ranks 2 to 4 (so [T, d] and
 * [K, T, d]). Compared bit for bit on arbitrary bit patterns, so subnormals, ±0, infinities and NaNs
 * must come through the transposition untouched too.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseNpy, readNpyFile, readNpyFileAsync, type NpyArray } from '../../src/data/npy.ts';
import { fixture, handNpy, tempDir } from './helpers.ts';

const dir = tempDir('npy-order');
let counter = 0;

/** For each position of the column-major layout (first axis fastest), the row-major index stored there. */
function columnMajorOrder(shape: number[]): number[] {
  const n = shape.reduce((a, b) => a * b, 1);
  const cStride = shape.map((_, a) => shape.slice(a + 1).reduce((x, y) => x * y, 1));
  return Array.from({ length: n }, (_, f) => {
    let rest = f;
    let c = 0;
    for (let a = 0; a < shape.length; a++) {
      c += (rest % shape[a]) * cStride[a];
      rest = Math.floor(rest / shape[a]);
    }
    return c;
  });
}

/** The raw values (each `size` bytes, little-endian in `elements`) laid out in `order`, in the file's byte order. */
function layOut(elements: Uint8Array, size: number, order: number[], littleEndian: boolean): Uint8Array {
  const out = new Uint8Array(elements.length);
  order.forEach((e, at) => {
    const value = elements.subarray(e * size, (e + 1) * size);
    out.set(littleEndian ? value : value.slice().reverse(), at * size);
  });
  return out;
}

const bits = (a: NpyArray): Uint8Array => new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);

const layouts = fc
  .record({
    size: fc.constantFrom(2, 4, 8),
    littleEndian: fc.boolean(),
    shape: fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 2, maxLength: 4 }),
    shift: fc.integer({ min: 0, max: 7 }),
  })
  .chain((l) => {
    const bytes = l.shape.reduce((a, b) => a * b, 1) * l.size;
    return fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((elements) => ({ ...l, elements }));
  });

describe('Fortran order', () => {
  it('decodes bit-identically to C order for every dtype, byte order, alignment and shape', async () => {
    await fc.assert(
      fc.asyncProperty(layouts, async ({ size, littleEndian, shape, shift, elements }) => {
        const n = elements.length / size;
        const descr = `${littleEndian ? '<' : '>'}f${size}`;
        const header = (fortran: boolean): string => `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}), }`;
        const rowMajor = Array.from({ length: n }, (_, i) => i);
        const cFile = handNpy(header(false), layOut(elements, size, rowMajor, littleEndian));
        const fFile = handNpy(header(true), layOut(elements, size, columnMajorOrder(shape), littleEndian));
        const c = parseNpy(cFile, 'c.npy');
        const want = bits(c);
        if (size !== 2) {
          // The C-order reference itself, against a plain reading of the values.
          const v = new DataView(elements.buffer, elements.byteOffset, elements.byteLength);
          for (let i = 0; i < n; i++) assert.ok(Object.is(c.data[i], size === 8 ? v.getFloat64(8 * i, true) : v.getFloat32(4 * i, true)), `C order, value ${i}`);
        }
        // From a buffer (an .npz member), aligned or not, and from a file read in place (either way).
        const unaligned = new Uint8Array(fFile.length + shift);
        unaligned.set(fFile, shift);
        const path = fixture(dir, `f${counter++}.npy`, fFile);
        for (const [how, f] of [['parseNpy', parseNpy(fFile, 'f.npy')], [`parseNpy at offset ${shift}`, parseNpy(unaligned.subarray(shift), 'f.npy')], ['readNpyFile', readNpyFile(path)], ['readNpyFileAsync', await readNpyFileAsync(path)]] as const) {
          assert.deepEqual(f.shape, shape, how);
          assert.deepEqual(bits(f), want, `${how}: ${descr} ${JSON.stringify(shape)}`);
          // The data set's states are this very array, which the fit's workers share without a copy.
          assert.ok(f.data.buffer instanceof SharedArrayBuffer, `${how}: shared memory`);
        }
      }),
      { numRuns: 300 },
    );
  });
});
