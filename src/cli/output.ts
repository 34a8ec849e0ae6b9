/**
 * Writing the CLI's output files: atomically (src/io.ts), with file-system failures turned into
 * one-line input errors. Kept apart from the commands so that `check` and `report` need not load the
 * fit engine to write a file.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../errors.js';
import { writeFileAtomic } from '../io.js';

function cannotWrite(path: string, code: string | undefined, err?: unknown): InputError {
  const why = code === 'ENOENT' ? 'cannot write: its folder does not exist' : code === 'EACCES' ? 'cannot write: permission denied' : code === 'EISDIR' ? 'cannot write: is a directory' : `cannot write (${code ?? String(err)})`;
  return new InputError(path, why);
}

/** Write a result file atomically, turning file-system failures into one-line input errors. */
export function writeOutput(path: string, content: string | Uint8Array): void {
  try {
    writeFileAtomic(path, content);
  } catch (err) {
    throw cannotWrite(path, (err as NodeJS.ErrnoException).code, err);
  }
}

/**
 * Fail before long work when an output file obviously cannot be written (its folder is missing, or it
 * is a folder), rather than after it. Permissions and full disks still surface in {@link writeOutput}.
 * @throws InputError with the same wording as {@link writeOutput}
 */
export function assertWritable(path: string): void {
  const folder = dirname(path);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw cannotWrite(path, 'ENOENT');
  if (existsSync(path) && statSync(path).isDirectory()) throw cannotWrite(path, 'EISDIR');
}
