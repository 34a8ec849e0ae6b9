/**
 * Syntax of grammar files: the shape of each line, by the parser peggy generates from meta.peggy at
 * build time (meta-parser.ts; scripts/build-grammar-parser.mjs). Names, ranges and templates are checked
 * afterwards (parse.ts) so those errors can list the valid choices.
 */
import { parse as parseMeta } from './meta-parser.js';

/** A token with the 1-based column where it starts, so semantic errors can point at it. */
export interface Token<T> {
  value: T;
  column: number;
}

/** One non-empty line of a grammar file, as the meta-grammar returns it. */
export type Statement =
  | { type: 'family'; line: number; name: Token<string>; cost: Token<number> }
  | { type: 'subspace'; line: number; kind: Token<string>; max: Token<number> | null; cost: Token<number> }
  | { type: 'term'; line: number; name: Token<string>; template: Token<string>; cost: Token<number> }
  | { type: 'limit'; line: number; name: Token<string>; value: Token<number> };

/** Failure of the meta-grammar: peggy's message and 1-based position. */
export interface SyntaxFailure {
  line: number;
  column: number;
  message: string;
}

/**
 * Splits grammar text into statements. Returns a {@link SyntaxFailure} instead of throwing so the
 * caller can attach the file name.
 */
export function parseStatements(text: string): Statement[] | SyntaxFailure {
  try {
    return parseMeta(text, {}) as Statement[];
  } catch (err) {
    // The generated parser throws its own SyntaxError class, with the position of the failure.
    const location = (err as { location?: { start: { line: number; column: number } } }).location;
    if (err instanceof Error && location !== undefined) {
      return { line: location.start.line, column: location.start.column, message: err.message };
    }
    throw err;
  }
}
