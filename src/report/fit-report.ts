/**
 * The report of a `fit` result: run inputs, the Pareto front, and for every law its equation, figures,
 * phase portrait with predictions and outliers, invariant traces and residual histogram.
 */
import { describeContinuousTime } from '../engine/output/continuous-time.js';
import { InputError } from '../errors.js';
import type { Dataset, FitResult, Law } from '../types.js';
import { VERSION } from '../version.js';
import { invariantSpec, paretoSpec, portraitSpec, residualSpec } from './charts.js';
import { chartDiv, escapeHtml, keyValueTable, mathHtml, renderPage, versionsText, type ReportChart, type ReportData } from './html.js';
import { lawView, type ViewLimits } from './views.js';

/** Options of {@link buildFitReport}. */
export interface FitReportOptions {
  /** Page title (default: "latent-laws: laws of <source>"). */
  title?: string;
  /** How much of the data the portraits draw (the histograms always use every transition). */
  limits?: ViewLimits;
  /** Extra rows for the run-inputs table, e.g. the command line or the data file's path. */
  inputs?: [string, string][];
}

/** The HTML pieces and charts of a fit result, shared with the anneal report. */
export interface FitSections {
  html: string;
  charts: ReportChart[];
  /** Per-law figures as the report computed them (embedded as JSON for tools and tests). */
  laws: Record<string, unknown>[];
}

const pct = (q: number) => `${(100 * q).toFixed(1)}%`;
const sci = (x: number) => (Number.isFinite(x) ? x.toExponential(2) : String(x));

function subspaceText(law: Law): string {
  const s = law.subspace;
  const k = s.basis.length;
  if (s.kind === 'coordinates' && s.coordinates) return `coordinates ${s.coordinates.map((c) => `z${c}`).join(', ')}`;
  if (s.kind === 'full') return `the whole ${s.basis[0]?.length ?? k}-D space`;
  return `a ${k}-D ${s.kind === 'eigenspace' ? 'eigenspace' : 'principal subspace'} (${s.label}; basis rows b1…b${k} in the JSON)`;
}

const PROJECTION_TEXT = {
  subspace: 'the law\'s own coordinates u1, u2',
  leading: 'the two leading directions of the law\'s subspace (largest spread)',
  'return-map': 'the return map u(t) → u(t+1) of the law\'s single coordinate',
} as const;

/** Charts and HTML for each law of `result` on `data`, plus the Pareto front. */
export function fitSections(result: FitResult, data: Dataset, limits: ViewLimits = {}, prefix = ''): FitSections {
  if (result.provenance.dim !== data.dim)
    throw new InputError(data.source, `is ${data.dim}-D but the laws were fitted to ${result.provenance.dim}-D data`);
  const charts: ReportChart[] = [];
  const laws: Record<string, unknown>[] = [];
  const pareto: ReportChart = { id: `${prefix}pareto`, kind: 'pareto', spec: paretoSpec(result) };
  charts.push(pareto);
  const parts: string[] = [
    `<section class="card"><h2>Pareto front</h2><p class="sub">Every finalist's complexity against its relative error; reported laws in red (diamonds sit off the front). Hover a point for its equation.</p>${chartDiv(pareto)}</section>`,
  ];
  if (result.laws.length === 0) parts.push('<section class="card"><h2>No laws</h2><p>The search reported no law for this data set (see the Pareto front for what came closest).</p></section>');
  for (const law of result.laws) {
    const view = lawView(law, data, limits);
    const base = `${prefix}law-${law.rank}`;
    const isMap = law.role === 'map';
    const unit = isMap ? 'data units' : "units of the invariant's std";
    const lawCharts: ReportChart[] = [
      { id: `${base}-portrait`, kind: 'portrait', lawId: law.id, spec: portraitSpec(view, isMap ? 'Phase portrait: actual and predicted' : 'Phase portrait') },
    ];
    if (!isMap) lawCharts.push({ id: `${base}-invariant`, kind: 'invariant', lawId: law.id, spec: invariantSpec(view, 'Invariant along each trajectory') });
    lawCharts.push({ id: `${base}-residuals`, kind: 'residuals', lawId: law.id, spec: residualSpec(view, 'Residuals against the tolerance', unit) });
    charts.push(...lawCharts);
    let beyond = 0;
    for (const r of view.residuals) if (r > view.tolerance) beyond++;
    laws.push({
      id: law.id, rank: law.rank, family: law.family, role: law.role, k: law.subspace.basis.length, projection: view.projection,
      directions: view.directions, tolerance: view.tolerance, transitions: view.residuals.length, beyondTolerance: beyond,
      outliers: law.outliers.length, shownTrajectories: view.shownTrajectories, totalTrajectories: view.totalTrajectories,
    });
    const params = law.parameters.map((p) => `${p.name} = ${p.exact ? `${p.exact} (fitted ${p.value.toPrecision(8)})` : p.value.toPrecision(8)}`);
    const figures = keyValueTable([
      ['acts on', subspaceText(law)],
      ['inliers', `${pct(law.metrics.inlierFraction)} of ${law.metrics.nTransitions} transitions`],
      ['relative error', `${sci(law.metrics.inlierRelativeError)} on inliers, ${sci(law.metrics.relativeError)} on all`],
      ['tolerance', `${sci(law.metrics.tolerance)} (${unit})`],
      ['complexity', `${law.metrics.complexity.toFixed(1)} bits; description length ${law.metrics.descriptionLength.toFixed(0)} bits`],
      ['parameters', params.length ? params.join('; ') : undefined],
      ['continuous time', law.continuousTime && result.dt !== undefined ? `${describeContinuousTime(law.continuousTime, result.dt)} (dt = ${result.dt})` : undefined],
      ['outlier transitions', law.outliers.length],
    ]);
    const notes = law.notes.length ? `<ul class="notes">${law.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : '';
    const shown = view.shownTrajectories < view.totalTrajectories ? ` ${view.shownTrajectories} of ${view.totalTrajectories} trajectories drawn.` : '';
    parts.push(`<section class="card law" data-law="${escapeHtml(law.id)}">
<h2>Law ${law.rank}: ${escapeHtml(law.family)} @ ${escapeHtml(law.subspace.label)}</h2>
<p class="sub">${escapeHtml(law.summary)}</p>
<div class="math">${mathHtml(law.latex)}</div>
${figures}${notes}
<p class="sub">Portrait in ${PROJECTION_TEXT[view.projection]}.${shown}${isMap ? ' Open circles: where the law sends each state; red crosses: outlier transitions.' : ' Red crosses: states reached by outlier transitions.'}</p>
<div class="charts">${lawCharts.map(chartDiv).join('')}</div>
</section>`);
  }
  return { html: parts.join('\n'), charts, laws };
}

/** The run-inputs table of a fit result. */
export function fitInputs(result: FitResult, extra: [string, string][] = []): [string, string][] {
  const p = result.provenance;
  return [
    ['data', p.source],
    ['grammar', p.grammar],
    ['seed', String(p.seed)],
    ['backend', `latent-laws engine, Float64 JavaScript, ${p.workers === 0 ? 'inline' : `${p.workers} worker thread${p.workers === 1 ? '' : 's'}`}`],
    ['tolerance', p.tolerance === null ? 'automatic (from the data noise)' : String(p.tolerance)],
    ...(result.dt === undefined ? [] : [['time step', `dt = ${result.dt} between consecutive states`] as [string, string]]),
    ['data shape', `${p.nTrajectories} trajectories, ${p.nTransitions} transitions, ${p.dim}-D`],
    ['search', `${p.candidatesScreened} candidates screened, ${p.finalists} finalists, ${p.failures.length} failed; ${(p.elapsedMs / 1000).toFixed(1)} s${p.interrupted ? ' (interrupted: partial result)' : ''}`],
    ['versions', versionsText(p.version)],
    ...extra,
  ];
}

/**
 * One self-contained HTML page (no network requests) showing a fit result on the data it was fitted to.
 * @param result what `fit` returned (or the JSON `fit --out` wrote)
 * @param dataset the trajectories the laws were fitted to (same dimension)
 * @returns the HTML text; write it with `writeFileAtomic`
 * @throws InputError when the data set's dimension does not match the result's
 */
export function buildFitReport(result: FitResult, dataset: Dataset, options: FitReportOptions = {}): string {
  const title = options.title ?? `latent-laws: laws of ${result.provenance.source}`;
  const sections = fitSections(result, dataset, options.limits);
  const inputs = fitInputs(result, options.inputs);
  const body = `<h1>${escapeHtml(title)}</h1>
<p class="sub">${result.laws.length} law${result.laws.length === 1 ? '' : 's'} found in ${result.provenance.nTrajectories} trajectories of ${result.provenance.dim}-D latents.</p>
<section class="card"><h2>Run inputs</h2>${keyValueTable(inputs)}</section>
${sections.html}`;
  const data: ReportData = { kind: 'fit', generator: `latent-laws ${VERSION}`, charts: sections.charts, meta: { inputs: Object.fromEntries(inputs), laws: sections.laws } };
  return renderPage(title, body, data);
}
