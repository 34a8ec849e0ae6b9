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
import { buildDataset, checkInputPath, oneLine, readInputFile, type RawTrajectory } from './validate.js';

/** File extensions {@link loadDataset} understands, in the order they are listed to users. */
export const SUPPORTED_EXTENSIONS = ['.npy', '.npz', '.json', '.csv'] as const;

/** Options for {@link loadDataset}. */
export interface LoadOptions {
  /** For .npz archives: use only this member (name with or without `.npy`). */
  key?: string;
}

/**
 * Load latent trajectories from a .npy, .npz, .json or .csv file (chosen by extension).
 * @param path file to read; also recorded as the data set's `source`
 * @param options `key` selects one member of an .npz archive
 * @returns the trajectories, contiguous and validated (finite, ≥ 2 states each, ≥ 3 transitions)
 * @throws InputError with a one-line message naming the file and the place at fault; nothing else
 */
export function loadDataset(path: string, options: LoadOptions = {}): Dataset {
  try {
    // Checked before the extension, so a missing file is reported as missing; the readers reuse the size.
    const size = checkInputPath(path);
    const ext = extname(path).toLowerCase();
    if (!(SUPPORTED_EXTENSIONS as readonly string[]).includes(ext))
      throw new InputError(
        path,
        `${ext ? `unsupported file extension "${ext}"` : 'no file extension'}; supported: ${SUPPORTED_EXTENSIONS.join(', ')}`,
      );
    if (options.key !== undefined && ext !== '.npz')
      throw new OptionError('key', (name) => `${name('key')} selects a member of an .npz archive and does not apply to ${ext} files`, path);
    let trajs: RawTrajectory[];
    switch (ext) {
      case '.npy':
        // Read in place: a large .npy goes straight into the data set's shared memory.
        trajs = arrayToTrajectories(path, readNpyFile(path, size));
        break;
      case '.npz':
        trajs = readNpz(path, readInputFile(path, size), options.key);
        break;
      case '.json':
        trajs = readJson(path, readInputFile(path, size));
        break;
      default:
        trajs = readCsv(path, readInputFile(path, size));
    }
    return buildDataset(path, trajs);
  } catch (err) {
    if (err instanceof InputError) throw err;
    // Anything else is a parser gap, but the user still gets a one-line message naming the file.
    const what = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    throw new InputError(path, `could not be read (${oneLine(what)})`);
  }
}
