/**
 * Reading nonlinear laws the way a researcher checks them against the system they simulated: a library
 * map's terms rewritten in the system's own coordinates (which monomials, with which coefficients and
 * exact constants), and whether the reported invariants together span a known conserved quantity.
 */
import assert from 'node:assert/strict';
import type { Dataset, Law, LawAlternative } from '../../../src/types.ts';
import { describeLaws, invariantOnStates } from './claims.ts';
import { monomialKey, type PlantedTerm, type PolynomialSystem } from './systems-nonlinear.ts';

type AnyLaw = Law | LawAlternative;

/** A term of a law: its fitted (reported) coefficient and, when it was snapped, the exact value. */
export interface ReadTerm {
  value: number;
  exactValue?: number;
  /** The exact form as written (e.g. `7/5`), when snapped. */
  exact?: string;
}

/** Equation (state coordinate) → monomial key (see monomialKey) → term. */
export type TermsByEquation = Map<number, Map<string, ReadTerm>>;

/**
 * A feature string of the law (`u1`, `u1 ^ 2`, `u1 * u2`, `1`, possibly parenthesised) as a product of
 * its variables, or null when it is not a monomial (sin, cos, ...).
 */
function parseMonomial(feature: string): string[] | null {
  let f = feature.replace(/\s+/g, '');
  while (/^\(.*\)$/.test(f) && balanced(f.slice(1, -1))) f = f.slice(1, -1);
  if (f === '1') return [];
  const vars: string[] = [];
  for (const factor of f.split('*')) {
    const m = /^\(?(u\d+)\)?(?:\^(\d+))?$/.exec(factor);
    if (!m) return null;
    for (let p = 0; p < Number(m[2] ?? 1); p++) vars.push(m[1]);
  }
  return vars;
}

function balanced(s: string): boolean {
  let depth = 0;
  for (const ch of s) {
    depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
    if (depth < 0) return false;
  }
  return depth === 0;
}

/**
 * A map law's terms in the state coordinates of a truth whose basis rows are coordinate directions
 * (u = x): each row of the law's basis must be ± one of the truth's rows (x_i = ±u_a), otherwise the
 * reason it is not is returned. x_i' = ±u_a' turns every term c · φ(u) of u_a' into a term of x_i'
 * with the signs of its variables multiplied in. Features that are not monomials keep their text,
 * prefixed `other:`. Terms whose coefficient is exactly 0 are not terms.
 */
export function mapTermsInState(law: AnyLaw, truthBasis: number[][]): TermsByEquation | string {
  const vars = new Map<string, { i: number; s: number }>();
  for (const [a, row] of law.subspace.basis.entries()) {
    const dots = truthBasis.map((t) => t.reduce((acc, w, j) => acc + w * row[j], 0));
    const i = dots.findIndex((d) => Math.abs(Math.abs(d) - 1) < 1e-9);
    if (i < 0) return `basis row ${a + 1} of ${law.id} is not a coordinate of the system: ${JSON.stringify(row.map((v) => +v.toFixed(4)))}`;
    vars.set(law.model.variables[a], { i, s: Math.sign(dots[i]) });
  }
  const out: TermsByEquation = new Map();
  law.model.coefficients.forEach((row, a) => {
    const eq = vars.get(law.model.variables[a])!;
    const terms = new Map<string, ReadTerm>();
    out.set(eq.i, terms);
    law.model.features.forEach((f, j) => {
      if (row[j] === 0) return;
      const factors = parseMonomial(f);
      let sign = eq.s;
      let key: string;
      if (factors && factors.every((v) => vars.has(v))) {
        for (const v of factors) sign *= vars.get(v)!.s;
        key = monomialKey(factors.map((v) => vars.get(v)!.i));
      } else key = `other:${f}`;
      const param = law.parameters.find((p) => p.name === `c[${law.model.variables[a]}',${f}]`);
      const prev = terms.get(key);
      const term: ReadTerm = { value: (prev?.value ?? 0) + sign * row[j] };
      if (param?.exactValue !== undefined && !prev) Object.assign(term, { exactValue: sign * param.exactValue, exact: param.exact });
      terms.set(key, term);
    });
  });
  return out;
}

/** The terms as one line per equation, for messages: "x0' = 0.99·x0 + 0.005·x1^2; x1' = ...". */
export function writeTerms(terms: TermsByEquation): string {
  return [...terms.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([eq, row]) => `x${eq}' = ${[...row].map(([k, t]) => `${t.exact ? `[${t.exact}]` : t.value.toPrecision(7)}·${k}`).join(' + ') || '0'}`)
    .join('; ');
}

/** The planted terms in the same form (no exact values). */
export function plantedTable(terms: PlantedTerm[], k: number): TermsByEquation {
  const out: TermsByEquation = new Map(Array.from({ length: k }, (_, i) => [i, new Map<string, ReadTerm>()]));
  for (const t of terms) {
    const key = monomialKey(t.monomial);
    const row = out.get(t.eq)!;
    row.set(key, { value: (row.get(key)?.value ?? 0) + t.coef });
  }
  return out;
}

/**
 * How a read law differs from the planted terms: missing or extra terms, and coefficients off by more
 * than tol(planted coefficient). Empty when the law states exactly the planted support within tolerance.
 */
export function termMismatches(found: TermsByEquation, planted: TermsByEquation, tol: (coef: number) => number): string[] {
  const out: string[] = [];
  for (const [eq, row] of planted) {
    const got = found.get(eq) ?? new Map<string, ReadTerm>();
    for (const [key, t] of row) {
      const f = got.get(key);
      if (!f) out.push(`x${eq}': term ${key} (${t.value.toPrecision(4)}) missing`);
      else if (Math.abs(f.value - t.value) > tol(t.value)) out.push(`x${eq}': ${key} is ${f.value.toPrecision(7)}, planted ${t.value.toPrecision(7)} (off by ${Math.abs(f.value - t.value).toExponential(2)} > ${tol(t.value).toExponential(2)})`);
    }
    for (const [key, f] of got) if (!row.has(key)) out.push(`x${eq}': extra term ${key} (${f.value.toPrecision(4)})`);
  }
  for (const eq of found.keys()) if (!planted.has(eq)) out.push(`x${eq}': not a coordinate of the law`);
  return out;
}

/**
 * How well the best affine combination of `series` reproduces `target`: the correlation between the
 * target and its least-squares fit by a constant plus the series (√R², 0 without series). Computed by
 * Gram–Schmidt on the centred series, so repeated or dependent series do no harm.
 */
export function spanCorrelation(series: number[][], target: number[]): number {
  const n = target.length;
  const centre = (x: number[]) => {
    const m = x.reduce((a, b) => a + b, 0) / n;
    return x.map((v) => v - m);
  };
  const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
  const y = centre(target);
  const yy = dot(y, y);
  if (yy === 0) return 1;
  const basis: number[][] = [];
  for (const s of series) {
    const v = centre(s);
    const norm0 = Math.sqrt(dot(v, v));
    if (!(norm0 > 0) || !Number.isFinite(norm0)) continue;
    for (let pass = 0; pass < 2; pass++)
      for (const q of basis) {
        const c = dot(q, v);
        for (let i = 0; i < n; i++) v[i] -= c * q[i];
      }
    const norm = Math.sqrt(dot(v, v));
    if (norm > 1e-10 * norm0) basis.push(v.map((x) => x / norm));
  }
  const explained = basis.reduce((s, q) => s + dot(q, y) ** 2, 0);
  return Math.sqrt(Math.min(1, explained / yy));
}

/** Every reported invariant, including those folded into a law as alternatives. */
export function reportedInvariants(laws: Law[]): AnyLaw[] {
  return laws.flatMap((l) => [l, ...(l.alternatives ?? [])]).filter((l) => l.role === 'invariant');
}

/** The values of every given invariant over every state. */
export function invariantSeries(laws: AnyLaw[], data: Dataset): number[][] {
  return laws.map((l) => invariantOnStates(l, data));
}

/**
 * The reported map laws on exactly a polynomial system's coordinates, each read in those coordinates
 * and compared with the planted terms: `best` is the first without mismatches, or else the one with
 * the fewest. `message` says what was reported when no map lies on those coordinates.
 */
export function plantedMapReadings(
  laws: Law[],
  basis: number[][],
  planted: TermsByEquation,
  tol: (coef: number) => number,
): { best?: { law: Law; terms: TermsByEquation; mismatches: string[] }; message: string } {
  const readings = laws
    .filter((l) => l.role === 'map' && l.subspace.basis.length === basis.length)
    .map((law) => ({ law, terms: mapTermsInState(law, basis) }))
    .filter((r): r is { law: Law; terms: TermsByEquation } => typeof r.terms !== 'string')
    .map((r) => ({ ...r, mismatches: termMismatches(r.terms, planted, tol) }));
  const best = readings.sort((a, b) => a.mismatches.length - b.mismatches.length)[0];
  return { best, message: best ? `${best.law.id}: ${writeTerms(best.terms)}` : 'no map law on exactly the planted coordinates' };
}

/**
 * How close a coefficient must be. Noise-free, the data determine every coefficient to rounding, so
 * each must be within 1e-3 of its own value (a 0.005 coefficient stated as 0.0045 is a wrong law).
 * With measurement noise σ the data pin a coefficient down only to about σ / √N over the data, which
 * for a term of 0.5 % of the largest is more than 1e-3 of its own size at σ = 1e-4; the tolerance then
 * widens in proportion to σ, up to 1e-3 of the largest coefficient at σ = 1e-4: a fifth of the smallest
 * planted term, and about eight times the worst error of least squares on the planted terms over the
 * smallest data sets of these tests (20 trajectories of 50 steps), so an engine that finds the right
 * terms passes it.
 */
export function coefficientTolerance(sys: PolynomialSystem, sigma: number): (coef: number) => number {
  const largest = Math.max(...sys.terms.map((t) => Math.abs(t.coef)));
  return (coef) => 1e-3 * Math.max(Math.abs(coef), Math.min(1, sigma / 1e-4) * largest);
}

/** The planted map is reported on its coordinates with exactly its terms, each within tolerance. */
export function assertPlantedMapReported(sys: PolynomialSystem, laws: Law[], sigma: number): void {
  const planted = plantedTable(sys.terms, sys.lawDim);
  const { best, message } = plantedMapReadings(laws, sys.truths[0].basis, planted, coefficientTolerance(sys, sigma));
  const context = `${sys.dataset.source}, noise ${sigma}, data dimension ${sys.dataset.dim}\n  planted: ${writeTerms(planted)}\n  read:    ${message}\n  laws:\n  ${describeLaws(laws)}`;
  assert.ok(best, `no map law on exactly the planted coordinates; ${context}`);
  assert.deepEqual(best.mismatches, [], `the map on the planted coordinates is not the planted one; ${context}`);
}
