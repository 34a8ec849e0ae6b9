/**
 * Homogeneity of expressions under scaling: f(λx) = λ^g f(x) for every λ > 0. A law whose terms are
 * homogeneous can be restated in other units exactly (each coefficient scales by a power of λ); a term
 * like sin(a) or a + 1 cannot, so the search leaves such terms out when it works on rescaled data.
 */
import type { TermSpec } from '../types.js';
import { compileExpression } from './safe-math.js';

/** Probe points per check, and the scale factors tried: exact powers of two, so a monomial's check is exact. */
const PROBES = 4;
const FACTORS = [2, 0.5, 2 ** 9, 2 ** -7];

/** Largest |degree| looked for: far above any term a grammar states in practice. */
const MAX_DEGREE = 16;

/**
 * Deterministic probe value of variable `i` at probe `p`, in (0.1, 0.9): inside the domain of every
 * allowed function and irregular, so that an inhomogeneous expression cannot pass by coincidence.
 */
function probe(p: number, i: number): number {
  const hash = Math.sin(91.345 * (i + 1) + 47.853 * (p + 1)) * 24634.6345;
  return 0.1 + 0.8 * (hash - Math.floor(hash));
}

/**
 * The degree g with f(λx) = λ^g f(x) for all λ > 0, or null when `expr` is not homogeneous of an integer
 * degree (sin(u1), u1 + 1, sqrt(u1)). Checked numerically on fixed probe points; the constant `1` has
 * degree 0, a monomial u1^a u2^b degree a + b, u1/u2 degree 0.
 * @throws Error when `expr` is not a valid restricted expression over `variables`.
 */
export function homogeneousDegree(expr: string, variables: string[]): number | null {
  const f = compileExpression(expr, variables);
  const x = new Float64Array(variables.length);
  let degree: number | null = null;
  for (let p = 0; p < PROBES; p++) {
    for (let i = 0; i < x.length; i++) x[i] = probe(p, i);
    const base = f(x);
    if (!Number.isFinite(base) || base === 0) return null;
    for (const lambda of FACTORS) {
      for (let i = 0; i < x.length; i++) x[i] = lambda * probe(p, i);
      const ratio = f(x) / base;
      const g = Math.round(Math.log2(ratio) / Math.log2(lambda)) || 0; // || 0: no -0 for degree 0
      if (!Number.isFinite(g) || Math.abs(g) > MAX_DEGREE || (degree !== null && g !== degree)) return null;
      // pow() may round differently from a product: allow a few ulps, not a different function.
      if (!(Math.abs(ratio - lambda ** g) <= 1e-12 * lambda ** g)) return null;
      degree = g;
    }
  }
  return degree;
}

/**
 * The grammar's terms split by whether they can be restated in other units: homogeneous of an integer
 * degree (a, a^2, a*b) or not (sin(a), exp(a)).
 */
export function termsByHomogeneity(terms: TermSpec[]): { kept: TermSpec[]; dropped: TermSpec[] } {
  const kept: TermSpec[] = [];
  const dropped: TermSpec[] = [];
  for (const t of terms) (homogeneousDegree(t.template, t.placeholders) === null ? dropped : kept).push(t);
  return { kept, dropped };
}
