/**
 * Reader for HDF5 files (h5py, MATLAB v7.3, PyTables): one dataset of shape (T, d) or (K, T, d),
 * float or integer, through h5wasm (the HDF5 C library compiled to WebAssembly).
 *
 * h5wasm's Node build reads the file in place from disk, but its WebAssembly module starts
 * asynchronously; that one await is why HDF5 files load through `loadDatasetAsync`. Values are read
 * in blocks straight into the data set's shared memory, so a large dataset is never held twice.
 */
import { closeSync } from 'node:fs';
import { resolve } from 'node:path';
import { errorMessage, InputError } from '../errors.js';
import { hdf5Dtype, hdf5Problem, hyperslabs, type Hdf5Type } from './hdf5-layout.js';
import { checkChosen, chooseArray, type ArrayEntry } from './named-arrays.js';
import { arrayToTrajectories, halfToDouble } from './npy.js';
import { sharedFloat64 } from './shared-memory.js';
import { describeContent, openInput, readFully, type RawTrajectory } from './validate.js';

type H5wasm = typeof import('h5wasm/node');
type H5Module = H5wasm['Module'];
const EXPECTED = 'a float or integer type';
/** Values read per block: bounds the WebAssembly heap a read needs, whatever the dataset's size. */
const BLOCK_VALUES = 1 << 20;
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]; // \x89HDF\r\n\x1a\n

interface DatasetEntry extends ArrayEntry {
  type: Hdf5Type | null;
}

let module: Promise<H5wasm> | undefined;

/** h5wasm, started once; errors then throw (with the HDF5 error stack) instead of printing. */
function h5wasm(): Promise<H5wasm> {
  module ??= import('h5wasm/node').then(async (h5) => {
    await h5.ready;
    h5.Module.activate_throwing_error_handler();
    return h5;
  });
  return module;
}

/**
 * Decode one dataset of an HDF5 file into trajectories.
 * @param key the dataset's path (`/group/latents`; the leading slash may be left out); without it,
 *   the only numeric dataset of rank 2 or 3
 * @throws InputError naming the file and the dataset at fault
 */
export async function readHdf5(path: string, size: number, key?: string): Promise<RawTrajectory[]> {
  checkSignature(path, size);
  const h5 = await h5wasm();
  let file: InstanceType<H5wasm['File']>;
  try {
    file = new h5.File(resolve(path), 'r');
  } catch (err) {
    throw new InputError(path, hdf5Problem(errorMessage(err)));
  }
  let where = '';
  try {
    const entries = listDatasets(h5.Module, file.file_id);
    const dataset = chooseArray(path, entries, key === undefined ? undefined : `/${key.replace(/^\/+|\/+$/g, '')}`, 'dataset');
    checkChosen(path, dataset, 'dataset', EXPECTED);
    where = `dataset ${JSON.stringify(dataset.name)}: `;
    const data = readValues(h5.Module, file.file_id, dataset.name, dataset.shape!, dataset.type!);
    return arrayToTrajectories(path, { data, shape: dataset.shape! }, `dataset ${dataset.name}`);
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(path, `${where}${hdf5Problem(errorMessage(err))}`);
  } finally {
    try {
      file.close();
    } catch {
      // A file HDF5 could not read may not close cleanly either; the message above says why.
    }
  }
}

/** HDF5's signature sits at byte 0, or after a user block of 512, 1024, 2048, … bytes. */
function checkSignature(path: string, size: number): void {
  const fd = openInput(path);
  try {
    const head = new Uint8Array(Math.min(size, 4096));
    readFully(fd, head, 0, path);
    for (let at = 0; at + 8 <= size; at = at === 0 ? 512 : at * 2) {
      const bytes = new Uint8Array(8);
      readFully(fd, bytes, at, path);
      if (SIGNATURE.every((b, i) => bytes[i] === b)) return;
    }
    throw new InputError(path, `not an HDF5 file (no HDF5 signature; content looks like ${describeContent(head)})`);
  } finally {
    closeSync(fd);
  }
}

/** Every dataset in the file, with its path from the root, dtype and shape. */
function listDatasets(h5: H5Module, fileId: bigint): DatasetEntry[] {
  const entries: DatasetEntry[] = [];
  for (const name of h5.get_names(fileId, '/', true)) {
    const path = `/${name}`;
    if (h5.get_type(fileId, path) !== h5.H5O_TYPE_DATASET) continue;
    const meta = h5.get_dataset_metadata(fileId, path);
    const type = hdf5Dtype(meta, h5.H5T_class_t);
    entries.push({ name: path, dtype: type.name, shape: meta.shape ?? null, numeric: type.numeric, type: type.numeric ? type : null });
  }
  return entries;
}

/** The dataset's values as doubles, read block by block into shared memory. */
function readValues(h5: H5Module, fileId: bigint, path: string, shape: number[], type: Hdf5Type): Float64Array {
  const out = sharedFloat64(shape.reduce((a, b) => a * b, 1));
  const slabs = hyperslabs(shape, BLOCK_VALUES);
  const largest = Math.max(0, ...slabs.map((s) => s.values));
  if (largest === 0) return out;
  const strides = shape.map(() => 1n);
  const pointer = h5._malloc(largest * type.size);
  try {
    for (const slab of slabs) {
      h5.get_dataset_data(fileId, path, slab.count.map(BigInt), slab.offset.map(BigInt), strides, BigInt(pointer));
      // The heap may have grown (and been replaced) during the read: take it afresh.
      decodeInto(out, slab.start, h5.HEAPU8.buffer as ArrayBuffer, pointer, slab.values, type);
    }
  } finally {
    h5._free(pointer);
  }
  return out;
}

/** Native-order values from the WebAssembly heap (HDF5 converts to the machine's order) into `out`. */
function decodeInto(out: Float64Array, at: number, heap: ArrayBuffer, pointer: number, count: number, type: Hdf5Type): void {
  if (type.kind === 'float' && type.size === 2) {
    const halves = new Uint16Array(heap, pointer, count);
    for (let i = 0; i < count; i++) out[at + i] = halfToDouble(halves[i]);
    return;
  }
  if (type.size === 8 && type.kind !== 'float') {
    const wide = type.kind === 'int' ? new BigInt64Array(heap, pointer, count) : new BigUint64Array(heap, pointer, count);
    for (let i = 0; i < count; i++) out[at + i] = Number(wide[i]);
    return;
  }
  out.set(new type.array(heap, pointer, count), at);
}
