/**
 * What a researcher reads of a rotation in a linear frame: equations that keep the angle exact
 * (W = ρ(cos θ·I + sin θ·K), K the frame's quarter turn, in numbers), a statement with the orbits'
 * ellipse and, for a map about a centre, that centre, and the quadratic form the map conserves.
 */
import type { FamilyName } from '../../types.js';
import type { ExactConstant } from '../model/mdl.js';
import { conservedForm, conservesOwnForm, frameQuarterTurn, offsetAboutCentre, SKEWED_FAMILIES, skewedRotationMatrix } from '../model/skewed.js';

/** Where a skewed family keeps its parameters: [ρ,] θ, r, φ, then the centre. */
interface Layout {
  damped: boolean;
  theta: number;
  ratio: number;
  tilt: number;
  centre: number;
}

/** The layout of a skewed family's parameters; null for any other family. */
function layoutOf(family: FamilyName): Layout | null {
  if (!SKEWED_FAMILIES.has(family)) return null;
  const d = family === 'damped_skewed_rotation' ? 1 : 0;
  return { damped: d === 1, theta: d, ratio: d + 1, tilt: d + 2, centre: d + 3 };
}

/** c·sin(θ) with the sign of c in front, or null for c = 0. */
function scaledSine(c: number, sine: string, num: (x: number) => string): string | null {
  if (c === 0) return null;
  return `${c < 0 ? '-' : ''}${num(Math.abs(c))} * ${sine}`;
}

/**
 * A skewed law's coefficients as mathjs text: ρ·(cos θ·δ_ij + K_ij·sin θ), with θ (and ρ) as `param(i)`
 * states them (exact when snapped) and K in `num`'s digits; with a centre c, the offset column c − W c.
 */
export function skewedCoefficientText(family: FamilyName, values: number[], offset: boolean, param: (i: number) => string, num: (x: number) => string): string[][] {
  const at = layoutOf(family)!;
  const th = param(at.theta);
  const K = frameQuarterTurn(values[at.ratio], values[at.tilt]);
  const rho = at.damped ? `${param(0)} * ` : '';
  const W = K.map((row, i) =>
    row.map((kij, j) => {
      const sine = scaledSine(kij, `sin(${th})`, num);
      if (i !== j) return sine === null ? '0' : sine.startsWith('-') ? `-${rho}${sine.slice(1)}` : `${rho}${sine}`;
      const sum = sine === null ? `cos(${th})` : `cos(${th}) ${sine.startsWith('-') ? `- ${sine.slice(1)}` : `+ ${sine}`}`;
      return rho && sine !== null ? `${rho}(${sum})` : `${rho}${sum}`;
    }),
  );
  if (!offset) return W;
  const b = offsetAboutCentre(matrixOf(family, values), centreOf(family, values)!);
  return W.map((row, i) => [...row, num(b[i])]);
}

/** The law's 2 × 2 map W from its parameter values. */
function matrixOf(family: FamilyName, values: number[]) {
  const at = layoutOf(family)!;
  return skewedRotationMatrix(at.damped ? values[0] : 1, values[at.theta], values[at.ratio], values[at.tilt]);
}

/** The law's centre, for the variant with an offset (its last two parameters). */
function centreOf(family: FamilyName, values: number[]): number[] | null {
  const at = layoutOf(family)!;
  return values.length > at.centre ? values.slice(at.centre, at.centre + 2) : null;
}

/** u1 or (u1 - c1): a coordinate about the centre. */
function about(i: number, centre: number[] | null, num: (x: number) => string): string {
  if (!centre || centre[i] === 0) return `u${i + 1}`;
  return `(u${i + 1} ${centre[i] < 0 ? '+' : '-'} ${num(Math.abs(centre[i]))})`;
}

/**
 * The one-line statement, e.g. `u' = S·R(2*pi/11)·S⁻¹·u (ellipses: axis ratio 2.3, tilted 31.2° from u1)`;
 * with an offset, `u' = c + S·R(θ)·S⁻¹·(u − c), c = [1, -0.5] (ellipses about c: …)`.
 */
export function skewedStatement(family: FamilyName, values: number[], offset: boolean, param: (i: number) => string): string {
  const at = layoutOf(family)!;
  const map = `${at.damped ? `${param(0)}·` : ''}S·R(${param(at.theta)})·S⁻¹`;
  const degrees = Number(((values[at.tilt] * 180) / Math.PI).toFixed(1));
  const orbits = `${at.damped ? 'elliptic spirals' : 'ellipses'}${offset ? ' about c' : ''}: axis ratio ${param(at.ratio)}, tilted ${degrees}° from u1`;
  if (!offset) return `u' = ${map}·u (${orbits})`;
  return `u' = c + ${map}·(u − c), c = [${param(at.centre)}, ${param(at.centre + 1)}] (${orbits})`;
}

/**
 * "conserves I = …": the form uᵀQu (about the centre, with an offset), Q = S⁻ᵀS⁻¹, that an undamped
 * law (or a damped one whose ρ is exactly 1) keeps; null for a spiral.
 */
export function skewedConservedNote(family: FamilyName, values: number[], exact: (ExactConstant | null)[], offset: boolean, num: (x: number) => string): string | null {
  const at = layoutOf(family);
  if (!at || !conservesOwnForm(family, exact)) return null;
  const centre = offset ? centreOf(family, values) : null;
  const Q = conservedForm(values[at.ratio], values[at.tilt]);
  const [x1, x2] = [about(0, centre, num), about(1, centre, num)];
  const terms: [number, string][] = [
    [Q[0][0], `${x1}^2`],
    [2 * Q[0][1], `${x1} * ${x2}`],
    [Q[1][1], `${x2}^2`],
  ];
  const text = terms
    .filter(([c]) => c !== 0)
    .map(([c, t], i) => `${c < 0 ? (i === 0 ? '-' : '- ') : i === 0 ? '' : '+ '}${Math.abs(c) === 1 ? '' : `${num(Math.abs(c))} * `}${t}`)
    .join(' ');
  return `conserves I = ${text}`;
}
