/**
 * Grammar files: which rule families the law search may use, which subspaces they act on, which
 * library terms build nonlinear features, and the search limits. The line syntax lives in syntax.ts
 * (peggy); this module checks meaning (known names, ranges, templates) and builds a `Grammar`.
 */
import { errorMessage, InputError } from '../errors.js';
import {
  FAMILY_NAMES, type FamilyName, type FamilySpec, type Grammar, type SearchLimits,
  type SubspaceGeneratorSpec, type TermSpec,
} from '../types.js';
import { expressionVariables } from './safe-math.js';
import { parseStatements, type Statement, type Token } from './syntax.js';

/** Placeholders a term template may use, in the order they must be introduced. */
export const PLACEHOLDERS = ['a', 'b', 'c'] as const;

/** Limits used when a grammar file does not set them. */
export const DEFAULT_LIMITS: Readonly<SearchLimits> = {
  maxCandidates: 20000,
  maxFinalists: 48,
  maxLibraryDim: 4,
  maxQuadraticDim: 6,
  stlsqThreshold: 0.001,
  snapMaxDenominator: 12,
  screeningSample: 4096,
  maxLaws: 10,
  maxCoordinateSubsets: 256,
};

/** How each `limit` name maps to a field, and what values it accepts. */
const LIMITS: Readonly<Record<string, { field: keyof SearchLimits; integer: boolean; min: number; max?: number }>> = {
  max_candidates: { field: 'maxCandidates', integer: true, min: 1 },
  max_finalists: { field: 'maxFinalists', integer: true, min: 1 },
  max_library_dim: { field: 'maxLibraryDim', integer: true, min: 1 },
  max_quadratic_dim: { field: 'maxQuadraticDim', integer: true, min: 1 },
  stlsq_threshold: { field: 'stlsqThreshold', integer: false, min: 0, max: 1 },
  snap_max_denominator: { field: 'snapMaxDenominator', integer: true, min: 1 },
  screening_sample: { field: 'screeningSample', integer: true, min: 1 },
  max_laws: { field: 'maxLaws', integer: true, min: 1 },
  max_coordinate_subsets: { field: 'maxCoordinateSubsets', integer: true, min: 1 },
};

/** Subspace generator kinds, and whether their line needs `max N`. */
const SUBSPACE_KINDS: Readonly<Record<SubspaceGeneratorSpec['kind'], boolean>> = {
  coordinates: true,
  eigenspaces: true,
  principal: true,
  full: false,
};

const LIBRARY_FAMILIES: ReadonlySet<FamilyName> = new Set(['library_map', 'library_invariant']);

/** Collects the first semantic error; each message names line and column of the offending token. */
class Checker {
  constructor(private readonly source: string) {}

  fail(line: number, token: Token<unknown> | null, detail: string): never {
    const where = token === null ? `line ${line}` : `line ${line}, column ${token.column}`;
    throw new InputError(this.source, `${where}: ${detail}`);
  }

  /** Costs are description lengths in bits; `allowZero` is for subspaces, where naming `full` can be free. */
  cost(line: number, cost: Token<number>, what: string, allowZero = false): number {
    const ok = Number.isFinite(cost.value) && (allowZero ? cost.value >= 0 : cost.value > 0);
    if (!ok) this.fail(line, cost, `cost of ${what} must be ${allowZero ? 'zero or positive' : 'positive'}, got ${cost.value}`);
    return cost.value;
  }

  /** Rejects a name seen before, pointing at the first definition. */
  unique(seen: Map<string, number>, line: number, name: Token<string>, what: string): void {
    const first = seen.get(name.value);
    if (first !== undefined) this.fail(line, name, `duplicate ${what} '${name.value}' (first on line ${first})`);
    seen.set(name.value, line);
  }
}

/**
 * Parses grammar text.
 * @param text contents of a grammar file
 * @param source file name (or description) used in error messages and recorded in the result
 * @throws InputError `<source>: line L, column C: <reason>` on syntax errors (peggy's expected/found
 *   message) and on semantic errors (unknown family, subspace kind or limit, duplicates, bad costs,
 *   bad templates or placeholder use).
 */
export function parseGrammar(text: string, source: string): Grammar {
  // A UTF-8 byte order mark (editors on Windows add one) is not part of the first line.
  const parsed = parseStatements(text.startsWith('\uFEFF') ? text.slice(1) : text);
  if (!Array.isArray(parsed)) throw new InputError(source, `line ${parsed.line}, column ${parsed.column}: ${parsed.message}`);

  const check: Checker = new Checker(source);
  const families: FamilySpec[] = [];
  const subspaces: SubspaceGeneratorSpec[] = [];
  const terms: TermSpec[] = [];
  const limits: SearchLimits = { ...DEFAULT_LIMITS };
  const seen = { family: new Map<string, number>(), subspace: new Map<string, number>(), term: new Map<string, number>(), limit: new Map<string, number>() };
  const familyLines = new Map<FamilyName, number>();

  for (const st of parsed) {
    switch (st.type) {
      case 'family': {
        const name = st.name.value;
        if (!(FAMILY_NAMES as readonly string[]).includes(name)) {
          check.fail(st.line, st.name, `unknown family '${name}' (known: ${FAMILY_NAMES.join(', ')})`);
        }
        check.unique(seen.family, st.line, st.name, 'family');
        families.push({ name: name as FamilyName, cost: check.cost(st.line, st.cost, `family ${name}`) });
        familyLines.set(name as FamilyName, st.line);
        break;
      }
      case 'subspace':
        subspaces.push(subspaceSpec(check, st, seen.subspace));
        break;
      case 'term':
        terms.push(termSpec(check, st, seen.term));
        break;
      case 'limit': {
        const rule = Object.hasOwn(LIMITS, st.name.value) ? LIMITS[st.name.value] : undefined;
        if (rule === undefined) {
          check.fail(st.line, st.name, `unknown limit '${st.name.value}' (known: ${Object.keys(LIMITS).join(', ')})`);
        }
        check.unique(seen.limit, st.line, st.name, 'limit');
        const v = st.value.value;
        const range = rule.max === undefined ? `>= ${rule.min}` : `in [${rule.min}, ${rule.max})`;
        if (!Number.isFinite(v) || (rule.integer && !Number.isInteger(v)) || v < rule.min || (rule.max !== undefined && v >= rule.max)) {
          check.fail(st.line, st.value, `limit ${st.name.value} must be ${rule.integer ? 'an integer ' : 'a number '}${range}, got ${v}`);
        }
        limits[rule.field] = v;
        break;
      }
    }
  }

  // An empty search is almost certainly a mistake in the file, so say so rather than find nothing.
  if (families.length === 0) throw new InputError(source, 'no family enabled (add a line such as `family rotation cost 4`)');
  if (subspaces.length === 0) throw new InputError(source, 'no subspace generator (add a line such as `subspace full cost 0`)');
  for (const [name, line] of familyLines) {
    if (LIBRARY_FAMILIES.has(name) && terms.length === 0) {
      throw new InputError(source, `line ${line}: family ${name} needs at least one \`term\` line`);
    }
  }
  return { source, families, subspaces, terms, limits };
}

function subspaceSpec(check: Checker, st: Extract<Statement, { type: 'subspace' }>, seen: Map<string, number>): SubspaceGeneratorSpec {
  const kind = st.kind.value;
  if (!Object.hasOwn(SUBSPACE_KINDS, kind)) {
    check.fail(st.line, st.kind, `unknown subspace generator '${kind}' (known: ${Object.keys(SUBSPACE_KINDS).join(', ')})`);
  }
  check.unique(seen, st.line, st.kind, 'subspace generator');
  const cost = check.cost(st.line, st.cost, `subspace ${kind}`, true);
  const needsMax = SUBSPACE_KINDS[kind as SubspaceGeneratorSpec['kind']];
  if (!needsMax) {
    if (st.max !== null) check.fail(st.line, st.max, `subspace ${kind} takes no 'max'`);
    return { kind: 'full', cost };
  }
  if (st.max === null) check.fail(st.line, st.kind, `subspace ${kind} needs 'max N' before 'cost'`);
  const max = st.max.value;
  if (!Number.isInteger(max) || max < 1) check.fail(st.line, st.max, `max of subspace ${kind} must be a positive integer, got ${max}`);
  return kind === 'eigenspaces'
    ? { kind: 'eigenspaces', maxCount: max, cost }
    : { kind: kind as 'coordinates' | 'principal', maxSize: max, cost };
}

function termSpec(check: Checker, st: Extract<Statement, { type: 'term' }>, seen: Map<string, number>): TermSpec {
  check.unique(seen, st.line, st.name, 'term name');
  const template = st.template.value;
  let used: string[];
  try {
    used = expressionVariables(template, [...PLACEHOLDERS]);
  } catch (err) {
    return check.fail(st.line, st.template, `bad template '${template}': ${errorMessage(err)}`);
  }
  if (used.length === 0) {
    check.fail(st.line, st.template, `template '${template}' uses no placeholder (use a, then b, then c)`);
  }
  // Arity is the number of placeholders, so they must be a prefix of a, b, c: `b` alone would be
  // ambiguous about which subspace coordinate it means.
  const expected = PLACEHOLDERS.slice(0, used.length);
  if (used.some((p, i) => p !== expected[i])) {
    const missing = expected.find((p) => !used.includes(p));
    check.fail(st.line, st.template, `template '${template}' uses ${used.join(', ')} without ${missing}; placeholders are introduced in order a, b, c`);
  }
  return { name: st.name.value, template, placeholders: used, cost: check.cost(st.line, st.cost, `term ${st.name.value}`), line: st.line };
}
