/** Reading grammar files from disk, and locating the grammar shipped with the package. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage, InputError } from '../errors.js';
import { packageRoot } from '../package-files.js';
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

/** Absolute path of `grammar/default.grammar` shipped with the package. */
export function defaultGrammarPath(): string {
  return join(packageRoot(), 'grammar', 'default.grammar');
}
