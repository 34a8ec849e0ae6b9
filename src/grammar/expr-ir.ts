/**
 * The small expression language that user text is allowed to contain, as a plain tree (`Expr`), and
 * its compilation to nested JS closures. Kept apart from mathjs on purpose: once a mathjs AST has been
 * validated into an `Expr` (see safe-math.ts), nothing here can reach mathjs, strings or the global
 * scope, and evaluation costs a few closure calls per node instead of a mathjs dispatch per sample.
 */

/** Functions user expressions may call; all are unary and map to the `Math` function of the same name. */
export const ALLOWED_FUNCTIONS = [
  'sin', 'cos', 'tan', 'exp', 'log', 'sqrt', 'abs', 'tanh', 'sinh', 'cosh', 'atan', 'asin', 'acos',
] as const;
export type AllowedFunction = (typeof ALLOWED_FUNCTIONS)[number];

/** Named constants user expressions may use. */
export const ALLOWED_CONSTANTS: Readonly<Record<string, number>> = { pi: Math.PI, e: Math.E };

export type BinaryOp = '+' | '-' | '*' | '/' | '^';

/** A validated expression tree: only numbers, declared variables, pi/e, + - * / ^, negation and whitelisted functions. */
export type Expr =
  | { kind: 'number'; value: number }
  | { kind: 'constant'; name: string }
  | { kind: 'variable'; name: string }
  | { kind: 'negate'; arg: Expr }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr }
  | { kind: 'call'; fn: AllowedFunction; arg: Expr };

/** Reads the variable slots of one sample; `values[i]` belongs to `variables[i]`. */
export type Evaluator = (values: ArrayLike<number>) => number;

const MATH_FN: Record<AllowedFunction, (x: number) => number> = {
  sin: Math.sin, cos: Math.cos, tan: Math.tan, exp: Math.exp, log: Math.log, sqrt: Math.sqrt,
  abs: Math.abs, tanh: Math.tanh, sinh: Math.sinh, cosh: Math.cosh, atan: Math.atan,
  asin: Math.asin, acos: Math.acos,
};

/** Compiled node: the closure, plus its value when the subtree has no variables (for constant folding). */
interface Compiled {
  fn: Evaluator;
  constant?: number;
}

function constantNode(value: number): Compiled {
  return { fn: () => value, constant: value };
}

/**
 * Compiles a validated tree into a closure over variable slots. Subtrees without variables are folded
 * to one constant (so `pi/7` costs nothing per sample), and `x^2` becomes one multiplication because
 * squares dominate library features. Out-of-domain inputs (sqrt(-1), log(-1), (-8)^(1/3)) give NaN
 * like `Math` does, where mathjs would return a complex number: callers treat NaN as a failed sample.
 */
export function compileExpr(expr: Expr, slotOf: ReadonlyMap<string, number>): Evaluator {
  return compileNode(expr, slotOf).fn;
}

function compileNode(expr: Expr, slotOf: ReadonlyMap<string, number>): Compiled {
  switch (expr.kind) {
    case 'number':
      return constantNode(expr.value);
    case 'constant':
      return constantNode(ALLOWED_CONSTANTS[expr.name]);
    case 'variable': {
      const slot = slotOf.get(expr.name);
      if (slot === undefined) throw new Error(`internal: no slot for variable '${expr.name}'`);
      return { fn: (v) => v[slot] };
    }
    case 'negate': {
      const a = compileNode(expr.arg, slotOf);
      if (a.constant !== undefined) return constantNode(-a.constant);
      const f = a.fn;
      return { fn: (v) => -f(v) };
    }
    case 'call': {
      const a = compileNode(expr.arg, slotOf);
      const m = MATH_FN[expr.fn];
      if (a.constant !== undefined) return constantNode(m(a.constant));
      const f = a.fn;
      return { fn: (v) => m(f(v)) };
    }
    case 'binary':
      return compileBinary(expr.op, compileNode(expr.left, slotOf), compileNode(expr.right, slotOf));
  }
}

function compileBinary(op: BinaryOp, a: Compiled, b: Compiled): Compiled {
  if (a.constant !== undefined && b.constant !== undefined) {
    return constantNode(applyBinary(op, a.constant, b.constant));
  }
  const f = a.fn;
  const g = b.fn;
  switch (op) {
    case '+':
      return { fn: (v) => f(v) + g(v) };
    case '-':
      return { fn: (v) => f(v) - g(v) };
    case '*':
      if (a.constant !== undefined) {
        const c = a.constant;
        return { fn: (v) => c * g(v) };
      }
      return { fn: (v) => f(v) * g(v) };
    case '/':
      return { fn: (v) => f(v) / g(v) };
    case '^':
      if (b.constant === 2) {
        return {
          fn: (v) => {
            const x = f(v);
            return x * x;
          },
        };
      }
      return { fn: (v) => realPow(f(v), g(v)) };
  }
}

function applyBinary(op: BinaryOp, x: number, y: number): number {
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return x / y;
    case '^':
      return realPow(x, y);
  }
}

/**
 * Real power: a negative base with a non-integer exponent is NaN. `Math.pow` already gives NaN for
 * finite bases but returns ±Infinity or 0 for a base of -Infinity, where mathjs goes complex.
 */
function realPow(x: number, y: number): number {
  return x < 0 && !Number.isInteger(y) ? NaN : Math.pow(x, y);
}

/**
 * Evaluates an expression for `count` samples at once: sample i reads its variable slots from
 * `input[i * stride + slot]` and writes its value to `out[i * outStride + outOffset]`.
 */
export type BatchEvaluator = (input: Float64Array, stride: number, count: number, out: Float64Array, outStride: number, outOffset: number) => void;

/** One node over a block of samples: a column of values, or a constant (folded, as in `compileExpr`). */
interface BatchNode {
  run?: (input: Float64Array, stride: number, count: number) => Float64Array;
  constant?: number;
}

/**
 * Compiles a validated tree for blocks of at most `capacity` samples. Each node becomes one tight loop
 * over a preallocated column, so a block costs a few closure calls per node rather than per sample;
 * the arithmetic is the same as `compileExpr`'s node for node, so both give identical values.
 *
 * The loops are module-level functions and the per-node closures only call them: V8 drops a dead
 * closure's optimised code (docs/performance.md#v8-and-closures).
 */
export function compileExprBatch(expr: Expr, slotOf: ReadonlyMap<string, number>, capacity: number): BatchEvaluator {
  const root = batchNode(expr, slotOf, capacity);
  return (input, stride, count, out, outStride, outOffset) => {
    if (count > capacity) throw new Error(`internal: block of ${count} samples exceeds capacity ${capacity}`);
    if (root.constant !== undefined) storeConstant(out, outStride, outOffset, count, root.constant);
    else storeColumn(out, outStride, outOffset, count, root.run!(input, stride, count));
  };
}

function batchNode(expr: Expr, slotOf: ReadonlyMap<string, number>, capacity: number): BatchNode {
  switch (expr.kind) {
    case 'number':
      return { constant: expr.value };
    case 'constant':
      return { constant: ALLOWED_CONSTANTS[expr.name] };
    case 'variable': {
      const slot = slotOf.get(expr.name);
      if (slot === undefined) throw new Error(`internal: no slot for variable '${expr.name}'`);
      const col = new Float64Array(capacity);
      return { run: (input, stride, count) => gatherSlot(col, input, stride, slot, count) };
    }
    case 'negate': {
      const a = batchNode(expr.arg, slotOf, capacity);
      if (a.constant !== undefined) return { constant: -a.constant };
      const col = new Float64Array(capacity);
      const runA = a.run!;
      return { run: (input, stride, count) => negateColumn(col, runA(input, stride, count), count) };
    }
    case 'call': {
      const a = batchNode(expr.arg, slotOf, capacity);
      const m = MATH_FN[expr.fn];
      if (a.constant !== undefined) return { constant: m(a.constant) };
      return callBatch(expr.fn, a, capacity);
    }
    case 'binary':
      return binaryBatch(expr.op, batchNode(expr.left, slotOf, capacity), batchNode(expr.right, slotOf, capacity), capacity);
  }
}

/**
 * A function call over a column. sin and cos (the library's usual terms) get loops of their own: a
 * loop shared by all functions calls through a value that differs per node, a call V8 cannot inline.
 */
function callBatch(fn: AllowedFunction, a: BatchNode, capacity: number): BatchNode {
  const col = new Float64Array(capacity);
  const runA = a.run!;
  if (fn === 'sin') return { run: (input, stride, count) => sinColumn(col, runA(input, stride, count), count) };
  if (fn === 'cos') return { run: (input, stride, count) => cosColumn(col, runA(input, stride, count), count) };
  const f = MATH_FN[fn];
  return { run: (input, stride, count) => mapColumn(col, runA(input, stride, count), count, f) };
}

function binaryBatch(op: BinaryOp, a: BatchNode, b: BatchNode, capacity: number): BatchNode {
  if (a.constant !== undefined && b.constant !== undefined) return { constant: applyBinary(op, a.constant, b.constant) };
  const col = new Float64Array(capacity);
  if (op === '^' && b.constant === 2) {
    const runA = a.run!;
    return { run: (input, stride, count) => squareColumn(col, runA(input, stride, count), count) };
  }
  // A constant operand is broadcast; the loops below are the per-sample closures of compileBinary.
  const left = a.constant !== undefined ? constantColumn(a.constant, capacity) : a.run!;
  const right = b.constant !== undefined ? constantColumn(b.constant, capacity) : b.run!;
  return { run: (input, stride, count) => binaryColumn(op, col, left(input, stride, count), right(input, stride, count), count) };
}

function constantColumn(value: number, capacity: number): (input: Float64Array, stride: number, count: number) => Float64Array {
  const col = new Float64Array(capacity).fill(value);
  return () => col;
}

// The loops of the batch compiler (module-level: see compileExprBatch).

function storeConstant(out: Float64Array, outStride: number, outOffset: number, count: number, value: number): void {
  for (let i = 0; i < count; i++) out[i * outStride + outOffset] = value;
}

function storeColumn(out: Float64Array, outStride: number, outOffset: number, count: number, col: Float64Array): void {
  for (let i = 0; i < count; i++) out[i * outStride + outOffset] = col[i];
}

function gatherSlot(col: Float64Array, input: Float64Array, stride: number, slot: number, count: number): Float64Array {
  for (let i = 0; i < count; i++) col[i] = input[i * stride + slot];
  return col;
}

function negateColumn(col: Float64Array, x: Float64Array, count: number): Float64Array {
  for (let i = 0; i < count; i++) col[i] = -x[i];
  return col;
}

function sinColumn(col: Float64Array, x: Float64Array, count: number): Float64Array {
  for (let i = 0; i < count; i++) col[i] = Math.sin(x[i]);
  return col;
}

function cosColumn(col: Float64Array, x: Float64Array, count: number): Float64Array {
  for (let i = 0; i < count; i++) col[i] = Math.cos(x[i]);
  return col;
}

function mapColumn(col: Float64Array, x: Float64Array, count: number, f: (v: number) => number): Float64Array {
  for (let i = 0; i < count; i++) col[i] = f(x[i]);
  return col;
}

function squareColumn(col: Float64Array, x: Float64Array, count: number): Float64Array {
  for (let i = 0; i < count; i++) col[i] = x[i] * x[i];
  return col;
}

function binaryColumn(op: BinaryOp, col: Float64Array, x: Float64Array, y: Float64Array, count: number): Float64Array {
  switch (op) {
    case '+':
      for (let i = 0; i < count; i++) col[i] = x[i] + y[i];
      break;
    case '-':
      for (let i = 0; i < count; i++) col[i] = x[i] - y[i];
      break;
    case '*':
      for (let i = 0; i < count; i++) col[i] = x[i] * y[i];
      break;
    case '/':
      for (let i = 0; i < count; i++) col[i] = x[i] / y[i];
      break;
    case '^':
      for (let i = 0; i < count; i++) col[i] = realPow(x[i], y[i]);
      break;
  }
  return col;
}

/** Names of the variables an expression uses, each once, in order of first use. */
export function exprVariables(expr: Expr, out: string[] = []): string[] {
  switch (expr.kind) {
    case 'variable':
      if (!out.includes(expr.name)) out.push(expr.name);
      break;
    case 'negate':
    case 'call':
      exprVariables(expr.arg, out);
      break;
    case 'binary':
      exprVariables(expr.left, out);
      exprVariables(expr.right, out);
      break;
    default:
      break;
  }
  return out;
}
