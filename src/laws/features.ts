/**
 * A law's features φ(u) compiled to closures, with their Jacobian ∂φ_j/∂u_a. A feature that is a variable
 * or a number is read directly (no closure call, exact derivative); any other goes through the restricted
 * expression compiler of src/grammar/safe-math.ts, so a laws file cannot smuggle code in, and its
 * derivatives through the symbolic `differentiate`, compiled the same way.
 */
import { compileExpression, differentiate } from '../grammar/safe-math.js';
import type { LawModel } from '../types.js';

type Evaluator = (u: ArrayLike<number>) => number;

type Feature =
  | { kind: 'variable'; index: number }
  | { kind: 'number'; value: number }
  | { kind: 'expression'; text: string; value: Evaluator };

/** φ and its Jacobian for one law model. */
export interface CompiledFeatures {
  /** Number of variables (k) and of features (m). */
  readonly k: number;
  readonly m: number;
  /** Every feature is a variable or a number: φ is affine in u and its Jacobian constant. */
  readonly affine: boolean;
  /** Writes φ(u) into `out` (length m) and returns it. */
  values(u: ArrayLike<number>, out: Float64Array): Float64Array;
  /**
   * Writes ∂φ_j/∂u_a into `out[j·k + a]` (length m·k) and returns it. Symbolic derivatives are compiled
   * on the first call: checking a law never needs them, the physics-loss gradient always does.
   */
  jacobian(u: ArrayLike<number>, out: Float64Array): Float64Array;
}

const NUMBER = /^[-+]?\d+(\.\d*)?([eE][-+]?\d+)?$/;

function parseFeature(text: string, variables: string[]): Feature {
  const t = text.trim();
  const index = variables.indexOf(t);
  if (index >= 0) return { kind: 'variable', index };
  // A numeral too large for a double is left to the expression compiler, which rejects it.
  if (NUMBER.test(t) && Number.isFinite(Number(t))) return { kind: 'number', value: Number(t) };
  return { kind: 'expression', text: t, value: compileExpression(t, variables) };
}

function build(variables: string[], texts: string[]): CompiledFeatures {
  const k = variables.length;
  const m = texts.length;
  const features = texts.map((t) => parseFeature(t, variables));
  let derivatives: (Evaluator[] | null)[] | null = null;
  const derivativesOf = (): (Evaluator[] | null)[] =>
    (derivatives ??= features.map((f) => (f.kind === 'expression' ? variables.map((v) => compileExpression(differentiate(f.text, v, variables), variables)) : null)));
  return {
    k,
    m,
    affine: features.every((f) => f.kind !== 'expression'),
    values(u, out) {
      for (let j = 0; j < m; j++) {
        const f = features[j];
        out[j] = f.kind === 'variable' ? u[f.index] : f.kind === 'number' ? f.value : f.value(u);
      }
      return out;
    },
    jacobian(u, out) {
      const d = derivativesOf();
      out.fill(0);
      for (let j = 0; j < m; j++) {
        const f = features[j];
        const dj = d[j];
        if (f.kind === 'variable') out[j * k + f.index] = 1;
        else if (dj) for (let a = 0; a < k; a++) out[j * k + a] = dj[a](u);
      }
      return out;
    },
  };
}

/** Compiled features per model: the bridge compiles every law at every training step. */
const cache = new WeakMap<object, { variables: string[]; texts: string[]; compiled: CompiledFeatures }>();

const sameStrings = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Compile a law model's features (cached per model object; an entry whose features or variables were
 * edited since is compiled afresh).
 * @throws Error if a feature does not compile (laws-file validation reports this with its JSON path first)
 */
export function compileFeatures(model: Pick<LawModel, 'variables' | 'features'>): CompiledFeatures {
  const hit = cache.get(model);
  if (hit && sameStrings(hit.variables, model.variables) && sameStrings(hit.texts, model.features)) return hit.compiled;
  const compiled = build(model.variables, model.features);
  cache.set(model, { variables: [...model.variables], texts: [...model.features], compiled });
  return compiled;
}
