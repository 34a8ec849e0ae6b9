/**
 * The pure parts of reading HDF5: naming a dataset's type as h5py does, splitting a dataset into
 * blocks to read, and turning HDF5's error stack into one line a user can act on.
 */
import type { Metadata } from 'h5wasm';

type TypedArrayConstructor =
  | Float32ArrayConstructor | Float64ArrayConstructor | Int8ArrayConstructor | Int16ArrayConstructor | Int32ArrayConstructor
  | Uint8ArrayConstructor | Uint16ArrayConstructor | Uint32ArrayConstructor;

/** A dataset's element type: its h5py name, and for numbers how to read them. */
export interface Hdf5Type {
  /** As h5py names it: `float32`, `uint8`, `string`, `compound`. */
  name: string;
  numeric: boolean;
  kind: 'float' | 'int' | 'uint' | 'other';
  /** Bytes per value. */
  size: number;
  /** The typed array over native values of this type (float16 and 64-bit integers are read apart). */
  array: TypedArrayConstructor;
}

const CLASS_NAMES: Readonly<Record<number, string>> = {
  2: 'time', 3: 'string', 4: 'bitfield', 5: 'opaque', 6: 'compound', 7: 'reference', 8: 'enum', 9: 'vlen', 10: 'array',
};

/** HDF5's numbers for the type classes read as numbers (h5wasm's `H5T_class_t`). */
export interface NumericClasses {
  H5T_INTEGER: { value: number };
  H5T_FLOAT: { value: number };
}

/** The element type of a dataset from its h5wasm metadata. */
export function hdf5Dtype(meta: Metadata, classes: NumericClasses): Hdf5Type {
  const { size } = meta;
  if (meta.type === classes.H5T_FLOAT.value && (size === 2 || size === 4 || size === 8))
    return { name: `float${8 * size}`, numeric: true, kind: 'float', size, array: size === 4 ? Float32Array : Float64Array };
  if (meta.type === classes.H5T_INTEGER.value && [1, 2, 4, 8].includes(size)) {
    const signed = meta.signed;
    const arrays: Record<number, TypedArrayConstructor> = signed
      ? { 1: Int8Array, 2: Int16Array, 4: Int32Array, 8: Float64Array }
      : { 1: Uint8Array, 2: Uint16Array, 4: Uint32Array, 8: Float64Array };
    return { name: `${signed ? '' : 'u'}int${8 * size}`, numeric: true, kind: signed ? 'int' : 'uint', size, array: arrays[size] };
  }
  const name = meta.type === classes.H5T_FLOAT.value ? `float${8 * size}` : (CLASS_NAMES[meta.type] ?? `HDF5 class ${meta.type}`);
  return { name, numeric: false, kind: 'other', size, array: Float64Array };
}

/** One block of a dataset to read: a hyperslab (`offset`, `count`) and where its values go. */
export interface Hyperslab {
  offset: number[];
  count: number[];
  /** Index of the block's first value in the row-major whole. */
  start: number;
  values: number;
}

/**
 * Blocks of at most about `blockValues` values that together cover a row-major array once, in order:
 * runs of whole rows of the first axis, or, when one such row is larger, runs along the second axis.
 */
export function hyperslabs(shape: number[], blockValues: number): Hyperslab[] {
  const total = shape.reduce((a, b) => a * b, 1);
  if (total === 0) return [];
  const rowValues = total / shape[0];
  const slabs: Hyperslab[] = [];
  if (rowValues <= blockValues || shape.length < 3) {
    const rows = Math.max(1, Math.floor(blockValues / rowValues));
    for (let r = 0; r < shape[0]; r += rows) {
      const n = Math.min(rows, shape[0] - r);
      slabs.push({ offset: [r, ...shape.slice(1).map(() => 0)], count: [n, ...shape.slice(1)], start: r * rowValues, values: n * rowValues });
    }
    return slabs;
  }
  const innerValues = rowValues / shape[1];
  const inner = Math.max(1, Math.floor(blockValues / innerValues));
  for (let k = 0; k < shape[0]; k++) {
    for (let r = 0; r < shape[1]; r += inner) {
      const n = Math.min(inner, shape[1] - r);
      slabs.push({
        offset: [k, r, ...shape.slice(2).map(() => 0)],
        count: [1, n, ...shape.slice(2)],
        start: k * rowValues + r * innerValues,
        values: n * innerValues,
      });
    }
  }
  return slabs;
}

/**
 * One line from HDF5's error stack (`HDF5-DIAG: … #000: … #012: …`): the cause users can act on
 * (a compression filter this build lacks, a truncated file), else the deepest frame's message.
 */
export function hdf5Problem(message: string): string {
  const filter = /required filter '([^']+)' is not registered/.exec(message);
  if (filter)
    return `compressed with the "${filter[1]}" filter, which this reader does not have (it reads gzip, szip and shuffle); rewrite the dataset with compression="gzip"`;
  const truncated = /truncated file: eof = (\d+).*?stored_eof = (\d+)/.exec(message);
  if (truncated) return `truncated: the file has ${truncated[1]} bytes, its HDF5 superblock records ${truncated[2]}`;
  if (/file signature not found/.test(message)) return 'not an HDF5 file (no HDF5 signature)';
  const frames = [...message.matchAll(/#\d+: .*? in (\w+)\(\): ([^\n]*)/g)];
  const deepest = frames.length ? frames[frames.length - 1][2].trim() : message;
  return `HDF5 could not read it (${deepest.replace(/\s+/g, ' ').slice(0, 160)})`;
}
