/**
 * Restricted mathjs for expressions that come from user files (grammar templates, and later law
 * equations). Two layers, following mathjs's security guide (docs/expressions/security.md):
 *
 * 1. One private mathjs instance: the one built by mathjs's single-file bundle, which nothing else in
 *    this program loads (it loads several times faster than the package's ES modules:
 *    docs/performance.md#loading-mathjs). We keep references to `parse`, `derivative` and `simplify`, then
 *    override `import`, `evaluate`, `parse`, `compile`, `createUnit`, … with throwing functions, so
 *    the instance is useless to anyone who gets hold of it. It is never exported.
 * 2. An allow-list over the parsed tree: numbers, declared variables, `pi`, `e`, `+ - * / ^`, unary
 *    minus/plus, parentheses and a few unary functions. Everything else is rejected before anything
 *    is evaluated, and evaluation never goes through mathjs: the validated tree is compiled to closures.
 */
import { createRequire } from 'node:module';
import type { MathJsInstance, MathNode } from 'mathjs';
import { errorMessage } from '../errors.js';
import {
  ALLOWED_CONSTANTS, ALLOWED_FUNCTIONS, compileExpr, exprVariables,
  type AllowedFunction, type BinaryOp, type Evaluator, type Expr,
} from './expr-ir.js';
import { printExpr, simplifyExpr } from './expr-simplify.js';

// Required, not imported: an ES import of the 2 MB CommonJS bundle first scans it for named exports
// (about 50 ms of start-up); require only runs it.
const math = createRequire(import.meta.url)('mathjs/lib/browser/math.js') as MathJsInstance;

// absTol 0: mathjs's simplify otherwise treats constants below 1e-15 as zero, which silently drops
// small but real coefficients from derivatives.
math.config({ absTol: 0 });
// Captured before the lockdown below: these keep the dependencies they were built with, so they
// still work after the public names are replaced.
const mathParse = math.parse;
const mathDerivative = math.derivative;
const mathSimplify = math.simplify;
const SymbolNode = math.SymbolNode;
const ConstantNode = math.ConstantNode;
const OperatorNode = math.OperatorNode;
const FunctionNode = math.FunctionNode;

const LOCKED = [
  'import', 'createUnit', 'reviver', 'evaluate', 'parse', 'parser', 'compile', 'simplify',
  'simplifyCore', 'simplifyConstant', 'rationalize', 'derivative', 'resolve', 'chain',
] as const;
math.import(
  Object.fromEntries(LOCKED.map((name) => [name, () => { throw new Error(`mathjs function ${name} is disabled`); }])),
  { override: true },
);
// Fail loudly at load time if a future mathjs stops honouring the override.
for (const name of ['import', 'evaluate', 'parse', 'createUnit'] as const) {
  let message = '';
  try {
    (math[name] as (...args: unknown[]) => unknown)('1');
  } catch (err) {
    message = errorMessage(err);
  }
  if (!message.includes('is disabled')) throw new Error(`safe-math: failed to disable mathjs function ${name}`);
}

/**
 * Bounds on input size and nesting: generous for machine-written equations (a library invariant with
 * dozens of full-precision coefficients, or its derivative), but they keep the recursive tree walks,
 * and the nested closures they build, far from the stack limit.
 */
const MAX_EXPRESSION_LENGTH = 20000;
const MAX_DEPTH = 400;
const FUNCTION_SET: ReadonlySet<string> = new Set(ALLOWED_FUNCTIONS);
const OPERATORS: Readonly<Record<string, BinaryOp | 'negate' | 'plus'>> = {
  add: '+', subtract: '-', multiply: '*', divide: '/', pow: '^', unaryMinus: 'negate', unaryPlus: 'plus',
};
const REJECTED_NODES: Readonly<Record<string, string>> = {
  AssignmentNode: 'assignments are not allowed',
  FunctionAssignmentNode: 'function definitions are not allowed',
  AccessorNode: 'property access and indexing are not allowed',
  IndexNode: 'indexing is not allowed',
  ObjectNode: 'objects are not allowed',
  ArrayNode: 'arrays and matrices are not allowed',
  RangeNode: 'ranges are not allowed',
  BlockNode: 'only one expression is allowed',
  ConditionalNode: 'conditionals are not allowed',
  RelationalNode: 'comparisons are not allowed',
};
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The fields of mathjs nodes we read; mathjs's own typings are a union too wide to narrow cheaply. */
interface LooseNode {
  type: string;
  value?: unknown;
  name?: string;
  fn?: LooseNode | string;
  args?: LooseNode[];
  content?: LooseNode;
  toString(): string;
}

/** `true` accepts any identifier as a variable (for display-only helpers); a set accepts only those. */
type SymbolPolicy = ReadonlySet<string> | true;

/** Keeps error messages on one short line whatever the user wrote. */
function clip(text: string): string {
  const s = text.replace(/\s+/g, ' ');
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function snippet(node: LooseNode): string {
  return clip(node.toString());
}

function parseUser(expr: string): MathNode {
  if (typeof expr !== 'string' || expr.trim() === '') throw new Error('empty expression');
  if (expr.length > MAX_EXPRESSION_LENGTH) throw new Error(`expression longer than ${MAX_EXPRESSION_LENGTH} characters`);
  try {
    return mathParse(expr);
  } catch (err) {
    throw new Error(`cannot parse '${clip(expr)}': ${clip(errorMessage(err))}`);
  }
}

/** Walks a mathjs tree with the allow-list and converts it to our own tree; throws on anything else. */
function toExpr(node: LooseNode, symbols: SymbolPolicy, depth = 0): Expr {
  if (depth > MAX_DEPTH) throw new Error(`expression nested deeper than ${MAX_DEPTH} levels`);
  switch (node.type) {
    case 'ConstantNode':
      if (typeof node.value !== 'number') throw new Error(`'${snippet(node)}': only numbers are allowed as constants`);
      if (!Number.isFinite(node.value)) throw new Error(`'${snippet(node)}': number is not finite`);
      return { kind: 'number', value: node.value };
    case 'SymbolNode': {
      const name = node.name ?? '';
      const isConstant = Object.hasOwn(ALLOWED_CONSTANTS, name);
      // declare() guarantees declared variables never shadow pi, e or a function name.
      const isVariable = symbols === true ? IDENTIFIER.test(name) && !FUNCTION_SET.has(name) && !isConstant : symbols.has(name);
      if (isVariable) return { kind: 'variable', name };
      if (isConstant) return { kind: 'constant', name };
      const declared = symbols === true ? '' : ` (declared: ${[...symbols].join(', ') || 'none'}; constants: pi, e)`;
      throw new Error(`unknown symbol '${name}'${declared}`);
    }
    case 'ParenthesisNode':
      return toExpr(node.content as LooseNode, symbols, depth + 1);
    case 'OperatorNode': {
      const op = typeof node.fn === 'string' && Object.hasOwn(OPERATORS, node.fn) ? OPERATORS[node.fn] : undefined;
      const args = (node.args ?? []).map((a) => toExpr(a, symbols, depth + 1));
      if (op === undefined) throw new Error(`'${snippet(node)}': operator not allowed (allowed: + - * / ^)`);
      if (op === 'negate' || op === 'plus') {
        if (args.length !== 1) throw new Error(`'${snippet(node)}': malformed unary operator`);
        return op === 'plus' ? args[0] : { kind: 'negate', arg: args[0] };
      }
      // Parsed trees are binary; simplify() may build n-ary sums/products, folded left here.
      if (args.length < 2 || (args.length > 2 && op !== '+' && op !== '*')) {
        throw new Error(`'${snippet(node)}': malformed operator`);
      }
      return args.slice(1).reduce<Expr>((left, right) => ({ kind: 'binary', op, left, right }), args[0]);
    }
    case 'FunctionNode': {
      const fn = node.fn as LooseNode;
      const name = fn.type === 'SymbolNode' ? (fn.name ?? '') : '';
      if (!FUNCTION_SET.has(name)) {
        throw new Error(`'${snippet(node)}': function '${name || snippet(fn)}' is not allowed (allowed: ${ALLOWED_FUNCTIONS.join(', ')})`);
      }
      if ((node.args ?? []).length !== 1) throw new Error(`'${snippet(node)}': ${name} takes exactly one argument`);
      return { kind: 'call', fn: name as AllowedFunction, arg: toExpr((node.args as LooseNode[])[0], symbols, depth + 1) };
    }
    default:
      throw new Error(`'${snippet(node)}': ${(Object.hasOwn(REJECTED_NODES, node.type) ? REJECTED_NODES[node.type] : undefined) ?? `${node.type} is not allowed`}`);
  }
}

function declare(variables: readonly string[]): ReadonlySet<string> {
  for (const v of variables) {
    if (!IDENTIFIER.test(v)) throw new Error(`invalid variable name '${v}'`);
    if (FUNCTION_SET.has(v) || Object.hasOwn(ALLOWED_CONSTANTS, v)) throw new Error(`variable name '${v}' is reserved`);
  }
  return new Set(variables);
}

function validate(expr: string, variables: readonly string[]): { node: MathNode; tree: Expr } {
  const symbols = declare(variables);
  const node = parseUser(expr);
  return { node, tree: toExpr(node as unknown as LooseNode, symbols) };
}

/**
 * Checks that `expr` uses only numbers, the given variables, `pi`, `e`, `+ - * / ^`, unary minus/plus,
 * parentheses and the functions sin cos tan exp log sqrt abs tanh sinh cosh atan asin acos.
 * @throws Error with a one-line reason; callers add the file and line.
 */
export function checkExpression(expr: string, variables: string[]): void {
  validate(expr, variables);
}

/** Like {@link checkExpression}, and returns the declared variables the expression uses, in `variables` order. */
export function expressionVariables(expr: string, variables: string[]): string[] {
  const used = exprVariables(validate(expr, variables).tree);
  return variables.filter((v) => used.includes(v));
}

/**
 * The validated expression tree (plain data, no mathjs inside): worker threads compile it with
 * `compileExpr` from expr-ir.ts, so they never pay mathjs's import (docs/performance.md#loading-mathjs).
 * @throws Error as {@link checkExpression}.
 */
export function expressionTree(expr: string, variables: string[]): Expr {
  return validate(expr, variables).tree;
}

/**
 * Compiles a checked expression to a plain JS closure (no mathjs call per sample). `values[i]` is the
 * value of `variables[i]`. Out-of-domain inputs give NaN (mathjs would give a complex number).
 * @throws Error as {@link checkExpression}.
 */
export function compileExpression(expr: string, variables: string[]): Evaluator {
  const { tree } = validate(expr, variables);
  return compileExpr(tree, new Map(variables.map((v, i) => [v, i])));
}

/**
 * Replaces variables by other variable names on the parsed tree (never by string replacement, so `a`
 * in `tan(a)` or `a2` is untouched). Returns the mathjs string of the result.
 */
export function substituteVariables(expr: string, variables: string[], replacement: Readonly<Record<string, string>>): string {
  declare(Object.values(replacement));
  const { node } = validate(expr, variables);
  const out = node.transform((n: MathNode, path: string) => {
    const name = (n as unknown as LooseNode).name;
    if (n.type === 'SymbolNode' && path !== 'fn' && name !== undefined && Object.hasOwn(replacement, name)) {
      return new SymbolNode(replacement[name]);
    }
    return n;
  });
  return out.toString();
}

/** Reciprocal trig functions that mathjs's derivative emits, rewritten into allowed ones. */
const RECIPROCALS: Readonly<Record<string, string>> = { sec: 'cos', csc: 'sin', cot: 'tan', sech: 'cosh', csch: 'sinh', coth: 'tanh' };

function rewriteReciprocals(node: MathNode): MathNode {
  return node.transform((n: MathNode) => {
    const loose = n as unknown as LooseNode;
    const fn = loose.fn as LooseNode | undefined;
    if (n.type === 'FunctionNode' && fn?.type === 'SymbolNode' && fn.name !== undefined && Object.hasOwn(RECIPROCALS, fn.name)) {
      const inner = new FunctionNode(new SymbolNode(RECIPROCALS[fn.name]), [rewriteReciprocals((loose.args as unknown as MathNode[])[0])]);
      return new OperatorNode('/', 'divide', [new ConstantNode(1), inner]);
    }
    return n;
  });
}

/**
 * Symbolic derivative of `expr` with respect to `variable`, as a mathjs string that itself passes
 * {@link checkExpression} with the same variables. mathjs's chain rule (unsimplified) is cleaned up
 * with local identities (x*1, x+0, -(-x), coefficient merging, …) rather than mathjs's `simplify`,
 * whose running time explodes on equations with many terms. Reciprocal trig functions are rewritten
 * (sec(x) → 1 / cos(x)).
 * @throws Error if `expr` is not allowed or `variable` is not among `variables`.
 */
export function differentiate(expr: string, variable: string, variables: string[]): string {
  const { node } = validate(expr, variables);
  if (!variables.includes(variable)) throw new Error(`'${variable}' is not a declared variable`);
  const raw = rewriteReciprocals(mathDerivative(node, new SymbolNode(variable), { simplify: false }));
  const text = printExpr(simplifyExpr(toExpr(raw as unknown as LooseNode, declare(variables))));
  checkExpression(text, variables);
  return text;
}

/**
 * LaTeX for an expression, or for an equation `lhs = rhs` (each side rendered separately). Any
 * identifier is accepted as a variable, but the structure is checked as for {@link checkExpression}.
 */
export function toLatex(expr: string): string {
  const sides = expr.split('=');
  if (sides.length === 2) return `${toLatex(sides[0])} = ${toLatex(sides[1])}`;
  const node = parseUser(expr);
  toExpr(node as unknown as LooseNode, true);
  return node.toTex();
}

/**
 * mathjs's `simplify` of an allowed expression (any identifier accepted as a variable), for display.
 * Returns the input unchanged if the simplified form would leave the allowed language. Slow on long
 * expressions (mathjs's rule engine): do not call it in a loop or on equations with many terms.
 */
export function simplifyExpression(expr: string): string {
  const node = parseUser(expr);
  toExpr(node as unknown as LooseNode, true);
  const simplified = rewriteReciprocals(mathSimplify(node)).toString();
  try {
    toExpr(parseUser(simplified) as unknown as LooseNode, true);
    return simplified;
  } catch {
    return expr;
  }
}
