/**
 * Shared pieces of the sweep tests: planted inputs laid out as runs of checkpoints (plus bad files), the
 * compiled CLI as real processes, a throwaway redis-server, and the comparison of a sweep's result with
 * `fit --json` on everything but its timings.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeNpy } from '../../src/data/npy.ts';
import { plantLaw, type PlantOptions } from '../../src/planted.ts';

export const cli = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

/** A fresh temporary folder, removed when the process exits. */
export function tempDir(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), `latent-laws-${tag}-`));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The laws planted in the good inputs, by checkpoint: each run cycles through these. */
const PLANTS: Omit<PlantOptions, 'seed'>[] = [
  { kind: 'rotation', noiseDims: 2, angle: Math.PI / 7 },
  { kind: 'rotation', noiseDims: 4, angle: Math.PI / 5 },
  { kind: 'affine', noiseDims: 2, lawDim: 2 },
  { kind: 'affine', noiseDims: 1, lawDim: 3 },
  { kind: 'linear', noiseDims: 3, lawDim: 2 },
];

/** Write one planted input (by default 4 trajectories × 200 steps) as .npy. */
export function writePlanted(file: string, plant: Omit<PlantOptions, 'seed'>, seed: number, trajectories = 4, steps = 200): void {
  const { dataset } = plantLaw({ ...plant, seed, noise: 1e-4, trajectories, steps });
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, writeNpy(dataset.states, [trajectories, steps, dataset.dim]));
}

/**
 * `runs` runs of `checkpoints` checkpoints each, `<root>/runs/run-<r>/ckpt-<c>/latents.npy`, d = 4–6,
 * plus bad inputs beside them: text in a .npy file and a .npy holding a NaN.
 * @returns the good files and the bad ones
 */
export function writeSweepInputs(root: string, runs: number, checkpoints: number[]): { good: string[]; bad: string[] } {
  const good: string[] = [];
  for (let r = 0; r < runs; r++) {
    checkpoints.forEach((c, i) => {
      const file = join(root, 'runs', `run-${r}`, `ckpt-${c}`, 'latents.npy');
      writePlanted(file, PLANTS[(r + i) % PLANTS.length], 100 * r + c);
      good.push(file);
    });
  }
  const text = join(root, 'runs', 'broken', 'ckpt-1', 'latents.npy');
  mkdirSync(dirname(text), { recursive: true });
  writeFileSync(text, 'not an array\n');
  const nan = join(root, 'runs', 'broken', 'ckpt-2', 'latents.npy');
  mkdirSync(dirname(nan), { recursive: true });
  const values = new Float64Array(4 * 10 * 3).map((_, i) => Math.sin(i));
  values[37] = Number.NaN;
  writeFileSync(nan, writeNpy(values, [4, 10, 3]));
  return { good, bad: [text, nan] };
}

/** A finished process: exit code and output. */
export interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A running CLI process whose output is collected as it comes. */
export interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  done: Promise<Ran>;
}

/** Start the compiled CLI. */
export function start(args: string[], cwd?: string): Running {
  const child = spawn(process.execPath, [cli, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '', stderr = '';
  child.stdout!.on('data', (b) => (stdout += b));
  child.stderr!.on('data', (b) => (stderr += b));
  const done = new Promise<Ran>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, stdout: () => stdout, stderr: () => stderr, done };
}

/** Run the compiled CLI to the end. */
export function runCli(args: string[], cwd?: string): Promise<Ran> {
  return start(args, cwd).done;
}

/** Run `f` over `items`, `limit` at a time. */
export async function inParallel<T, R>(items: T[], limit: number, f: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]);
    }
  }));
  return out;
}

/** Resolves when `predicate` holds, polling; fails after `ms`. */
export async function until(predicate: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A fit result's JSON text without the fields that measure time (the rest is deterministic). */
export function withoutTimings(json: string): string {
  const doc = JSON.parse(json) as { provenance: Record<string, unknown> };
  delete doc.provenance.elapsedMs;
  delete doc.provenance.timings;
  return JSON.stringify(doc, null, 2);
}

/**
 * `latent-laws fit FILE --json --workers 0` for each good file and `fit`'s one-line message for each bad
 * one, and the sweep's record of it: the same text but for timings, and the same message.
 */
export async function assertSameAsFit(records: Map<string, { result?: string; error?: string | null }>, files: string[]): Promise<void> {
  await inParallel(files, 2, async (file) => {
    const r = await runCli(['fit', file, '--json', '--workers', '0']);
    const record = records.get(file);
    assert.ok(record, `no record of ${file}`);
    if (r.code === 0) {
      assert.ok(record.result !== undefined, `${file}: fit succeeded, the sweep has no result (${record.error})`);
      assert.equal(withoutTimings(record.result), withoutTimings(r.stdout), `${file}: the sweep's result differs from fit --json`);
    } else {
      assert.equal(r.code, 2, r.stderr);
      assert.equal(record.error, r.stderr.trim().replace(/^latent-laws: /, ''), `${file}: another message than fit's`);
    }
  });
}

/** A local TCP port nobody listens on. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Why the Redis tests cannot run here, or false when they can. */
export const redisMissing: string | false =
  spawnSync('redis-server', ['--version']).error === undefined ? false : 'redis-server is not installed (Debian: apt-get install -y redis-server)';

/** A redis-server of this test only, on a free localhost port, without persistence. */
export async function startRedis(): Promise<{ url: string; stop: () => void }> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: 'ignore' });
  const stop = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.on('exit', stop);
  const accepts = () => new Promise<boolean>((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' }, () => (socket.end(), resolve(true)));
    socket.on('error', () => resolve(false));
  });
  for (let i = 0; i < 100 && !(await accepts()); i++) await new Promise((r) => setTimeout(r, 50));
  return { url: `redis://127.0.0.1:${port}`, stop };
}

/** The sweep's record of each input, by absolute path: its result file's text, or its error. */
export function sweepRecords(out: string): Map<string, { result?: string; error?: string | null }> {
  const summary = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as { rows: { input: string; result: string | null; error: string | null }[] };
  return new Map(summary.rows.map((r) => [r.input, r.result === null ? { error: r.error } : { result: readFileSync(join(out, r.result), 'utf8'), error: r.error }]));
}
