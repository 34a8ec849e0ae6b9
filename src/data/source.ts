/**
 * Naming one array inside a file that holds several: `latents.h5:/encoder/z`,
 * `acts.safetensors:layer3.hidden`, `runs.npz:train`. The suffix spares a separate option in every
 * place a data file is named (fit, check, report, a recorded `provenance.source`), so a recorded
 * source reloads the same array.
 */
import { existsSync } from 'node:fs';
import { OptionError } from '../errors.js';

/** Extensions of formats that hold several named arrays: the ones a `file:name` suffix applies to. */
export const CONTAINER_EXTENSIONS = ['.npz', '.h5', '.hdf5', '.safetensors'] as const;

const SUFFIX = new RegExp(`^(.*?(?:${CONTAINER_EXTENSIONS.map((e) => `\\${e}`).join('|')})):(.+)$`, 'i');

/** A data file and the array in it that was asked for. */
export interface DataSpec {
  /** The file to open. */
  file: string;
  /** The array to read (an .npz member, an HDF5 dataset path, a safetensors tensor name), if named. */
  key?: string;
  /** How the data set records where it came from: `file`, or `file:key` so that it reloads the same array. */
  source: string;
}

/**
 * Split `file:name` into the file and the array name, and reconcile it with a `key` option.
 * A path that exists as given is never split, so a file whose name contains a colon still loads.
 * @throws OptionError when the suffix and the option name different arrays
 */
export function parseDataSpec(spec: string, key?: string): DataSpec {
  const suffixed = SUFFIX.exec(spec);
  const m = suffixed && !existsSync(spec) ? suffixed : null;
  const file = m ? m[1] : spec;
  const named = m ? m[2] : undefined;
  if (named !== undefined && key !== undefined && named !== key)
    throw new OptionError('key', (name) => `${name('key')} "${key}" and the name in the path "${named}" differ; give one of them`, spec);
  const chosen = named ?? key;
  return { file, key: chosen, source: chosen === undefined ? file : `${file}:${chosen}` };
}
