/**
 * Syntax of grammar files, as a peggy meta-grammar. It only knows the shape of each line; names,
 * ranges and templates are checked afterwards (parse.ts) so those errors can list the valid choices.
 * The meta-grammar is an inline string, not a .peggy file, so compiled builds need no extra asset.
 */
import peggy from 'peggy';

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

export const META_GRAMMAR = String.raw`
{{
  function token(value, loc) { return { value, column: loc.start.column }; }
}}

File
  = head:Line tail:(EOL @Line)* { return [head, ...tail].filter((s) => s !== null); }

Line
  = _ statement:Statement? _ Comment? { return statement ?? null; }

Statement
  = Family / Subspace / Term / Limit

Family
  = "family" name:SpName cost:Cost
    { return { type: 'family', line: location().start.line, name, cost }; }

Subspace
  = "subspace" kind:SpName max:(SpMax @SpNumber)? cost:Cost
    { return { type: 'subspace', line: location().start.line, kind, max, cost }; }

Term
  = "term" name:SpName _ "=" _ template:Template cost:Cost
    { return { type: 'term', line: location().start.line, name, template, cost }; }

Limit
  = "limit" name:SpName value:SpNumber
    { return { type: 'limit', line: location().start.line, name, value }; }

Cost
  = SpCost @SpNumber

// A template runs up to the " cost" that ends the line; '#' always starts a comment.
Template "expression"
  = !("cost" !NameChar) (!(__ "cost" !NameChar) [^#\r\n])+ { return token(text().trim(), location()); }

// Whitespace and the token after it form one named rule, so a missing token is reported as
// 'Expected number' (or name, "cost") rather than 'Expected whitespace'.
SpName "name"
  = __ @Name

SpNumber "number"
  = __ @Number

SpCost "\"cost\""
  = __ "cost" !NameChar

SpMax "\"max\""
  = __ "max" !NameChar

Name "name"
  = [A-Za-z_] NameChar* { return token(text(), location()); }

NameChar
  = [A-Za-z0-9_]

Number "number"
  = [+-]? ([0-9]+ ("." [0-9]*)? / "." [0-9]+) ([eE] [+-]? [0-9]+)? { return token(Number(text()), location()); }

Comment "comment"
  = "#" [^\r\n]*

EOL "end of line"
  = "\r\n" / "\n" / "\r"

_ "whitespace"
  = [ \t]*

__ "whitespace"
  = [ \t]+
`;

let cached: peggy.Parser | undefined;

/** Failure of the meta-grammar: peggy's message and 1-based position. */
export interface SyntaxFailure {
  line: number;
  column: number;
  message: string;
}

/**
 * Splits grammar text into statements. Returns a {@link SyntaxFailure} instead of throwing so the
 * caller can attach the file name. The peggy parser is generated once, on first use.
 */
export function parseStatements(text: string): Statement[] | SyntaxFailure {
  cached ??= peggy.generate(META_GRAMMAR);
  try {
    return cached.parse(text) as Statement[];
  } catch (err) {
    // Generated parsers throw their own SyntaxError class (not peggy.parser.SyntaxError), so duck-type it.
    const location = (err as { location?: peggy.LocationRange }).location;
    if (err instanceof Error && location !== undefined) {
      return { line: location.start.line, column: location.start.column, message: err.message };
    }
    throw err;
  }
}
