/**
 * Exact constants: a fitted value is replaced by a simple closed form (a small fraction, a rational
 * multiple of π, a square root) when the law with the exact value is no longer in description length
 * than the law with the fitted one. The caller supplies the description length as a function of the
 * parameters, so the test is the same for every family.
 */
import type { ExactConstant } from '../model/mdl.js';

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return Math.abs(a);
}

const SQUARE_FREE = [2, 3, 5, 6, 7];

function fraction(p: number, q: number, unit: string): string {
  const sign = p < 0 ? '-' : '';
  const ap = Math.abs(p);
  const num = unit ? (ap === 1 ? unit : `${ap}*${unit}`) : `${ap}`;
  return q === 1 ? `${sign}${num}` : `${sign}${num}/${q}`;
}

/**
 * Exact constants within `window` of x, cheapest first. Costs: an Elias-gamma-like code for the
 * numerator and denominator plus two bits for the kind (rational, ·π, ·√n).
 */
export function exactCandidates(x: number, maxDenominator: number, window: number): ExactConstant[] {
  const out: ExactConstant[] = [];
  const intBits = (v: number) => 2 * Math.floor(Math.log2(Math.abs(v) + 1)) + 1;
  const units: { unit: string; value: number; bits: number }[] = [
    { unit: '', value: 1, bits: 2 },
    { unit: 'pi', value: Math.PI, bits: 2 },
    ...SQUARE_FREE.map((r) => ({ unit: `sqrt(${r})`, value: Math.sqrt(r), bits: 2 + intBits(r) })),
  ];
  if (Math.abs(x) <= window) out.push({ expr: '0', value: 0, bits: 1 });
  for (const u of units) {
    for (let q = 1; q <= maxDenominator; q++) {
      const p = Math.round((x * q) / u.value);
      if (p === 0 || gcd(p, q) !== 1) continue;
      const value = (p * u.value) / q;
      if (Math.abs(value - x) > window) continue;
      out.push({ expr: fraction(p, q, u.unit), value, bits: u.bits + intBits(p) + (q > 1 ? intBits(q) : 0) });
    }
  }
  // Deduplicate equal values (e.g. 2/2 is skipped by gcd, but sqrt(2)·1/2 vs 1/sqrt(2) forms are not generated twice).
  return out.sort((a, b) => a.bits - b.bits || Math.abs(a.value - x) - Math.abs(b.value - x));
}

export interface SnapResult {
  values: number[];
  exact: (ExactConstant | null)[];
  descriptionLength: number;
}

/**
 * Greedy snapping, parameter by parameter: try the exact candidates near each value (within a few
 * standard errors) and keep the one that lowers the total description length the most.
 * `dl(values, exact)` must return the law's full description length with those parameter values,
 * where `exact[i]` non-null means parameter i is stated by that closed form.
 */
export function snapParameters(
  values: number[],
  stderrs: number[],
  maxDenominator: number,
  dl: (values: number[], exact: (ExactConstant | null)[]) => number,
): SnapResult {
  let current = values.slice();
  let exact: (ExactConstant | null)[] = values.map(() => null);
  let best = dl(current, exact);
  for (let i = 0; i < values.length; i++) {
    const se = Number.isFinite(stderrs[i]) && stderrs[i] > 0 ? stderrs[i] : 1e-12 * Math.max(1, Math.abs(values[i]));
    const window = Math.max(8 * se, 1e-12 * Math.max(1, Math.abs(values[i])));
    let choice: { values: number[]; exact: (ExactConstant | null)[]; dl: number } | null = null;
    for (const cand of exactCandidates(values[i], maxDenominator, window).slice(0, 12)) {
      const trialValues = current.slice();
      trialValues[i] = cand.value;
      const trialExact = exact.slice();
      trialExact[i] = cand;
      const score = dl(trialValues, trialExact);
      if (score <= best + 1e-9 && (!choice || score < choice.dl)) choice = { values: trialValues, exact: trialExact, dl: score };
    }
    if (choice) {
      current = choice.values;
      exact = choice.exact;
      best = choice.dl;
    }
  }
  return { values: current, exact, descriptionLength: best };
}
