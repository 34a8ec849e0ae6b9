/**
 * The report of an anneal run: training curves (losses, the best law's inlier fraction), sample frames,
 * and the fit report of the laws found on the final latents.
 */
import { VERSION } from '../version.js';
import { framesSpec, inlierSpec, lossSpec, type SampleFrames } from './anneal-charts.js';
import type { AnnealRun } from './anneal-run.js';
import { fitInputs, fitSections } from './fit-report.js';
import { chartDiv, escapeHtml, keyValueTable, renderPage, versionsText, type ReportChart, type ReportData } from './html.js';
import type { ViewLimits } from './views.js';

/** Options of {@link buildAnnealReport}. */
export interface AnnealReportOptions {
  title?: string;
  /** Sample frames (see `sampleFrames`); without them the report says why there are none. */
  frames?: SampleFrames;
  /** Why there are no frames (shown in their place). */
  framesNote?: string;
  limits?: ViewLimits;
  /** Extra rows for the run-inputs table. */
  inputs?: [string, string][];
}

const show = (v: unknown): string => (v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
const num = (v: unknown, digits = 3): string | undefined => (typeof v === 'number' ? v.toExponential(digits) : undefined);

/** The run-inputs rows of an anneal run (data, model, schedule, seed, backend, versions). */
function runInputs(run: AnnealRun, extra: [string, string][]): [string, string][] {
  const c = run.config;
  const data = c.data as Record<string, unknown> | undefined;
  const dataText = !data ? '—' : data.kind === 'file' ? `file ${show(data.path)} (stack ${show(data.stack)})` : `built-in ${show(data.kind)}: ${Object.entries(data).filter(([k]) => k !== 'kind').map(([k, v]) => `${k} ${show(v)}`).join(', ')}`;
  const model = c.model as Record<string, unknown> | undefined;
  return [
    ['run folder', run.dir],
    ['data', `${dataText}; ${show(c.heldout)} sequences held out`],
    ['model', model ? `${show(model.arch)} autoencoder, input ${show(model.inputShape)}, latent ${show(model.latent)}, hidden ${show(model.hidden)}` : '—'],
    ['training', `${show(c.epochs)} epochs, ${show(c.batchSequences)} sequences per batch, learning rate ${show(c.learningRate)}, search every ${show(c.searchEvery)} steps`],
    ['schedule', show(c.schedule)],
    ['seed', show(c.seed)],
    ['backend', run.backend ? `${run.backend.name}${run.backend.reason ? ` (${run.backend.reason})` : ''}` : `requested ${show(c.backend)}`],
    ['grammar', run.laws ? run.laws.provenance.grammar : '—'],
    ['versions', versionsText()],
    ...extra,
  ];
}

/**
 * One self-contained HTML page (no network requests) for an anneal run folder read by `readAnnealRun`.
 * @returns the HTML text
 */
export function buildAnnealReport(run: AnnealRun, options: AnnealReportOptions = {}): string {
  const title = options.title ?? `latent-laws: anneal run ${run.dir}`;
  const charts: ReportChart[] = [];
  const parts: string[] = [];
  const finished = !!run.laws;
  const last = run.epochs[run.epochs.length - 1];
  const summary = run.summary ?? {};
  parts.push(`<h1>${escapeHtml(title)}</h1>
<p class="sub">${finished ? 'Finished run' : 'Unfinished run (no laws.json yet: training curves only)'}; ${run.epochs.length} epoch${run.epochs.length === 1 ? '' : 's'} logged${last?.bestLaw ? `; best law at the last search: ${escapeHtml(last.bestLaw.summary)}` : ''}.</p>`);
  const inputs = runInputs(run, options.inputs ?? []);
  parts.push(`<section class="card"><h2>Run inputs</h2>${keyValueTable(inputs)}</section>`);

  const training: ReportChart[] = [];
  if (run.epochs.length) {
    training.push({ id: 'anneal-losses', kind: 'losses', spec: lossSpec(run.epochs) });
    if (run.epochs.some((e) => e.bestLaw)) training.push({ id: 'anneal-inliers', kind: 'inliers', spec: inlierSpec(run.epochs) });
  }
  charts.push(...training);
  const figures = keyValueTable([
    ['reconstruction MSE', num(summary.recon) ? `${num(summary.recon)} (training)${num(summary.heldoutRecon) ? `, ${num(summary.heldoutRecon)} (held out)` : ''}` : undefined],
    ['final λ, relative tolerance', last ? `${last.lambda}, ${last.relTolerance.toPrecision(3)}` : undefined],
    ['log lines skipped', run.skippedLogLines || undefined],
  ]);
  parts.push(`<section class="card"><h2>Training</h2>${figures}${training.length ? `<div class="charts">${training.map(chartDiv).join('')}</div>` : '<p>No epoch has been logged yet.</p>'}</section>`);

  if (options.frames) {
    const chart: ReportChart = { id: 'anneal-frames', kind: 'frames', spec: framesSpec(options.frames) };
    charts.push(chart);
    parts.push(`<section class="card"><h2>Sample frames</h2><p class="sub">${escapeHtml(options.frames.description)}: original frames, the autoencoder's reconstruction, and the rollout by the law from the first frame.</p>${chartDiv(chart)}</section>`);
  } else if (options.framesNote) {
    parts.push(`<section class="card"><h2>Sample frames</h2><p>${escapeHtml(options.framesNote)}</p></section>`);
  }

  let laws: Record<string, unknown>[] = [];
  if (run.laws && run.latents) {
    const sections = fitSections(run.laws, run.latents, options.limits);
    charts.push(...sections.charts);
    laws = sections.laws;
    parts.push(`<h2>Laws of the final latents</h2><section class="card">${keyValueTable(fitInputs(run.laws).filter(([k]) => k !== 'versions'))}</section>`, sections.html);
    if (run.heldoutLaws) {
      const rows = run.heldoutLaws.laws.map((l): [string, string] => [`law ${l.rank}`, `${l.id}: inliers ${(100 * l.metrics.inlierFraction).toFixed(1)}%, relative error ${l.metrics.relativeError.toExponential(2)}`]);
      parts.push(`<section class="card"><h2>Laws of the held-out latents</h2><p class="sub">The search run again on sequences the encoder never trained on (heldout-laws.json).</p>${rows.length ? keyValueTable(rows) : '<p>No law found.</p>'}</section>`);
    }
  }
  const data: ReportData = {
    kind: 'anneal', generator: `latent-laws ${VERSION}`, charts,
    meta: { inputs: Object.fromEntries(inputs), epochs: run.epochs.length, finished, laws, frames: options.frames ? { rows: options.frames.rows.map((r) => r.label), steps: options.frames.steps } : null },
  };
  return renderPage(title, parts.join('\n'), data);
}
