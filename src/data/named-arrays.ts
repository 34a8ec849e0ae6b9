/**
 * Choosing one array in a file that holds several (HDF5 datasets, safetensors tensors): the one
 * named, or else the only one that can be trajectories. When the choice is not clear the message
 * lists what the file holds, so the user can name one without opening the file elsewhere.
 */
import { InputError } from '../errors.js';
import { formatShape } from './npy.js';

/** One array of a file, as a listing shows it. */
export interface ArrayEntry {
  name: string;
  /** The dtype as the format names it: `float32`, `F16`, `string`. */
  dtype: string;
  /** null for arrays without a shape (HDF5 empty or scalar dataspaces). */
  shape: number[] | null;
  /** The dtype is one the reader decodes into numbers. */
  numeric: boolean;
}

/** At most this many arrays are listed in a message, which must stay one readable line. */
const LISTED = 12;

const isTrajectoryShape = (shape: number[] | null): boolean => shape !== null && (shape.length === 2 || shape.length === 3);

/** `"/a" float32 (100, 4), "/b" int64 (3,)`, shortened after {@link LISTED} entries. */
export function listArrays(entries: ArrayEntry[]): string {
  if (entries.length === 0) return '(none)';
  const shown = entries.slice(0, LISTED).map((e) => `${JSON.stringify(e.name)} ${e.dtype} ${e.shape ? formatShape(e.shape) : 'without a shape'}`);
  const more = entries.length > LISTED ? `, and ${entries.length - LISTED} more` : '';
  return `${shown.join(', ')}${more}`;
}

/**
 * The entry named `key`, or without a key the only numeric entry of rank 2 or 3.
 * @param noun what the format calls its arrays (`dataset`, `tensor`)
 * @throws InputError listing the entries when the name is unknown or the choice is not clear
 */
export function chooseArray<T extends ArrayEntry>(file: string, entries: T[], key: string | undefined, noun: string): T {
  if (key !== undefined) {
    const found = entries.find((e) => e.name === key);
    if (!found) throw new InputError(file, `no ${noun} named ${JSON.stringify(key)}; ${noun}s: ${listArrays(entries)}`);
    return found;
  }
  const candidates = entries.filter((e) => e.numeric && isTrajectoryShape(e.shape));
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 0)
    throw new InputError(file, `holds no numeric ${noun} of shape (T, d) or (K, T, d); ${noun}s: ${listArrays(entries)}`);
  throw new InputError(
    file,
    `holds ${candidates.length} numeric ${noun}s of shape (T, d) or (K, T, d); name one as ${file}:NAME: ${listArrays(candidates)}`,
  );
}

/**
 * Refuse a chosen entry the reader cannot turn into trajectories, before any of its values are read.
 * @param expected the dtypes the reader takes, for the message
 */
export function checkChosen(file: string, entry: ArrayEntry, noun: string, expected: string): void {
  const what = `${noun} ${JSON.stringify(entry.name)}`;
  if (!entry.numeric) throw new InputError(file, `${what} has dtype ${entry.dtype}; expected ${expected}`);
  if (!isTrajectoryShape(entry.shape)) {
    const shape = entry.shape ? `shape ${formatShape(entry.shape)}` : 'no shape';
    const hint = entry.shape?.length === 1 ? '; for a single scalar series store it as (T, 1)' : '';
    throw new InputError(file, `${what} has ${shape}; expected (T, d) for one trajectory or (K, T, d) for K trajectories${hint}`);
  }
}
