/**
 * What a sweep fits and how it names things: globs, manifests and plain paths resolved to absolute
 * inputs in natural order, job keys that change with content and options only, stable record names,
 * the summary's CSV, and the clean-up of temporary files that killed writers leave.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../src/errors.ts';
import { sweepFitSpec } from '../../src/sweep/fit-spec.ts';
import { readManifest, resolveInputs } from '../../src/sweep/inputs.ts';
import { fileDigest, jobKey, resultStem } from '../../src/sweep/job-key.ts';
import { removeStaleTemporaries } from '../../src/sweep/layout.ts';
import { summaryCsv, type SweepRow, type SweepSummary } from '../../src/sweep/summary.ts';
import { tempDir } from './helpers.ts';

const dir = tempDir('sweep-inputs');
for (const c of [1, 2, 10]) {
  mkdirSync(join(dir, 'runs', 'a', `ckpt-${c}`), { recursive: true });
  writeFileSync(join(dir, 'runs', 'a', `ckpt-${c}`, 'latents.npy'), `content ${c}`);
}
mkdirSync(join(dir, 'lists'));

const rejects = async (promise: Promise<unknown>, pattern: RegExp) =>
  assert.rejects(promise, (e: unknown) => e instanceof InputError && pattern.test(e.message) && !e.message.includes('\n'));

test('a glob gives absolute paths in natural order, named relative to their common folder', async () => {
  const inputs = await resolveInputs(['runs/*/ckpt-*/latents.npy'], dir);
  assert.deepEqual(inputs.map((i) => i.name), ['ckpt-1/latents.npy', 'ckpt-2/latents.npy', 'ckpt-10/latents.npy']);
  assert.equal(inputs[0].path, join(dir, 'runs', 'a', 'ckpt-1', 'latents.npy'));
});

test('a manifest lists paths relative to its own folder, with comments and blank lines; duplicates count once', async () => {
  const manifest = join(dir, 'lists', 'manifest.txt');
  writeFileSync(manifest, '# checkpoints\n../runs/a/ckpt-10/latents.npy\n\n  ../runs/a/ckpt-2/latents.npy  \n# ../runs/a/ckpt-1/latents.npy\n/not/there.npy\n');
  assert.deepEqual(readManifest(manifest), [join(dir, 'runs/a/ckpt-10/latents.npy'), join(dir, 'runs/a/ckpt-2/latents.npy'), '/not/there.npy']);
  const inputs = await resolveInputs([manifest, 'runs/a/ckpt-2/latents.npy'], dir);
  // A missing file is kept: its fit fails with fit's message, and the sweep goes on.
  assert.deepEqual(inputs.map((i) => i.path), ['/not/there.npy', join(dir, 'runs/a/ckpt-2/latents.npy'), join(dir, 'runs/a/ckpt-10/latents.npy')]);
});

test('inputs that name nothing are one-line errors', async () => {
  await rejects(resolveInputs(['runs/*/nothing-*.npy'], dir), /runs\/\*\/nothing-\*\.npy: the pattern matches no files/);
  writeFileSync(join(dir, 'lists', 'empty.txt'), '# nothing yet\n\n');
  await rejects(resolveInputs([join(dir, 'lists', 'empty.txt')], dir), /empty\.txt: the manifest lists no inputs/);
  await rejects(resolveInputs(['runs'], dir), /runs: is a folder; give a glob/);
});

test('job keys follow content, path and options; record names are readable, stable and unique', async () => {
  const file = join(dir, 'runs', 'a', 'ckpt-1', 'latents.npy');
  const spec = sweepFitSpec();
  const content = await fileDigest(file);
  const key = jobKey(file, content, spec, 'g');
  assert.equal(jobKey(file, content, sweepFitSpec(), 'g'), key);
  assert.notEqual(jobKey(file, content, sweepFitSpec({ seed: 2 }), 'g'), key);
  assert.notEqual(jobKey(file, await fileDigest(join(dir, 'runs', 'a', 'ckpt-2', 'latents.npy')), spec, 'g'), key);
  assert.notEqual(jobKey(file, content, spec, 'another grammar'), key);
  assert.equal(await fileDigest(join(dir, 'missing.npy')), null);
  assert.match(resultStem('a/ckpt-1/latents.npy', key), /^a__ckpt-1__latents\.npy\.[0-9a-f]{12}$/);
  assert.notEqual(jobKey(join(dir, 'runs', 'moved', 'latents.npy'), content, spec, 'g'), key, 'the same bytes at another path are another job');
  assert.notEqual(resultStem('a/ckpt-1/latents.npy', key), resultStem('a/ckpt-2/latents.npy', key));
  // Odd characters become '_'; no leading dot, which would make it look like a temporary file.
  assert.match(resultStem('.cache/odd name?.npy', key), /^cache__odd_name_\.npy\.[0-9a-f]{12}$/);
});

test('the CSV has one line per input; per-law lists are joined in rank order and quoted when needed', () => {
  const row = (over: Partial<SweepRow>): SweepRow => ({
    input: '/d/x.npy', name: 'x.npy', status: 'done', cached: false, result: 'results/x.npy.0123456789ab.json', lawsFound: 2,
    families: ['rotation', 'library_invariant'], exactConstants: ['theta = pi/7', ''], inlierFractions: [1, 0.98765], descriptionLengths: [-15825.34, -300],
    timeMs: 812, error: null, ...over,
  });
  const rows = [row({}), row({ input: '/d/bad, "odd".npy', status: 'failed', result: null, lawsFound: null, families: [], exactConstants: [], inlierFractions: [], descriptionLengths: [], timeMs: null, error: '/d/bad, "odd".npy: no such file' })];
  const csv = summaryCsv({ rows } as SweepSummary).split('\n');
  assert.equal(csv[1], '/d/x.npy,done,false,2,rotation; library_invariant,theta = pi/7; -,1.0000; 0.9877,-15825.3; -300.0,812,,results/x.npy.0123456789ab.json');
  assert.equal(csv[2], '"/d/bad, ""odd"".npy",failed,false,,,,,,,"/d/bad, ""odd"".npy: no such file",');
  assert.equal(csv.length, 4); // header, two rows, final newline
});

test('temporary files that killed writers left behind are removed once they are old; records and recent ones stay', () => {
  const out = join(dir, 'out');
  mkdirSync(join(out, 'results'), { recursive: true });
  const file = (name: string, ageMs: number) => {
    writeFileSync(join(out, 'results', name), '{}');
    const t = (Date.now() - ageMs) / 1000;
    utimesSync(join(out, 'results', name), t, t);
  };
  file('.x.npy.0123456789ab.json.4242.1700000000000.tmp', 3_600_000);
  file('.y.npy.0123456789ab.json.4243.1700000000001.tmp', 1_000);
  file('x.npy.0123456789ab.json', 3_600_000);
  assert.equal(removeStaleTemporaries(out), 1);
  assert.deepEqual(readdirSync(join(out, 'results')).sort(), ['.y.npy.0123456789ab.json.4243.1700000000001.tmp', 'x.npy.0123456789ab.json']);
});
