/**
 * The reports in a real browser: headless Debian Chromium (driven by playwright-core) opens each report
 * (fit, anneal run, check) from a file:// URL and must see no console error or warning, no request but
 * the file itself, every chart drawn with its marks at non-zero size, the math laid out, and the
 * equation on hover.
 * Skips, with the reason, when /usr/bin/chromium is absent (`.ci/run` installs it).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { buildAnnealReport } from '../../src/report/anneal-report.ts';
import { readAnnealRun } from '../../src/report/anneal-run.ts';
import { buildCheckReport } from '../../src/report/check-report.ts';
import { buildFitReport } from '../../src/report/fit-report.ts';
import type { ReportData } from '../../src/report/html.ts';
import { checkFixture, demoFit, embeddedData, syntheticFrames, writeRunFolder } from './helpers.ts';

/** Debian's chromium; LATENT_LAWS_CHROMIUM points elsewhere (or at nothing, to see the skip). */
const CHROMIUM = process.env.LATENT_LAWS_CHROMIUM ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `no headless Chromium at ${CHROMIUM} (Debian: apt-get install -y chromium)`;

/** The marks each kind of chart must draw (Vega's SVG renderer tags each mark group with its type). */
const EXPECTED_MARKS: Record<string, string[]> = {
  portrait: ['mark-symbol'],
  invariant: ['mark-line'],
  residuals: ['mark-rect', 'mark-rule'],
  pareto: ['mark-symbol'],
  losses: ['mark-line'],
  inliers: ['mark-symbol'],
  frames: ['mark-rect'],
};

let browser: Browser | null = null;
let dir = '';
before(async () => {
  if (skip) return;
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  dir = mkdtempSync(join(tmpdir(), 'latent-laws-browser-'));
});
after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Open a report file and wait until its boot script has drawn every chart (or failed trying). */
async function openReport(file: string): Promise<{ page: Page; problems: string[]; requests: string[] }> {
  const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href);
  // Two shared cores: drawing a dozen charts can take a few seconds.
  await page.waitForSelector('body[data-charts-drawn]', { timeout: 60000 });
  return { page, problems, requests };
}

/** Every chart drawn, with its expected marks present and of non-zero size. */
async function assertChartsDrawn(page: Page, data: ReportData): Promise<void> {
  assert.equal(await page.getAttribute('body', 'data-charts-drawn'), String(data.charts.length), 'charts drawn');
  for (const chart of data.charts) {
    const svg = await page.$(`[id="${chart.id}"] svg`);
    assert.ok(svg, `${chart.id}: no svg`);
    const box = await svg.boundingBox();
    assert.ok(box && box.width > 50 && box.height > 50, `${chart.id}: svg is ${box?.width}×${box?.height}`);
    for (const mark of EXPECTED_MARKS[chart.kind] ?? []) {
      const sizes = await page.$$eval(`[id="${chart.id}"] g.${mark}.role-mark > *`, (els) =>
        els.map((el) => {
          const r = el.getBoundingClientRect();
          return Math.max(r.width, r.height);
        }));
      assert.ok(sizes.length > 0, `${chart.id}: no ${mark} marks`);
      assert.ok(sizes.some((s) => s > 0), `${chart.id}: every ${mark} mark has zero size`);
    }
  }
}

test('the demo fit report: no console error, no request, every chart and equation drawn, equation on hover', { skip }, async () => {
  const { result, dataset } = await demoFit();
  const file = join(dir, 'demo.html');
  const html = buildFitReport(result, dataset);
  writeFileSync(file, html);
  const data = embeddedData(html);
  const { page, problems, requests } = await openReport(file);
  try {
    assert.deepEqual(problems, []);
    assert.deepEqual(requests, [pathToFileURL(file).href], 'the only request is the report file itself');
    await assertChartsDrawn(page, data);
    const kinds = new Set(data.charts.map((c) => c.kind));
    for (const k of ['pareto', 'portrait', 'residuals', 'invariant']) assert.ok(kinds.has(k), `no ${k} chart`);
    const maths = await page.$$eval('math', (els) => els.map((el) => el.getBoundingClientRect().width));
    assert.ok(maths.length >= result.laws.length && maths.every((w) => w > 20), `math widths ${maths.join(', ')}`);
    // Hover the Pareto points until one shows a reported law's equation in the tooltip.
    const equations = result.laws.map((l) => l.equations.join('; '));
    let shown = '';
    for (const point of await page.$$('#pareto g.mark-symbol.role-mark path')) {
      const b = await point.boundingBox();
      if (!b) continue;
      await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2);
      const text = (await page.evaluate(() => document.getElementById('vg-tooltip-element')?.textContent ?? '')) as string;
      if (equations.some((e) => text.includes(e))) {
        shown = text;
        break;
      }
    }
    assert.ok(shown, 'no Pareto point showed a law equation on hover');
  } finally {
    await page.close();
  }
});

test('an anneal run report: training curves, sample frames and laws drawn offline', { skip }, async () => {
  const { result, dataset } = await demoFit();
  const runDir = join(dir, 'run');
  writeRunFolder(runDir, { epochs: 6, finished: { result, latents: dataset } });
  const file = join(dir, 'run.html');
  const html = buildAnnealReport(readAnnealRun(runDir), { frames: syntheticFrames(5, 10) });
  writeFileSync(file, html);
  const data = embeddedData(html);
  const { page, problems, requests } = await openReport(file);
  try {
    assert.deepEqual(problems, []);
    assert.deepEqual(requests, [pathToFileURL(file).href]);
    await assertChartsDrawn(page, data);
    for (const k of ['losses', 'inliers', 'frames', 'pareto', 'portrait']) assert.ok(data.charts.some((c) => c.kind === k), `no ${k} chart`);
    // 3 rows × 5 frames × 10×10 pixels: the flatten/window transforms expanded every pixel.
    assert.equal(await page.$$eval('#anneal-frames g.mark-rect.role-mark > path', (els) => els.length), 1500);
  } finally {
    await page.close();
  }
});

test('check reports (laws that hold, laws that fail with counterexamples): drawn offline, verdicts and equations shown', { skip }, async () => {
  const { laws, held, broken, pass, fail } = await checkFixture();
  for (const [name, html] of [['check-pass', buildCheckReport(pass, laws, held)], ['check-fail', buildCheckReport(fail, laws, broken)]] as const) {
    const file = join(dir, `${name}.html`);
    writeFileSync(file, html);
    const data = embeddedData(html);
    const { page, problems, requests } = await openReport(file);
    try {
      assert.deepEqual(problems, [], name);
      assert.deepEqual(requests, [pathToFileURL(file).href], `${name}: the only request is the report file itself`);
      await assertChartsDrawn(page, data);
      const checks = name === 'check-pass' ? pass.laws : fail.laws;
      assert.equal(await page.$$eval('section.law', (els) => els.length), checks.length);
      const verdicts = await page.$$eval('section.law .verdict', (els) => els.map((el) => el.textContent));
      assert.deepEqual(verdicts, checks.map((c) => (c.ok ? 'PASS' : 'FAIL')));
      const maths = await page.$$eval('math', (els) => els.map((el) => el.getBoundingClientRect().width));
      assert.ok(maths.length >= checks.length && maths.every((w) => w > 20), `math widths ${maths.join(', ')}`);
      if (name === 'check-fail') {
        // Each failing law's portrait draws its counterexample: diamonds as many as its states.
        for (const [i, c] of checks.entries()) {
          const diamonds = await page.$$eval(`[id="check-${i + 1}-portrait"] g.mark-symbol.role-mark > path`, (els) =>
            els.filter((el) => (el.getAttribute('aria-label') ?? '').includes('counterexample')).length);
          assert.equal(diamonds, c.counterexample!.states.length, `${c.id}: counterexample marks`);
        }
        assert.ok(data.charts.some((c) => c.kind === 'invariant'), 'the invariant law draws its invariant');
      }
    } finally {
      await page.close();
    }
  }
});
