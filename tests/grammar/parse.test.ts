import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InputError } from '../../src/errors.ts';
import { DEFAULT_LIMITS, defaultGrammarPath, loadGrammar, parseGrammar } from '../../src/grammar/index.ts';
import { FAMILY_NAMES } from '../../src/types.ts';

const SRC = 'test.grammar';
const MINIMAL = 'family identity cost 1\nsubspace full cost 0\n';

/** Parses and returns the InputError message, failing if parsing succeeds. */
function errorOf(text: string): string {
  try {
    parseGrammar(text, SRC);
  } catch (err) {
    assert.ok(err instanceof InputError, `expected InputError, got ${String(err)}`);
    assert.equal(err.file, SRC);
    return err.message;
  }
  assert.fail(`expected an error for:\n${text}`);
}

describe('default grammar', () => {
  const g = loadGrammar(defaultGrammarPath());

  it('lives at grammar/default.grammar under the package root', () => {
    assert.match(defaultGrammarPath(), /[\\/]grammar[\\/]default\.grammar$/);
    assert.equal(g.source, defaultGrammarPath());
  });

  it('enables all 13 families with costs increasing with complexity', () => {
    assert.deepEqual(g.families.map((f) => f.name).sort(), [...FAMILY_NAMES].sort());
    const cost = Object.fromEntries(g.families.map((f) => [f.name, f.cost]));
    assert.ok(cost.identity < cost.rotation && cost.rotation < cost.linear && cost.linear < cost.affine);
    assert.ok(cost.linear_invariant < cost.quadratic_invariant && cost.quadratic_invariant < cost.library_invariant);
  });

  it('has the four subspace generators', () => {
    assert.deepEqual(g.subspaces, [
      { kind: 'coordinates', maxSize: 2, cost: 1 },
      { kind: 'eigenspaces', maxCount: 8, cost: 2 },
      { kind: 'principal', maxSize: 4, cost: 2 },
      { kind: 'full', cost: 0 },
    ]);
  });

  it('has the five terms a, a^2, a*b, sin(a), cos(a)', () => {
    assert.deepEqual(g.terms.map((t) => [t.name, t.template, t.placeholders]), [
      ['linear', 'a', ['a']],
      ['square', 'a^2', ['a']],
      ['product', 'a*b', ['a', 'b']],
      ['sin', 'sin(a)', ['a']],
      ['cos', 'cos(a)', ['a']],
    ]);
    for (const t of g.terms) assert.ok(t.line > 0 && t.cost > 0);
  });

  it('states the default limits explicitly', () => {
    assert.deepEqual(g.limits, DEFAULT_LIMITS);
  });
});

describe('user grammars', () => {
  const defaultText = readFileSync(defaultGrammarPath(), 'utf8');

  it('parses an edited copy: one family removed, one term added', () => {
    const text = defaultText.replace(/^family rotation .*$/m, '# rotation disabled') + '\nterm tanh = tanh(a) cost 4 # added\n';
    const g = parseGrammar(text, SRC);
    assert.deepEqual(g.families.map((f) => f.name), FAMILY_NAMES.filter((f) => f !== 'rotation'));
    assert.equal(g.terms.length, 6);
    const last = g.terms[5];
    assert.deepEqual({ ...last, line: 0 }, { name: 'tanh', template: 'tanh(a)', placeholders: ['a'], cost: 4, line: 0 });
    assert.equal(last.line, text.split('\n').findIndex((l) => l.startsWith('term tanh')) + 1);
  });

  it('fills defaults for limits not given, accepts any order, comments, CRLF, tabs and a BOM', () => {
    const text = '\uFEFF# header\r\nlimit max_laws 3\r\n\tterm q = a*b + sin(c)\tcost 2.5\r\nsubspace principal max 3 cost 1.5  # pca\r\n' +
      'family library_invariant cost 8\r\nsubspace full cost 0';
    const g = parseGrammar(text, SRC);
    assert.deepEqual(g.families, [{ name: 'library_invariant', cost: 8 }]);
    assert.deepEqual(g.subspaces, [{ kind: 'principal', maxSize: 3, cost: 1.5 }, { kind: 'full', cost: 0 }]);
    assert.deepEqual(g.terms, [{ name: 'q', template: 'a*b + sin(c)', placeholders: ['a', 'b', 'c'], cost: 2.5, line: 3 }]);
    assert.deepEqual(g.limits, { ...DEFAULT_LIMITS, maxLaws: 3 });
  });
});

describe('syntax errors report line and column', () => {
  const cases: [string, number, number, RegExp][] = [
    ['family identity cost 1\nfamly rotation cost 4\n', 2, 1, /Expected "family", "limit", "subspace", "term", comment, end of input, or end of line but "f" found/],
    ['family rotation cost\n', 1, 21, /Expected number but "\\n" found/],
    ['# c\nterm square = a^2\n', 2, 18, /Expected "cost" but "\\n" found/],
    ['\n\nsubspace full max cost 1', 3, 18, /Expected number/],
    ['family rotation cost 4x', 1, 23, /but "x" found/],
    ['term square a^2 cost 2', 1, 13, /Expected "=" but "a" found/],
    ['subspace full', 1, 14, /Expected "cost" or "max" but end of input found/],
  ];
  for (const [text, line, column, message] of cases) {
    it(`${JSON.stringify(text)} → line ${line}, column ${column}`, () => {
      const msg = errorOf(text);
      assert.ok(msg.startsWith(`${SRC}: line ${line}, column ${column}: `), msg);
      assert.match(msg, message);
    });
  }
});

describe('semantic errors name their line', () => {
  const cases: [string, string, number, RegExp][] = [
    ['unknown family', `${MINIMAL}\nfamily rotaton cost 4`, 4, new RegExp(`unknown family 'rotaton' \\(known: ${FAMILY_NAMES.join(', ')}\\)`)],
    ['duplicate family', `${MINIMAL}family identity cost 2`, 3, /duplicate family 'identity' \(first on line 1\)/],
    ['duplicate term name', `${MINIMAL}term sq = a^2 cost 1\nterm sq = a^3 cost 1`, 4, /duplicate term name 'sq' \(first on line 3\)/],
    ['placeholder b without a', `${MINIMAL}term t = sin(b) cost 1`, 3, /uses b without a/],
    ['placeholder c without b', `${MINIMAL}term t = a*c cost 1`, 3, /uses a, c without b/],
    ['no placeholder', `${MINIMAL}term t = 2*pi cost 1`, 3, /uses no placeholder/],
    ['undeclared placeholder', `${MINIMAL}term t = a*d cost 1`, 3, /bad template 'a\*d': unknown symbol 'd'/],
    ['zero family cost', 'family identity cost 0\nsubspace full cost 0', 1, /cost of family identity must be positive, got 0/],
    ['negative term cost', `${MINIMAL}term t = a cost -1`, 3, /cost of term t must be positive, got -1/],
    ['negative subspace cost', 'family identity cost 1\nsubspace full cost -0.5', 2, /must be zero or positive/],
    ['unknown limit', `${MINIMAL}limit max_law 3`, 3, /unknown limit 'max_law' \(known: max_candidates, max_finalists, max_library_dim, max_quadratic_dim, stlsq_threshold, snap_max_denominator, screening_sample, max_laws, max_coordinate_subsets\)/],
    ['duplicate limit', `${MINIMAL}limit max_laws 3\nlimit max_laws 4`, 4, /duplicate limit 'max_laws' \(first on line 3\)/],
    ['non-integer limit', `${MINIMAL}limit max_laws 2.5`, 3, /max_laws must be an integer >= 1, got 2.5/],
    ['zero limit', `${MINIMAL}limit max_candidates 0`, 3, /must be an integer >= 1, got 0/],
    ['threshold out of range', `${MINIMAL}limit stlsq_threshold 1`, 3, /stlsq_threshold must be a number in \[0, 1\), got 1/],
    ['unknown subspace generator', `${MINIMAL}subspace eigen max 2 cost 1`, 3, /unknown subspace generator 'eigen' \(known: coordinates, eigenspaces, principal, full\)/],
    ['duplicate subspace generator', `${MINIMAL}subspace full cost 1`, 3, /duplicate subspace generator 'full'/],
    ['max on full', 'family identity cost 1\nsubspace full max 2 cost 0', 2, /subspace full takes no 'max'/],
    ['missing max', `${MINIMAL}subspace principal cost 1`, 3, /subspace principal needs 'max N'/],
    ['fractional max', `${MINIMAL}subspace coordinates max 1.5 cost 1`, 3, /max of subspace coordinates must be a positive integer, got 1.5/],
    ['library family without terms', 'subspace full cost 0\nfamily library_map cost 10', 2, /family library_map needs at least one `term` line/],
  ];
  for (const [name, text, line, message] of cases) {
    it(`${name} → line ${line}`, () => {
      const msg = errorOf(text);
      assert.ok(msg.startsWith(`${SRC}: line ${line}`), msg);
      assert.match(msg, message);
      assert.ok(!msg.includes('\n'), 'one-line message');
    });
  }

  it('an empty grammar says what is missing', () => {
    assert.match(errorOf('# nothing\n'), /no family enabled/);
    assert.match(errorOf('family identity cost 1'), /no subspace generator/);
  });
});

describe('loadGrammar', () => {
  it('reports a missing file as an InputError naming it', () => {
    const path = join(tmpdir(), 'latent-laws-no-such.grammar');
    assert.throws(() => loadGrammar(path), (err: unknown) =>
      err instanceof InputError && err.file === path && /grammar file not found/.test(err.message));
  });

  it('reports a directory as an InputError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latent-laws-'));
    assert.throws(() => loadGrammar(dir), (err: unknown) => err instanceof InputError && /is a directory/.test(err.message));
  });
});
