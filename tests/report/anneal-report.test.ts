/**
 * Anneal-run reports: reading run folders (finished, unfinished, not a run), the training curves against
 * the log, and sample frames decoded from a real (tiny) trained model.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../src/errors.ts';
import { buildAnnealReport } from '../../src/report/anneal-report.ts';
import { readAnnealRun } from '../../src/report/anneal-run.ts';
import { chartOf, demoFit, embeddedData, epochRecords, rowsOf, syntheticFrames, writeRunFolder } from './helpers.ts';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'latent-laws-report-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a finished run: losses and inlier fractions as logged, the laws drawn on the final latents', async () => {
  const { result, dataset } = await demoFit();
  const runDir = join(dir, 'finished');
  writeRunFolder(runDir, { epochs: 5, finished: { result, latents: dataset } });
  const run = readAnnealRun(runDir);
  assert.equal(run.epochs.length, 5);
  assert.equal(run.skippedLogLines, 1, 'the torn last line is skipped, not fatal');
  assert.equal(run.backend?.name, 'wasm');
  const html = buildAnnealReport(run, { frames: syntheticFrames() });
  const data = embeddedData(html);
  assert.equal(data.kind, 'anneal');
  const losses = rowsOf<{ epoch: number; loss: string; value: number }>(chartOf(data, 'losses'), 'rows');
  for (const e of epochRecords(5)) {
    assert.equal(losses.find((r) => r.epoch === e.epoch && r.loss === 'reconstruction')?.value, Number((e.recon as number).toPrecision(6)));
    assert.equal(losses.find((r) => r.epoch === e.epoch && r.loss === 'physics')?.value, Number((e.physics as number).toPrecision(6)));
  }
  const inliers = rowsOf<{ epoch: number; inlierFraction: number }>(chartOf(data, 'inliers'), 'rows');
  assert.deepEqual(inliers.map((r) => r.epoch), [2, 3, 4, 5], 'epochs without a law are left out');
  const frames = rowsOf<{ row: string; v: number[] }>(chartOf(data, 'frames'), 'frames');
  assert.equal(frames.length, 12);
  assert.ok(frames.every((f) => f.v.length === 64));
  for (const law of result.laws) chartOf(data, 'portrait', law.id);
  chartOf(data, 'pareto');
  assert.match(html, /wasm: dense training probe passed/);
  assert.match(html, /built-in spinning/);
});

test('an unfinished run shows its training curves and says the laws are missing', () => {
  const runDir = join(dir, 'unfinished');
  writeRunFolder(runDir, { epochs: 2 });
  const run = readAnnealRun(runDir);
  assert.equal(run.laws, undefined);
  assert.equal(run.hasModel, false);
  const html = buildAnnealReport(run, { framesNote: 'No sample frames: no model yet.' });
  const data = embeddedData(html);
  assert.deepEqual(data.charts.map((c) => c.kind), ['losses', 'inliers']);
  assert.match(html, /Unfinished run/);
  assert.match(html, /No sample frames: no model yet\./);
});

test('folders that are not runs, malformed laws files, and laws without latents are input errors', async () => {
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  assert.throws(() => readAnnealRun(empty), (e: unknown) => e instanceof InputError && /not an anneal run folder/.test(e.message));
  assert.throws(() => readAnnealRun(join(dir, 'missing')), (e: unknown) => e instanceof InputError && /is not a folder/.test(e.message));
  const broken = join(dir, 'broken');
  writeRunFolder(broken, { epochs: 1 });
  writeFileSync(join(broken, 'laws.json'), '{"laws": []}');
  assert.throws(() => readAnnealRun(broken), (e: unknown) => e instanceof InputError && /not a latent-laws fit result/.test(e.message));
  writeFileSync(join(broken, 'laws.json'), JSON.stringify((await demoFit()).result));
  assert.throws(() => readAnnealRun(broken), (e: unknown) => e instanceof InputError && /no latents\.npy/.test(e.message));
});

test('sample frames from a tiny trained model: original, reconstruction and rollout rows of one sequence', async () => {
  const [{ anneal }, { sampleFrames }, { stubSearch }] = await Promise.all([
    import('../../src/anneal/index.ts'), import('../../src/report/anneal-frames.ts'), import('../anneal/helpers.ts'),
  ]);
  const runDir = join(dir, 'tiny');
  // 6 + 2 sequences of 8 frames, 12×12 pixels, 2 epochs on the CPU backend: a few seconds.
  await anneal({ out: runDir, data: { kind: 'spinning', sequences: 6, frames: 8, size: 12 }, heldout: 2, latent: 2, hidden: [16], epochs: 2, seed: 2, backend: 'cpu', search: stubSearch });
  const run = readAnnealRun(runDir);
  assert.ok(run.hasModel && run.laws && run.latents);
  const frames = await sampleFrames(run, 5);
  assert.equal(frames.height, 12);
  assert.equal(frames.width, 12);
  assert.deepEqual(frames.steps, [0, 1, 2, 3, 4]);
  assert.deepEqual(frames.rows.map((r) => r.label.split(' ')[0]), ['original', 'reconstruction', 'rollout']);
  for (const r of frames.rows) assert.ok(r.frames.length === 5 && r.frames.every((f) => f.length === 144 && f.every((v) => v >= 0 && v <= 1)));
  const orig = frames.rows[0].frames;
  assert.ok(orig.some((f, t) => t > 0 && f.some((v, i) => v !== orig[0][i])), 'the original frames move');
  // The stub's law acts on the whole latent space, so the rollout starts at the encoded first frame.
  const [recon0, roll0] = [frames.rows[1].frames[0], frames.rows[2].frames[0]];
  assert.ok(recon0.every((v, i) => Math.abs(v - roll0[i]) < 1e-5), 'rollout step 0 = reconstruction of frame 0');
  assert.match(frames.description, /held-out/);
  const data = embeddedData(buildAnnealReport(run, { frames }));
  assert.equal(rowsOf(chartOf(data, 'frames'), 'frames').length, 15);
  // As rollout does: a top law that leaves the training range gives way to its stable alternative.
  const stable = run.laws!.laws.find((l) => l.role === 'map')!;
  const { rank: _r, outliers: _o, alternatives: _a, ...alternative } = stable;
  const drifting = { ...stable, id: 'drifting', model: { ...stable.model, coefficients: stable.model.coefficients.map((row) => row.map((v) => 3 * v)) }, alternatives: [alternative] };
  const fallback = await sampleFrames({ ...run, laws: { ...run.laws!, laws: [drifting] } }, 5);
  assert.equal(fallback.rows[2].label, `rollout by ${stable.id}`);
});
