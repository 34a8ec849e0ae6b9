/**
 * Ranked laws as the user gets them (the JSON schema in the README): equations and LaTeX with exact
 * constants, the model, and the metrics of the exact pass over all transitions.
 */
import type { Law, LawAlternative, MeasurementNoise, Subspace } from '../../types.js';
import type { EvaluateResult } from './exact-pass.js';
import { coefficientsFor } from '../model/law-fit.js';
import type { ScoredLaw } from '../ranking/rank.js';
import { renderLaw, shortNumber } from './render.js';
import { phaseNotes } from './phase-note.js';
import { skewedConservedNote } from './skewed-text.js';

/** A reported law, with its alternatives and conserved invariants as evaluable laws of their own (from the same exact pass). */
export function toLaw(s: ScoredLaw, evaluation: Map<ScoredLaw, EvaluateResult>, subspaces: Subspace[], dim: number, rank: number, n: number): Law {
  const subspace = subspaces[s.subspaceIndex];
  const { id, ...body } = describeLaw(s, evaluation.get(s)!, subspace, dim, n, s.alternatives.map((a) => alternativeNote(s, a, subspaces)));
  return {
    id,
    rank,
    ...body,
    outliers: Array.from(evaluation.get(s)!.outliers),
    alternatives: s.alternatives.map((a) => describeLaw(a, evaluation.get(a)!, subspaces[a.subspaceIndex], dim, n, [])),
    ...(s.conserves.length > 0 ? { conserved: s.conserves.map((c) => describeLaw(c, evaluation.get(c)!, subspace, dim, n, [])) } : {}),
  };
}

/** Why an alternative is one: another family on the law's subspace, or the whole map the law is part of. */
function alternativeNote(law: ScoredLaw, a: ScoredLaw, subspaces: Subspace[]): string {
  if (!a.decomposes) return `also fits as ${a.fit.family}${a.offset ? ' with offset' : ''} (longer description)`;
  const others = a.decomposes.filter((p) => p !== law).map((p) => p.fit.id);
  return `${others.length ? `with ${others.join(', ')}, ` : ''}states ${a.fit.family} on ${subspaces[a.subspaceIndex].label} (an alternative)`;
}

/** How a law fitted through measurement noise is read: it holds for the clean state, the readings are noisy. */
function noiseNote(noise: MeasurementNoise): string {
  const share = (x: number) => `${Number((100 * x).toPrecision(2))}%`;
  return `holds for the clean state; measurement noise ${share(noise.measurementShare)} of the signal, process noise ${share(noise.processShare)}`;
}

function describeLaw(s: ScoredLaw, ev: EvaluateResult, subspace: Law['subspace'], dim: number, n: number, alternativeNotes: string[]): LawAlternative {
  const facts = s.conserves.map((inv) => `conserves ${renderLaw(inv.fit, inv.fit.params, inv.exact, subspace, dim, []).equations[0]}`);
  if (s.fit.family === 'rotation' && !s.offset) facts.unshift('radius conserved');
  if (s.fit.family === 'orthogonal' && !s.offset) facts.unshift('norm conserved');
  const form = skewedConservedNote(s.fit.family, s.fit.params, s.exact, s.offset, shortNumber);
  if (form) facts.unshift(form);
  facts.push(...phaseNotes(s.fit, s.exact, shortNumber));
  const noise = s.fit.role === 'map' ? s.finalist.noise : undefined;
  if (noise) facts.push(noiseNote(noise));
  const notes = [...facts, ...alternativeNotes];
  const rendered = renderLaw(s.fit, s.fit.params, s.exact, subspace, dim, facts);
  const isMap = s.fit.role === 'map';
  const variance = s.finalist.variance;
  const tolerance = isMap ? s.tolerance : s.tolerance * ev.scale;
  const relAll = isMap ? Math.sqrt(ev.sumSqAll / Math.max(variance, 1e-300)) : Math.sqrt(ev.sumSqAll / Math.max(n, 1));
  const unit = isMap ? 1 : ev.scale;
  return {
    id: s.fit.id,
    family: s.fit.family,
    role: s.fit.role,
    subspace,
    equations: rendered.equations,
    latex: rendered.latex,
    summary: rendered.summary,
    parameters: rendered.parameters,
    model: {
      role: s.fit.role,
      variables: Array.from({ length: s.fit.k }, (_, i) => `u${i + 1}`),
      features: s.fit.features,
      coefficients: coefficientsFor(s.fit, s.fit.params),
    },
    metrics: {
      rmse: Math.sqrt(ev.sumSqAll / Math.max(n, 1)) * unit,
      relativeError: relAll,
      inlierRmse: Math.sqrt(ev.sumSqIn / Math.max(ev.nIn, 1)) * unit,
      inlierRelativeError: s.inlierRelativeError,
      inlierFraction: ev.nIn / Math.max(n, 1),
      tolerance,
      complexity: s.complexity,
      descriptionLength: s.descriptionLength,
      nTransitions: n,
      ...(s.conservation ? { drift: s.conservation.drift * ev.scale } : {}),
      ...(s.motionError !== undefined ? { motionError: s.motionError } : {}),
      ...(noise ? { noise } : {}),
    },
    notes,
  };
}
