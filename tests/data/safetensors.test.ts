/**
 * .safetensors files: fixtures written from numpy bytes by make-fixtures.py, and round trips through
 * a writer of this test's own (written from the format's description, independently of the reader).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { loadDataset, loadDatasetAsync } from '../../src/data/load.ts';
import { assertInputError, committed, fixture, grid, tempDir } from './helpers.ts';

const dir = tempDir('safetensors');
const acts = committed('acts.safetensors');

type Dtype = 'F64' | 'F32' | 'F16' | 'BF16';
interface Tensor {
  dtype: Dtype;
  shape: number[];
  bytes: Uint8Array;
}

/** A .safetensors file: u64 little-endian header length, the JSON header, then each tensor's bytes. */
function safetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  let at = 0;
  for (const [name, t] of Object.entries(tensors)) {
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [at, at + t.bytes.length] };
    at += t.bytes.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + at);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let p = 8 + json.length;
  for (const t of Object.values(tensors)) {
    out.set(t.bytes, p);
    p += t.bytes.length;
  }
  return out;
}

/** Little-endian bytes of `values` in `dtype`; half and bfloat16 values must be exact in their type. */
function encode(values: number[], dtype: Dtype): Uint8Array {
  const size = { F64: 8, F32: 4, F16: 2, BF16: 2 }[dtype];
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  const word = new DataView(new ArrayBuffer(4));
  values.forEach((v, i) => {
    if (dtype === 'F64') view.setFloat64(8 * i, v, true);
    else if (dtype === 'F32') view.setFloat32(4 * i, v, true);
    else if (dtype === 'BF16') {
      word.setFloat32(0, v);
      view.setUint16(2 * i, word.getUint32(0) >>> 16, true);
    } else view.setUint16(2 * i, toHalf(v), true);
  });
  return out;
}

/** binary16 bits of a value exact in binary16 (normal, subnormal or zero). */
function toHalf(v: number): number {
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a === 0) return sign;
  if (a < 2 ** -14) return sign | Math.round(a / 2 ** -24);
  const e = Math.floor(Math.log2(a));
  return sign | ((e + 15) << 10) | Math.round((a / 2 ** e - 1) * 1024);
}

/** Values exact in each dtype: a sign, 8 significant bits (bf16's precision), within float16's normal range. */
const exactValue = fc.tuple(fc.integer({ min: -255, max: 255 }), fc.integer({ min: -10, max: 7 })).map(([m, e]) => m * 2 ** e);

describe('.safetensors files', () => {
  it('a tensor named by the path suffix or by key: F32 (K, T, d), F16 and BF16 (T, d)', () => {
    const z = loadDataset(`${acts}:layer0.hidden`);
    assert.deepEqual(z.offsets, [0, 4, 8]);
    assert.deepEqual(Array.from(z.states), grid(2, 4, 3));
    assert.equal(z.source, `${acts}:layer0.hidden`);
    assert.deepEqual(Array.from(loadDataset(acts, { key: 'layer1.hidden' }).states), grid(1, 4, 3));
    assert.deepEqual(Array.from(loadDataset(`${acts}:layer2.hidden`).states), grid(1, 4, 2));
  });

  it('without a name, the only float tensor of rank 2 or 3; the async loader reads it too', async () => {
    const single = committed('single.safetensors');
    assert.deepEqual(Array.from(loadDataset(single).states), grid(1, 5, 2));
    assert.deepEqual(Array.from((await loadDatasetAsync(single)).states), grid(1, 5, 2));
  });

  it('round trip: any [K, T, d] or [T, d] tensor in any float dtype, among other tensors', () => {
    const dtype = fc.constantFrom<Dtype>('F64', 'F32', 'F16', 'BF16');
    const shape = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 4, max: 8 }), fc.integer({ min: 1, max: 4 }), fc.boolean());
    const cases = fc.tuple(dtype, shape).chain(([dt, [K, T, d, threeD]]) =>
      fc.record({ dt: fc.constant(dt), K: fc.constant(K), T: fc.constant(T), d: fc.constant(d), threeD: fc.constant(threeD), values: fc.array(exactValue, { minLength: K * T * d, maxLength: K * T * d }) }),
    );
    let n = 0;
    fc.assert(
      fc.property(cases, ({ dt, K, T, d, threeD, values }) => {
        const other: Tensor = { dtype: 'F32', shape: [2, 2], bytes: encode([9, 9, 9, 9], 'F32') };
        const file = safetensors({ before: other, 'z.hidden': { dtype: dt, shape: threeD ? [K, T, d] : [K * T, d], bytes: encode(values, dt) }, after: other }, { format: 'pt' });
        const ds = loadDataset(`${fixture(dir, `r${n++}.safetensors`, file)}:z.hidden`);
        assert.equal(ds.dim, d);
        assert.deepEqual(ds.offsets, threeD ? Array.from({ length: K + 1 }, (_, k) => k * T) : [0, K * T]);
        values.forEach((v, i) => assert.equal(ds.states[i], v, `index ${i} (${dt})`));
      }),
      { numRuns: 150 },
    );
  });
});

describe('bad .safetensors files give one-line errors', () => {
  it('several float tensors and no name: they are listed', () => {
    assertInputError(() => loadDataset(acts), acts,
      `holds 3 numeric tensors of shape (T, d) or (K, T, d); name one as ${acts}:NAME: "layer0.hidden" F32 (2, 4, 3), "layer1.hidden" F16 (4, 3), "layer2.hidden" BF16 (4, 2)`);
  });

  it('an unknown tensor name lists every tensor', () => {
    assertInputError(() => loadDataset(`${acts}:layer9`), acts,
      'no tensor named "layer9"; tensors: "token_ids" I64 (4,), "layer0.hidden" F32 (2, 4, 3), "layer1.hidden" F16 (4, 3), "layer2.hidden" BF16 (4, 2)');
  });

  it('a wrong dtype or rank names the tensor', () => {
    assertInputError(() => loadDataset(`${acts}:token_ids`), acts, 'tensor "token_ids" has dtype I64; expected F16, BF16, F32 or F64');
    const ints = committed('ints.safetensors');
    assertInputError(() => loadDataset(ints), ints, 'holds no numeric tensor of shape (T, d) or (K, T, d); tensors: "codes" I32 (5, 2)');
    assertInputError(() => loadDataset(`${ints}:codes`), ints, 'tensor "codes" has dtype I32; expected F16, BF16, F32 or F64');
  });

  it('a truncated file names the tensor and the bytes', () => {
    const truncated = committed('truncated.safetensors');
    assertInputError(() => loadDataset(`${truncated}:layer2.hidden`), truncated, 'truncated: tensor "layer2.hidden" needs bytes up to 528, the file has 524');
    const whole = safetensors({ z: { dtype: 'F32', shape: [4, 2], bytes: encode([1, 2, 3, 4, 5, 6, 7, 8], 'F32') } });
    const cut = fixture(dir, 'cut-header.safetensors', whole.subarray(0, 20));
    assertInputError(() => loadDataset(cut), cut, 'truncated header: its length field says', '12 follow');
  });

  it('offsets that disagree with the shape, a header that is not JSON, a file that is not safetensors', () => {
    const bad = safetensors({ z: { dtype: 'F32', shape: [4, 3], bytes: encode([1, 2, 3, 4, 5, 6, 7, 8], 'F32') } });
    const p = fixture(dir, 'offsets.safetensors', bad);
    assertInputError(() => loadDataset(p), p, 'tensor "z": data_offsets span 32 bytes, but shape (4, 3) of F32 needs 48');
    const text = new TextEncoder().encode('{"z": {"dtype": "F32", "shape": [4, 2], ');
    const q = new Uint8Array(8 + text.length);
    new DataView(q.buffer).setBigUint64(0, BigInt(text.length), true);
    q.set(text, 8);
    const notJson = fixture(dir, 'notjson.safetensors', q);
    assertInputError(() => loadDataset(notJson), notJson, 'not a .safetensors file (its header is not JSON');
    const csv = fixture(dir, 'csv.safetensors', 'traj,t,z0\n0,0,1\n0,1,2\n');
    assertInputError(() => loadDataset(csv), csv, 'not a .safetensors file (header length field says');
  });

  it('random bytes, and valid files flipped or cut, give a data set or a one-line InputError', () => {
    const valid = safetensors({ a: { dtype: 'F32', shape: [2, 2], bytes: encode([1, 2, 3, 4], 'F32') }, z: { dtype: 'BF16', shape: [4, 2], bytes: encode([1, 2, 3, 4, 5, 6, 7, 8], 'BF16') } });
    let n = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 1, max: 255 })), { maxLength: 4 }), fc.integer({ min: 1, max: valid.length }), (flips, cut) => {
        const b = valid.slice(0, cut);
        for (const [at, x] of flips) if (at < b.length) b[at] ^= x;
        const p = fixture(dir, `m${n++}.safetensors`, b);
        try {
          loadDataset(`${p}:z`);
        } catch (err) {
          assertInputError(() => {
            throw err;
          }, p);
        }
      }),
      { numRuns: 300 },
    );
  });
});
