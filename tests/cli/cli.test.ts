/**
 * The command line as a user meets it: compiled CLI (dist/, built by `npm test`), real processes,
 * exit codes, one-line errors without stack traces, clean --json, atomic --out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { plantLaw } from '../../src/planted.ts';
import { writeNpy } from '../../src/data/npy.ts';

const cli = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'latent-laws-cli-'));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertOneLineError(r: ReturnType<typeof run>, ...fragments: string[]) {
  assert.equal(r.code, 2, `exit code ${r.code}; stderr: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'stack trace printed');
  for (const f of fragments) assert.ok(lines[0].includes(f), `"${lines[0]}" does not mention "${f}"`);
}

const { dataset } = plantLaw({ kind: 'rotation', seed: 9, noiseDims: 2, angle: Math.PI / 6, noise: 1e-4, trajectories: 10, steps: 30 });
const dataFile = join(dir, 'latents.npy');
writeFileSync(dataFile, writeNpy(dataset.states, [10, 30, dataset.dim]));

test('fit --json prints exactly one JSON document with the planted law and its seed', () => {
  const r = run('fit', dataFile, '--json', '--workers', '0', '--seed', '7');
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.provenance.seed, 7);
  const rot = doc.laws.find((l: { family: string }) => l.family === 'rotation');
  assert.ok(rot, r.stdout.slice(0, 400));
  assert.equal(rot.parameters[0].exact, 'pi/6');
  assert.ok(Array.isArray(rot.outliers) && Array.isArray(rot.subspace.basis));
});

test('--measure-all-finalists measures every finalist exactly and reports the same laws', () => {
  const quick = JSON.parse(run('fit', dataFile, '--json', '--workers', '0').stdout);
  const full = run('fit', dataFile, '--json', '--workers', '0', '--measure-all-finalists');
  assert.equal(full.code, 0, full.stderr);
  const doc = JSON.parse(full.stdout);
  assert.ok(quick.provenance.finalistsOnSample > 0, 'no finalist was settled on the sample');
  assert.equal(doc.provenance.finalistsOnSample, 0);
  assert.ok(doc.pareto.every((p: { sampleOnly?: boolean }) => p.sampleOnly === undefined));
  assert.deepEqual(doc.laws, quick.laws);
  // The readable table says which Pareto errors are the sample's estimates.
  assert.match(run('fit', dataFile, '--workers', '0').stdout, /\(estimated on the sample\)/);
  assert.doesNotMatch(run('fit', dataFile, '--workers', '0', '--measure-all-finalists').stdout, /estimated on the sample/);
});

test('fit prints a readable table with the seed and the exact law', () => {
  const r = run('fit', dataFile, '--workers', '0');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /seed 1/);
  assert.match(r.stdout, /R\(pi\/6\)/);
});

test('--out writes the JSON atomically and leaves no temporary file', () => {
  const out = join(dir, 'laws.json');
  const r = run('fit', dataFile, '--workers', '0', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).laws[0].family, 'rotation');
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('a failing run never touches an existing --out file', () => {
  const out = join(dir, 'keep.json');
  writeFileSync(out, 'OLD');
  const r = run('fit', join(dir, 'missing.npy'), '--out', out);
  assertOneLineError(r, 'missing.npy', 'no such file');
  assert.equal(readFileSync(out, 'utf8'), 'OLD');
});

test('bad inputs give one line naming the file and the place, exit code 2', () => {
  const nan = join(dir, 'nan.json');
  writeFileSync(nan, JSON.stringify({ trajectories: [[[0, 1], [1, 2], [2, NaN], [3, 4]]] }).replace('null', 'NaN'));
  assertOneLineError(run('fit', nan), 'nan.json', 'line');
  const ragged = join(dir, 'ragged.json');
  writeFileSync(ragged, JSON.stringify({ trajectories: [[[0, 1], [1, 2, 3], [2, 3], [3, 4]]] }));
  assertOneLineError(run('fit', ragged), 'ragged.json', 'trajectories[0][1]');
  const empty = join(dir, 'empty.npy');
  writeFileSync(empty, '');
  assertOneLineError(run('fit', empty), 'empty.npy', 'empty');
  const csv = join(dir, 'bad.csv');
  writeFileSync(csv, 'traj,t,z0,z1\n0,0,1,2\n0,1,abc,3\n0,2,1,2\n0,3,1,1\n');
  assertOneLineError(run('fit', csv), 'bad.csv', 'line 3', 'z0');
});

test('values too large to fit are a one-line error and nothing is written; large ones are fitted scaled', () => {
  const huge = join(dir, 'huge.npy');
  writeFileSync(huge, writeNpy(dataset.states.map((v) => v * 1e305), [10, 30, dataset.dim]));
  const out = join(dir, 'huge-laws.json');
  assertOneLineError(run('fit', huge, '--out', out, '--workers', '0'), 'huge.npy', 'values too large to fit', 'largest |z| = ');
  assert.ok(!readdirSync(dir).includes('huge-laws.json'), 'a laws file was written');
  const large = join(dir, 'large.npy');
  writeFileSync(large, writeNpy(dataset.states.map((v) => v * 1e200), [10, 30, dataset.dim]));
  const r = run('fit', large, '--workers', '0');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /scaled: largest \|z\| = .* is outside \[2\^-100, 2\^100\]/);
  assert.match(r.stdout, /R\(pi\/6\)/);
});

test('a grammar syntax error names the grammar file, line and column', () => {
  const g = join(dir, 'bad.grammar');
  writeFileSync(g, 'family rotation cost 4\nfamily linear cost\n');
  assertOneLineError(run('fit', dataFile, '--grammar', g), 'bad.grammar', 'line 2');
});

test('bad option values and unwritable outputs are one-line usage errors', () => {
  assertOneLineError(run('fit', dataFile, '--workers', 'many'), '--workers');
  assertOneLineError(run('fit', dataFile, '--out', join(dir, 'no', 'such', 'laws.json')), 'laws.json', 'folder does not exist');
});

test('demo shows truth vs found with the exact angle', () => {
  const r = run('demo', '--workers', '0');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Truth vs found/);
  assert.match(r.stdout, /R\(pi\/7\)/);
  assert.match(r.stdout, /cos\(u1\)/);
});

test('Ctrl-C during a long fit writes what was ranked so far and exits 130', async () => {
  const big = plantLaw({ kind: 'rotation', seed: 5, noiseDims: 14, noise: 1e-3, outliers: 0.01, trajectories: 2000, steps: 200 });
  const file = join(dir, 'big.npy');
  writeFileSync(file, writeNpy(big.dataset.states, [2000, 200, 16]));
  const out = join(dir, 'interrupted.json');
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [cli, 'fit', file, '--out', out, '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (b) => (stdout += b));
  // Interrupt once the search is under way (the moment pass alone takes well over this on 4e5 transitions × 16).
  setTimeout(() => child.kill('SIGINT'), 1500);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.equal(code, 130);
  const doc = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(doc.provenance.interrupted, true);
  assert.deepEqual(JSON.parse(stdout), doc);
});

test('HDF5, safetensors and Parquet: FILE:NAME or --key picks one array, the source records it, report reloads it', async () => {
  const h5wasm = (await import('h5wasm/node')).default;
  await h5wasm.ready;
  const h5 = join(dir, 'latents.h5');
  const f = new h5wasm.File(h5, 'w');
  f.create_group('run');
  f.create_dataset({ name: 'run/z', data: dataset.states, shape: [10, 30, dataset.dim], dtype: '<d' });
  f.create_dataset({ name: 'run/z_small', data: new Float32Array(8), shape: [4, 2], dtype: '<f' });
  f.close();
  const out = join(dir, 'h5-laws.json');
  const r = run('fit', `${h5}:/run/z`, '--workers', '0', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /R\(pi\/6\)/);
  assert.equal(JSON.parse(readFileSync(out, 'utf8')).provenance.source, `${h5}:/run/z`);
  const report = run('report', out, '--out', join(dir, 'h5-report.html'));
  assert.equal(report.code, 0, report.stderr);

  const fixtures = fileURLToPath(new URL('../data/fixtures/', import.meta.url));
  for (const args of [[`${fixtures}acts.safetensors`, '--key', 'layer0.hidden'], [`${fixtures}gzip-float32.parquet`]]) {
    const ok = run('fit', ...args, '--workers', '0', '--json');
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).provenance.dim, 3);
  }

  const none = join(dir, 'none.json');
  assertOneLineError(run('fit', h5, '--out', none), 'latents.h5', 'holds 2 numeric datasets', '"/run/z" float64 (10, 30, 4)');
  assertOneLineError(run('fit', `${fixtures}dtypes.h5:lzf`, '--out', none), 'dtypes.h5', 'dataset "/lzf": compressed with the "lzf" filter');
  assertOneLineError(run('fit', `${h5}:/run/z`, '--key', 'run/z_small', '--out', none), '--key "run/z_small" and the name in the path "/run/z" differ');
  assert.ok(!readdirSync(dir).includes('none.json'), 'a laws file was written');
});

test('--dt records the time step and states the rotation in continuous time, in JSON and in the table', () => {
  const r = run('fit', dataFile, '--json', '--workers', '0', '--dt', '0.1');
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.dt, 0.1);
  const rot = doc.laws.find((l: { family: string }) => l.family === 'rotation');
  assert.ok(Math.abs(Math.abs(rot.continuousTime.angularVelocity) - Math.PI / 6 / 0.1) < 1e-9, JSON.stringify(rot.continuousTime));
  assert.ok(Math.abs(rot.continuousTime.period - 1.2) < 1e-9);
  const text = run('fit', dataFile, '--workers', '0', '--dt', '0.1').stdout;
  assert.match(text, / · dt 0\.1 · /);
  assert.match(text, /continuous time \(dt = 0\.1\): ω = -?5\.236 rad per time unit, period 1\.2 \(12 steps\)/);
  assert.doesNotMatch(run('fit', dataFile, '--workers', '0').stdout, /continuous time| dt /);
  assertOneLineError(run('fit', dataFile, '--dt', '0'), '--dt', 'expected a positive number, got "0"');
});
