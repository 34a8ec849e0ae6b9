/**
 * Every independent invariant. When the conserved combinations of a subspace's features span more
 * than one dimension (a free rigid body conserves |L|² and its energy), the fit's null space is a
 * discovery, not a collinearity problem: besides the simplest invariant, the next simplest ones
 * independent of it are stated too, each as sparse as the description length allows.
 */
import { coefficientsFor } from '../model/law-fit.js';
import { type InvariantStats, invariantRatio, sparseInvariantPath } from '../model/sparse.js';
import { sparseParametrization } from '../screening/screen.js';
import { onlyDrifts } from './conservation.js';
import { type ScoredLaw, scoreFinalist } from './rank.js';

/** Invariants stated per subspace at most (the first and those independent of it). */
const MAX_PER_SUBSPACE = 3;

/**
 * A further invariant must be conserved about as well as the first: its ratio Σ ΔI² / Σ (I − Ī)² at
 * most this many times the first's (or the resolution's), since both are exact laws of one system.
 */
const AS_WELL = 4;

/** The invariants independent of `law` on its subspace, simplest first (none for maps or linear families). */
export function independentInvariants(law: ScoredLaw, threshold: number, maxDenominator: number, rescaled = false): ScoredLaw[] {
  const stats = law.finalist.stats;
  if (law.fit.role !== 'invariant' || law.fit.parametrization.kind !== 'sparse' || stats.role !== 'invariant') return [];
  const st = stats.st;
  const found = [coefficientsFor(law.fit, law.fit.params)[0]];
  const bound = AS_WELL * Math.max(invariantRatio(found[0], st), law.finalist.floor ** 2);
  const out: ScoredLaw[] = [];
  while (found.length < MAX_PER_SUBSPACE) {
    // Penalising the found directions only raises ratios: once all features together miss the bound, stop.
    const path = sparseInvariantPath(deflated(st, found), threshold, undefined, bound);
    const next = path
      .map((inv) => inv.coefficients)
      .filter((c) => invariantRatio(c, st) <= bound && found.every((f) => Math.abs(covCorrelation(c, f, st.Cov)) < 0.999));
    if (next.length === 0) break;
    // The support is chosen as screening chooses it, by the description length as fitted; only it is snapped.
    const id = `${law.fit.id}#${found.length + 1}`;
    const lengths = next.map((c) => scoreAs(law, c, id, maxDenominator, rescaled, false).descriptionLength);
    const chosen = lengths.reduce((b, dl, i) => (dl < lengths[b] ? i : b), 0);
    const best = { ...scoreAs(law, next[chosen], id, maxDenominator, rescaled), companion: found.length + 1 };
    if (!(best.descriptionLength < 0)) break;
    out.push({ ...best, densest: path[0].coefficients });
    found.push(coefficientsFor(best.fit, best.fit.params)[0]);
  }
  return out;
}

/**
 * A denser form is tried only if its ratio is this many times smaller (4× in one-step error): extra
 * terms make any quantity a little better conserved, an exact law is far better.
 */
const CLEARLY = 16;

/**
 * The invariant at the densest support of its path (the grammar's stlsq_threshold), as fitted: below
 * the resolution floor the description length cannot tell a sparse near-invariant from the exact one,
 * but its drift along trajectories can. Null unless the law only drifts and that form is denser and
 * clearly better conserved step by step.
 */
export function densestForm(law: ScoredLaw, threshold: number): ScoredLaw | null {
  const stats = law.finalist.stats;
  if (law.fit.role !== 'invariant' || law.fit.parametrization.kind !== 'sparse' || stats.role !== 'invariant') return null;
  if (!law.conservation || !onlyDrifts(law.conservation, law.tolerance)) return null;
  const c = coefficientsFor(law.fit, law.fit.params)[0];
  const dense = law.densest ?? sparseInvariantPath(stats.st, threshold)[0]?.coefficients;
  const terms = (v: number[]) => v.filter((x) => x !== 0).length;
  if (!dense || terms(dense) <= terms(c) || !(CLEARLY * invariantRatio(dense, stats.st) < invariantRatio(c, stats.st))) return null;
  const rescored = scoreAs(law, dense, law.fit.id, 0, false, false);
  return { ...rescored, companion: law.companion };
}

/** The law's finalist restated with coefficients `c`, scored (snapped unless `snap` is false) as a finalist of its own. */
function scoreAs(law: ScoredLaw, c: number[], id: string, maxDenominator: number, rescaled: boolean, snap = true): ScoredLaw {
  const { p, params } = sparseParametrization([c], law.fit.features, 'invariant');
  const fit = { ...law.finalist.fit, id, parametrization: p, params };
  return scoreFinalist({ result: { ...law.finalist, fit }, subspaceIndex: law.subspaceIndex, offset: law.offset }, law.tolerance, maxDenominator, snap, rescaled);
}

/**
 * Invariant statistics in which the directions of `found` are penalised (in the metric of Cov), so the
 * best-conserved combination left is independent of them.
 */
function deflated(st: InvariantStats, found: number[][]): InvariantStats {
  const m = st.D.length;
  const traceD = st.D.reduce((t, row, i) => t + Math.abs(row[i]), 0) / Math.max(m, 1);
  const D = st.D.map((row) => row.slice());
  for (const f of found) {
    const g = st.Cov.map((row) => row.reduce((t, v, j) => t + v * f[j], 0));
    const norm = f.reduce((t, v, i) => t + v * g[i], 0);
    if (!(norm > 0)) continue;
    const weight = (1e6 * Math.max(traceD, 1e-300)) / norm;
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) D[i][j] += weight * g[i] * g[j];
  }
  return { n: st.n, D, Cov: st.Cov };
}

function covCorrelation(a: number[], b: number[], Cov: number[][]): number {
  const quad = (x: number[], y: number[]) => x.reduce((t, xi, i) => t + xi * Cov[i].reduce((s, v, j) => s + v * y[j], 0), 0);
  const den = Math.sqrt(quad(a, a) * quad(b, b));
  return den > 0 ? quad(a, b) / den : 0;
}
