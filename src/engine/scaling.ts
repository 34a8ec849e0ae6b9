/**
 * What a fit does with data far from unit magnitude (see moments/scale.ts): it searches a copy scaled
 * by an exact power of two, with the user's map tolerance in the same units, and without library terms
 * that cannot be restated in other units; the laws come back in data units (output/units.ts).
 */
import { termsByHomogeneity } from '../grammar/degree.js';
import type { Dataset, FitResult, Grammar, StateArray } from '../types.js';
import { timesPow2 } from './kernels/linalg.js';
import { chooseScale, scaleStates } from './moments/scale.js';

/** The data, grammar and tolerance a search runs on, and the record of any scaling for provenance. */
export interface ScaledSearch {
  states: StateArray;
  grammar: Grammar;
  tolerance: number | null;
  /** The search ran on z · 2^-exponent (0: on the data as they are). */
  exponent: number;
  provenance: FitResult['provenance']['scale'];
}

/**
 * Choose the scaling for `data` and set up the search's inputs.
 * @throws InputError when a value is not finite or the data are too large to fit (moments/scale.ts)
 */
export function scaledSearch(data: Dataset, grammar: Grammar, tolerance: number | null): ScaledSearch {
  const scale = chooseScale(data.states, data.dim, data.source);
  if (scale.exponent === 0) return { states: data.states, grammar, tolerance, exponent: 0, provenance: undefined };
  const { kept, dropped } = termsByHomogeneity(grammar.terms);
  const left = dropped.length === 0 ? '' : `; library terms ${dropped.map((t) => t.name).join(', ')} left out (not homogeneous, so no law with them can be restated in data units)`;
  return {
    states: scaleStates(data.states, scale.exponent),
    grammar: { ...grammar, terms: kept },
    tolerance: tolerance === null ? null : timesPow2(tolerance, -scale.exponent),
    exponent: scale.exponent,
    provenance: {
      factor: scale.factor,
      note:
        `largest |z| = ${scale.largest.toPrecision(4)} is outside [2^-100, 2^100]: searched as z · 2^${-scale.exponent} and restated in data units ` +
        `(offsets, residuals and tolerances × 2^${scale.exponent}, other coefficients by the powers their terms' degrees call for; exact constants kept only where the value is unchanged)${left}`,
    },
  };
}
