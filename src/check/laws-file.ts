/**
 * Reading a laws file (the JSON that `latent-laws fit --out laws.json` writes, a FitResult) for
 * checking. A laws file outlives the run that wrote it (it is edited by hand, copied between projects,
 * truncated by a full disk), so every field the check relies on is validated where it sits, and the
 * error names the file and the JSON path of the bad field on one line.
 */
import { errorMessage, InputError } from '../errors.js';
import { syntaxMessage } from '../data/json.js';
import { readInputFile } from '../data/validate.js';
import { checkExpression } from '../grammar/safe-math.js';
import { FAMILY_NAMES, type FitResult, type Law } from '../types.js';

/** The laws of a laws file, with what the check needs from its provenance. */
export interface LawsDocument {
  laws: Law[];
  /** Latent dimension every law's basis is stated in (0 when there are no laws and no provenance). */
  dim: number;
  /** The FitResult's provenance, when the file has one (a bare array of laws has none). */
  provenance?: FitResult['provenance'];
}

/** Rows of a basis must be orthonormal to within this (JSON keeps doubles exactly, so only edits break it). */
const ORTHONORMAL_TOLERANCE = 1e-6;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 30 ? `${v.slice(0, 29)}…` : v)}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v === 'number' ? 'the number ' : ''}${String(v)}`;
}

/** Validators throw InputErrors naming `file` and the JSON path `at`. */
class Walker {
  constructor(readonly file: string) {}

  fail(at: string, detail: string): never {
    throw new InputError(this.file, `${at || 'top level'}: ${detail}`);
  }

  object(v: unknown, at: string): Record<string, unknown> {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail(at, `expected an object, got ${describe(v)}`);
    return v as Record<string, unknown>;
  }

  field(obj: Record<string, unknown>, key: string, at: string): unknown {
    if (!Object.hasOwn(obj, key) || obj[key] === undefined) this.fail(at, `missing field "${key}"`);
    return obj[key];
  }

  array(v: unknown, at: string, length?: number, what = 'an array'): unknown[] {
    if (!Array.isArray(v)) this.fail(at, `expected ${what}, got ${describe(v)}`);
    if (length !== undefined && v.length !== length) this.fail(at, `expected ${what} of length ${length}, got length ${v.length}`);
    return v;
  }

  string(v: unknown, at: string): string {
    if (typeof v !== 'string' || v === '') this.fail(at, `expected a non-empty string, got ${describe(v)}`);
    return v;
  }

  number(v: unknown, at: string, what = 'a finite number'): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(at, `expected ${what}, got ${describe(v)}`);
    return v;
  }

  numbers(v: unknown, at: string, length?: number): number[] {
    const arr = this.array(v, at, length, 'an array of numbers');
    arr.forEach((x, i) => this.number(x, `${at}[${i}]`));
    return arr as number[];
  }
}

/**
 * Validate one law object (as parsed from JSON) and return it typed. Checks exactly what evaluating the
 * law needs: role, an orthonormal basis, a model whose features compile over its variables (through the
 * restricted expression language) and whose coefficient matrix has the right shape, a tolerance, and
 * the same of each entry of `alternatives` and `conserved` when present (optional: files from before
 * they existed load).
 * @param at JSON path of the law in its file, e.g. `laws[2]`
 * @param dim expected latent dimension (basis row length), if already known
 * @throws InputError `file: at.field: what is wrong`
 */
export function validateLaw(value: unknown, file: string, at: string, dim?: number): Law {
  const w = new Walker(file);
  const law = w.object(value, at);
  w.string(w.field(law, 'id', at), `${at}.id`);
  if (law.rank !== undefined) w.number(law.rank, `${at}.rank`);
  if (law.family !== undefined && !(FAMILY_NAMES as readonly unknown[]).includes(law.family))
    w.fail(`${at}.family`, `expected one of ${FAMILY_NAMES.join(', ')}, got ${describe(law.family)}`);
  const role = w.field(law, 'role', at);
  if (role !== 'map' && role !== 'invariant') w.fail(`${at}.role`, `expected "map" or "invariant", got ${describe(role)}`);

  const subspace = w.object(w.field(law, 'subspace', at), `${at}.subspace`);
  const bAt = `${at}.subspace.basis`;
  const basis = w.array(w.field(subspace, 'basis', `${at}.subspace`), bAt);
  if (basis.length === 0) w.fail(bAt, 'expected at least one basis row, got an empty array');
  const d = dim ?? (Array.isArray(basis[0]) ? basis[0].length : 0);
  const rows = basis.map((row, i) => w.numbers(row, `${bAt}[${i}]`, d));
  if (d === 0) w.fail(`${bAt}[0]`, 'expected a non-empty row');
  if (rows.length > d) w.fail(bAt, `has ${rows.length} rows but the rows have length ${d}: a subspace cannot be larger than the space`);
  for (let i = 0; i < rows.length; i++)
    for (let j = 0; j <= i; j++) {
      const dot = rows[i].reduce((s, x, p) => s + x * rows[j][p], 0);
      if (Math.abs(dot - (i === j ? 1 : 0)) > ORTHONORMAL_TOLERANCE)
        w.fail(bAt, `rows are not orthonormal (row ${j} · row ${i} = ${dot.toPrecision(6)}, expected ${i === j ? 1 : 0})`);
    }

  const mAt = `${at}.model`;
  const model = w.object(w.field(law, 'model', at), mAt);
  if (w.field(model, 'role', mAt) !== role) w.fail(`${mAt}.role`, `expected ${JSON.stringify(role)} (the law's role), got ${describe(model.role)}`);
  const variables = w.array(w.field(model, 'variables', mAt), `${mAt}.variables`, rows.length, 'an array of variable names (one per basis row)');
  variables.forEach((v, i) => w.string(v, `${mAt}.variables[${i}]`));
  const features = w.array(w.field(model, 'features', mAt), `${mAt}.features`);
  if (features.length === 0) w.fail(`${mAt}.features`, 'expected at least one feature, got an empty array');
  features.forEach((f, i) => {
    const fAt = `${mAt}.features[${i}]`;
    try {
      checkExpression(w.string(f, fAt), variables as string[]);
    } catch (err) {
      if (err instanceof InputError) throw err;
      w.fail(fAt, errorMessage(err));
    }
  });
  const cAt = `${mAt}.coefficients`;
  const nRows = role === 'map' ? rows.length : 1;
  const coefficients = w.array(w.field(model, 'coefficients', mAt), cAt, nRows, role === 'map' ? 'an array of rows (one per basis row)' : 'an array holding one row');
  coefficients.forEach((row, i) => w.numbers(row, `${cAt}[${i}]`, features.length));

  const metrics = w.object(w.field(law, 'metrics', at), `${at}.metrics`);
  const tolerance = w.number(w.field(metrics, 'tolerance', `${at}.metrics`), `${at}.metrics.tolerance`, 'a non-negative number');
  if (tolerance < 0) w.fail(`${at}.metrics.tolerance`, `expected a non-negative number, got ${tolerance}`);
  if (law.alternatives !== undefined) validateAlternatives(w, law.alternatives, `${at}.alternatives`, role as string, d);
  if (law.conserved !== undefined) validateAlternatives(w, law.conserved, `${at}.conserved`, 'invariant', d);
  return law as unknown as Law;
}

/**
 * A law's alternatives are laws of the same role on the same subspace, and the invariants a map
 * conserves are invariants there; each is evaluable on its own (rollout may switch to an alternative,
 * `check` may test either), so each is validated as a law, with none of its own nested.
 * @param role the role each entry must have
 */
function validateAlternatives(w: Walker, value: unknown, at: string, role: string, dim: number): void {
  const what = at.endsWith('.conserved') ? 'a conserved invariant' : 'an alternative';
  w.array(value, at).forEach((alt, i) => {
    const aAt = `${at}[${i}]`;
    // Before validating the entry as a law, which would validate (and report) its nested ones.
    for (const nested of ['alternatives', 'conserved'])
      if (alt !== null && typeof alt === 'object' && (alt as Record<string, unknown>)[nested] !== undefined) w.fail(`${aAt}.${nested}`, `${what} cannot have ${nested} of its own`);
    const checked = validateLaw(alt, w.file, aAt, dim);
    if (checked.role !== role) w.fail(`${aAt}.role`, `expected ${JSON.stringify(role)} (${what === 'an alternative' ? 'the role of the law it is an alternative of' : 'what a map conserves'}), got ${describe(checked.role)}`);
  });
}

/**
 * Validate a parsed laws document: a FitResult (`{"laws": [...], "provenance": {...}}`) or a bare array
 * of laws. Every law must be stated in the same latent dimension (and in `provenance.dim`, when given).
 * @throws InputError naming `file` and the JSON path of the first bad field
 */
export function validateLaws(value: unknown, file: string): LawsDocument {
  const w = new Walker(file);
  let list: unknown[];
  let prefix = '';
  let provenance: FitResult['provenance'] | undefined;
  let dim: number | undefined;
  if (Array.isArray(value)) list = value;
  else {
    const root = w.object(value, '');
    if (!Object.hasOwn(root, 'laws')) w.fail('', `missing field "laws" (a laws file is the JSON written by \`latent-laws fit --out\`)`);
    list = w.array(root.laws, 'laws');
    prefix = 'laws';
    if (root.provenance !== undefined) {
      const prov = w.object(root.provenance, 'provenance');
      if (prov.dim !== undefined) dim = w.number(prov.dim, 'provenance.dim', 'a positive integer');
      if (dim !== undefined && !(Number.isInteger(dim) && dim > 0)) w.fail('provenance.dim', `expected a positive integer, got ${dim}`);
      provenance = prov as unknown as FitResult['provenance'];
    }
  }
  const laws = list.map((law, i) => {
    const checked = validateLaw(law, file, `${prefix}[${i}]`, dim);
    dim ??= checked.subspace.basis[0].length;
    return checked;
  });
  return { laws, dim: dim ?? 0, provenance };
}

/**
 * Parse the text of a laws file.
 * @throws InputError with the line and column of a JSON syntax error, or the JSON path of a bad field
 */
export function parseLaws(text: string, file: string): LawsDocument {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // JSON.parse rejects a byte-order mark
  if (text.trim() === '') throw new InputError(file, 'is blank: expected a laws JSON file');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new InputError(file, syntaxMessage(text, err));
  }
  return validateLaws(value, file);
}

/**
 * Read and validate a laws file.
 * @throws InputError for a missing/unreadable file, bad UTF-8, bad JSON (line and column) or a bad field (JSON path)
 */
export function readLawsFile(path: string): LawsDocument {
  const bytes = readInputFile(path);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(path, 'not a laws JSON file (content is not valid UTF-8 text)');
  }
  return parseLaws(text, path);
}
