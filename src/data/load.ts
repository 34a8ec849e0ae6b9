/**
 * Entry point for reading latent trajectories from disk: picks the format by extension and funnels
 * every format through the same checks, so a data set is valid the same way whatever it came from.
 */
import { extname } from 'node:path';
import { InputError, OptionError } from '../errors.js';
import type { Dataset } from '../types.js';
import { readCsv } from './csv.js';
import { readJson } from './json.js';
import { arrayToTrajectories, readNpyFile } from './npy.js';
import { readNpz } from './npz.js';
import { readSafetensors } from './safetensors.js';
import { CONTAINER_EXTENSIONS, parseDataSpec, type DataSpec } from './source.js';
import { buildDataset, checkInputPath, oneLine, readInputFile, type RawTrajectory } from './validate.js';

/** File extensions {@link loadDataset} understands, in the order they are listed to users. */
export const SUPPORTED_EXTENSIONS = ['.npy', '.npz', '.json', '.csv', '.safetensors'] as const;

/** Options for {@link loadDataset}. */
export interface LoadOptions {
  /**
   * For files holding several arrays: the one to use (an .npz member, with or without `.npy`; a
   * safetensors tensor name). The same as writing `file:name` as the path.
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
 * @param path file to read, or `file:name` for one array of an .npz or .safetensors file;
 *   recorded as the data set's `source`
 * @param options `key` names the array to read (as the `:name` suffix does)
 * @returns the trajectories, contiguous and validated (finite, ≥ 2 states each, ≥ 3 transitions)
 * @throws InputError with a one-line message naming the file and the place at fault; nothing else
 */
export function loadDataset(path: string, options: LoadOptions = {}): Dataset {
  return withOneLineErrors(path, () => {
    const opened = open(path, options);
    return buildDataset(opened.source, readSync(opened));
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
      (name) => `${name('key')} names an array in an ${CONTAINER_EXTENSIONS.join(', ')} file and does not apply to ${ext} files`,
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
    return read();
  } catch (err) {
    return fail(err);
  }
}
