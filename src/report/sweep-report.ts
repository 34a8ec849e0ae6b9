/**
 * The report of a sweep folder: which laws emerge where. Laws are grouped across inputs by family,
 * dimension and exact constants; each group shows in which inputs it holds, with its inlier fraction
 * along the checkpoints of each run (a table and a chart), and the page ends with the summary table.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.js';
import { naturalCompare } from '../sweep/inputs.js';
import { SUMMARY_JSON } from '../sweep/layout.js';
import { readSweepSummary, type SweepRow, type SweepSummary } from '../sweep/summary.js';
import { VERSION } from '../version.js';
import { asFitResult, readJson } from './anneal-run.js';
import { chartDiv, escapeHtml, keyValueTable, renderPage, versionsText, type ReportChart, type ReportData } from './html.js';
import type { VlSpec } from './charts.js';
import { groupLaws, placeInputs, type FittedInput, type LawGroup } from './sweep-laws.js';

/** Options of {@link buildSweepReport}. */
export interface SweepReportOptions {
  /** Page title (default: "latent-laws: sweep of <folder>"). */
  title?: string;
}

/** A sweep folder as the report reads it. */
export interface SweepFolder {
  dir: string;
  summary: SweepSummary;
  fitted: FittedInput[];
  /** Rows whose result file could not be read, with why. */
  unreadable: { row: SweepRow; why: string }[];
}

/** Whether `dir` is a sweep's output folder (it holds the summary). */
export function isSweepFolder(dir: string): boolean {
  return existsSync(join(dir, SUMMARY_JSON)) && statSync(join(dir, SUMMARY_JSON)).isFile();
}

/**
 * Read a sweep folder: its summary and the result of every finished input.
 * @throws InputError when the folder has no readable summary
 */
export function readSweepFolder(dir: string): SweepFolder {
  if (!isSweepFolder(dir)) throw new InputError(dir, `is not a sweep folder (no ${SUMMARY_JSON})`);
  const summary = readSweepSummary(join(dir, SUMMARY_JSON));
  const places = placeInputs(summary.rows.map((r) => r.name));
  const fitted: FittedInput[] = [];
  const unreadable: SweepFolder['unreadable'] = [];
  summary.rows.forEach((row, i) => {
    if (row.status !== 'done' || row.result === null) return;
    try {
      const file = join(dir, row.result);
      fitted.push({ row, place: places[i], result: asFitResult(readJson(file), file) });
    } catch (err) {
      unreadable.push({ row, why: (err as Error).message });
    }
  });
  return { dir, summary, fitted, unreadable };
}

/** Every checkpoint name of the group's runs, in natural order (runs may name theirs differently). */
const checkpointsOf = (group: LawGroup) => [...new Set(group.points.map((p) => p.checkpoint))].sort(naturalCompare);

const pct = (q: number | null) => (q === null ? '—' : `${(100 * q).toFixed(1)}%`);

/** The group's inlier fraction along the checkpoints: a line per run, crosses at 0 where it was not found. */
function emergenceSpec(group: LawGroup): VlSpec {
  const rows = group.points.map((p) => ({ ...p, value: p.inlierFraction ?? 0, found: p.inlierFraction === null ? 'not found' : 'holds' }));
  const order = checkpointsOf(group);
  const x = { field: 'checkpoint', type: 'ordinal', sort: order, title: 'checkpoint', axis: { labelAngle: order.length > 12 ? -45 : 0 } };
  const y = { field: 'value', type: 'quantitative', title: 'inlier fraction', scale: { domain: [0, 1] } };
  const color = { field: 'run', type: 'nominal', title: 'run' };
  const tooltip = [{ field: 'input', title: 'input' }, { field: 'found', title: 'law' }, { field: 'value', title: 'inlier fraction', format: '.4f' }];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Inlier fraction along the checkpoints (crosses at 0: not found there)', width: 420, height: 220,
    datasets: { points: rows }, data: { name: 'points' },
    layer: [
      { mark: { type: 'line', strokeWidth: 1.2, opacity: 0.7 }, encoding: { x, y, color, detail: { field: 'run' } } },
      { mark: { type: 'point', filled: true, size: 40 }, encoding: { x, y, color, tooltip, shape: { field: 'found', type: 'nominal', scale: { domain: ['holds', 'not found'], range: ['circle', 'cross'] }, title: null } } },
    ],
  };
}

/** Runs × checkpoints of one group, the inlier fraction in each cell ('—': not found there). */
function groupTable(group: LawGroup): string {
  const checkpoints = checkpointsOf(group);
  const runs = [...new Set(group.points.map((p) => p.run))];
  const cell = new Map(group.points.map((p) => [`${p.run}\u0000${p.checkpoint}`, p]));
  const head = `<tr><th>run</th>${checkpoints.map((c) => `<th class="checkpoint">${escapeHtml(c)}</th>`).join('')}</tr>`;
  const body = runs
    .map((run) => {
      const cells = checkpoints.map((c) => {
        const p = cell.get(`${run}\u0000${c}`);
        return p ? `<td title="${escapeHtml(p.input)}">${pct(p.inlierFraction)}</td>` : '<td class="absent"></td>';
      });
      return `<tr><th class="run">${escapeHtml(run)}</th>${cells.join('')}</tr>`;
    })
    .join('');
  return `<table class="grid">${head}${body}</table>`;
}

function inputsTable(rows: SweepRow[]): string {
  const head = '<tr><th>input</th><th>status</th><th>laws</th><th>families</th><th>exact constants</th><th>time</th><th>error</th></tr>';
  const body = rows
    .map((r) => {
      const time = r.timeMs === null ? '' : `${(r.timeMs / 1000).toFixed(1)} s`;
      const cls = r.status === 'failed' ? ' class="failed"' : '';
      return `<tr${cls}><td>${escapeHtml(r.name)}</td><td>${r.status}${r.cached ? ' (earlier run)' : ''}</td><td>${r.lawsFound ?? ''}</td><td>${escapeHtml(r.families.join(', '))}</td><td>${escapeHtml(r.exactConstants.filter(Boolean).join('; '))}</td><td>${time}</td><td>${escapeHtml(r.error ?? '')}</td></tr>`;
    })
    .join('');
  return `<table class="grid">${head}${body}</table>`;
}

/**
 * One self-contained HTML page (no network requests) of a sweep folder read by {@link readSweepFolder}.
 * @returns the HTML text; write it with `writeFileAtomic`
 */
export function buildSweepReport(folder: SweepFolder, options: SweepReportOptions = {}): string {
  const { summary, fitted } = folder;
  const title = options.title ?? `latent-laws: sweep of ${folder.dir}`;
  const groups = groupLaws(fitted);
  const charts: ReportChart[] = groups.map((g, i) => ({ id: `group-${i + 1}`, kind: 'emergence', lawId: g.label, spec: emergenceSpec(g) }));
  const c = summary.counts;
  const inputs = keyValueTable([
    ['sweep folder', folder.dir],
    ['inputs', `${c.inputs}: ${c.done} done, ${c.failed} failed, ${c.pending} pending${summary.interrupted ? ' (interrupted)' : ''}`],
    ['mode', summary.mode === 'queue' ? 'distributed (queue workers)' : 'local'],
    ['grammar', summary.fit.grammar],
    ['seed', String(summary.fit.seed)],
    ['unreadable results', folder.unreadable.length ? folder.unreadable.map((u) => u.why).join('; ') : undefined],
    ['versions', versionsText(summary.version)],
  ]);
  const overview = groups.map((g, i) => `<tr><td><a href="#law-group-${i + 1}">${escapeHtml(g.label)}</a></td><td>${g.holds} of ${fitted.length}</td></tr>`).join('');
  const cards = groups.map((g, i) => `<section class="card law-group" id="law-group-${i + 1}" data-group="${escapeHtml(g.label)}">
<h2>${escapeHtml(g.label)}</h2>
<p class="sub">Holds in ${g.holds} of ${fitted.length} fitted inputs. For example: ${escapeHtml(g.example)}</p>
${groupTable(g)}
<div class="charts">${chartDiv(charts[i])}</div>
</section>`);
  const body = `<h1>${escapeHtml(title)}</h1>
<p class="sub">${groups.length} law${groups.length === 1 ? '' : 's'} across ${fitted.length} fitted inputs, grouped by family, dimension and exact constants.</p>
<section class="card"><h2>Run inputs</h2>${inputs}</section>
<section class="card"><h2>Laws across the sweep</h2>${groups.length ? `<table class="grid"><tr><th>law</th><th>holds in</th></tr>${overview}</table>` : '<p>No input has a law.</p>'}</section>
${cards.join('\n')}
<section class="card"><h2>Inputs</h2>${inputsTable(summary.rows)}</section>`;
  const meta = { counts: c, groups: groups.map((g) => ({ label: g.label, holds: g.holds, points: g.points })) };
  const data: ReportData = { kind: 'sweep', generator: `latent-laws ${VERSION}`, charts, meta };
  return renderPage(title, body, data);
}
