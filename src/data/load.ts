/**
 * Entry point for reading latent trajectories from disk: picks the format by extension and funnels
 * every format through the same checks, so a data set is valid the same way whatever it came from.
 *
 * Two entry points: `loadDatasetAsync` reads every format; `loadDataset` reads those that need no
 * await (all but HDF5, whose WebAssembly library starts asynchronously, and Parquet, whose decoder
 * is asynchronous) and stays synchronous for the callers that have no await to give.
 */
import { extname } from 'node:path';
import { InputError, OptionError } from '../errors.js';
import type { Dataset } from '../types.js';
import { readCsv } from './csv.js';
import { readJson } from './json.js';
import { arrayToTrajectories, readNpyFile, readNpyFileAsync } from './npy.js';
import { readNpz } from './npz.js';
import { readSafetensors } from './safetensors.js';
import { CONTAINER_EXTENSIONS, parseDataSpec, type DataSpec } from './source.js';
import { buildDataset, checkInputPath, oneLine, readInputFile, type RawTrajectory } from './validate.js';

/** File extensions {@link loadDatasetAsync} understands, in the order they are listed to users. */
export const SUPPORTED_EXTENSIONS = ['.npy', '.npz', '.json', '.csv', '.safetensors', '.h5', '.hdf5', '.parquet'] as const;

/** Extensions only {@link loadDatasetAsync} reads. */
const ASYNC_EXTENSIONS: readonly string[] = ['.h5', '.hdf5', '.parquet'];

/** Options for {@link loadDataset} and {@link loadDatasetAsync}. */
export interface LoadOptions {
  /**
   * For files holding several arrays: the one to use (an .npz member, with or without `.npy`; an
   * HDF5 dataset path; a safetensors tensor name). The same as writing `file:name` as the path.
   */
  key?: string;
}

/** A checked path: the file, its size and extension, and the array asked for. */
interface Opened extends DataSpec {
  size: number;
  ext: string;
}

/**
 * Load latent trajectories from a .npy, .npz, .json, .csv or .safetensors file (chosen by extension).
 * HDF5 and Parquet files need {@link loadDatasetAsync}.
 * @param path file to read, or `file:name` for one array of an .npz, .h5/.hdf5 or .safetensors file;
 *   recorded as the data set's `source`
 * @param options `key` names the array to read (as the `:name` suffix does)
 * @returns the trajectories, contiguous and validated (finite, ≥ 2 states each, ≥ 3 transitions)
 * @throws InputError with a one-line message naming the file and the place at fault; nothing else
 */
export function loadDataset(path: string, options: LoadOptions = {}): Dataset {
  return withOneLineErrors(path, () => {
    const opened = open(path, options);
    if (ASYNC_EXTENSIONS.includes(opened.ext))
      throw new InputError(opened.file, `${opened.ext} files are read asynchronously: load them with loadDatasetAsync`);
    return buildDataset(opened.source, readSync(opened));
  });
}

/**
 * Load latent trajectories from any supported file: those of {@link loadDataset}, plus HDF5
 * (.h5, .hdf5: one dataset of shape (T, d) or (K, T, d)) and long-format Parquet.
 * @param path as for {@link loadDataset}
 * @throws InputError (as a rejected promise) with a one-line message naming the file and the place at fault
 */
export async function loadDatasetAsync(path: string, options: LoadOptions = {}): Promise<Dataset> {
  return withOneLineErrors(path, async () => {
    const opened = open(path, options);
    let trajs: RawTrajectory[];
    if (opened.ext === '.parquet') trajs = await (await import('./parquet.js')).readParquet(opened.file, opened.size);
    else if (opened.ext === '.h5' || opened.ext === '.hdf5') trajs = await (await import('./hdf5.js')).readHdf5(opened.file, opened.size, opened.key);
    else if (opened.ext === '.npy') trajs = arrayToTrajectories(opened.file, await readNpyFileAsync(opened.file, opened.size));
    else trajs = readSync(opened);
    return buildDataset(opened.source, trajs);
  });
}

/** Check the path and the options before any format is read. */
function open(path: string, options: LoadOptions): Opened {
  const spec = parseDataSpec(path, options.key);
  const { file } = spec;
  // Checked before the extension, so a missing file is reported as missing; the readers reuse the size.
  const size = checkInputPath(file);
  const ext = extname(file).toLowerCase();
  if (!(SUPPORTED_EXTENSIONS as readonly string[]).includes(ext))
    throw new InputError(
      file,
      `${ext ? `unsupported file extension "${ext}"` : 'no file extension'}; supported: ${SUPPORTED_EXTENSIONS.join(', ')}`,
    );
  if (spec.key !== undefined && !(CONTAINER_EXTENSIONS as readonly string[]).includes(ext))
    throw new OptionError(
      'key',
      (name) => `${name('key')} names one array of an ${CONTAINER_EXTENSIONS.slice(0, -1).join(', ')} or ${CONTAINER_EXTENSIONS.at(-1)} file and does not apply to ${ext} files`,
      file,
    );
  if (size === 0) throw new InputError(file, 'is empty (0 bytes)');
  return { ...spec, size, ext };
}

function readSync({ file, size, ext, key }: Opened): RawTrajectory[] {
  switch (ext) {
    case '.npy':
      // Read in place: a large .npy goes straight into the data set's shared memory.
      return arrayToTrajectories(file, readNpyFile(file, size));
    case '.npz':
      return readNpz(file, readInputFile(file, size), key);
    case '.safetensors':
      return readSafetensors(file, size, key);
    case '.json':
      return readJson(file, readInputFile(file, size));
    default:
      return readCsv(file, readInputFile(file, size));
  }
}

/** Anything but an InputError is a reader gap; the user still gets one line naming the file. */
function withOneLineErrors<T>(path: string, read: () => T): T {
  const fail = (err: unknown): never => {
    if (err instanceof InputError) throw err;
    const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    throw new InputError(path, `could not be read (${oneLine(what)})`);
  };
  try {
    const result = read();
    return (result instanceof Promise ? result.catch(fail) : result) as T;
  } catch (err) {
    return fail(err);
  }
}
