/** Reading grammar files from disk, and locating the grammar shipped with the package. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage, InputError } from '../errors.js';
import type { Grammar } from '../types.js';
import { parseGrammar } from './parse.js';

/**
 * Reads and parses a grammar file.
 * @throws InputError if the file is missing or unreadable, or does not parse (see `parseGrammar`).
 */
export function loadGrammar(path: string): Grammar {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'grammar file not found'
      : code === 'EISDIR' ? 'is a directory, expected a grammar file'
      : `cannot read grammar file (${errorMessage(err)})`;
    throw new InputError(path, reason);
  }
  return parseGrammar(text, path);
}

let packageRoot: string | undefined;

/**
 * The package root: the nearest folder above this module holding package.json. Walking up (rather
 * than a fixed `../..`) works both from `src/grammar/` under tsx and from compiled `dist/src/grammar/`.
 */
function findPackageRoot(): string {
  if (packageRoot !== undefined) return packageRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return (packageRoot = dir);
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`latent-laws: no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** Absolute path of `grammar/default.grammar` shipped with the package. */
export function defaultGrammarPath(): string {
  return join(findPackageRoot(), 'grammar', 'default.grammar');
}
