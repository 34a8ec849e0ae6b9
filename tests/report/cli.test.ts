/**
 * The report from the command line (compiled CLI in dist/, built by `npm test`): `fit --report`, the
 * `report` command on a fit result and on a run folder, and one-line errors with exit code 2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeNpy } from '../../src/data/npy.ts';
import { plantLaw } from '../../src/planted.ts';
import { embeddedData, writeRunFolder } from './helpers.ts';

const cli = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'latent-laws-report-cli-'));
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const assertOneLineError = (r: ReturnType<typeof run>, fragment: RegExp) => {
  assert.equal(r.code, 2, `exit ${r.code}: ${r.stderr}`);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, fragment);
};

const { dataset } = plantLaw({ kind: 'rotation', seed: 5, noiseDims: 2, angle: Math.PI / 5, noise: 1e-4, trajectories: 8, steps: 25 });
const dataFile = join(dir, 'latents.npy');
writeFileSync(dataFile, writeNpy(dataset.states, [8, 25, dataset.dim]));

test('fit --json --report: stdout stays one JSON document, the report is written', () => {
  const report = join(dir, 'fit.html');
  const r = run('fit', dataFile, '--json', '--workers', '0', '--out', join(dir, 'fit.json'), '--report', report);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { laws: { id: string }[] };
  assert.match(r.stderr, /wrote the report to .*fit\.html/);
  const data = embeddedData(readFileSync(report, 'utf8'));
  assert.equal(data.kind, 'fit');
  assert.deepEqual(data.charts.filter((c) => c.kind === 'portrait').map((c) => c.lawId), doc.laws.map((l) => l.id));
});

test('report <fit.json>: the recorded data file is found; --data and --out override', () => {
  const r = run('report', join(dir, 'fit.json'));
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(dir, 'fit.html')));
  const out = join(dir, 'again.html');
  const r2 = run('report', join(dir, 'fit.json'), '--data', dataFile, '--out', out);
  assert.equal(r2.code, 0, r2.stderr);
  assert.match(r2.stdout, /wrote the report to .*again\.html/);
  assert.equal(embeddedData(readFileSync(out, 'utf8')).kind, 'fit');
});

test('report <run-folder> writes report.html into the folder; without a model it says why there are no frames', () => {
  const runDir = join(dir, 'run');
  writeRunFolder(runDir, { epochs: 3 });
  const r = run('report', runDir);
  assert.equal(r.code, 0, r.stderr);
  const html = readFileSync(join(runDir, 'report.html'), 'utf8');
  assert.equal(embeddedData(html).kind, 'anneal');
  assert.match(html, /no trained model yet/);
});

test('bad inputs are one-line errors with exit code 2', () => {
  assertOneLineError(run('report', join(dir, 'nothing-here')), /nothing-here: does not exist/);
  assertOneLineError(run('report', dir), /is not an anneal run folder \(no run\.json\)/);
  writeFileSync(join(dir, 'other.json'), '{"a": 1}');
  assertOneLineError(run('report', join(dir, 'other.json')), /not a latent-laws fit result/);
  writeFileSync(join(dir, 'moved.json'), readFileSync(join(dir, 'fit.json'), 'utf8').replace(JSON.stringify(dataFile), '"gone.npy"'));
  assertOneLineError(run('report', join(dir, 'moved.json')), /pass --data/);
  assertOneLineError(run('report', join(dir, 'fit.json'), '--out', join(dir, 'no', 'such', 'r.html')), /cannot write/);
  assertOneLineError(run('report', dir, '--frames', 'many'), /--frames/);
});
