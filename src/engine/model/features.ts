/**
 * Feature libraries over subspace coordinates, named and compiled.
 * Monomials (u1, u1*u2, u1^2) get direct index arithmetic; every other term goes through the restricted
 * expression compiler, never through mathjs per sample.
 */
import { compileExpr, compileExprBatch, type Expr } from '../../grammar/expr-ir.js';

/** Names of the subspace coordinates u1 … uk. */
export function subspaceVariables(k: number): string[] {
  return Array.from({ length: k }, (_, i) => `u${i + 1}`);
}

/** Degree-1 and degree-2 monomials: the feature set of quadratic invariants. */
export function quadraticFeatures(variables: string[]): string[] {
  const out = [...variables];
  for (let i = 0; i < variables.length; i++) {
    for (let j = i; j < variables.length; j++) {
      out.push(i === j ? `${variables[i]}^2` : `${variables[i]}*${variables[j]}`);
    }
  }
  return out;
}

type FeatureFn = (u: Float64Array) => number;

/** A compiled feature list for blocks of states (see {@link FeatureCatalog.compileBlock}). */
export type FeatureBlockFn = (X: Float64Array, count: number, Phi: Float64Array, colStride: number, offset: number) => void;

const NOT_IN_CATALOG = (expr: string) => `feature '${expr}' is not in the task's feature catalog (parse it with expressionTree first)`;

/**
 * The validated expression trees of the library features one task uses, keyed by expression text.
 * The main thread parses user text (restricted mathjs) and ships the trees inside each task, so this
 * module never loads mathjs; a catalog lives as long as its task, so a kept pool holds no trees.
 * Monomials (u1, u1^2, u1*u2) need no tree: they are index arithmetic.
 */
export class FeatureCatalog {
  readonly #trees: Map<string, Expr>;

  constructor(entries: Iterable<[string, Expr]> = []) {
    this.#trees = new Map(entries);
  }

  /** The entries, to ship with a task. */
  entries(): [string, Expr][] {
    return [...this.#trees];
  }

  /** The entries that a task using only `features` needs. */
  subset(features: Iterable<string>): [string, Expr][] {
    const wanted = new Set(features);
    return [...this.#trees].filter(([expr]) => wanted.has(expr));
  }

  /**
   * A key under which spellings of one feature coincide ('u1^2' from the quadratic family and
   * 'u1 ^ 2' from a library term): both compile to the same arithmetic (x·x), so a pass may evaluate
   * and sum such features once. Features without a tree that are not monomials are their own key.
   */
  key(expr: string): string {
    const tree = this.#trees.get(expr);
    if (tree) return treeKey(tree);
    const square = /^(u\d+)\^2$/.exec(expr);
    if (square) return `(${square[1]}^2)`;
    const product = /^(u\d+)\*(u\d+)$/.exec(expr);
    if (product) return `(${product[1]}*${product[2]})`;
    return expr;
  }

  /**
   * One feature list for several: each feature once (per {@link key}, so other spellings of it share
   * its column, under the first spelling met), and each list's features as columns of it.
   */
  union(lists: string[][]): { union: string[]; cols: number[][] } {
    const union: string[] = [];
    const column = new Map<string, number>();
    const cols = lists.map((list) =>
      list.map((f) => {
        const key = this.key(f);
        if (!column.has(key)) {
          column.set(key, union.length);
          union.push(f);
        }
        return column.get(key)!;
      }),
    );
    return { union, cols };
  }

  /**
   * The feature `expr` over u1…uk with u(q+1) renamed to `names[q]` (its place in a wider stream), as
   * a text that compiles to the same arithmetic: a monomial's text, or a tree added under its key.
   */
  rename(expr: string, names: string[]): string {
    const name = (q: string) => names[Number(q) - 1];
    if (expr === '1') return expr;
    const single = /^u(\d+)$/.exec(expr);
    if (single) return name(single[1]);
    const square = /^u(\d+)\^2$/.exec(expr);
    if (square) return `${name(square[1])}^2`;
    const product = /^u(\d+)\*u(\d+)$/.exec(expr);
    if (product) return `${name(product[1])}*${name(product[2])}`;
    const renamed = renameTree(this.#tree(expr), names);
    const text = treeKey(renamed);
    this.#trees.set(text, renamed);
    return text;
  }

  /** Compile one feature expression over `variables`; `1` is the constant feature. */
  compile(expr: string, variables: string[]): FeatureFn {
    if (expr === '1') return () => 1;
    const mono = monomial(expr, variables);
    if (mono) {
      const [i, j] = mono;
      return j < 0 ? (u) => u[i] : (u) => u[i] * u[j];
    }
    const general = compileExpr(this.#tree(expr), new Map(variables.map((v, i) => [v, i])));
    return (u) => general(u);
  }

  /** Evaluate all features into `out`. */
  compileAll(exprs: string[], variables: string[]): (u: Float64Array, out: Float64Array) => void {
    const fns = exprs.map((e) => this.compile(e, variables));
    return (u, out) => {
      for (let i = 0; i < fns.length; i++) out[i] = fns[i](u);
    };
  }

  /**
   * Evaluates a feature list for a block of states: row i of `X` (stride k) gives entry i of column
   * `offset + j` of `Phi`, which is column-major (column c starts at `c * colStride`) so that passes
   * over a block read each feature as one contiguous run. Monomials are index arithmetic; other terms
   * run through the block compiler, one tight loop per expression node.
   */
  compileBlock(exprs: string[], variables: string[], capacity: number): FeatureBlockFn {
    const k = variables.length;
    const columns = exprs.map((expr): ((X: Float64Array, count: number, Phi: Float64Array, at: number) => void) => {
      if (expr === '1') return (_X, count, Phi, at) => {
        Phi.fill(1, at, at + count);
      };
      const [a, b] = monomial(expr, variables) ?? [-1, -1];
      if (a >= 0 && b < 0) return (X, count, Phi, at) => coordinateColumn(X, k, a, count, Phi, at);
      if (a >= 0) return (X, count, Phi, at) => productColumn(X, k, a, b, count, Phi, at);
      const general = compileExprBatch(this.#tree(expr), new Map(variables.map((v, i) => [v, i])), capacity);
      return (X, count, Phi, at) => general(X, k, count, Phi, 1, at);
    });
    return (X, count, Phi, colStride, offset) => {
      for (let j = 0; j < columns.length; j++) columns[j](X, count, Phi, (offset + j) * colStride);
    };
  }

  #tree(expr: string): Expr {
    const tree = this.#trees.get(expr);
    if (!tree) throw new Error(NOT_IN_CATALOG(expr));
    return tree;
  }
}

/** Text of a tree with every operation bracketed: equal texts are the same computation. */
function treeKey(e: Expr): string {
  switch (e.kind) {
    case 'number':
      return Object.is(e.value, -0) ? '-0' : String(e.value);
    case 'constant':
    case 'variable':
      return e.name;
    case 'negate':
      return `(-${treeKey(e.arg)})`;
    case 'binary':
      return `(${treeKey(e.left)}${e.op}${treeKey(e.right)})`;
    case 'call':
      return `${e.fn}(${treeKey(e.arg)})`;
  }
}

function renameTree(e: Expr, names: string[]): Expr {
  switch (e.kind) {
    case 'variable': {
      const q = /^u(\d+)$/.exec(e.name);
      return q ? { kind: 'variable', name: names[Number(q[1]) - 1] } : e;
    }
    case 'negate':
    case 'call':
      return { ...e, arg: renameTree(e.arg, names) };
    case 'binary':
      return { ...e, left: renameTree(e.left, names), right: renameTree(e.right, names) };
    default:
      return e;
  }
}

/**
 * A monomial feature as indices into `variables`: [i, −1] for a coordinate, [i, i] for its square,
 * [i, j] for a product; null for anything else (or a name not among `variables`).
 */
export function monomial(expr: string, variables: string[]): [number, number] | null {
  const index = (name: string) => variables.indexOf(name);
  const single = index(expr);
  if (single >= 0) return [single, -1];
  const square = /^(u\d+)\^2$/.exec(expr);
  if (square && index(square[1]) >= 0) return [index(square[1]), index(square[1])];
  const product = /^(u\d+)\*(u\d+)$/.exec(expr);
  if (product && index(product[1]) >= 0 && index(product[2]) >= 0) return [index(product[1]), index(product[2])];
  return null;
}

// Module-level loops: V8 drops a dead closure's optimised code (docs/performance.md#v8-and-closures).

function coordinateColumn(X: Float64Array, k: number, a: number, count: number, Phi: Float64Array, at: number): void {
  for (let i = 0; i < count; i++) Phi[at + i] = X[i * k + a];
}

function productColumn(X: Float64Array, k: number, a: number, b: number, count: number, Phi: Float64Array, at: number): void {
  for (let i = 0; i < count; i++) Phi[at + i] = X[i * k + a] * X[i * k + b];
}
