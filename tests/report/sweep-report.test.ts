/**
 * The report of a sweep folder: runs and checkpoints read from the input paths, laws grouped across
 * inputs by family, dimension and exact constants, each with its inlier fraction along the checkpoints
 * of each run; and `latent-laws report <sweep folder>` from the compiled CLI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonText } from '../../src/io.ts';
import { groupLaws, placeInputs } from '../../src/report/sweep-laws.ts';
import { buildSweepReport, readSweepFolder } from '../../src/report/sweep-report.ts';
import { sweepFitSpec } from '../../src/sweep/fit-spec.ts';
import { countRows, summaryRow, writeSummary, type SweepSummary } from '../../src/sweep/summary.ts';
import type { FitResult, Law } from '../../src/types.ts';
import { cli, tempDir } from '../sweep/helpers.ts';
import { embeddedData } from './helpers.ts';

test('a run is the folder of its checkpoints; a file name all inputs share, without a number, is dropped', () => {
  assert.deepEqual(placeInputs(['a/ckpt-10/latents.npy', 'a/ckpt-2/latents.npy', 'b/ckpt-1/latents.npy']), [
    { run: 'a', checkpoint: 'ckpt-10' }, { run: 'a', checkpoint: 'ckpt-2' }, { run: 'b', checkpoint: 'ckpt-1' },
  ]);
  assert.deepEqual(placeInputs(['x/run-1/step-3.npy', 'x/run-1/step-20.npy', 'x/run-2/final.npy']), [
    { run: 'x/run-1', checkpoint: 'step-3.npy' }, { run: 'x/run-1', checkpoint: 'step-20.npy' }, { run: 'x/run-2', checkpoint: 'final.npy' },
  ]);
  assert.deepEqual(placeInputs(['latents.npy']), [{ run: '.', checkpoint: 'latents.npy' }]);
  assert.deepEqual(placeInputs(['a/ckpt-1.npy', 'b/ckpt-1.npy']), [{ run: 'a', checkpoint: 'ckpt-1.npy' }, { run: 'b', checkpoint: 'ckpt-1.npy' }]);
  assert.deepEqual(placeInputs(['r/c-1/deep/z.npy', 'r/c-2/deep/z.npy']), [{ run: 'r', checkpoint: 'c-1' }, { run: 'r', checkpoint: 'c-2' }]);
});

/** A law as the report reads it: family, dimension, exact constants, inlier fraction, statement. */
function law(family: Law['family'], k: number, q: number, exact?: [string, string]): Law {
  const basis = Array.from({ length: k }, (_, i) => Array.from({ length: 4 }, (_, j) => (i === j ? 1 : 0)));
  return {
    id: `${family}@coords`, rank: 1, family, role: 'map', subspace: { label: 'coords', kind: 'coordinates', basis, cost: 1 },
    equations: [], latex: '', summary: `${family} in ${k} dimensions`, model: { role: 'map', variables: [], features: [], coefficients: [] },
    parameters: exact ? [{ name: exact[0], value: 0.4488, exact: exact[1], exactValue: 0.4488 }] : [{ name: 'a', value: 0.3 }],
    metrics: { rmse: 0, relativeError: 0, inlierRmse: 0, inlierRelativeError: 0, inlierFraction: q, tolerance: 1e-3, complexity: 10, descriptionLength: -100, nTransitions: 100 },
    outliers: [], notes: [],
  } as unknown as Law;
}

function result(source: string, laws: Law[]): FitResult {
  laws.forEach((l, i) => (l.rank = i + 1));
  return { laws, pareto: [], provenance: { source, elapsedMs: 120 } } as unknown as FitResult;
}

/**
 * A sweep folder as `sweep` leaves it: run-a has three checkpoints and the rotation by pi/7 emerges at
 * ckpt-2; run-b has two; an affine map holds everywhere; one input failed.
 */
function writeSweepFolder(dir: string): void {
  const rot = (q: number) => law('rotation', 2, q, ['theta', 'pi/7']);
  const inputs: [string, Law[] | null][] = [
    ['run-a/ckpt-1/latents.npy', [law('affine', 2, 0.9)]],
    ['run-a/ckpt-2/latents.npy', [rot(0.95), law('affine', 2, 0.97)]],
    ['run-a/ckpt-10/latents.npy', [rot(0.999), law('affine', 2, 0.99)]],
    ['run-b/ckpt-3/latents.npy', [law('affine', 2, 0.8)]],
    ['run-b/ckpt-20/latents.npy', [rot(0.98), law('affine', 2, 0.85)]],
    ['run-c/ckpt-1/latents.npy', null],
  ];
  mkdirSync(join(dir, 'results'), { recursive: true });
  const rows = inputs.map(([name, laws], i) => {
    const input = { path: `/data/${name}`, name };
    if (laws === null) return summaryRow(input, { status: 'failed', error: `/data/${name}: no such file`, inputError: true }, false, dir);
    const file = join(dir, 'results', `${name.replace(/\//g, '__')}.00000000000${i}.json`);
    writeFileSync(file, jsonText(result(input.path, laws)));
    return summaryRow(input, { status: 'done', file }, false, dir);
  });
  const summary: SweepSummary = { kind: 'latent-laws sweep', version: '0.1.0', mode: 'local', fit: sweepFitSpec(), interrupted: false, elapsedMs: 1, counts: countRows(rows), rows };
  writeSummary(dir, summary);
}

test('laws are grouped by family, dimension and exact constants, with their inlier fraction per checkpoint', () => {
  const dir = tempDir('sweep-report');
  writeSweepFolder(dir);
  const folder = readSweepFolder(dir);
  const groups = groupLaws(folder.fitted);
  assert.deepEqual(groups.map((g) => [g.label, g.holds]), [['affine (2-D)', 5], ['rotation (2-D) · theta = pi/7', 3]]);
  const rotation = groups[1];
  assert.deepEqual(rotation.points.map((p) => [p.run, p.checkpoint, p.inlierFraction]), [
    ['run-a', 'ckpt-1', null], ['run-a', 'ckpt-2', 0.95], ['run-a', 'ckpt-10', 0.999], ['run-b', 'ckpt-3', null], ['run-b', 'ckpt-20', 0.98],
  ]);

  const html = buildSweepReport(folder);
  const data = embeddedData(html);
  assert.equal(data.kind, 'sweep');
  assert.deepEqual(data.charts.map((c) => [c.kind, c.lawId]), [['emergence', 'affine (2-D)'], ['emergence', 'rotation (2-D) · theta = pi/7']]);
  for (const g of groups) assert.ok(html.includes(`data-group="${g.label}"`), `no section for ${g.label}`);
  const section = html.slice(html.indexOf('data-group="rotation (2-D) · theta = pi/7"'));
  const table = section.slice(0, section.indexOf('</table>'));
  // Checkpoints in natural order, the law's inlier fraction where it holds and a dash where it does not.
  assert.deepEqual([...table.matchAll(/<th class="checkpoint">([^<]*)<\/th>/g)].map((m) => m[1]), ['ckpt-1', 'ckpt-2', 'ckpt-3', 'ckpt-10', 'ckpt-20']);
  assert.match(table, /<th class="run">run-a<\/th><td[^>]*>—<\/td><td[^>]*>95\.0%<\/td><td class="absent"><\/td><td[^>]*>99\.9%<\/td><td class="absent"><\/td><\/tr>/);
  assert.match(table, /<th class="run">run-b<\/th><td class="absent"><\/td><td class="absent"><\/td><td[^>]*>—<\/td><td class="absent"><\/td><td[^>]*>98\.0%<\/td><\/tr>/);
  assert.match(html, /run-c\/ckpt-1\/latents\.npy<\/td><td>failed<\/td>.*no such file/);
});

test('`latent-laws report` on a sweep folder writes its report there; other folders are named in the error', () => {
  const dir = tempDir('sweep-report-cli');
  writeSweepFolder(dir);
  const r = spawnSync(process.execPath, [cli, 'report', dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.equal(embeddedData(html).kind, 'sweep');
  assert.ok(html.includes('rotation (2-D) · theta = pi/7'));
  const bad = spawnSync(process.execPath, [cli, 'report', join(dir, 'results')], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr.trim(), /^latent-laws: .*results: is not an anneal run folder \(no run\.json\) nor a sweep folder \(no sweep\.json\)$/);
});
