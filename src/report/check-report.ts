/**
 * The report of a `check` run: the run's inputs, and for every checked law its verdict, equation, the
 * cases run, a phase portrait of the checked data with the law's predictions and the violating
 * transitions, the one-step residuals against the allowed residual, and for a failing law the shrunk
 * counterexample with the command that replays it. Built from a check result and the checked data only.
 */
import type { LawsDocument } from '../check/laws-file.js';
import type { CheckReport, Counterexample, LawCheck } from '../check/run.js';
import { InputError } from '../errors.js';
import { toLatex } from '../grammar/safe-math.js';
import type { Dataset, Law } from '../types.js';
import { VERSION } from '../version.js';
import { invariantSpec, portraitSpec, residualSpec } from './charts.js';
import { checkLawView, type CheckLawView } from './check-view.js';
import { chartDiv, escapeHtml, keyValueTable, mathHtml, renderPage, versionsText, type ReportChart, type ReportData } from './html.js';
import type { ViewLimits } from './views.js';

/** Options of {@link buildCheckReport}. */
export interface CheckReportOptions {
  /** Page title (default: "latent-laws: check of <laws file> on <data>"). */
  title?: string;
  /** How much of the data the portraits draw (histograms and violation counts always use every transition). */
  limits?: ViewLimits;
  /** Extra rows for the run-inputs table. */
  inputs?: [string, string][];
}

/** Violating transitions listed per law in the embedded data (the count is always complete). */
const LISTED_VIOLATIONS = 1000;

const sci = (x: number | null) => (x === null ? 'undefined (NaN)' : x === 0 ? '0' : x.toExponential(2));
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * LaTeX of a law from its model, for laws files written by hand without `latex` (the check needs only
 * the model). Coefficients print as stored: this is a fallback, not the engine's snapped rendering.
 */
function modelLatex(law: Law): string {
  const { role, variables, features, coefficients } = law.model;
  const rhs = (row: number[]) => {
    const terms = row.flatMap((c, j) => (c === 0 ? [] : [features[j].trim() === '1' ? `${c}` : `${c} * (${features[j]})`]));
    return terms.length ? toLatex(terms.join(' + ')) : '0';
  };
  return role === 'invariant' ? `${rhs(coefficients[0])} = \\mathrm{const}` : variables.map((v, a) => `${v}' = ${rhs(coefficients[a])}`).join(' \\\\ ');
}

function verdictBadge(ok: boolean): string {
  return `<span class="verdict ${ok ? 'pass' : 'fail'}">${ok ? 'PASS' : 'FAIL'}</span>`;
}

const vector = (u: number[]) => `[${u.map((v) => v.toPrecision(6)).join(', ')}]`;

/** The counterexample block of a failing law: where, by how much, its states, and how to replay it. */
function counterexampleHtml(c: LawCheck, x: Counterexample, slack: number): string {
  const grown = x.bound !== c.tolerance ? `, grown along the rollout to ${sci(x.bound)}` : '';
  const figures = keyValueTable([
    ['where', x.where],
    ['failing step', `${x.step} of a ${plural(x.steps, 'transition')} segment`],
    ['residual', `${sci(x.residual)} > allowed ${sci(x.allowed)} (${(x.residual === null ? Infinity : x.residual / x.allowed).toPrecision(3)}× allowed)`],
    ['tolerance', `${sci(c.tolerance)}${grown}, × slack ${slack}`],
    ['shrinks', x.shrinks],
  ]);
  const states = keyValueTable(x.states.map((u, j): [string, string] => [`u${j}`, vector(u)]));
  const replay = c.replay.command
    ? `<pre class="cmd"><code>${escapeHtml(c.replay.command)}</code></pre>`
    : `<p>Replay with seed ${c.replay.seed} and path ${escapeHtml(c.replay.path ?? '—')}: <code>fc.assert(lawProperty(law, data, { steps, slack }), { seed, path })</code>.</p>`;
  return `<h3>Shrunk counterexample</h3>${figures}
<p class="sub">States of the segment in the law's subspace coordinates, up to the failing step.</p>${states}
<h3>Replay</h3>${replay}`;
}

/** One law's card and charts. */
function lawSection(v: CheckLawView, report: CheckReport, index: number): { html: string; charts: ReportChart[] } {
  const { check: c, law, view, violations } = v;
  const isMap = law.role === 'map';
  const base = `check-${index + 1}`;
  const unit = isMap ? 'data units' : 'units of I';
  const threshold = `allowed (${report.slack} × tolerance)`;
  const charts: ReportChart[] = [
    { id: `${base}-portrait`, kind: 'portrait', lawId: law.id, spec: portraitSpec(view, 'Checked data: actual and predicted', { outlier: 'violation (above allowed)' }) },
  ];
  if (!isMap) charts.push({ id: `${base}-invariant`, kind: 'invariant', lawId: law.id, spec: invariantSpec(view, 'Invariant along each checked trajectory') });
  charts.push({ id: `${base}-residuals`, kind: 'residuals', lawId: law.id, spec: residualSpec(view, 'One-step residuals against the allowed residual', unit, threshold) });

  const verdict = c.ok
    ? `holds: ${plural(c.runs, 'case')}, largest residual ${(100 * c.worstRatio).toFixed(0)}% of allowed`
    : c.counterexample
      ? `fails: counterexample after ${plural(c.runs, 'case')} (shrunk ${c.counterexample.shrinks}×)`
      : 'fails: the replayed case no longer fails';
  const first = violations[0];
  const figures = keyValueTable([
    ['verdict', verdict],
    ['checked on', `${report.source}: ${view.totalTrajectories} trajector${view.totalTrajectories === 1 ? 'y' : 'ies'}, ${view.residuals.length} transitions`],
    ['cases', `${c.runs} of up to ${report.runs}, segments of 1–${report.steps} transitions, seed ${c.replay.seed}`],
    ['tolerance', `${sci(c.tolerance)} (${unit}); allowed one-step residual ${sci(c.allowed)} = ${report.slack} × tolerance`],
    ['every transition as one step', violations.length === 0
      ? `all ${view.residuals.length} within the allowed residual (largest ${sci(v.largestResidual)})`
      : `${violations.length} of ${view.residuals.length} above the allowed residual (largest ${sci(v.largestResidual)}; first at trajectory ${first.trajectory}, step ${first.step})`],
  ]);
  const latex = typeof law.latex === 'string' && law.latex.trim() ? law.latex : modelLatex(law);
  const title = `Law ${c.rank ?? '?'}: ${law.family ?? law.role} @ ${law.subspace.label ?? 'subspace'}`;
  const shown = view.shownTrajectories < view.totalTrajectories ? ` ${view.shownTrajectories} of ${view.totalTrajectories} trajectories drawn.` : '';
  const crosses = violations.length ? ' Red crosses: states reached by violating transitions.' : '';
  const diamonds = c.counterexample ? ' Diamonds: the shrunk counterexample.' : '';
  const legend = `${isMap ? ' Open circles: where the law sends each state.' : ''}${crosses}${diamonds}`;
  const html = `<section class="card law" data-law="${escapeHtml(law.id)}" data-ok="${c.ok}">
<h2>${escapeHtml(title)} ${verdictBadge(c.ok)}</h2>
${typeof law.summary === 'string' ? `<p class="sub">${escapeHtml(law.summary)}</p>` : ''}
<div class="math">${mathHtml(latex)}</div>
${figures}
${!c.ok && c.counterexample ? counterexampleHtml(c, c.counterexample, report.slack) : ''}
<p class="sub">The checked data in the law's subspace.${shown}${legend} The histogram counts every transition once, as a single step; the property's cases are segments, whose rollout residuals are held to a bound that grows along the segment.</p>
<div class="charts">${charts.map(chartDiv).join('')}</div>
</section>`;
  return { html, charts };
}

/** The run-inputs table of a check. */
function checkInputs(report: CheckReport, doc: LawsDocument | null, data: Dataset, extra: [string, string][]): [string, string][] {
  const p = doc?.provenance;
  const transitions = data.offsets.length > 0 ? data.offsets[data.offsets.length - 1] - (data.offsets.length - 1) : 0;
  return [
    ['laws file', `${report.lawsFile ?? '—'}${p ? ` (fitted on ${p.source}, seed ${p.seed}, latent-laws ${p.version})` : ''}`],
    ['checked data', `${report.source}${report.key !== undefined ? ` (array ${report.key})` : ''}: ${data.offsets.length - 1} trajectories, ${transitions} transitions, ${data.dim}-D`],
    ['seed', String(report.seed)],
    ['cases', `up to ${report.runs} per law`],
    ['segments', `1–${report.steps} transitions; a residual fails above ${report.slack} × tolerance; rollout bound growth ${report.growth ?? "the map's own stretch"}`],
    ['versions', versionsText(report.version)],
    ...extra,
  ];
}

/**
 * One self-contained HTML page (no network requests) showing a check result on the data it checked.
 * @param report what `checkLaws` returned (or `check --json` printed)
 * @param laws the laws checked: the laws document (its provenance is shown) or the laws themselves
 * @param dataset the checked trajectories
 * @returns the HTML text; write it with `writeFileAtomic`
 * @throws InputError when a checked law is missing from `laws` or `dataset` is not the checked data
 */
export function buildCheckReport(report: CheckReport, laws: LawsDocument | Law[], dataset: Dataset, options: CheckReportOptions = {}): string {
  const doc = Array.isArray(laws) ? null : laws;
  const byId = new Map((Array.isArray(laws) ? laws : laws.laws).map((l) => [l.id, l]));
  const views = report.laws.map((c) => {
    const law = byId.get(c.id);
    if (!law) throw new InputError(report.lawsFile ?? 'laws', `has no law "${c.id}", which the check result names`);
    return checkLawView(c, law, dataset, options.limits);
  });
  const sections = views.map((v, i) => lawSection(v, report, i));
  const failed = report.laws.filter((c) => !c.ok).length;
  const title = options.title ?? `latent-laws: check of ${report.lawsFile ?? 'laws'} on ${report.source}`;
  const summary = failed === 0
    ? `${report.laws.length === 1 ? 'The law holds' : `All ${report.laws.length} laws hold`} on the checked data.`
    : `${failed} of ${plural(report.laws.length, 'law')} fail${failed === 1 ? 's' : ''} on the checked data.`;
  const inputs = checkInputs(report, doc, dataset, options.inputs ?? []);
  const body = `<h1>${escapeHtml(title)} ${verdictBadge(report.ok)}</h1>
<p class="sub">${escapeHtml(summary)}</p>
<section class="card"><h2>Run inputs</h2>${keyValueTable(inputs)}</section>
${sections.map((s) => s.html).join('\n')}`;
  const meta = {
    inputs: Object.fromEntries(inputs),
    ok: report.ok,
    laws: views.map((v) => ({
      id: v.law.id, rank: v.check.rank, ok: v.check.ok, runs: v.check.runs, tolerance: v.check.tolerance, allowed: v.check.allowed,
      transitions: v.view.residuals.length, largestResidual: v.largestResidual, violationCount: v.violations.length,
      violations: v.violations.slice(0, LISTED_VIOLATIONS), counterexample: v.check.counterexample, replay: v.check.replay,
    })),
  };
  const data: ReportData = { kind: 'check', generator: `latent-laws ${VERSION}`, charts: sections.flatMap((s) => s.charts), meta };
  return renderPage(title, body, data);
}
