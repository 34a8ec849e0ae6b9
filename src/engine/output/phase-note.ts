/**
 * A law's a·sin(u) + b·cos(u) of one coordinate read as one shifted sine, c·sin(u + φ) with |φ| < π/2.
 * A pendulum whose angle is charted from another zero than its rest states the restoring force as both
 * terms ("− 0.0397·sin(u2) − 0.0015·cos(u2)"); as one sine the physics reads again: the same force,
 * about a rest angle φ away from the chart's zero.
 */
import type { LawFit } from '../model/law-fit.js';
import { coefficientsFor } from '../model/law-fit.js';
import type { ExactConstant } from '../model/mdl.js';

/** Below this share of the larger coefficient, the smaller one is no shift worth naming. */
const NEGLIGIBLE = 1e-3;

/** One shifted sine: a·sin(u) + b·cos(u) = amplitude·sin(u + phase), |phase| < π/2 (null when a = 0). */
export function shiftedSine(a: number, b: number): { amplitude: number; phase: number } | null {
  if (a === 0 || !Number.isFinite(a) || !Number.isFinite(b)) return null;
  return { amplitude: Math.sign(a) * Math.hypot(a, b), phase: Math.atan(b / a) };
}

/**
 * Notes such as "u2': -0.0397·sin(u2) - 0.0015469·cos(u2) = -0.03973·sin(u2 + 0.03895)", one per
 * equation and coordinate whose sine and cosine both appear with comparable weight. Snapped constants
 * are read at their exact values, so the note restates the equation the law shows.
 */
export function phaseNotes(fit: LawFit, exact: (ExactConstant | null)[], format: (x: number) => string): string[] {
  if (fit.parametrization.kind !== 'sparse') return [];
  const values = fit.params.map((v, i) => exact[i]?.value ?? v);
  const rows = coefficientsFor(fit, values);
  const notes: string[] = [];
  rows.forEach((row, r) => {
    for (let j = 1; j <= fit.k; j++) {
      const [s, c] = [fit.features.indexOf(`sin(u${j})`), fit.features.indexOf(`cos(u${j})`)];
      if (s < 0 || c < 0) continue;
      const [a, b] = [row[s], row[c]];
      if (Math.min(Math.abs(a), Math.abs(b)) <= NEGLIGIBLE * Math.max(Math.abs(a), Math.abs(b))) continue;
      const shifted = shiftedSine(a, b);
      if (!shifted) continue;
      const lhs = fit.role === 'map' ? `u${r + 1}'` : 'I';
      const sign = (x: number) => (x < 0 ? `- ${format(-x)}` : `+ ${format(x)}`);
      notes.push(`as one sine in ${lhs}: ${format(a)}·sin(u${j}) ${sign(b)}·cos(u${j}) = ${format(shifted.amplitude)}·sin(u${j} ${sign(shifted.phase)})`);
    }
  });
  return notes;
}
