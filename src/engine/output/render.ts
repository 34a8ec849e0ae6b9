/**
 * Turning a fitted law into what a researcher reads: mathjs equations with exact constants where they
 * were snapped, their LaTeX, and a one-line statement such as
 * "in the plane spanned by b1, b2: u' = R(pi/7)·u; radius conserved".
 */
import { toLatex } from '../../grammar/safe-math.js';
import type { LawParameter, Subspace } from '../../types.js';
import type { LawFit } from '../model/law-fit.js';
import { parameterNamesOf } from '../model/law-fit.js';
import type { ExactConstant } from '../model/mdl.js';
import { skewedCoefficientText, skewedStatement } from './skewed-text.js';

/** A number as mathjs text: 10 significant digits, no exponent surprises for mathjs's parser. */
export function formatNumber(x: number): string {
  if (x === 0) return '0';
  const s = Number(x.toPrecision(10)).toString();
  return s.includes('e') ? `(${s.replace('e', ' * 10^(').replace('+', '')}))` : s;
}

/** Shorter form for one-line summaries. */
export function shortNumber(x: number): string {
  return Number(x.toPrecision(5)).toString();
}

function paramText(values: number[], exact: (ExactConstant | null)[], i: number): string {
  return exact[i]?.expr ?? formatNumber(values[i]);
}

/** Wrap a term in parentheses when it is a sum/difference or starts with a sign. */
function atom(expr: string): string {
  if (/^[\w.]+$/.test(expr)) return expr;
  // f(...) whose opening parenthesis closes at the very end is one factor.
  const call = /^[A-Za-z]\w*\(/.exec(expr);
  if (call && expr.endsWith(')')) {
    let depth = 0;
    for (let i = call[0].length - 1; i < expr.length; i++) {
      depth += expr[i] === '(' ? 1 : expr[i] === ')' ? -1 : 0;
      if (depth === 0) return i === expr.length - 1 ? expr : `(${expr})`;
    }
  }
  return `(${expr})`;
}

/** Symbolic coefficient matrix (entries as mathjs text) of a law, using exact constants. */
function symbolicCoefficients(fit: LawFit, values: number[], exact: (ExactConstant | null)[]): string[][] {
  const p = fit.parametrization;
  const k = fit.k;
  const m = fit.features.length;
  const W: string[][] = Array.from({ length: fit.role === 'map' ? k : 1 }, () => new Array<string>(m).fill('0'));
  if (p.kind === 'sparse') {
    p.positions.forEach(([r, j], i) => (W[r][j] = paramText(values, exact, i)));
    return W;
  }
  const P = (i: number) => paramText(values, exact, i);
  const offsetStart = (count: number) => {
    if (p.offset) for (let i = 0; i < k; i++) W[i][k] = P(count + i);
  };
  switch (p.family) {
    case 'identity':
    case 'translation':
      for (let i = 0; i < k; i++) W[i][i] = '1';
      offsetStart(0);
      break;
    case 'constant':
      offsetStart(0);
      break;
    case 'scaling':
      for (let i = 0; i < k; i++) W[i][i] = P(0);
      offsetStart(1);
      break;
    case 'rotation':
    case 'damped_rotation': {
      const damped = p.family === 'damped_rotation';
      const th = P(damped ? 1 : 0);
      const rho = damped ? `${atom(P(0))} * ` : '';
      W[0][0] = `${rho}cos(${th})`;
      W[0][1] = `-${rho}sin(${th})`;
      W[1][0] = `${rho}sin(${th})`;
      W[1][1] = `${rho}cos(${th})`;
      offsetStart(damped ? 2 : 1);
      break;
    }
    case 'skewed_rotation':
    case 'damped_skewed_rotation': {
      const M = skewedCoefficientText(p.family, values, p.offset, P, formatNumber);
      M.forEach((row, i) => row.forEach((v, j) => (W[i][j] = v)));
      break;
    }
    default:
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) W[i][j] = P(i * k + j);
      offsetStart(k * k);
  }
  return W;
}

/** Σ_j coefficient_j · feature_j as mathjs text, dropping zero terms and unit factors. */
function linearCombination(coefs: string[], features: string[]): string {
  const terms: string[] = [];
  coefs.forEach((c, j) => {
    if (c === '0') return;
    const f = features[j];
    // A leading minus on a plain number or a product becomes the sign of the term.
    const negative = /^-[\w.]/.test(c) && !/[+\-]/.test(c.slice(1));
    const mag = negative ? c.slice(1) : c;
    let term: string;
    if (f === '1') term = mag;
    else if (mag === '1') term = f;
    else term = `${atom(mag)} * ${atom(f)}`;
    terms.push(negative ? `-${term}` : term);
  });
  if (terms.length === 0) return '0';
  return terms.reduce((acc, t) => (t.startsWith('-') ? `${acc} - ${t.slice(1)}` : `${acc} + ${t}`));
}

export interface Rendered {
  equations: string[];
  latex: string;
  summary: string;
  parameters: LawParameter[];
}

function describeSubspace(sub: Subspace, dim: number): string {
  const k = sub.basis.length;
  if (sub.kind === 'full' || k === dim) return 'on the whole latent space';
  if (sub.kind === 'coordinates') {
    const names = (sub.coordinates ?? []).map((c) => `z${c}`).join(', ');
    return k === 1 ? `in coordinate ${names}` : `in coordinates ${names}`;
  }
  const names = Array.from({ length: k }, (_, i) => `b${i + 1}`).join(', ');
  return k === 1 ? 'along the direction b1' : k === 2 ? `in the plane spanned by ${names}` : `in the ${k}-D subspace spanned by ${names}`;
}

/** "z3 = 5, z4 = -2 on every trajectory" (or b1·z = … for directions that are not coordinates). */
function constantStatement(sub: Subspace, values: string[]): string {
  const names = sub.coordinates ? sub.coordinates.map((c) => `z${c}`) : values.map((_, i) => `b${i + 1}·z`);
  return `${names.map((name, i) => `${name} = ${values[i]}`).join(', ')} on every trajectory`;
}

/** Equations, LaTeX, parameters and summary of a law. `notes` are appended to the summary. */
export function renderLaw(fit: LawFit, values: number[], exact: (ExactConstant | null)[], sub: Subspace, dim: number, notes: string[]): Rendered {
  const W = symbolicCoefficients(fit, values, exact);
  const names = parameterNamesOf(fit);
  const parameters: LawParameter[] = names.map((name, i) => ({
    name,
    value: values[i],
    ...(exact[i] ? { exact: exact[i]!.expr, exactValue: exact[i]!.value } : {}),
  }));
  let equations: string[];
  let latex: string;
  if (fit.role === 'map') {
    equations = W.map((row, i) => `u${i + 1}' = ${linearCombination(row, fit.features)}`);
    latex = W.map((row, i) => `u_{${i + 1}}' = ${toLatex(linearCombination(row, fit.features))}`).join(' \\\\ ');
  } else {
    const rhs = linearCombination(W[0], fit.features);
    equations = [`I = ${rhs}`];
    latex = `I = ${toLatex(rhs)} = \\text{const}`;
  }
  const P = (i: number) => exact[i]?.expr ?? shortNumber(values[i]);
  const p = fit.parametrization;
  let statement: string;
  if (fit.role === 'invariant') statement = `I = ${equations[0].slice(4)} is conserved`;
  else if (p.kind === 'sparse') statement = equations.join('; ');
  else {
    const off = p.offset && p.family !== 'constant' && p.family !== 'translation' ? ' + b' : '';
    switch (p.family) {
      case 'identity':
        statement = `u' = u`;
        break;
      case 'constant':
        statement = `u' = [${values.map((_, i) => P(i)).join(', ')}]`;
        break;
      case 'translation':
        statement = `u' = u + [${values.map((_, i) => P(i)).join(', ')}]`;
        break;
      case 'scaling':
        statement = `u' = ${P(0)}·u${off}`;
        break;
      case 'rotation':
        statement = `u' = R(${P(0)})·u${off}`;
        break;
      case 'damped_rotation':
        statement = `u' = ${P(0)}·R(${P(1)})·u${off}`;
        break;
      case 'skewed_rotation':
      case 'damped_skewed_rotation':
        statement = skewedStatement(p.family, values, p.offset, P);
        break;
      case 'orthogonal':
        statement = `u' = Q·u${off} (Q orthogonal)`;
        break;
      default:
        statement = `u' = A·u${off}`;
    }
  }
  const summary = sub.constant ? constantStatement(sub, values.map((_, i) => P(i))) : [`${describeSubspace(sub, dim)}: ${statement}`, ...notes].join('; ');
  return { equations, latex, summary, parameters };
}
