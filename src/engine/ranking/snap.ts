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

/** Decimal places tried for short decimals (1.01, 0.0198): a rate or step size as a researcher set it. */
const MAX_DECIMAL_PLACES = 6;

/** Significant digits of a short decimal. */
const MAX_DECIMAL_DIGITS = 3;

/**
 * Short decimals within `window` of x: m·10^−e with at most {@link MAX_DECIMAL_DIGITS} significant
 * digits. It costs what the value stated to its last decimal place costs as a free parameter (a sign
 * and log2(1 + |m|) bits, see freeParameterBits), plus two bits for the kind.
 */
function decimals(x: number, window: number): ExactConstant[] {
  const out: ExactConstant[] = [];
  for (let e = 1; e <= MAX_DECIMAL_PLACES; e++) {
    const m = Math.round(x * 10 ** e);
    if (m === 0 || m % 10 === 0 || Math.abs(m) >= 10 ** MAX_DECIMAL_DIGITS) continue;
    const value = m / 10 ** e;
    if (Math.abs(value - x) > window) continue;
    out.push({ expr: value.toFixed(e), value, bits: 3 + Math.log2(1 + Math.abs(m)) });
  }
  return out;
}

/**
 * Exact constants within `window` of x, cheapest first. Costs: an Elias-gamma-like code for the
 * numerator and denominator plus two bits for the kind (rational, ·π, ·√n).
 */
export function exactCandidates(x: number, maxDenominator: number, window: number, decimalWindow = window): ExactConstant[] {
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
  out.push(...decimals(x, decimalWindow).filter((d) => !out.some((o) => o.value === d.value)));
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
  /**
   * Standard errors from the residuals alone (no resolution floor): a short decimal is tried only within
   * 8 of these, since 0.912 is no exact form of a fitted −0.912129 that the data pin to 1e-9.
   */
  dataStderrs: number[] = stderrs,
  /**
   * Parameters that may snap to 0 only: on data searched in units of its own (moments/scale.ts) their
   * value carries those units, where a closed form would be an artefact that data units do not keep.
   */
  zeroOnly: boolean[] = [],
): SnapResult {
  let current = values.slice();
  let exact: (ExactConstant | null)[] = values.map(() => null);
  let best = dl(current, exact);
  for (let i = 0; i < values.length; i++) {
    const se = Number.isFinite(stderrs[i]) && stderrs[i] > 0 ? stderrs[i] : 1e-12 * Math.max(1, Math.abs(values[i]));
    const window = Math.max(8 * se, 1e-12 * Math.max(1, Math.abs(values[i])));
    const dataSe = Number.isFinite(dataStderrs[i]) && dataStderrs[i] > 0 ? Math.min(dataStderrs[i], se) : se;
    const decimalWindow = Math.max(8 * dataSe, 1e-12 * Math.max(1, Math.abs(values[i])));
    let choice: { values: number[]; exact: (ExactConstant | null)[]; dl: number } | null = null;
    const candidates = exactCandidates(values[i], maxDenominator, window, decimalWindow).filter((c) => !zeroOnly[i] || c.value === 0);
    for (const cand of candidates.slice(0, 12)) {
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
