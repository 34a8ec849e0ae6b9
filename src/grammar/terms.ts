/**
 * Expansion of library term templates (`a^2`, `a*b`, `sin(a)`, …) into concrete features over the
 * coordinates of a subspace (`u1`, `u2`, …).
 */
import type { TermSpec } from '../types.js';
import { compileExpression, substituteVariables } from './safe-math.js';

/** One concrete library feature. */
export interface TermInstance {
  /** Readable and unique within one expansion, e.g. `square(u1)`, `product(u1,u2)`. */
  name: string;
  /** mathjs expression over the variables, e.g. `u1 * u2`. */
  expression: string;
  /** Cost of the term in bits (the template's cost; every instance costs the same). */
  cost: number;
}

/** Number of probe points used to tell instantiations apart. */
const PROBE_COUNT = 4;

/**
 * Deterministic probe value for variable `i` at probe point `p`, in (0.1, 0.9): inside the domain of
 * every allowed function (log, sqrt, asin, acos), and irregular so unrelated features do not collide.
 */
function probeValue(p: number, i: number): number {
  const hash = Math.sin(12.9898 * (i + 1) + 78.233 * (p + 1)) * 43758.5453;
  return 0.1 + 0.8 * (hash - Math.floor(hash));
}

/** Ordered tuples of `k` distinct indices below `n`, in lexicographic order. */
function injectiveTuples(n: number, k: number): number[][] {
  const out: number[][] = [];
  const walk = (prefix: number[]): void => {
    if (prefix.length === k) {
      out.push(prefix);
      return;
    }
    for (let i = 0; i < n; i++) if (!prefix.includes(i)) walk([...prefix, i]);
  };
  walk([]);
  return out;
}

/**
 * Expands each template over the variables. Placeholders always receive distinct variables (so a
 * template never silently turns `a*b` into a square: write `a^2` or `a*sin(a)` as a one-placeholder
 * term for that). Among the ordered assignments, those that give the same function are kept once,
 * the first in lexicographic order: a symmetric template like `a*b` yields only pairs i<j
 * (`u1 * u2`, not also `u2 * u1`), while `a*sin(b)` yields both `u1 * sin(u2)` and `u2 * sin(u1)`.
 * Symmetry is detected numerically on fixed probe points, so it works for any template.
 * @param terms templates from a grammar (already checked by the parser)
 * @param variables subspace coordinate names, e.g. `['u1', 'u2']`
 */
export function instantiateTerms(terms: TermSpec[], variables: string[]): TermInstance[] {
  const out: TermInstance[] = [];
  for (const term of terms) {
    const k = term.placeholders.length;
    const evaluate = compileExpression(term.template, term.placeholders);
    const slots = new Float64Array(k);
    const seen = new Set<string>();
    for (const tuple of injectiveTuples(variables.length, k)) {
      const values = Array.from({ length: PROBE_COUNT }, (_, p) => {
        tuple.forEach((v, i) => (slots[i] = probeValue(p, v)));
        return evaluate(slots);
      });
      // Only finite fingerprints are trusted; a template undefined on the probes is never merged.
      if (values.every(Number.isFinite)) {
        const key = values.map((v) => v.toPrecision(12)).join(',');
        if (seen.has(key)) continue;
        seen.add(key);
      }
      const names = tuple.map((v) => variables[v]);
      const replacement = Object.fromEntries(term.placeholders.map((p, i) => [p, names[i]]));
      out.push({
        name: `${term.name}(${names.join(',')})`,
        expression: substituteVariables(term.template, term.placeholders, replacement),
        cost: term.cost,
      });
    }
  }
  return out;
}
