/**
 * A distributed sweep with real parts: a redis-server of its own, two `latent-laws worker` processes
 * and the coordinator, all from the compiled CLI (dist/). The coordinator is stopped by Ctrl-C before
 * any worker runs and picks up when run again; one worker is killed (SIGKILL) in the middle of a fit
 * and its job is taken back; every input ends with exactly one record, identical to what `fit --json`
 * writes but for timings (or `fit`'s own message); a third run fits nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import type { SweepSummary } from '../../src/sweep/summary.ts';
import { assertSameAsFit, redisMissing, runCli, start, startRedis, sweepRecords, tempDir, until, writePlanted, writeSweepInputs, type Running } from './helpers.ts';

const lines = (text: string, prefix: string) => text.split('\n').filter((l) => l.startsWith(prefix));

/** The input a worker is fitting now (its last log line says it started it), or null. */
const fitting = (w: Running): string | null => {
  const last = w.stderr().trimEnd().split('\n').pop() ?? '';
  return last.startsWith('fitting ') ? last.slice('fitting '.length) : null;
};

test('distributed sweep: Ctrl-C and re-run, a worker killed mid-job, one record per input, no work twice', { skip: redisMissing, timeout: 300_000 }, async () => {
  const dir = tempDir('sweep-queue');
  const { good, bad } = writeSweepInputs(dir, 4, [1, 2, 3, 10, 20]);
  // Two inputs take seconds to fit, so that a worker killed while it fits one is surely mid-job.
  const long = [good[1], good[6]];
  for (const file of long) writePlanted(file, { kind: 'rotation', noiseDims: 4, angle: Math.PI / 7 }, 7, 40, 1000);
  const missing = join(dir, 'runs', 'gone', 'ckpt-1', 'latents.npy');
  const manifest = join(dir, 'manifest.txt');
  writeFileSync(manifest, ['# the sweep of the test', ...[...good, ...bad].map((f) => f.slice(dir.length + 1)), '', '# listed but never written:', missing].join('\n'));
  const inputs = good.length + bad.length + 1;
  assert.equal(good.length, 20);
  const redis = await startRedis();
  const out = join(dir, 'sweep');
  const sweepArgs = ['sweep', manifest, '--out', out, '--queue', redis.url, '--backoff', '200'];
  const workers: Running[] = [];
  try {
    // 1. No worker yet: the coordinator queues every input, waits, and stops at Ctrl-C with all pending.
    const first = start(sweepArgs);
    await until(() => /queued on redis/.test(first.stderr()), 60_000, 'the coordinator to queue the inputs');
    first.child.kill('SIGINT');
    const stopped = await first.done;
    assert.equal(stopped.code, 130, stopped.stderr);
    const partial = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepSummary;
    assert.equal(partial.interrupted, true);
    assert.deepEqual(partial.counts, { inputs, done: 0, failed: 0, pending: inputs, cached: 0, fittedThisRun: 0 });

    // 2. The coordinator runs again and picks up; two workers; one dies in the middle of a fit.
    const workerArgs = ['worker', '--queue', redis.url, '--jobs', '1', '--lock-duration', '3000', '--stalled-interval', '1000'];
    const second = start(sweepArgs);
    // Workers start once it has looked at the queue: jobs they finished before would count as cached.
    await until(() => /waiting for workers/.test(second.stderr()), 60_000, 'the coordinator to look at the queue');
    workers.push(start(workerArgs), start(workerArgs));
    let victim: Running | undefined;
    await until(() => (victim = workers.find((w) => long.includes(fitting(w) ?? ''))) !== undefined, 120_000, 'a worker to start a long fit');
    const killedOn = fitting(victim!)!;
    victim!.child.kill('SIGKILL');
    const survivor = workers.find((w) => w !== victim)!;
    const finished = await second.done;
    assert.equal(finished.code, 0, finished.stderr);
    const summary = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepSummary;
    assert.deepEqual(summary.counts, { inputs, done: 20, failed: 3, pending: 0, cached: 0, fittedThisRun: inputs });
    assert.equal(summary.rows.length, inputs);

    // The killed worker's job was taken back (it stalled once) and finished elsewhere.
    const queue = new Queue('latent-laws', { connection: { url: redis.url } });
    const job = (await queue.getJobs(['completed', 'failed'])).find((j) => (j.data as { input: string }).input === killedOn);
    await queue.close();
    assert.ok(job, `no job for ${killedOn}`);
    assert.ok(job.stalledCounter >= 1, `the job of ${killedOn} was never taken back`);
    assert.equal(summary.rows.find((r) => r.input === killedOn)?.status, 'done');

    // Exactly one record per input (a killed writer may leave a temporary dot-file, never a record).
    const records = readdirSync(join(out, 'results')).filter((f) => !f.startsWith('.'));
    assert.equal(records.length, inputs, records.join(' '));
    assert.equal(records.filter((f) => f.endsWith('.error.json')).length, 3);
    const missingRow = summary.rows.find((r) => r.input === missing);
    assert.match(missingRow?.error ?? '', /gone\/ckpt-1\/latents\.npy: .*(not exist|not found|no such file)/i);
    await assertSameAsFit(sweepRecords(out), [...good, ...bad, missing]);

    // 3. The same sweep again: everything is recorded, nothing is queued or fitted.
    const fittedBefore = lines(survivor.stderr(), 'fitting ').length;
    const mtimes = records.map((f) => statSync(join(out, 'results', f)).mtimeMs);
    const third = await runCli([...sweepArgs, '--json']);
    assert.equal(third.code, 0, third.stderr);
    const again = JSON.parse(third.stdout) as SweepSummary;
    assert.deepEqual(again.counts, { inputs, done: 20, failed: 3, pending: 0, cached: inputs, fittedThisRun: 0 });
    assert.equal(lines(survivor.stderr(), 'fitting ').length, fittedBefore);
    assert.deepEqual(records.map((f) => statSync(join(out, 'results', f)).mtimeMs), mtimes);

    // Ctrl-C on a worker: it stops taking jobs and exits with 130.
    survivor.child.kill('SIGINT');
    assert.equal((await survivor.done).code, 130);
  } finally {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    redis.stop();
  }
});
