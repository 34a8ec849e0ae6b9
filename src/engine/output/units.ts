/**
 * Laws found on data scaled by 2^-e (moments/scale.ts), stated back in the data's units. With u = 2^e ũ,
 * a map ũ' = Σ w̃_j φ_j(ũ) over features homogeneous of degree g_j reads u' = Σ 2^(e(1−g_j)) w̃_j φ_j(u):
 * offsets scale by 2^e, linear coefficients (matrices, angles, rates) not at all. An invariant is defined
 * up to a factor: its coefficients scale by 2^(e(g_ref − g_j)), g_ref being the degree of the coefficient
 * stated as the unit, so that unit stays 1 as in a search without scaling. Exact constants are kept only
 * where the value does not change (and 0, which is 0 in any units). A law whose numbers do not fit in a
 * double in data units is reported as a failure rather than rounded to 0 or Infinity.
 */
import type { Failure, Law, LawMetrics, Subspace } from '../../types.js';
import { timesPow2 } from '../kernels/linalg.js';
import type { ExactConstant } from '../model/mdl.js';
import { unitPowers } from '../model/unit-powers.js';
import type { ScoredLaw } from '../ranking/rank.js';
import type { EvaluateResult } from './exact-pass.js';
import { toLaw } from './law-output.js';

/** A law in data units, and the power of two its metrics in data units carry (maps: e; invariants: e·g_ref). */
interface Restated {
  law: ScoredLaw;
  metricShift: number;
}

/**
 * The reported laws in data units, from their exact pass on the scaled data. Laws (and alternatives,
 * and conserved invariants behind notes) that cannot be stated in data units become failures.
 * @param exponent e: the data were searched as z · 2^-e
 */
export function lawsInDataUnits(
  ranked: ScoredLaw[],
  evaluation: Map<ScoredLaw, EvaluateResult>,
  subspaces: Subspace[],
  dim: number,
  nTransitions: number,
  exponent: number,
): { laws: Law[]; failures: Failure[] } {
  const failures: Failure[] = [];
  const restatedEvaluation = new Map<ScoredLaw, EvaluateResult>();
  const shifts = new Map<ScoredLaw, number>();
  const restate = (s: ScoredLaw): ScoredLaw | null => {
    const r = restateLaw(s, exponent);
    if (typeof r === 'string') {
      failures.push({ id: s.fit.id, error: r });
      return null;
    }
    restatedEvaluation.set(r.law, evaluation.get(s)!);
    shifts.set(r.law, r.metricShift);
    return r.law;
  };
  const laws: Law[] = [];
  for (const s of ranked) {
    const restated = restate(s);
    if (!restated) continue;
    restated.alternatives = s.alternatives.map(restate).filter((a): a is ScoredLaw => a !== null);
    restated.conserves = s.conserves.map(restate).filter((a): a is ScoredLaw => a !== null);
    const law = toLaw(restated, restatedEvaluation, subspaces, dim, laws.length + 1, nTransitions);
    law.metrics = metricsInDataUnits(law.metrics, shifts.get(restated)!);
    if (!representable(law.metrics)) {
      failures.push({ id: law.id, error: `${NOT_REPRESENTABLE(exponent)}: its residuals or tolerance overflow or vanish` });
      continue;
    }
    keepRepresentableAlternatives(law, restated.alternatives.map((a) => shifts.get(a)!), exponent, failures);
    law.conserved?.forEach((c, i) => (c.metrics = metricsInDataUnits(c.metrics, shifts.get(restated.conserves[i])!)));
    laws.push(law);
  }
  return { laws, failures };
}

const NOT_REPRESENTABLE = (exponent: number) => `not representable in data units (the data were fitted scaled by 2^${-exponent})`;

/** Finite metrics and a tolerance above 0: a law that can be checked in data units. */
function representable(m: LawMetrics): boolean {
  return Number.isFinite(m.rmse) && Number.isFinite(m.inlierRmse) && Number.isFinite(m.tolerance) && m.tolerance > 0;
}

/** Scale the alternatives' metrics; drop (with their "also fits as" notes) those that do not fit. */
function keepRepresentableAlternatives(law: Law, shifts: number[], exponent: number, failures: Failure[]): void {
  const alternatives = law.alternatives ?? [];
  // The "also fits as" notes come last, one per alternative, in the same order.
  const firstNote = law.notes.length - alternatives.length;
  const dropped = new Set<number>();
  alternatives.forEach((a, j) => {
    a.metrics = metricsInDataUnits(a.metrics, shifts[j]);
    if (representable(a.metrics)) return;
    failures.push({ id: a.id, error: `${NOT_REPRESENTABLE(exponent)}: its residuals or tolerance overflow or vanish` });
    dropped.add(j);
  });
  if (dropped.size === 0) return;
  law.alternatives = alternatives.filter((_, j) => !dropped.has(j));
  law.notes = law.notes.filter((_, i) => i < firstNote || !dropped.has(i - firstNote));
}

/** Metrics in data units: the residual norms and the tolerance carry the law's units; the rest are ratios or bits. */
function metricsInDataUnits(m: LawMetrics, shift: number): LawMetrics {
  const noise = m.noise ? { noise: { ...m.noise, measurementRms: timesPow2(m.noise.measurementRms, shift), processRms: timesPow2(m.noise.processRms, shift) } } : {};
  return { ...m, rmse: timesPow2(m.rmse, shift), inlierRmse: timesPow2(m.inlierRmse, shift), tolerance: timesPow2(m.tolerance, shift), ...noise };
}

/** One law in data units (a shallow copy; notes and alternatives are filled in by the caller), or why not. */
function restateLaw(s: ScoredLaw, exponent: number): Restated | string {
  const shifts = parameterShifts(s, exponent);
  if (typeof shifts === 'string') return shifts;
  const params = s.fit.params.map((v, i) => timesPow2(v, shifts.param[i]));
  for (let i = 0; i < params.length; i++) {
    const v = params[i];
    // A subnormal or zero result has lost the digits the law was fitted to; Infinity has lost all.
    if (s.fit.params[i] !== 0 && !(Math.abs(v) >= 2 ** -1022 && Math.abs(v) <= Number.MAX_VALUE)) {
      return `${NOT_REPRESENTABLE(exponent)}: parameter ${i + 1} would be ${v}`;
    }
  }
  const exact = s.exact.map((c, i): ExactConstant | null => (c && (shifts.param[i] === 0 || c.value === 0) ? c : null));
  return { law: { ...s, fit: { ...s.fit, params }, exact, conserves: [], alternatives: [] }, metricShift: shifts.metric };
}

/** Power of two each parameter is multiplied by, and that of the law's metrics. */
function parameterShifts(s: ScoredLaw, exponent: number): { param: number[]; metric: number } | string {
  const powers = unitPowers(s.fit, s.fit.role === 'invariant' ? unitCoefficient(s) : -1);
  if ('unscaled' in powers) return `${NOT_REPRESENTABLE(exponent)}: the feature ${powers.unscaled} does not scale`;
  return { param: powers.param.map((g) => exponent * g), metric: exponent * powers.metric };
}

/** The invariant's coefficient stated as the unit (exactly ±1, snapped first), or −1 when none is. */
function unitCoefficient(s: ScoredLaw): number {
  const snapped = s.exact.findIndex((c) => c !== null && Math.abs(c.value) === 1);
  return snapped >= 0 ? snapped : s.fit.params.findIndex((v) => Math.abs(v) === 1);
}
