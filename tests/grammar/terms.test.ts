import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileExpression, defaultGrammarPath, instantiateTerms, loadGrammar } from '../../src/grammar/index.ts';
import type { TermSpec } from '../../src/types.ts';

function term(name: string, template: string, placeholders: string[], cost = 1): TermSpec {
  return { name, template, placeholders, cost, line: 1 };
}

describe('instantiateTerms', () => {
  it('expands the default terms over two coordinates', () => {
    const { terms } = loadGrammar(defaultGrammarPath());
    assert.deepEqual(instantiateTerms(terms, ['u1', 'u2']), [
      { name: 'linear(u1)', expression: 'u1', cost: 1 },
      { name: 'linear(u2)', expression: 'u2', cost: 1 },
      { name: 'square(u1)', expression: 'u1 ^ 2', cost: 2 },
      { name: 'square(u2)', expression: 'u2 ^ 2', cost: 2 },
      { name: 'product(u1,u2)', expression: 'u1 * u2', cost: 2 },
      { name: 'sin(u1)', expression: 'sin(u1)', cost: 3 },
      { name: 'sin(u2)', expression: 'sin(u2)', cost: 3 },
      { name: 'cos(u1)', expression: 'cos(u1)', cost: 3 },
      { name: 'cos(u2)', expression: 'cos(u2)', cost: 3 },
    ]);
  });

  it('uses pairs i<j for symmetric templates and all ordered pairs otherwise, never i==j', () => {
    const vars = ['u1', 'u2', 'u3'];
    assert.deepEqual(instantiateTerms([term('p', 'a*b', ['a', 'b'])], vars).map((t) => t.expression), ['u1 * u2', 'u1 * u3', 'u2 * u3']);
    assert.deepEqual(instantiateTerms([term('d', '(a-b)^2', ['a', 'b'])], vars).map((t) => t.name), ['d(u1,u2)', 'd(u1,u3)', 'd(u2,u3)']);
    assert.equal(instantiateTerms([term('m', 'a*sin(b)', ['a', 'b'])], vars).length, 6);
    assert.equal(instantiateTerms([term('m', 'a-b', ['a', 'b'])], vars).length, 6);
    assert.deepEqual(instantiateTerms([term('t', 'a*b*c', ['a', 'b', 'c'])], vars).map((t) => t.expression), ['u1 * u2 * u3']);
    assert.deepEqual(instantiateTerms([term('p', 'a*b', ['a', 'b'])], ['u1']), []);
  });

  it('substitutes on the expression tree, so variable names may overlap placeholders', () => {
    const out = instantiateTerms([term('m', 'a*sin(b)', ['a', 'b'])], ['b', 'a']);
    assert.deepEqual(out.map((t) => t.expression), ['b * sin(a)', 'a * sin(b)']);
    for (const t of out) compileExpression(t.expression, ['b', 'a']);
  });

  it('produces expressions that compile and evaluate like the template', () => {
    const [inst] = instantiateTerms([term('e', 'a^2/2 - cos(b)', ['a', 'b'])], ['p', 'q']);
    assert.equal(compileExpression(inst.expression, ['p', 'q'])([2, 0]), 1);
  });
});
