/**
 * A local sweep from the command line (compiled CLI in dist/): a glob over runs of planted checkpoints
 * and two bad files, one record per input identical to `fit --json` but for timings (or `fit`'s own
 * message), a summary in JSON and CSV, and a re-run that fits nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SweepSummary } from '../../src/sweep/summary.ts';
import { assertSameAsFit, runCli, sweepRecords, tempDir, writeSweepInputs } from './helpers.ts';

const dir = tempDir('sweep-local');
const { good, bad } = writeSweepInputs(dir, 2, [2, 10]);
const out = join(dir, 'sweep');
const readSummary = () => JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepSummary;

test('a local sweep writes one record per input, each as fit --json writes it, and a summary', async () => {
  const r = await runCli(['sweep', 'runs/*/ckpt-*/latents.npy', '--out', 'sweep', '--jobs', '2', '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  const printed = JSON.parse(r.stdout) as SweepSummary;
  const summary = readSummary();
  assert.deepEqual(printed, summary);
  assert.deepEqual(summary.counts, { inputs: 6, done: 4, failed: 2, pending: 0, cached: 0, fittedThisRun: 6 });
  assert.deepEqual(summary.rows.map((row) => row.name), [
    'broken/ckpt-1/latents.npy', 'broken/ckpt-2/latents.npy',
    'run-0/ckpt-2/latents.npy', 'run-0/ckpt-10/latents.npy', 'run-1/ckpt-2/latents.npy', 'run-1/ckpt-10/latents.npy',
  ]);
  const files = readdirSync(join(out, 'results')).sort();
  assert.equal(files.filter((f) => f.endsWith('.error.json')).length, 2, files.join(' '));
  assert.equal(files.length, 6, files.join(' '));
  assert.ok(files.some((f) => /^run-0__ckpt-10__latents\.npy\.[0-9a-f]{12}\.json$/.test(f)), files.join(' '));
  const done = summary.rows.filter((row) => row.status === 'done');
  assert.ok(done.every((row) => row.lawsFound! >= 1 && row.families.length === row.lawsFound && row.timeMs! > 0), JSON.stringify(done[0]));
  assert.ok(done.some((row) => row.exactConstants.includes('theta = pi/7')), 'the rotation by pi/7 is stated exactly');

  const csv = readFileSync(join(out, 'sweep.csv'), 'utf8').trim().split('\n');
  assert.equal(csv[0], 'input,status,cached,laws_found,families,exact_constants,inlier_fractions,description_lengths,time_ms,error,result');
  assert.equal(csv.length, 7);
  assert.ok(csv.some((line) => line.includes('theta = pi/7')));

  await assertSameAsFit(sweepRecords(out), [...good, ...bad]);
});

test('a re-run of the same sweep fits nothing and rewrites no result', async () => {
  const results = readdirSync(join(out, 'results')).map((f) => join(out, 'results', f));
  const before = results.map((f) => statSync(f).mtimeMs);
  const r = await runCli(['sweep', 'runs/*/ckpt-*/latents.npy', '--out', 'sweep'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /6 inputs, all recorded by an earlier run: nothing to fit/);
  assert.match(r.stdout, /0 fitted in this run, 6 from earlier runs/);
  assert.deepEqual(readSummary().counts, { inputs: 6, done: 4, failed: 2, pending: 0, cached: 6, fittedThisRun: 0 });
  assert.deepEqual(results.map((f) => statSync(f).mtimeMs), before);
});

test('other fit options are another sweep: new records beside the old ones', async () => {
  const r = await runCli(['sweep', join(dir, 'runs', 'run-0', 'ckpt-2', 'latents.npy'), '--out', out, '--seed', '7', '--json'], dir);
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout) as SweepSummary;
  assert.deepEqual(summary.counts, { inputs: 1, done: 1, failed: 0, pending: 0, cached: 0, fittedThisRun: 1 });
  assert.equal(JSON.parse(readFileSync(join(out, summary.rows[0].result!), 'utf8')).provenance.seed, 7);
  assert.equal(readdirSync(join(out, 'results')).length, 7);
});

test('bad sweep arguments are one line with exit code 2', async () => {
  const none = await runCli(['sweep', 'nothing/*.npy', '--out', 'x'], dir);
  assert.equal(none.code, 2);
  assert.equal(none.stderr.trim(), 'latent-laws: nothing/*.npy: the pattern matches no files');
  const queue = await runCli(['sweep', 'runs/*/ckpt-*/latents.npy', '--out', 'x', '--queue', 'http://localhost'], dir);
  assert.equal(queue.code, 2);
  assert.match(queue.stderr.trim(), /^latent-laws: http:\/\/localhost: expected a Redis URL such as redis:\/\/host:6379$/);
});
