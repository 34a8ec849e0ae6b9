#!/usr/bin/env node
/**
 * Regenerate docs/report.png: the demo's report (seed 1) in headless Debian Chromium, top of the page
 * (run inputs, Pareto front, the first law). Needs `npm run build` and /usr/bin/chromium.
 *   node scripts/report-screenshot.mjs [out.png]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { buildFitReport, defaultGrammarPath, demoDataset, fit, loadGrammar } from 'latent-laws';

const out = process.argv[2] ?? new URL('../docs/report.png', import.meta.url).pathname;
const { dataset } = demoDataset(1);
const result = await fit(dataset, { grammar: loadGrammar(defaultGrammarPath()), seed: 1, workers: 0 });
// The run-inputs table would show this machine's paths; the demo's grammar is the bundled one.
result.provenance.grammar = 'grammar/default.grammar';
const dir = mkdtempSync(join(tmpdir(), 'latent-laws-shot-'));
const file = join(dir, 'demo.html');
writeFileSync(file, buildFitReport(result, dataset, { title: 'latent-laws demo report' }));
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-charts-drawn]', { timeout: 60000 });
  // Down to the end of the first law's card.
  const law = await page.$('section.law');
  const box = await law.boundingBox();
  await page.screenshot({ path: out, fullPage: true, clip: { x: 0, y: 0, width: 1000, height: Math.ceil(box.y + box.height + 16) } });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
