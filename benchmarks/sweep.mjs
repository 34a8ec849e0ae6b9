// Throughput of `sweep` against fitting the same inputs in a plain loop, on this machine.
// Usage: npm run bench:sweep
//   (BENCH_SWEEP_N=100 inputs of 1e4 × 16; BENCH_SWEEP_CLI=10 inputs for the CLI loop;
//    BENCH_SWEEP_ROWS=loop-inline,loop-pool,cli,local-2x0,local-1x2,local-1x0,queue-2,queue-1 to narrow it down)
// Every input is a planted rotation by π/7 among 14 noise dimensions (benchmarks/planted-rotation.mjs),
// about 1e4 transitions, d = 16, saved as .npy. Rows:
//   loop-inline  the library's fit in a loop in one process, inline (workers 0), one fit at a time
//   loop-pool    the same with one pool of 2 worker threads kept across the fits (createFitPool(2))
//   cli          `latent-laws fit FILE --json --workers 0` run once per input (a new process each)
//   local-JxW    `latent-laws sweep --jobs J --workers W` (J fits at once, each with W worker threads)
//   queue-K      `latent-laws sweep --queue` with K `latent-laws worker --jobs 1` processes on a local redis-server
// Each row also prints CPU time per input (this process and every child it waited for, from
// /proc/self/stat on Linux): on a machine shared with other work, wall times say what this machine gave,
// CPU times what the work cost. Overhead per job: a row's time per input minus loop-inline's, for the
// rows that fit one input at a time on one core (local-1x0, queue-1, cli); the others trade it against
// parallelism.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFitPool, fit, loadDataset } from 'latent-laws';
import { writeNpy } from '../dist/src/data/npy.js';
import { plantedRotation } from './planted-rotation.mjs';

const N = Number(process.env.BENCH_SWEEP_N ?? 100);
const CLI_N = Number(process.env.BENCH_SWEEP_CLI ?? 10);
const ROWS = (process.env.BENCH_SWEEP_ROWS ?? 'loop-inline,loop-pool,cli,local-2x0,local-1x2,local-1x0,queue-2,queue-1').split(',');
const cli = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'latent-laws-bench-sweep-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const files = [];
for (let i = 0; i < N; i++) {
  const data = plantedRotation(1e4, 16, 1000 + i);
  const K = data.offsets.length - 1;
  const file = join(dir, 'inputs', `run-${i % 4}`, `ckpt-${i}.npy`);
  mkdirSync(join(dir, 'inputs', `run-${i % 4}`), { recursive: true });
  writeFileSync(file, writeNpy(data.states, [K, data.states.length / (K * 16), 16]));
  files.push(file);
}

/** CPU ms used so far by this process and by the children it has waited for (null off Linux). */
function cpuMs() {
  const own = process.cpuUsage();
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    const ticks = Number(fields[13]) + Number(fields[14]); // cutime + cstime, in 1/100 s
    return (own.user + own.system) / 1000 + ticks * 10;
  } catch {
    return null;
  }
}

const results = [];
let cpuAtStart = null;
function measure() {
  cpuAtStart = cpuMs();
  return Date.now();
}
function report(row, inputs, started, note = '') {
  const ms = Date.now() - started;
  const cpu = cpuAtStart === null ? null : (cpuMs() - cpuAtStart) / inputs;
  const perJob = ms / inputs;
  results.push({ row, perJob, cpu });
  const cpuText = cpu === null ? '' : `\t${cpu.toFixed(0)} CPU ms/input`;
  console.log(`${row.padEnd(12)}\t${inputs} inputs\t${(ms / 1000).toFixed(1)} s\t${(60_000 / perJob).toFixed(1)} fits/min\t${perJob.toFixed(0)} ms/input${cpuText}${note ? `\t${note}` : ''}`);
}

async function loop(workers) {
  const pool = workers > 0 ? createFitPool(workers) : undefined;
  try {
    for (const f of files) await fit(loadDataset(f), { workers, pool });
  } finally {
    await pool?.close();
  }
}

function run(args, options = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', ...options });
  if (r.status !== 0) throw new Error(`latent-laws ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}


function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function queueRow(workers, index) {
  const port = await freePort();
  const redis = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 500));
  const url = `redis://127.0.0.1:${port}`;
  const procs = Array.from({ length: workers }, () => spawn(process.execPath, [cli, 'worker', '--queue', url, '--jobs', '1'], { stdio: 'ignore' }));
  try {
    // Started workers first load the engine, as long-running workers have.
    await new Promise((r) => setTimeout(r, 3000));
    const started = measure();
    run(['sweep', join(dir, 'inputs', '*', '*.npy'), '--out', join(dir, `out-${index}-queue-${workers}`), '--queue', url, '--json']);
    // The workers' CPU counts once they have exited and been waited for.
    await Promise.all([...procs, redis].map((p) => new Promise((r) => (p.once('exit', r), p.kill('SIGKILL')))));
    return started;
  } finally {
    for (const p of [...procs, redis]) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  }
}

console.log(`sweep benchmark: ${N} inputs of 1e4 × 16 (planted rotation), ${process.version}, ${(await import('node:os')).availableParallelism()} cores`);
for (const [index, row] of ROWS.entries()) {
  if (row === 'loop-inline' || row === 'loop-pool') {
    const started = measure();
    await loop(row === 'loop-pool' ? 2 : 0);
    report(row, N, started, row === 'loop-pool' ? 'library fit() in one process, one createFitPool(2)' : 'library fit() in one process, workers 0');
  } else if (row === 'cli') {
    const subset = files.slice(0, CLI_N);
    const started = measure();
    for (const f of subset) run(['fit', f, '--json', '--workers', '0']);
    report(row, subset.length, started, 'one `latent-laws fit --json --workers 0` process per input');
  } else if (row.startsWith('local-')) {
    const [jobs, workers] = row.slice(6).split('x');
    const started = measure();
    run(['sweep', join(dir, 'inputs', '*', '*.npy'), '--out', join(dir, `out-${index}-${row}`), '--jobs', jobs, '--workers', workers, '--json']);
    report(row, N, started, `latent-laws sweep --jobs ${jobs} --workers ${workers} (whole command)`);
  } else if (row.startsWith('queue-')) {
    const k = Number(row.slice(6));
    if (spawnSync('redis-server', ['--version']).status !== 0) console.log(`${row}\tskipped: redis-server is not installed`);
    else report(row, N, await queueRow(k, index), `latent-laws sweep --queue with ${k} worker process${k === 1 ? '' : 'es'} (--jobs 1), each started 3 s before`);
  }
}
const base = results.find((r) => r.row === 'loop-inline');
if (base) {
  for (const r of results.filter((x) => x.row === 'local-1x0' || x.row === 'queue-1' || x.row === 'cli')) {
    const cpu = r.cpu === null || base.cpu === null ? '' : `, ${(r.cpu - base.cpu).toFixed(0)} CPU ms`;
    console.log(`overhead per job, ${r.row} against loop-inline: ${(r.perJob - base.perJob).toFixed(0)} ms wall${cpu}`);
  }
}
