/**
 * The anneal and rollout commands as a user runs them: a tiny run writes a complete run folder whose
 * latents `fit` can read, and bad run folders get one-line errors.
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
import { parseNpy } from '../../src/data/npy.ts';
import { hiddenRotationFrames } from '../anneal/helpers.ts';

const cli = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'latent-laws-anneal-cli-'));
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

test('anneal writes a run folder (model, latents, laws, log) whose latents fit can read', () => {
  const out = join(dir, 'spin');
  const r = run('anneal', '--dataset', 'spinning', '--latent', '4', '--epochs', '1', '--out', out, '--workers', '0', '--physics-cap', '1.5');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).schedule.physicsCap, 1.5);
  assert.match(r.stdout, /backend: (tensorflow|wasm|cpu)/);
  assert.match(r.stdout, /epoch 1: recon/);
  for (const f of ['run.json', 'log.jsonl', 'latents.npy', 'laws.json', 'model']) assert.ok(existsSync(join(out, f)), `${f} missing`);
  const refit = run('fit', join(out, 'latents.npy'), '--json', '--workers', '0');
  assert.equal(refit.status, 0, refit.stderr);
  assert.equal(JSON.parse(refit.stdout).provenance.dim, 4);
  // A law from another search rolls out with --laws: here a rotation fitted on planted data of the
  // run's latent dimension (one epoch of training leaves latents that obey no law yet).
  const planted = plantLaw({ kind: 'rotation', seed: 3, noiseDims: 2, noise: 1e-3, trajectories: 10, steps: 40 });
  writeFileSync(join(dir, 'planted.npy'), writeNpy(planted.dataset.states, [10, 40, 4]));
  const loose = join(dir, 'loose.json');
  assert.equal(run('fit', join(dir, 'planted.npy'), '--workers', '0', '--out', loose).status, 0);
  const doc = JSON.parse(readFileSync(loose, 'utf8'));
  const mapLaw = doc.laws.find((l: { role: string }) => l.role === 'map');
  assert.ok(mapLaw, 'the planted rotation gave no map law');
  const viaFile = run('rollout', out, '--laws', loose, '--law', mapLaw.id, '--steps', '3', '--json');
  assert.equal(viaFile.status, 0, viaFile.stderr);
  assert.equal(JSON.parse(viaFile.stdout).law.id, mapLaw.id);
  // A law whose iterates overflow, rolled out anyway: its frames are not numbers, its MSE is Infinity,
  // which the JSON states as null.
  const overflowing = { ...doc, laws: [{ ...mapLaw, alternatives: [], model: { ...mapLaw.model, coefficients: mapLaw.model.coefficients.map((row: number[]) => row.map((v) => v * 1e100)) } }] };
  writeFileSync(join(dir, 'overflow.json'), JSON.stringify(overflowing));
  const blownUp = run('rollout', out, '--laws', join(dir, 'overflow.json'), '--steps', '6', '--no-fallback', '--json');
  assert.equal(blownUp.status, 0, blownUp.stderr);
  const blown = JSON.parse(blownUp.stdout);
  assert.equal(blown.stability, 'unstable');
  assert.equal(blown.meanMse, null);
  assert.ok(blown.mse.slice(1).some((v: number | null) => v === null), `per-step MSE ${JSON.stringify(blown.mse)}`);
  // The same laws stated in 5 dimensions (a zero column added) do not fit a 4-D latent space.
  doc.provenance.dim = 5;
  for (const l of doc.laws.flatMap((l: { alternatives?: unknown[] }) => [l, ...(l.alternatives ?? [])])) l.subspace.basis = l.subspace.basis.map((row: number[]) => [...row, 0]);
  writeFileSync(join(dir, 'wide.json'), JSON.stringify(doc));
  const wide = run('rollout', out, '--laws', join(dir, 'wide.json'), '--law', mapLaw.id);
  assert.equal(wide.status, 2, wide.stderr);
  assert.match(wide.stderr.trim(), /wide\.json: law '.*' is stated in 5 dimensions; the run's latent size is 4$/);
  // One epoch is all warm-up: no map law yet, and rollout says so in one line.
  const roll = run('rollout', out, '--hold', 'manifold');
  assert.equal(roll.status, 2);
  assert.match(roll.stderr.trim(), /^latent-laws: .*laws\.json: holds no map law to roll out$/);
});

test('anneal and rollout reject bad run folders and options with one line', () => {
  for (const r of [run('anneal', '--resume', join(dir, 'nope')), run('rollout', join(dir, 'nope')), run('anneal', '--out', join(dir, 'x')),
    run('anneal', '--dataset', 'spinning', '--out', join(dir, 'y'), '--physics-cap', '-1'), run('rollout', join(dir, 'spin'), '--hold', 'sideways'),
    run('anneal', '--dataset', 'spinning', '--arch', 'delay', '--out', join(dir, 'z')), run('anneal', '--dataset', 'pendulum', '--arch', 'delay', '--latent', '3', '--out', join(dir, 'z'))]) {
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  }
  assert.ok(!existsSync(join(dir, 'z')), 'a rejected delay run leaves no folder');
});

test('anneal --heldout K keeps K sequences of a frames file out of training and fits them at the end', () => {
  const frames = join(dir, 'frames.npy');
  writeFileSync(frames, writeNpy(hiddenRotationFrames(6, 8, 6, 0.4), [6, 8, 6]));
  const out = join(dir, 'held');
  const r = run('anneal', '--frames', frames, '--heldout', '2', '--latent', '2', '--epochs', '1', '--out', out, '--workers', '0');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')).heldout, 2);
  const shape = (f: string) => parseNpy(readFileSync(join(out, f)), f).shape;
  assert.deepEqual(shape('heldout-latents.npy'), [2, 8, 2]);
  assert.deepEqual(shape('latents.npy'), [4, 8, 2]);
  assert.ok(existsSync(join(out, 'heldout-laws.json')));
  assert.match(r.stdout.trim().split('\n').pop()!, /best law on held-out latents/);
  // Bad values: one line naming the flag (and the file when the file is what makes K too large).
  const tooMany = run('anneal', '--frames', frames, '--heldout', '6', '--out', join(dir, 'held6'));
  assert.equal(tooMany.status, 2, tooMany.stderr);
  assert.equal(tooMany.stderr.trim(), `latent-laws: ${frames}: has 6 sequences; holding out 6 (--heldout) leaves none to train on`);
  assert.ok(!existsSync(join(dir, 'held6')), 'a rejected run leaves no folder');
  for (const bad of ['-1', '1.5', 'two']) {
    const b = run('anneal', '--frames', frames, '--heldout', bad, '--out', join(dir, 'heldbad'));
    assert.equal(b.status, 2, b.stderr);
    assert.match(b.stderr.trim(), /^latent-laws: .*--heldout.*$/);
  }
  const onResume = run('anneal', '--resume', out, '--heldout', '1');
  assert.equal(onResume.status, 2, onResume.stderr);
  assert.match(onResume.stderr.trim(), /^latent-laws: --heldout: cannot change on --resume/);
});

test('anneal --baseline compares both runs\' 50-step forecasts, and rejects a folder that is not a λ = 0 run of the same frames', () => {
  const frames = join(dir, 'long.npy');
  writeFileSync(frames, writeNpy(hiddenRotationFrames(4, 52, 6, 0.4), [4, 52, 6]));
  const tiny = ['--frames', frames, '--latent', '2', '--epochs', '1', '--workers', '0'];
  const base = join(dir, 'base0');
  assert.equal(run('anneal', ...tiny, '--lambda', '0', '--out', base).status, 0);
  const r = run('anneal', ...tiny, '--out', join(dir, 'physics'), '--baseline', base);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  const line = lines.find((l) => l.startsWith('50-step forecast'));
  // One epoch of a tiny model states no map law, so each side may say why it has no forecast.
  const side = '(\\d\\.\\d{3}e[-+]\\d+|none \\(.*holds no map law to roll out\\))';
  assert.match(line ?? '', new RegExp(`^50-step forecast by the best map law: frame MSE ${side} against ${side} for the λ = 0 baseline in ${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`), r.stdout);
  assert.match(lines[lines.length - 1], /^done: /, 'the summary still ends with the law');
  // What the user gets when the folder is not a comparable baseline: one line, exit 2, no run folder.
  const other = join(dir, 'other.npy');
  writeFileSync(other, writeNpy(hiddenRotationFrames(4, 52, 6, 0.3), [4, 52, 6]));
  const cases: [string[], RegExp][] = [
    [['--baseline', dir], /is not an anneal run folder \(no run\.json\)$/],
    [['--baseline', join(dir, 'physics')], /is not a λ = 0 baseline \(trained with --lambda [\d.]+\); train one with --lambda 0$/],
    [['--frames', other, '--baseline', base], /was trained on other frames/],
    [['--heldout', '1', '--baseline', base], /holds out 0 sequences, this run 1$/],
  ];
  for (const [i, [args, message]] of cases.entries()) {
    const out = join(dir, `rejected${i}`);
    const bad = run('anneal', ...tiny, ...args, '--out', out);
    assert.equal(bad.status, 2, bad.stderr);
    assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
    assert.match(bad.stderr.trim(), message);
    assert.ok(!existsSync(out), 'a rejected run leaves no folder');
  }
});
