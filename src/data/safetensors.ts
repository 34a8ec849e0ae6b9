/**
 * Reader for .safetensors files (activation caches, model outputs): an unsigned 64-bit little-endian
 * header length, a JSON header `{name: {dtype, shape, data_offsets}}`, then the raw little-endian data.
 *
 * Read by hand: the format is that small, and a Node reader has to decode bf16 anyway. Only the
 * header and the chosen tensor's bytes are read, so one tensor of a large cache loads without the rest.
 */
import { closeSync } from 'node:fs';
import { endianness } from 'node:os';
import { errorMessage, InputError } from '../errors.js';
import { checkChosen, chooseArray, type ArrayEntry } from './named-arrays.js';
import { arrayToTrajectories, formatShape, halfToDouble } from './npy.js';
import type { StateArray } from '../types.js';
import { sharedFloat32, sharedFloat64 } from './shared-memory.js';
import { describeContent, openInput, oneLine, readFully, type RawTrajectory } from './validate.js';

/** Bytes per value of the dtypes this reader decodes. */
const FLOAT_SIZES: Readonly<Record<string, number>> = { F64: 8, F32: 4, F16: 2, BF16: 2 };
const EXPECTED = 'F16, BF16, F32 or F64';
/** The format's own bound on the header; a larger length field means the file is not safetensors. */
const MAX_HEADER_BYTES = 100_000_000;

interface TensorEntry extends ArrayEntry {
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Decode one tensor of a .safetensors file into trajectories: shape (T, d) is one, (K, T, d) is K.
 * @param key the tensor's name; without it, the only float tensor of rank 2 or 3
 * @throws InputError naming the file and the tensor at fault
 */
export function readSafetensors(path: string, size: number, key?: string): RawTrajectory[] {
  const fd = openInput(path);
  try {
    const { entries, dataStart } = readHeader(fd, path, size);
    const tensor = chooseArray(path, entries, key, 'tensor');
    checkChosen(path, tensor, 'tensor', EXPECTED);
    const itemSize = FLOAT_SIZES[tensor.dtype];
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    const what = `tensor ${JSON.stringify(tensor.name)}`;
    if (tensor.end - tensor.begin !== count * itemSize)
      throw new InputError(path, `${what}: data_offsets span ${tensor.end - tensor.begin} bytes, but shape ${formatShape(tensor.shape)} of ${tensor.dtype} needs ${count * itemSize}`);
    if (dataStart + tensor.end > size)
      throw new InputError(path, `truncated: ${what} needs bytes up to ${dataStart + tensor.end}, the file has ${size}`);
    const data = readValues(fd, path, dataStart + tensor.begin, count, tensor.dtype);
    return arrayToTrajectories(path, { data, shape: tensor.shape }, `tensor ${tensor.name}`);
  } finally {
    closeSync(fd);
  }
}

/** The header's tensor entries, checked field by field, and where the data start. */
function readHeader(fd: number, path: string, size: number): { entries: TensorEntry[]; dataStart: number } {
  const head = new Uint8Array(Math.min(size, 8));
  readFully(fd, head, 0, path);
  if (size < 8) throw new InputError(path, `truncated: a .safetensors file starts with an 8-byte header length, the file has ${size} bytes`);
  const length = new DataView(head.buffer).getBigUint64(0, true);
  if (length > BigInt(MAX_HEADER_BYTES) || length < 2n)
    throw new InputError(path, `not a .safetensors file (header length field says ${length} bytes; content looks like ${describeContent(head)})`);
  const headerBytes = Number(length);
  if (8 + headerBytes > size) throw new InputError(path, `truncated header: its length field says ${headerBytes} bytes, ${size - 8} follow`);
  const text = new Uint8Array(headerBytes);
  readFully(fd, text, 8, path);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(text));
  } catch (err) {
    throw new InputError(path, `not a .safetensors file (its header is not JSON: ${oneLine(errorMessage(err), 80)})`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new InputError(path, 'corrupt header: not a JSON object');
  const entries = Object.entries(header as Record<string, unknown>)
    .filter(([name]) => name !== '__metadata__')
    .map(([name, value]) => tensorEntry(path, name, value));
  return { entries, dataStart: 8 + headerBytes };
}

function tensorEntry(path: string, name: string, value: unknown): TensorEntry {
  const fail = (what: string): never => {
    throw new InputError(path, `corrupt header: tensor ${JSON.stringify(name)} ${what}`);
  };
  const v = (value ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (typeof v.dtype !== 'string') fail('has no "dtype" string');
  const isCount = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  if (!Array.isArray(v.shape) || !v.shape.every(isCount)) fail('has no "shape" list of non-negative integers');
  const offsets = v.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1])
    fail('has no "data_offsets" pair [begin, end] with begin ≤ end');
  const dtype = v.dtype as string;
  const [begin, end] = offsets as number[];
  return { name, dtype, shape: v.shape as number[], numeric: Object.hasOwn(FLOAT_SIZES, dtype), begin, end };
}

/**
 * The tensor's values: float64 and float32 are read straight into the data set's shared memory (float32
 * stays float32), the other dtypes decoded to doubles.
 */
function readValues(fd: number, path: string, at: number, count: number, dtype: string): StateArray {
  const little = endianness() === 'LE';
  if ((dtype === 'F64' || dtype === 'F32') && little) {
    const direct = dtype === 'F64' ? sharedFloat64(count) : sharedFloat32(count);
    readFully(fd, new Uint8Array(direct.buffer), at, path);
    return direct;
  }
  const out = sharedFloat64(count);
  const bytes = new Uint8Array(count * FLOAT_SIZES[dtype]);
  readFully(fd, bytes, at, path);
  if (dtype === 'BF16') decodeBf16(bytes, out);
  else {
    const view = new DataView(bytes.buffer);
    const read = dtype === 'F64' ? (i: number) => view.getFloat64(8 * i, true)
      : dtype === 'F32' ? (i: number) => view.getFloat32(4 * i, true)
      : (i: number) => halfToDouble(view.getUint16(2 * i, true));
    for (let i = 0; i < count; i++) out[i] = read(i);
  }
  return out;
}

/** bfloat16 is the upper half of a float32: widen each value and read it as one. */
function decodeBf16(bytes: Uint8Array, out: Float64Array): void {
  const view = new DataView(bytes.buffer);
  const word = new DataView(new ArrayBuffer(4));
  for (let i = 0; i < out.length; i++) {
    word.setUint32(0, view.getUint16(2 * i, true) << 16);
    out[i] = word.getFloat32(0);
  }
}
