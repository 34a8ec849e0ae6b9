/**
 * Reader and writer for numpy's .npy format (numpy.lib.format). The header is parsed here rather
 * than with a package because the one we looked at ignores Fortran order and big-endian data, both
 * of which `np.save` produces in practice.
 */
import { closeSync } from 'node:fs';
import { endianness } from 'node:os';
import { errorMessage, InputError } from '../errors.js';
import { parsePyLiteral } from './py-literal.js';
import { sharedFloat32, sharedFloat64 } from './shared-memory.js';
import { checkInputPath, describeContent, openInput, openInputAsync, quote, readFully, readFullyAsync, type RawTrajectory } from './validate.js';
import type { StateArray } from '../types.js';

/** A decoded array: values in row-major (C) order. */
export interface NpyArray {
  /** Float32 where the file stores float32 (kept as stored), else float64. */
  data: StateArray;
  shape: number[];
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Parse a .npy file holding a float16/32/64 array of any rank.
 * @param bytes the whole file (or zip member)
 * @param fileLabel how to name the source in errors, e.g. `data.npy`, or `member a.npy` (the .npz reader prefixes its path)
 * @throws InputError on bad magic, corrupt header, unsupported dtype or truncated data
 */
export function parseNpy(bytes: Uint8Array, fileLabel: string): NpyArray {
  const layout = parseNpyHeader(bytes, bytes.length, fileLabel);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return decodeLayout(view, layout.dataStart, layout);
}

/** Bytes that always hold a .npy header whole: its length field is at most 4 bytes and its value 1 MiB. */
const NPY_HEAD_BYTES = 12 + (1 << 20);

/**
 * Read a .npy file: the header first, then the values straight into the shared memory the data set
 * uses (for float64 or float32 in native byte order and C order, the common cases), so a large file is
 * never held twice. Float32 values stay float32, whatever their layout. Other layouts read their bytes
 * and decode them as {@link parseNpy} does. Errors are those of parseNpy, plus the file system's.
 * @param size the file's size from {@link checkInputPath}, when the caller has just checked the path
 */
export function readNpyFile(path: string, size = checkInputPath(path)): NpyArray {
  if (size === 0) throw new InputError(path, 'is empty (0 bytes)');
  const fd = openInput(path);
  try {
    const head = new Uint8Array(Math.min(size, NPY_HEAD_BYTES));
    readFully(fd, head, 0, path);
    const plan = planNpyRead(head, size, path);
    readFully(fd, plan.into, plan.layout.dataStart, path);
    return plan.finish();
  } finally {
    closeSync(fd);
  }
}

/**
 * {@link readNpyFile}, reading through the event loop: the read runs on libuv's threads while this
 * thread goes on (the command line imports the engine meanwhile).
 */
export async function readNpyFileAsync(path: string, size = checkInputPath(path)): Promise<NpyArray> {
  if (size === 0) throw new InputError(path, 'is empty (0 bytes)');
  const handle = await openInputAsync(path);
  try {
    const head = new Uint8Array(Math.min(size, NPY_HEAD_BYTES));
    await readFullyAsync(handle, head, 0, path);
    const plan = planNpyRead(head, size, path);
    await readFullyAsync(handle, plan.into, plan.layout.dataStart, path);
    return plan.finish();
  } finally {
    await handle.close();
  }
}

/**
 * Where a .npy file's values go: native float64 or float32 values straight into the data set's shared
 * memory, anything else into bytes decoded afterwards.
 */
function planNpyRead(head: Uint8Array, size: number, path: string): { layout: NpyLayout; into: Uint8Array; finish: () => NpyArray } {
  const layout = parseNpyHeader(head, size, path);
  const native = layout.littleEndian === (endianness() === 'LE') && !(layout.fortran && layout.dims.length > 1);
  if (native && (layout.itemSize === 8 || layout.itemSize === 4)) {
    const data = valuesFor(layout.itemSize, layout.count);
    return { layout, into: new Uint8Array(data.buffer), finish: () => ({ data, shape: layout.dims }) };
  }
  const bytes = new Uint8Array(layout.count * layout.itemSize);
  return { layout, into: bytes, finish: () => decodeLayout(new DataView(bytes.buffer), 0, layout) };
}

/** Where a .npy file's values are and how to read them (see parseNpyHeader). */
interface NpyLayout {
  dataStart: number;
  count: number;
  itemSize: number;
  littleEndian: boolean;
  fortran: boolean;
  dims: number[];
}

/**
 * Check a .npy header and the file's size against it.
 * @param bytes the file's first bytes: all of it, or at least {@link NPY_HEAD_BYTES}
 * @param fileSize the whole file's (or member's) size in bytes
 */
function parseNpyHeader(bytes: Uint8Array, fileSize: number, fileLabel: string): NpyLayout {
  function fail(detail: string): never {
    throw new InputError(fileLabel, detail);
  }
  const hasMagic = bytes.length >= 6 && MAGIC.every((b, i) => bytes[i] === b);
  if (!hasMagic) {
    const prefix = bytes.length < 6 && MAGIC.slice(0, bytes.length).every((b, i) => bytes[i] === b);
    if (prefix) fail(`truncated .npy header (file is only ${fileSize} bytes)`);
    fail(`not a .npy file (no \\x93NUMPY magic; content looks like ${describeContent(bytes)})`);
  }
  if (fileSize < 10) fail(`truncated .npy header (file is only ${fileSize} bytes)`);
  const major = bytes[6];
  const minor = bytes[7];
  if (major < 1 || major > 3) fail(`unsupported .npy format version ${major}.${minor} (supported: 1.0, 2.0, 3.0)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenSize = major === 1 ? 2 : 4;
  if (fileSize < 8 + lenSize) fail(`truncated .npy header (file is only ${fileSize} bytes)`);
  const headerLen = lenSize === 2 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = 8 + lenSize;
  const dataStart = headerStart + headerLen;
  if (dataStart > fileSize)
    fail(`truncated .npy header (header length field says ${headerLen} bytes, only ${fileSize - headerStart} follow)`);
  // numpy itself refuses headers over 10 kB by default; a huge length field means corruption.
  if (headerLen > 1 << 20) fail(`corrupt .npy header (header length field says ${headerLen} bytes)`);
  const headerBytes = bytes.subarray(headerStart, dataStart);
  // Versions 1 and 2 store the header as latin-1; version 3 allows UTF-8 (for structured field names).
  const headerText = major === 3 ? new TextDecoder('utf-8').decode(headerBytes) : Buffer.from(headerBytes).toString('latin1');
  let header: unknown;
  try {
    header = parsePyLiteral(headerText);
  } catch (err) {
    fail(`corrupt .npy header (${errorMessage(err)}): ${quote(headerText.trim(), 80)}`);
  }
  if (!(header instanceof Map)) fail(`corrupt .npy header (not a dict): ${quote(headerText.trim(), 80)}`);
  const dict = header as Map<unknown, unknown>;
  for (const key of ['descr', 'fortran_order', 'shape'])
    if (!dict.has(key)) fail(`corrupt .npy header (no '${key}' key): ${quote(headerText.trim(), 80)}`);
  const descr = dict.get('descr');
  const fortran = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (typeof descr !== 'string') fail(`structured dtype ${quote(JSON.stringify(descr) ?? '', 60)} is not supported; expected float16, float32 or float64`);
  if (typeof fortran !== 'boolean') fail(`corrupt .npy header ('fortran_order' is not True/False)`);
  if (!Array.isArray(shape) || !shape.every((n) => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0))
    fail(`corrupt .npy header ('shape' is not a tuple of non-negative integers)`);
  const dims = shape as number[];
  const { itemSize, littleEndian } = floatType(descr as string, fail);
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = count * itemSize;
  const actual = fileSize - dataStart;
  const shapeText = formatShape(dims);
  if (actual < expected)
    fail(`truncated data: shape ${shapeText} of '${descr}' needs ${expected} bytes, file has ${actual}`);
  if (actual > expected)
    fail(`${actual - expected} unexpected bytes after the data (shape ${shapeText} of '${descr}' needs ${expected} bytes, file has ${actual})`);
  return { dataStart, count, itemSize, littleEndian, fortran, dims };
}

/** The values of a checked layout, from `view` where they start at `at`. */
function decodeLayout(view: DataView, at: number, layout: NpyLayout): NpyArray {
  const { count, itemSize, littleEndian, fortran, dims } = layout;
  // Fortran order is reordered as it is decoded, so the values are copied once, not decoded then reordered.
  if (!(fortran && dims.length > 1)) return { data: decode(view, at, count, itemSize, littleEndian), shape: dims };
  const data = valuesFor(itemSize, count);
  // Float32 is moved as its bits (a NaN's payload included), as the block copy of native values does.
  if (data instanceof Float32Array) fortranToC(storedBits32(view, at, littleEndian), dims, new Uint32Array(data.buffer));
  else fortranToC(storedValue(view, at, count, itemSize, littleEndian), dims, data);
  return { data, shape: dims };
}

/** Map a dtype descr to a float reader, rejecting everything the fit cannot use. */
function floatType(descr: string, fail: (d: string) => never): { itemSize: number; littleEndian: boolean } {
  const m = /^([<>=|]?)([a-zA-Z])(\d*)$/.exec(descr);
  if (!m) return fail(`unsupported dtype ${quote(descr)}; expected float16, float32 or float64`);
  const [, order, kind, sizeText] = m;
  const size = Number(sizeText || '0');
  if (kind === 'f' && (size === 2 || size === 4 || size === 8)) {
    // '|' means "byte order not applicable"; for floats numpy never writes it, so read it as native.
    const littleEndian = order === '>' ? false : order === '<' ? true : endianness() === 'LE';
    return { itemSize: size, littleEndian };
  }
  const names: Record<string, string> = {
    i: 'signed integer', u: 'unsigned integer', b: 'boolean', c: 'complex',
    O: 'Python object', U: 'unicode string', S: 'byte string', a: 'byte string', V: 'raw void/structured',
    M: 'datetime', m: 'timedelta', f: 'float',
  };
  const bits = size && 'iufcb'.includes(kind) ? `${size * 8}-bit ` : '';
  const what = names[kind] ? `${bits}${names[kind]}` : 'unknown';
  const hint = kind === 'i' || kind === 'u' || kind === 'b' ? ' (convert with arr.astype(np.float64))' : '';
  return fail(`dtype '${descr}' (${what}) is not supported; expected float16, float32 or float64${hint}`);
}

/**
 * The stored values as a typed array over the bytes themselves (no copy), when they are in native byte
 * order and aligned: the common case, read faster this way than through a DataView.
 */
function nativeArray(view: DataView, start: number, count: number, itemSize: number, le: boolean): Float64Array | Float32Array | null {
  const at = view.byteOffset + start;
  if (itemSize === 2 || le !== (endianness() === 'LE') || at % itemSize !== 0) return null;
  return itemSize === 8 ? new Float64Array(view.buffer, at, count) : new Float32Array(view.buffer, at, count);
}

/** Stored value `i` (in file order) as a double, read in place. */
function storedValue(view: DataView, start: number, count: number, itemSize: number, le: boolean): (i: number) => number {
  const native = nativeArray(view, start, count, itemSize, le);
  if (native) return (i) => native[i];
  if (itemSize === 8) return (i) => view.getFloat64(start + 8 * i, le);
  if (itemSize === 4) return (i) => view.getFloat32(start + 4 * i, le);
  return (i) => halfToDouble(view.getUint16(start + 2 * i, le));
}

/** Shared memory for `count` values stored with `itemSize` bytes: float32 stays float32 (exact either way). */
function valuesFor(itemSize: number, count: number): StateArray {
  return itemSize === 4 ? sharedFloat32(count) : sharedFloat64(count);
}

/** The stored values in file order: one block copy when they are native and aligned, else value by value. */
function decode(view: DataView, start: number, count: number, itemSize: number, le: boolean): StateArray {
  const out = valuesFor(itemSize, count);
  const native = nativeArray(view, start, count, itemSize, le);
  if (native) {
    out.set(native);
    return out;
  }
  if (out instanceof Float32Array) {
    const bits = new Uint32Array(out.buffer);
    const read = storedBits32(view, start, le);
    for (let i = 0; i < count; i++) bits[i] = read(i);
    return out;
  }
  const read = storedValue(view, start, count, itemSize, le);
  for (let i = 0; i < count; i++) out[i] = read(i);
  return out;
}

/** Stored float32 value `i`'s bits, in the machine's order. */
function storedBits32(view: DataView, start: number, le: boolean): (i: number) => number {
  return (i) => view.getUint32(start + 4 * i, le);
}

/** IEEE 754 binary16 → double (Node 20 has no Float16Array / getFloat16). */
export function halfToDouble(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // subnormal (and ±0)
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Row-major values into `out` of the stored column-major values (read with `src`), for any rank. */
function fortranToC(src: (i: number) => number, shape: number[], out: Float64Array | Uint32Array): void {
  const rank = shape.length;
  const n = out.length;
  // Fortran strides (in elements): the first axis varies fastest.
  const fStride: number[] = new Array(rank);
  let s = 1;
  for (let a = 0; a < rank; a++) {
    fStride[a] = s;
    s *= shape[a];
  }
  const idx = new Array<number>(rank).fill(0);
  let f = 0;
  for (let c = 0; c < n; c++) {
    out[c] = src(f);
    // Advance the row-major multi-index (last axis fastest), keeping the Fortran offset in step.
    for (let a = rank - 1; a >= 0; a--) {
      idx[a]++;
      f += fStride[a];
      if (idx[a] < shape[a]) break;
      f -= fStride[a] * shape[a];
      idx[a] = 0;
    }
  }
}

/** numpy's own spelling of a shape, e.g. `(100,)` or `(3, 4)`, so users recognise it. */
export function formatShape(shape: number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/**
 * Write a .npy file (format 1.0, little-endian, C order), header padded so the data starts on a
 * 64-byte boundary as numpy does, so `np.load` reads it and memory-maps it aligned.
 * @param array values in row-major order; Float32Array is written as `<f4`, Float64Array as `<f8`
 * @param shape array shape; its product must equal `array.length`
 */
export function writeNpy(array: Float64Array | Float32Array, shape: number[]): Uint8Array {
  if (!shape.every((n) => Number.isSafeInteger(n) && n >= 0))
    throw new Error(`writeNpy: shape ${JSON.stringify(shape)} must hold non-negative integers`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== array.length)
    throw new Error(`writeNpy: shape ${formatShape(shape)} holds ${count} values but the array has ${array.length}`);
  const f32 = array instanceof Float32Array;
  const dict = `{'descr': '${f32 ? '<f4' : '<f8'}', 'fortran_order': False, 'shape': ${formatShape(shape)}, }`;
  const unpadded = MAGIC.length + 2 + 2 + dict.length + 1; // +1 for the closing newline
  const headerLen = dict.length + ((64 - (unpadded % 64)) % 64) + 1;
  if (headerLen > 0xffff) throw new Error(`writeNpy: shape ${formatShape(shape)} needs a header too long for format 1.0`);
  const itemSize = f32 ? 4 : 8;
  const dataStart = 10 + headerLen;
  const out = new Uint8Array(dataStart + count * itemSize);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, headerLen, true);
  const header = dict.padEnd(headerLen - 1, ' ') + '\n';
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  // Explicit little-endian writes keep the output identical on big-endian hosts.
  if (f32) for (let i = 0; i < count; i++) view.setFloat32(dataStart + 4 * i, array[i], true);
  else for (let i = 0; i < count; i++) view.setFloat64(dataStart + 8 * i, array[i], true);
  return out;
}

/**
 * Split a decoded array into trajectories: `(T, d)` is one, `(K, T, d)` is K of them.
 * @param label file (and member) name for errors
 * @param namePrefix prefix for trajectory names in later messages (e.g. `member a.npy`)
 */
export function arrayToTrajectories(label: string, arr: NpyArray, namePrefix?: string): RawTrajectory[] {
  const { data, shape } = arr;
  if (shape.length === 2) {
    const [T, d] = shape;
    return [{ values: data, length: T, dim: d, name: namePrefix ? `(${namePrefix})` : undefined }];
  }
  if (shape.length === 3) {
    const [K, T, d] = shape;
    const out: RawTrajectory[] = [];
    for (let k = 0; k < K; k++)
      out.push({
        values: data.subarray(k * T * d, (k + 1) * T * d),
        length: T,
        dim: d,
        name: namePrefix ? `(${namePrefix}[${k}])` : undefined,
      });
    return out;
  }
  const hint = shape.length === 1 ? '; for a single scalar series use shape (T, 1), e.g. arr[:, None]' : '';
  throw new InputError(
    label,
    `${shape.length}-D array of shape ${formatShape(shape)} is not supported; expected (T, d) for one trajectory or (K, T, d) for K trajectories${hint}`,
  );
}
