/**
 * How a law's parameters change with the units of the data: with u = λũ, parameter i of a law fitted
 * in ũ is multiplied by λ^powers[i] in u (see output/units.ts, which restates laws this way).
 */
import { homogeneousDegree } from '../../grammar/degree.js';
import { subspaceVariables } from './features.js';
import type { LawFit } from './law-fit.js';

/**
 * The power of λ each parameter carries, and that of the law's residuals, or the first feature that
 * does not scale. Maps: offsets 1, linear coefficients 0, a term of degree g 1 − g. Invariants (defined
 * up to a factor) keep coefficient `unit` as they are: a term of degree g carries g_unit − g.
 * @param unit index of an invariant's unit coefficient (−1: none, so the invariant keeps its units)
 */
export function unitPowers(fit: Pick<LawFit, 'role' | 'k' | 'features' | 'parametrization' | 'params'>, unit: number): { param: number[]; metric: number } | { unscaled: string } {
  const p = fit.parametrization;
  if (p.kind === 'linear') {
    // Linear families: the last k parameters are the offsets (coefficients of the feature 1) when present.
    const first = p.offset ? fit.params.length - fit.k : fit.params.length;
    return { param: fit.params.map((_, i) => (i >= first ? 1 : 0)), metric: 1 };
  }
  const vars = subspaceVariables(fit.k);
  const degrees = fit.features.map((f) => (f === '1' ? 0 : homogeneousDegree(f, vars)));
  const unhomogeneous = degrees.findIndex((g) => g === null);
  if (unhomogeneous >= 0) return { unscaled: fit.features[unhomogeneous] };
  const degreeOf = (i: number) => degrees[p.positions[i][1]]!;
  if (fit.role === 'map') return { param: fit.params.map((_, i) => 1 - degreeOf(i)), metric: 1 };
  const ref = unit >= 0 ? degreeOf(unit) : 0;
  return { param: fit.params.map((_, i) => ref - degreeOf(i)), metric: ref };
}
