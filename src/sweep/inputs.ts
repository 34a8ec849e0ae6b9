/**
 * Which files a sweep fits: glob patterns (expanded by tinyglobby; the shell may also have expanded
 * them) and manifests (text files listing one path per line). Every input becomes an absolute path,
 * the path every machine of a distributed sweep reads, plus a short name relative to the inputs'
 * common folder for messages and result file names.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { SUPPORTED_EXTENSIONS } from '../data/load.js';
import { errorMessage, InputError } from '../errors.js';

/** One input of a sweep. */
export interface SweepInput {
  /** Absolute path; the fit records it as its `provenance.source`. */
  path: string;
  /** The path relative to the common folder of all inputs (`/` separated). */
  name: string;
}

/** Natural order: `ckpt-2` before `ckpt-10`. */
export const naturalCompare = new Intl.Collator('en', { numeric: true }).compare;

/**
 * The lines of a manifest: one path per line, relative paths taken from the manifest's folder; blank
 * lines and lines starting with `#` are skipped.
 * @throws InputError when the manifest cannot be read or lists nothing
 */
export function readManifest(file: string): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(file, `cannot read the manifest (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`);
  }
  const base = dirname(resolve(file));
  const paths = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => resolve(base, line));
  if (paths.length === 0) throw new InputError(file, 'the manifest lists no inputs (one path per line; # starts a comment)');
  return paths;
}

/** A data file is named by its extension; any other existing file is a manifest. */
function isManifest(arg: string): boolean {
  return existsSync(arg) && statSync(arg).isFile() && !(SUPPORTED_EXTENSIONS as readonly string[]).includes(extname(arg).toLowerCase());
}

/** The absolute paths one argument stands for. */
async function expand(arg: string, cwd: string): Promise<string[]> {
  const abs = resolve(cwd, arg);
  if (isManifest(abs)) return readManifest(abs);
  if (existsSync(abs) && statSync(abs).isDirectory()) throw new InputError(arg, 'is a folder; give a glob such as "folder/**/*.npy" or a manifest');
  // A path that exists is taken literally, even if it contains glob characters.
  if (existsSync(abs) || !isDynamicPattern(arg)) return [abs];
  const found = await glob([arg], { cwd, absolute: true, onlyFiles: true, expandDirectories: false });
  if (found.length === 0) throw new InputError(arg, 'the pattern matches no files');
  return found.map((p) => resolve(p));
}

/** The deepest folder containing every path. */
function commonFolder(paths: string[]): string {
  let common = dirname(paths[0]);
  for (const p of paths) {
    while (relative(common, p).startsWith('..') || isAbsolute(relative(common, p))) common = dirname(common);
  }
  return common;
}

/**
 * Resolve glob patterns, manifests and plain paths to the sweep's inputs, each once, in natural order
 * of their paths. Missing files listed in a manifest are kept: their fit fails with `fit`'s message.
 * @throws InputError when a pattern matches nothing or a manifest is unreadable or empty
 */
export async function resolveInputs(args: string[], cwd = process.cwd()): Promise<SweepInput[]> {
  if (args.length === 0) throw new InputError('sweep', 'no inputs given (a glob pattern, a manifest, or data files)');
  const paths = new Set<string>();
  for (const arg of args) for (const p of await expand(arg, cwd)) paths.add(p);
  const sorted = [...paths].sort(naturalCompare);
  const base = commonFolder(sorted);
  return sorted.map((path) => ({ path, name: relative(base, path).split(sep).join('/') }));
}
