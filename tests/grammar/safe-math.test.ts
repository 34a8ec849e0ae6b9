import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { all, create } from 'mathjs';
import { InputError } from '../../src/errors.ts';
import * as grammarApi from '../../src/grammar/index.ts';
import { ALLOWED_FUNCTIONS, compileExpr, type BinaryOp, type Expr } from '../../src/grammar/expr-ir.ts';
import { printExpr, simplifyExpr } from '../../src/grammar/expr-simplify.ts';
import { parseGrammar } from '../../src/grammar/parse.ts';
import * as safeMath from '../../src/grammar/safe-math.ts';
import {
  checkExpression, compileExpression, differentiate, simplifyExpression, substituteVariables, toLatex,
} from '../../src/grammar/safe-math.ts';

/** A separate, unrestricted mathjs instance: the reference the compiled closures must agree with. */
const reference = create(all);
const VARS = ['x', 'y', 'z'];
/** Fixed for reproducible CI runs; set FC_SEED to explore other cases. */
const SEED = Number(process.env.FC_SEED ?? 1);

const FORBIDDEN = [
  'import({}, {override:true})', 'createUnit("foo")', 'evaluate("1+1")', 'parse("x")', 'simplify("x")',
  'derivative("x^2","x")', 'resolve(x)', 'f(x) = 1', 'x = 5', '[1,2]', '{a:1}', 'a.b', 'a[1]', '1:3',
  '"str"', '5 cm', 'x ? 1 : 2', 'unknownFn(a)', 'q + a', 'a; b', 'true', 'a == b', 'a!', 'a mod b',
  'a .* b', "a'", 'sin(a, b)', 'a(2)', 'toString', 'constructor', '1e400', 'log(a, 2)', '', 'a +',
];

describe('restriction', () => {
  for (const expr of FORBIDDEN) {
    it(`rejects ${JSON.stringify(expr)}`, () => {
      // `x` and `a`, `b` are declared, so each rejection is for the construct itself.
      const vars = ['a', 'b', 'x'];
      assert.throws(() => checkExpression(expr, vars), (err: unknown) => err instanceof Error && !err.message.includes('\n'));
      assert.throws(() => compileExpression(expr, vars));
      assert.throws(
        () => parseGrammar(`family library_map cost 1\nsubspace full cost 0\nterm bad = ${expr} cost 1\n`, 'g'),
        (err: unknown) => err instanceof InputError && /^g: line 3/.test(err.message),
      );
    });
  }

  it('rejects variable names that shadow constants or functions', () => {
    assert.throws(() => compileExpression('pi', ['pi']), /reserved/);
    assert.throws(() => compileExpression('sin', ['sin']), /reserved/);
    assert.throws(() => compileExpression('x', ['x.y']), /invalid variable name/);
  });

  it('accepts every allowed construct', () => {
    const f = compileExpression('-x + +y * 2 / (3 - z) ^ 2 + pi * e + ' + ALLOWED_FUNCTIONS.map((fn) => `${fn}(0.5)`).join(' + '), VARS);
    assert.ok(Number.isFinite(f([1, 2, 4])));
  });

  it('exports no mathjs instance', () => {
    for (const mod of [safeMath, grammarApi]) {
      for (const [name, value] of Object.entries(mod)) {
        const v = value as unknown as Record<string, unknown>;
        const leaks = v !== null && (typeof v === 'object' || typeof v === 'function') && ['evaluate', 'import', 'parse', 'createUnit'].some((k) => k in v);
        assert.ok(!leaks, `export ${name} looks like a mathjs instance`);
      }
    }
  });
});

describe('compileExpression', () => {
  it('reads values in the order of the variables, from arrays or Float64Array', () => {
    const f = compileExpression('p^2/2 - cos(q)', ['q', 'p']);
    assert.equal(f([0, 2]), 2 - 1);
    assert.equal(f(new Float64Array([Math.PI, 1])), 0.5 + 1);
  });

  it('follows mathjs precedence: -a^2 is -(a^2), a^b^c is a^(b^c)', () => {
    assert.equal(compileExpression('-x^2', VARS)([3, 0, 0]), -9);
    assert.equal(compileExpression('x^y^z', VARS)([2, 3, 2]), 512);
    assert.equal(compileExpression('2x', VARS)([3, 0, 0]), 6);
  });

  it('gives NaN outside the real domain (mathjs would give a complex number)', () => {
    assert.ok(Number.isNaN(compileExpression('sqrt(x)', VARS)([-1, 0, 0])));
    assert.ok(Number.isNaN(compileExpression('x^(1/3)', VARS)([-8, 0, 0])));
  });

  it('is fast enough for a hot loop over 1e6 samples', () => {
    const f = compileExpression('x^2/2 - cos(y) + 0.5*x*y', VARS);
    const v = new Float64Array(3);
    const t0 = performance.now();
    let s = 0;
    for (let i = 0; i < 1e6; i++) {
      v[0] = i * 1e-6;
      v[1] = 1 - i * 1e-6;
      s += f(v);
    }
    assert.ok(Number.isFinite(s));
    assert.ok(performance.now() - t0 < 2000, 'one million evaluations within 2 s');
  });
});

/** Random expressions of the allowed language over x, y, z with random coefficients. */
const coefficient = fc.double({ min: -3, max: 3, noNaN: true }).map((v) => (v < 0 ? `(${v})` : String(v)));
const { expr: expression } = fc.letrec<{ expr: string; leaf: string; node: string }>((tie) => ({
  leaf: fc.oneof(fc.constantFrom('x', 'y', 'z', 'pi', 'e'), coefficient),
  node: fc.oneof(
    fc.tuple(tie('expr'), fc.constantFrom('+', '-', '*', '/', '^'), tie('expr'), fc.boolean())
      .map(([a, op, b, paren]) => (paren ? `(${a}) ${op} (${b})` : `${a} ${op} ${b}`)),
    fc.tuple(fc.constantFrom(...ALLOWED_FUNCTIONS), tie('expr')).map(([f, a]) => `${f}(${a})`),
    tie('expr').map((a) => `-(${a})`),
  ),
  expr: fc.oneof({ maxDepth: 4, depthSize: 'small' }, tie('leaf'), tie('node')),
}));
const point = fc.tuple(...VARS.map(() => fc.double({ min: 0.2, max: 2, noNaN: true })));

function close(a: number, b: number, rel: number): boolean {
  return a === b || Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));
}

describe('properties', () => {
  it('compiled closures agree with mathjs evaluation to 1e-12 relative', () => {
    let compared = 0;
    fc.assert(fc.property(expression, point, (expr, values) => {
      const ours = compileExpression(expr, VARS)(values);
      const theirs: unknown = reference.parse(expr).compile().evaluate(Object.fromEntries(VARS.map((v, i) => [v, values[i]])));
      if (Number.isFinite(ours)) {
        // A finite real result must be mathjs's result too (never a complex number).
        assert.equal(typeof theirs, 'number', `${expr}: mathjs gave ${String(theirs)}`);
        assert.ok(close(ours, theirs as number, 1e-12), `${expr} at ${values}: ${ours} vs ${String(theirs)}`);
        compared++;
      } else if (typeof theirs === 'number' && !Number.isFinite(ours) && !Number.isNaN(ours)) {
        assert.equal(ours, theirs);
      }
      // ours NaN while mathjs is real: a complex intermediate (e.g. abs(sqrt(-1))); not comparable.
    }), { numRuns: 2000, seed: SEED });
    assert.ok(compared > 1000, `only ${compared} comparisons`);
  });

  it('differentiate agrees with a central finite difference', () => {
    let compared = 0;
    fc.assert(fc.property(expression, point, fc.constantFrom(...VARS), (expr, values, v) => {
      const d = differentiate(expr, v, VARS);
      checkExpression(d, VARS); // the derivative stays inside the allowed language
      const f = compileExpression(expr, VARS);
      const df = compileExpression(d, VARS)(values);
      const k = VARS.indexOf(v);
      const at = (dx: number): number => {
        const p = [...values];
        p[k] += dx;
        return f(p);
      };
      const fd = (h: number): number => (8 * (at(h) - at(-h)) - (at(2 * h) - at(-2 * h))) / (12 * h);
      const h = 1e-3;
      const [coarse, fine] = [fd(h), fd(h / 2)];
      // Only where the function is smooth enough that the finite difference itself has converged.
      if (!Number.isFinite(df) || !Number.isFinite(coarse) || !Number.isFinite(fine)) return;
      if (Math.abs(coarse - fine) > 1e-7 * (1 + Math.abs(fine))) return;
      // ... and where rounding of f itself (huge values) does not swamp the difference quotient.
      const roundoff = (4 * Number.EPSILON * Math.max(...[-2, -1, 1, 2].map((s) => Math.abs(at(s * h))))) / h;
      if (roundoff > 1e-7 * (1 + Math.abs(fine))) return;
      assert.ok(Math.abs(df - fine) <= 1e-6 * (1 + Math.abs(fine)), `d/d${v} ${expr} = ${d}: ${df} vs finite difference ${fine}`);
      compared++;
    }), { numRuns: 1000, seed: SEED });
    assert.ok(compared > 500, `only ${compared} comparisons`);
  });
});

/** Random validated trees, including shapes the parser never builds directly (negative numbers, -0). */
const { tree } = fc.letrec<{ tree: Expr }>((tie) => ({
  tree: fc.oneof(
    { maxDepth: 5, depthSize: 'small' },
    fc.oneof(
      fc.constantFrom<Expr>(...VARS.map((name) => ({ kind: 'variable' as const, name })), { kind: 'constant', name: 'pi' }),
      fc.constantFrom(0, -0, 1, -1, 2, 0.5, -3, 1e-20, 1e21).map((value): Expr => ({ kind: 'number', value })),
    ),
    fc.tuple(fc.constantFrom<BinaryOp>('+', '-', '*', '/', '^'), tie('tree'), tie('tree')).map(([op, left, right]): Expr => ({ kind: 'binary', op, left, right })),
    tie('tree').map((arg): Expr => ({ kind: 'negate', arg })),
    fc.tuple(fc.constantFrom(...ALLOWED_FUNCTIONS), tie('tree')).map(([fn, arg]): Expr => ({ kind: 'call', fn, arg })),
  ),
}));

describe('printing trees back to text', () => {
  const slots = new Map(VARS.map((v, i) => [v, i]));
  it('printExpr output parses back to a tree with bit-identical values', () => {
    fc.assert(fc.property(tree, point, (t, values) => {
      const text = printExpr(t);
      const [a, b] = [compileExpression(text, VARS)(values), compileExpr(t, slots)(values)];
      assert.ok(Object.is(a, b) || a === b, `${text}: ${a} vs ${b}`); // a === b: 0 and -0 count as equal
    }), { numRuns: 2000, seed: SEED });
  });

  it('simplifyExpr keeps values (up to rounding, where both are finite)', () => {
    fc.assert(fc.property(tree, point, (t, values) => {
      const [a, b] = [compileExpr(t, slots)(values), compileExpr(simplifyExpr(t), slots)(values)];
      if (Number.isFinite(a) && Number.isFinite(b) && Math.abs(a) < 1e100) assert.ok(close(a, b, 1e-12) || Math.abs(a - b) < 1e-300, `${printExpr(t)}: ${a} vs ${b}`);
    }), { numRuns: 2000, seed: SEED });
  });
});

describe('differentiate, toLatex, simplifyExpression, substituteVariables', () => {
  it('rewrites reciprocal trig functions into allowed ones', () => {
    assert.equal(differentiate('tan(x)', 'x', VARS), '(1 / cos(x)) ^ 2');
    assert.equal(differentiate('tanh(x)', 'x', VARS), '(1 / cosh(x)) ^ 2');
  });

  it('differentiates long machine-written equations quickly', () => {
    const vars = ['u1', 'u2', 'u3'];
    const big = Array.from({ length: 100 }, (_, i) => `${0.1 + i / 37} * sin(u${(i % 3) + 1}) * u${((i + 1) % 3) + 1}`).join(' + ');
    const t0 = performance.now();
    const d = differentiate(big, 'u1', vars);
    assert.ok(performance.now() - t0 < 1000);
    const at = [0.3, -0.7, 1.1];
    const h = 1e-5;
    const f = compileExpression(big, vars);
    const fd = (f([at[0] + h, at[1], at[2]]) - f([at[0] - h, at[1], at[2]])) / (2 * h);
    assert.ok(Math.abs(compileExpression(d, vars)(at) - fd) < 1e-6 * (1 + Math.abs(fd)));
  });

  it('rejects absurd sizes and nesting with a message, not a crash', () => {
    assert.throws(() => checkExpression('('.repeat(9000) + 'a' + ')'.repeat(9000), ['a']), /cannot parse '\(\(\(/);
    assert.throws(() => checkExpression('a' + '+a'.repeat(500), ['a']), /nested deeper than/);
    assert.throws(() => checkExpression('a'.repeat(20001), ['a']), /longer than/);
  });

  it('differentiates a pendulum energy', () => {
    assert.equal(differentiate('p^2/2 - cos(q)', 'q', ['q', 'p']), 'sin(q)');
    assert.equal(differentiate('p^2/2 - cos(q)', 'p', ['q', 'p']), 'p');
    assert.throws(() => differentiate('p', 'r', ['p']), /not a declared variable/);
  });

  it('renders LaTeX for expressions and equations, and still rejects forbidden constructs', () => {
    assert.equal(toLatex('a^2/2'), '\\frac{{ a}^{2}}{2}');
    assert.match(toLatex('u1 = cos(pi/7)*u1'), /^ ?u_?1 = .*\\cos.*\\pi/);
    assert.throws(() => toLatex('evaluate("1")'), /not allowed/);
  });

  it('simplifies', () => {
    assert.equal(simplifyExpression('2*x + 3*x'), '5 * x');
    assert.throws(() => simplifyExpression('[1]'));
  });

  it('substitutes on the tree, not the text', () => {
    assert.equal(substituteVariables('a*b + tan(a)', ['a', 'b'], { a: 'b', b: 'a' }), 'b * a + tan(b)');
  });
});
