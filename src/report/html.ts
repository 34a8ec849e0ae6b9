/**
 * Page assembly: one HTML file with the Vega, Vega-Lite and vega-embed builds inlined, every chart's
 * spec and data in one JSON script element, and math pre-rendered to MathML by KaTeX (MathML needs no
 * fonts or style sheets, so the page makes no requests at all). A Content-Security-Policy forbids
 * every fetch, so a future change that adds one fails loudly in the browser test instead of silently
 * reaching the network.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import katex from 'katex';
import { VERSION } from '../version.js';
import type { VlSpec } from './charts.js';

/** A chart placeholder on the page and the spec vega-embed draws into it. */
export interface ReportChart {
  /** Element id (unique on the page). */
  id: string;
  /** What the chart shows: portrait, invariant, residuals, pareto, losses, inliers, frames. */
  kind: string;
  /** The law it belongs to, if any. */
  lawId?: string;
  spec: VlSpec;
}

/** What the page embeds as JSON (`<script id="report-data">`): tests and tools read it back. */
export interface ReportData {
  kind: 'fit' | 'anneal' | 'check' | 'sweep';
  generator: string;
  charts: ReportChart[];
  /** Anything else worth keeping machine-readable (run inputs, per-law summaries). */
  meta: Record<string, unknown>;
}

const VENDOR = [
  ['vega', 'build/vega.min.js'],
  ['vega-lite', 'build/vega-lite.min.js'],
  ['vega-embed', 'build/vega-embed.min.js'],
] as const;

const require = createRequire(import.meta.url);

/** Root folder of an installed package (its `exports` hide the build files from `require.resolve`). */
function packageRoot(name: string): string {
  let dir = dirname(require.resolve(name));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === name) return dir;
    } catch {
      // no package.json here; keep climbing
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the installed package ${name}`);
    dir = up;
  }
}

let versionsCache: string | null = null;
/**
 * The run-inputs "versions" row: the latent-laws that produced the result (when it is not this one's
 * build, the report's too), Node, and the libraries that draw the report.
 */
export function versionsText(resultVersion?: string): string {
  versionsCache ??= ['vega', 'vega-lite', 'vega-embed', 'katex']
    .map((name) => `${name} ${(JSON.parse(readFileSync(join(packageRoot(name), 'package.json'), 'utf8')) as { version: string }).version}`)
    .join(', ');
  const self = resultVersion === undefined || resultVersion === VERSION ? `latent-laws ${VERSION}` : `latent-laws ${resultVersion} (report by ${VERSION})`;
  return `${self}, Node ${process.version}, ${versionsCache}`;
}

let vendorCache: string | null = null;
/** The inlined chart libraries, source-map comments removed (they would point at files that are not there). */
function vendorScripts(): string {
  vendorCache ??= VENDOR.map(([name, file]) => {
    const code = readFileSync(join(packageRoot(name), file), 'utf8').replace(/\/\/# sourceMappingURL=\S+\s*$/gm, '');
    return `<script>/* ${name} */\n${safeScript(code)}\n</script>`;
  }).join('\n');
  return vendorCache;
}

/** Make script text safe inside <script>: `</script` or `<!--` would end or derail the element. */
export function safeScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** Escape text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Numbers rounded to 6 significant digits: plenty for a chart, and it halves the embedded data. */
function jsonForPage(data: ReportData): string {
  const text = JSON.stringify(data, (_k, v: unknown) => (typeof v === 'number' && Number.isFinite(v) && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v));
  return text.replace(/</g, '\\u003c');
}

/**
 * Display math for a law's LaTeX. The engine joins equations with `\\`; each becomes its own block.
 * mathjs prints subscripts only on the left-hand side (`u_{1}' = … u1`), so `u1` is made `u_{1}` too.
 */
export function mathHtml(latex: string): string {
  return latex
    .split(/\s*\\\\\s*/)
    .filter((s) => s.trim())
    .map((tex) => tex.replace(/(?<![A-Za-z\\])([uz])(\d+)(?!\d)/g, '$1_{$2}'))
    // mathjs wraps snapped constants twice: cos((pi/7)) prints as \left(\left(…\right)\right).
    .map((tex) => tex.replace(/\\left\(\\left\(((?:(?!\\left|\\right).)*)\\right\)\\right\)/g, '\\left($1\\right)'))
    .map((tex) => katex.renderToString(tex, { output: 'mathml', displayMode: true, throwOnError: false }))
    .join('\n');
}

/** A two-column table of label → value (values are escaped). */
export function keyValueTable(rows: [string, string | number | boolean | null | undefined][], cls = 'kv'): string {
  const cells = rows
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v === null ? '—' : String(v))}</td></tr>`)
    .join('');
  return `<table class="${cls}">${cells}</table>`;
}

/** A chart placeholder div; the boot script draws `chart.spec` into it. */
export function chartDiv(chart: ReportChart): string {
  return `<div class="chart" id="${escapeHtml(chart.id)}" data-kind="${escapeHtml(chart.kind)}"></div>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;background:#fafafa}
main{max-width:1180px;margin:0 auto;padding:20px 28px 48px}
h1{font-size:22px;margin:8px 0 4px}h2{font-size:18px;margin:28px 0 6px}.card>h2:first-child{margin-top:0}h3{font-size:15px;margin:14px 0 4px}
.sub{color:#666;margin:0 0 12px}.card{background:#fff;border:1px solid #e3e3e3;border-radius:8px;padding:14px 18px;margin:14px 0}
.charts{display:flex;flex-wrap:wrap;gap:18px;align-items:flex-start}.chart{min-width:200px;min-height:120px}
table.kv{border-collapse:collapse;font-size:13px}table.kv th{text-align:left;font-weight:600;padding:2px 14px 2px 0;color:#555;vertical-align:top;white-space:nowrap}
table.kv td{padding:2px 0;font-family:ui-monospace,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.math{overflow-x:auto;font-size:17px}.notes{color:#555;margin:6px 0 0;padding-left:18px}.failed{color:#b00020}
.vega-embed{display:block}
.verdict{font-weight:700;padding:1px 8px;border-radius:4px;font-size:14px}.verdict.pass{background:#e6f4ea;color:#1e7b34}.verdict.fail{background:#fde7e9;color:#b00020}
pre.cmd{background:#f3f3f3;border-radius:4px;padding:6px 10px;overflow-x:auto;font-size:12.5px}
table.grid{border-collapse:collapse;font-size:13px;margin:8px 0}table.grid th,table.grid td{border:1px solid #e3e3e3;padding:2px 8px;text-align:left}table.grid td.absent{background:#f6f6f6}
`;

/** The page's own script: draw every chart, report failures on the page and in the console. */
const BOOT = `
(async () => {
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const results = await Promise.allSettled(data.charts.map((c) =>
    vegaEmbed('#' + CSS.escape(c.id), c.spec, { actions: false, renderer: 'svg' })));
  let drawn = 0;
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') { drawn++; return; }
    const el = document.getElementById(data.charts[i].id);
    el.textContent = 'This chart could not be drawn: ' + r.reason;
    el.className = 'chart failed';
    console.error('latent-laws report: chart ' + data.charts[i].id + ' failed: ' + r.reason);
  });
  document.body.dataset.chartsDrawn = String(drawn);
})();
`;

/** Assemble the page: `body` is trusted HTML built by the caller with {@link escapeHtml}. */
export function renderPage(title: string, body: string, data: ReportData): string {
  const csp = "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data:";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeHtml(data.generator)}">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
<script type="application/json" id="report-data">${jsonForPage(data)}</script>
${vendorScripts()}
<script>${safeScript(BOOT)}</script>
</body>
</html>
`;
}
