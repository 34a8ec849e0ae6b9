/**
 * Which expressions can be restated in other units: homogeneous ones of an integer degree (their
 * coefficients then scale by a power of the unit) and no others.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { homogeneousDegree, termsByHomogeneity } from '../../src/grammar/degree.ts';
import { defaultGrammarPath, loadGrammar } from '../../src/grammar/index.ts';

test('homogeneous degrees of features, and null for what does not scale', () => {
  const vars = ['u1', 'u2'];
  const cases: [string, number | null][] = [
    ['1', 0],
    ['u1', 1],
    ['u1^2', 2],
    ['u1*u2', 2],
    ['u1 ^ 3 * u2', 4],
    ['u1 / u2', 0],
    ['abs(u1) * u2', 2],
    ['2 * pi * u1', 1],
    ['u1^2 + u1*u2', 2],
    ['sin(u1)', null],
    ['cos(u2)', null],
    ['exp(u1)', null],
    ['u1 + 1', null],
    ['u1^2 + u2', null],
    ['sqrt(u1)', null],
    ['log(u1)', null],
    ['u1 - u1', null],
  ];
  for (const [expr, want] of cases) assert.equal(homogeneousDegree(expr, vars), want, expr);
});

test('the default grammar keeps its polynomial terms under scaling and leaves out sin and cos', () => {
  const { kept, dropped } = termsByHomogeneity(loadGrammar(defaultGrammarPath()).terms);
  assert.deepEqual(kept.map((t) => t.name), ['linear', 'square', 'product']);
  assert.deepEqual(dropped.map((t) => t.name), ['sin', 'cos']);
});
