import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anneal, rollout, type AnnealOptions } from '../../src/anneal/entry.ts';
import { parseNpy, writeNpy } from '../../src/data/npy.ts';
import { InputError, OptionError } from '../../src/errors.ts';
import type { FitResult } from '../../src/types.ts';
import { hiddenRotationFrames, stubSearch } from './helpers.ts';

let dir = '';
const K = 12, T = 20, D = 8;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'anneal-train-'));
  writeFileSync(join(dir, 'frames.npy'), writeNpy(hiddenRotationFrames(K, T, D, (2 * Math.PI) / 10), [K, T, D]));
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A tiny run: 12 sequences of 20 vectors (hidden rotation), latent 2, 3 steps per epoch. */
const tiny = (out: string, extra: Partial<AnnealOptions> = {}): AnnealOptions => ({
  out: join(dir, out),
  data: { kind: 'file', path: join(dir, 'frames.npy') },
  latent: 2,
  hidden: [32],
  epochs: 30,
  batchSequences: 4,
  learningRate: 3e-3,
  seed: 1,
  search: stubSearch,
  ...extra,
});

const lawsOf = (run: string, file = 'laws.json'): FitResult => JSON.parse(readFileSync(join(dir, run, file), 'utf8')) as FitResult;
/** Log records without wall times (those differ between runs). */
const epochRecords = (run: string): unknown[] =>
  readFileSync(join(dir, run, 'log.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; ms?: unknown })
    .filter((r) => r.type === 'epoch').map(({ ms: _ms, ...rest }) => rest);

test('the physics loss lowers the law residual compared to lambda = 0 at similar reconstruction', async () => {
  const base = await anneal(tiny('base', { schedule: { lambda: 0 } }));
  const phys = await anneal(tiny('phys', { schedule: { lambda: 1 } }));
  const eb = base.final!.laws.laws[0].metrics.relativeError, ep = phys.final!.laws.laws[0].metrics.relativeError;
  assert.ok(ep < 0.6 * eb, `relative error with physics ${ep} vs baseline ${eb}`);
  assert.ok(phys.final!.laws.laws[0].metrics.inlierFraction > base.final!.laws.laws[0].metrics.inlierFraction);
  assert.ok(phys.final!.recon < 1.5 * base.final!.recon, `recon ${phys.final!.recon} vs ${base.final!.recon}`);
});

test('the physics cap lowers the surrogate weight below lambda, and only when the push would exceed it', async () => {
  type Rec = { type: string; lambda: number; effectiveLambda: number; activeLaws: number };
  const records = (run: string) => readFileSync(join(dir, run, 'log.jsonl'), 'utf8').split('\n').filter(Boolean)
    .map((l) => JSON.parse(l) as Rec).filter((r) => r.type === 'epoch' && r.lambda > 0 && r.activeLaws > 0);
  // Uncapped: the surrogate carries λ itself whenever a law pulls.
  const schedule = { lambda: 1, warmupEpochs: 4, rampEpochs: 0 };
  await anneal(tiny('uncapped', { epochs: 12, schedule: { ...schedule, physicsCap: Infinity } }));
  const free = records('uncapped');
  assert.ok(free.length > 0 && free.every((r) => r.effectiveLambda <= r.lambda + 1e-12 && r.effectiveLambda > 0));
  assert.ok(free.some((r) => r.effectiveLambda >= 0.9 * r.lambda), JSON.stringify(free.map((r) => r.effectiveLambda)));
  await anneal(tiny('capped', { epochs: 12, schedule: { ...schedule, physicsCap: 1e-3 } }));
  const capped = records('capped');
  assert.ok(capped.length > 0, 'no epoch with an active law');
  // A cap of 1e-3 of the reconstruction's push must bind: λ·‖G‖ is never that small while a law pulls.
  for (const r of capped) assert.ok(r.effectiveLambda < 0.5 * r.lambda, `effective ${r.effectiveLambda} vs λ ${r.lambda}`);
});

test('the run folder holds the model, latents loadable by fit, laws, log and summary', () => {
  for (const f of ['run.json', 'log.jsonl', 'checkpoint/state.json', 'model/encoder/model.json', 'model/encoder/weights.bin', 'model/decoder/model.json', 'laws.json', 'summary.json'])
    assert.ok(existsSync(join(dir, 'phys', f)), f);
  const z = parseNpy(readFileSync(join(dir, 'phys', 'latents.npy')), 'latents.npy');
  assert.deepEqual(z.shape, [K, T, 2]);
  assert.ok(z.data.every(Number.isFinite));
  assert.equal(epochRecords('phys').length, 30);
  const types = new Set(readFileSync(join(dir, 'phys', 'log.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { type: string }).type));
  for (const t of ['start', 'search', 'epoch', 'checkpoint', 'end']) assert.ok(types.has(t), t);
});

test('interrupt, then resume, reproduces the uninterrupted run exactly', async () => {
  const opts = { epochs: 8, schedule: { lambda: 1, warmupEpochs: 2, rampEpochs: 2 }, checkpointEvery: 3, searchEvery: 2 };
  const full = await anneal(tiny('full', opts));
  const ctrl = new AbortController();
  const first = await anneal(tiny('split', { ...opts, signal: ctrl.signal, onStep: (s) => s === 10 && ctrl.abort() }));
  assert.equal(first.interrupted, true);
  assert.equal(first.step, 10);
  assert.equal(first.final, undefined);
  const rest = await anneal({ out: join(dir, 'split'), resume: true, search: stubSearch });
  assert.equal(rest.interrupted, false);
  assert.equal(rest.step, full.step);
  for (const f of ['model/encoder/weights.bin', 'model/decoder/weights.bin', 'latents.npy', 'checkpoint/optimizer.bin'])
    assert.ok(readFileSync(join(dir, 'full', f)).equals(readFileSync(join(dir, 'split', f))), `${f} differs`);
  const lf = lawsOf('full'), ls = lawsOf('split');
  assert.deepEqual(ls.laws[0].model, lf.laws[0].model);
  assert.deepEqual(epochRecords('split'), epochRecords('full'));
});

test('a crash between checkpoints loses only the steps since the last one', async () => {
  const opts = { epochs: 6, schedule: { lambda: 1, warmupEpochs: 1, rampEpochs: 1 }, checkpointEvery: 4 };
  await assert.rejects(anneal(tiny('crash', { ...opts, onStep: (s) => { if (s === 11) throw new Error('power cut'); } })), /power cut/);
  const state = JSON.parse(readFileSync(join(dir, 'crash', 'checkpoint', 'state.json'), 'utf8')) as { trainer: { step: number } };
  assert.equal(state.trainer.step, 8);
  await anneal({ out: join(dir, 'crash'), resume: true, search: stubSearch });
  const ref = await anneal(tiny('crash-ref', opts));
  assert.ok(ref.final);
  assert.ok(readFileSync(join(dir, 'crash', 'latents.npy')).equals(readFileSync(join(dir, 'crash-ref', 'latents.npy'))));
  assert.deepEqual(epochRecords('crash'), epochRecords('crash-ref'));
});

test('run folder misuse gives clear errors', async () => {
  await assert.rejects(anneal(tiny('phys')), (e: unknown) => e instanceof InputError && /already holds a run/.test(e.message));
  await assert.rejects(anneal({ out: join(dir, 'nothing'), resume: true, search: stubSearch }), (e: unknown) => e instanceof InputError && /not an anneal run/.test(e.message));
  await assert.rejects(anneal({ out: join(dir, 'x'), search: stubSearch }), InputError);
  // The library names its option; the CLI maps it to a flag.
  await assert.rejects(anneal(tiny('bad', { latent: 0 })), (e: unknown) => e instanceof OptionError && e.option === 'latent' && e.message === 'latent: must be a positive integer, got 0');
});

test('rollout applies the law from the encoded start and compares with the true frames', async () => {
  const out = join(dir, 'forecast.npy');
  const r = await rollout({ run: join(dir, 'phys'), steps: 15, sequences: 3, hold: 'initial', out });
  assert.deepEqual(r.shape, [3, 16, D]);
  assert.equal(r.mse!.length, 16);
  assert.ok(r.mse!.every(Number.isFinite));
  // Step 0 is the start decoded from its own latent (full-space law, hold = initial): pure reconstruction.
  assert.ok(r.mse![0] < 0.05, `step-0 error ${r.mse![0]}`);
  assert.ok(r.meanMse! < r.persistenceMse!, `forecast ${r.meanMse} vs persistence ${r.persistenceMse}`);
  assert.deepEqual(parseNpy(readFileSync(out), out).shape, [3, 16, D]);
  await assert.rejects(rollout({ run: join(dir, 'phys'), steps: 5, law: 'nope' }), /has no law 'nope'/);
  // Re-encoding the off-subspace part cannot change a full-space law's forecast much, and stays finite.
  const re = await rollout({ run: join(dir, 'phys'), steps: 15, sequences: 3, hold: 'reencode' });
  assert.ok(re.mse!.every(Number.isFinite));
  // A full-space law leaves no dimension outside its subspace: every hold gives the same forecast.
  const onManifold = await rollout({ run: join(dir, 'phys'), steps: 15, sequences: 3, hold: 'manifold' });
  const atMean = await rollout({ run: join(dir, 'phys'), steps: 15, sequences: 3, hold: 'mean' });
  for (let t = 0; t < 16; t++) assert.ok(Math.abs(onManifold.mse![t] - atMean.mse![t]) <= 1e-6 * (1 + atMean.mse![t]));
});

test('built-in video end to end: spinning frames through a dense encoder, rollout on fresh sequences', async () => {
  const res = await anneal({
    out: join(dir, 'spin'), data: { kind: 'spinning', sequences: 4, frames: 16, size: 8 }, heldout: 2,
    latent: 3, hidden: [16], epochs: 2, batchSequences: 2, search: stubSearch,
  });
  assert.equal(res.arch, 'dense');
  assert.ok(res.final!.heldoutLaws && existsSync(join(dir, 'spin', 'heldout-latents.npy')));
  assert.deepEqual(parseNpy(readFileSync(join(dir, 'spin', 'heldout-latents.npy')), 'h').shape, [2, 16, 3]);
  const r = await rollout({ run: join(dir, 'spin'), steps: 20, sequences: 2 });
  assert.deepEqual(r.shape, [2, 21, 8, 8, 1]);
  assert.equal(r.mse!.length, 21);
});
