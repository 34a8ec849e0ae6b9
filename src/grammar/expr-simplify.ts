/**
 * Light, linear-time clean-up of validated expression trees, and printing them back as mathjs text.
 * Used for derivatives: mathjs's raw chain rule leaves `* 1`, `+ 0` and `-(-x)` behind, and its full
 * `simplify` is far too slow on machine-written equations (seconds, growing steeply with the number of
 * terms), so we apply only local identities that hold for finite values (merging numeric
 * coefficients may change the last bit of a result).
 */
import type { BinaryOp, Expr } from './expr-ir.js';

type NumberExpr = Extract<Expr, { kind: 'number' }>;
const isNumber = (e: Expr): e is NumberExpr => e.kind === 'number';
/** Not a type guard on purpose: `false` must not narrow `e` away from numbers. */
const isValue = (e: Expr, v: number): boolean => e.kind === 'number' && e.value === v;

function num(value: number): Expr {
  return { kind: 'number', value };
}

function negate(arg: Expr): Expr {
  if (arg.kind === 'number') return num(-arg.value);
  if (arg.kind === 'negate') return arg.arg;
  return { kind: 'negate', arg };
}

function binary(op: BinaryOp, left: Expr, right: Expr): Expr {
  // Fold number-only operations, but never into a non-finite value (which could not be printed).
  if (isNumber(left) && isNumber(right)) {
    const v = op === '+' ? left.value + right.value : op === '-' ? left.value - right.value
      : op === '*' ? left.value * right.value : op === '/' ? left.value / right.value : Math.pow(left.value, right.value);
    if (Number.isFinite(v) && !(op === '^' && left.value < 0 && !Number.isInteger(right.value))) return num(v);
  }
  switch (op) {
    case '+':
      if (isValue(left, 0)) return right;
      if (isValue(right, 0)) return left;
      if (right.kind === 'negate') return binary('-', left, right.arg);
      if (isNumber(right) && right.value < 0) return binary('-', left, num(-right.value));
      break;
    case '-':
      if (isValue(right, 0)) return left;
      if (isValue(left, 0)) return negate(right);
      if (right.kind === 'negate') return binary('+', left, right.arg);
      break;
    case '*':
      if (isValue(left, 0) || isValue(right, 0)) return num(0);
      if (isValue(left, 1)) return right;
      if (isValue(right, 1)) return left;
      if (isValue(left, -1)) return negate(right);
      if (isValue(right, -1)) return negate(left);
      // Pull signs out so they can cancel: (-a) * b = -(a * b).
      if (left.kind === 'negate') return negate(binary('*', left.arg, right));
      if (right.kind === 'negate') return negate(binary('*', left, right.arg));
      // Coefficients first, then merged: y * 3 → 3 * y; 2 * (3 * x) → 6 * x.
      if (isNumber(right)) return binary('*', right, left);
      if (isNumber(left) && right.kind === 'binary' && right.op === '*' && isNumber(right.left)) {
        return binary('*', binary('*', left, right.left), right.right);
      }
      break;
    case '/':
      if (isValue(left, 0)) return num(0);
      if (isValue(right, 1)) return left;
      if (left.kind === 'negate') return negate(binary('/', left.arg, right));
      // (2 * x) / 2 → x, as the chain rule on x^2/2 produces.
      if (isNumber(right) && left.kind === 'binary' && left.op === '*' && isNumber(left.left)) {
        const c = left.left.value / right.value;
        if (Number.isFinite(c) && c !== 0) return binary('*', num(c), left.right);
      }
      break;
    case '^':
      if (isValue(right, 1)) return left;
      if (isValue(right, 0)) return num(1);
      break;
  }
  return { kind: 'binary', op, left, right };
}

/** Applies local identities bottom-up: x+0, x*1, x*0, 0/x, x^1, x^0, -(-x), sign pulling, number folding, coefficient merging. */
export function simplifyExpr(expr: Expr): Expr {
  switch (expr.kind) {
    case 'negate':
      return negate(simplifyExpr(expr.arg));
    case 'call':
      return { kind: 'call', fn: expr.fn, arg: simplifyExpr(expr.arg) };
    case 'binary':
      return binary(expr.op, simplifyExpr(expr.left), simplifyExpr(expr.right));
    default:
      return expr;
  }
}

/** Binding strength as mathjs parses it: + - < * / < unary minus < ^ < atoms. */
function precedence(e: Expr): number {
  switch (e.kind) {
    case 'binary':
      return e.op === '+' || e.op === '-' ? 1 : e.op === '*' || e.op === '/' ? 2 : 4;
    case 'negate':
      return 3;
    case 'number':
      return e.value < 0 || Object.is(e.value, -0) ? 3 : 5;
    default:
      return 5;
  }
}

/**
 * Prints a tree as mathjs text that parses back to the same tree (same grouping, so the same
 * floating-point evaluation order). Parentheses are added wherever precedence or associativity
 * would otherwise regroup.
 */
export function printExpr(e: Expr): string {
  const wrap = (child: Expr, needsParens: boolean): string => (needsParens ? `(${printExpr(child)})` : printExpr(child));
  switch (e.kind) {
    case 'number':
      return e.value < 0 || Object.is(e.value, -0) ? `-${String(-e.value)}` : String(e.value);
    case 'constant':
    case 'variable':
      return e.name;
    case 'call':
      return `${e.fn}(${printExpr(e.arg)})`;
    case 'negate':
      return `-${wrap(e.arg, precedence(e.arg) <= 3)}`;
    case 'binary': {
      const p = precedence(e);
      if (e.op === '^') return `${wrap(e.left, precedence(e.left) <= 4)} ^ ${wrap(e.right, precedence(e.right) < 5)}`;
      return `${wrap(e.left, precedence(e.left) < p)} ${e.op} ${wrap(e.right, precedence(e.right) <= p)}`;
    }
  }
}
