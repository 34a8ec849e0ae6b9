/**
 * The constant part of the data as one law: "z3 = 5, z4 = -2 on every trajectory", stated once with
 * its values snapped to exact constants, after the laws the search found.
 */
import type { Subspace } from '../../types.js';
import { HIST_BINS } from '../kernels/histogram.js';
import { subspaceVariables } from '../model/features.js';
import type { LawFit } from '../model/law-fit.js';
import { freeParameterBits } from '../model/mdl.js';
import type { ScoredLaw } from './rank.js';
import { snapParameters } from './snap.js';

/** Grammar-independent cost of stating that a subspace holds still: the values carry the rest. */
const CONSTANT_STRUCTURE_BITS = 1;

/**
 * The constant law of subspace `index` (values u = B z on every state).
 * @param rounding the data's rounding at their magnitude: the tolerance and the precision of the values
 * @param rescaled the values are in the units of a scaled search: they snap to 0 only (see scoreFinalist)
 */
export function constantLaw(subspace: Subspace, index: number, values: number[], n: number, rounding: number, maxDenominator: number, rescaled = false): ScoredLaw {
  const k = values.length;
  const features = [...subspaceVariables(k), '1'];
  const base: LawFit = {
    id: 'constant@constant',
    family: 'constant',
    role: 'map',
    k,
    features,
    parametrization: { kind: 'linear', family: 'constant', offset: true },
    params: values,
    structuralCost: CONSTANT_STRUCTURE_BITS + subspace.cost,
  };
  const se = values.map(() => Math.max(rounding, 1e-300));
  const bits = (v: number[], exact: ({ bits: number } | null)[]) => base.structuralCost + v.reduce((t, x, i) => t + (exact[i] ? exact[i]!.bits : freeParameterBits(x, se[i])), 0);
  const snap = snapParameters(values, se, maxDenominator, bits, se, rescaled ? values.map(() => true) : []);
  const size = values.reduce((t, v) => t + v * v, 0);
  return {
    fit: { ...base, params: snap.values },
    subspaceIndex: index,
    offset: true,
    exact: snap.exact,
    tolerance: Math.max(rounding, 1e-300),
    inlierFraction: 1,
    inlierRelativeError: 0,
    complexity: snap.descriptionLength,
    descriptionLength: snap.descriptionLength,
    // Errors of a constant are stated relative to its size (its spread is zero).
    finalist: { fit: base, stats: { role: 'map', fs: { n, G: [], C: [], Y: [] }, n, nIn: n, variance: n * size, k }, n, variance: n * size, spread: Math.sqrt(size), floor: 0, hist: new Uint32Array(HIST_BINS), median: 0 },
    conserves: [],
    alternatives: [],
  };
}
