// One benchmark configuration in its own process (so peak RSS is this configuration's alone).
// Usage: node benchmarks/fit-one.mjs N d workers [new|warm]  → prints one JSON line.
//   new:  the fit starts its worker threads, as `latent-laws fit` does (default);
//   warm: the threads have already run one fit, of other data (a second rotation, N/10 transitions),
//         as a pool kept across fits does (`createFitPool`): V8 has compiled the engine in them.
// CPU is split by thread from /proc: the main thread, the worker threads, and the rest of the
// process (V8's background compiler and garbage-collector helpers, libuv).
import { readdirSync, readFileSync } from 'node:fs';
import { fit } from '../dist/src/engine/fit.js';
import { createFitPool } from '../dist/src/engine/pool.js';
import { mulberry32 } from '../dist/src/engine/sample.js';
import { randomOrthogonal } from '../dist/src/planted.js';

const [N, d, workers] = process.argv.slice(2, 5).map(Number);
const poolState = process.argv[5] ?? 'new';
if (poolState !== 'new' && poolState !== 'warm') throw new Error(`pool state must be new or warm, got ${poolState}`);

// A rotation by π/7 in a random plane among d−2 noise dimensions, noise 1e-3, 1% outlier jumps;
// generated directly into one Float64Array (K trajectories of T states).
function planted(N, seed) {
  const T = 100;
  const K = Math.ceil(N / (T - 1));
  const rand = mulberry32(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-300))) * Math.cos(2 * Math.PI * rand());
  const Q = randomOrthogonal(d, rand);
  const states = new Float64Array(new SharedArrayBuffer(K * T * d * 8)); // as loadDataset returns it
  const x = new Float64Array(d);
  const c = Math.cos(Math.PI / 7), s = Math.sin(Math.PI / 7);
  for (let k = 0; k < K; k++) {
    let a = gauss(), b = gauss();
    for (let t = 0; t < T; t++) {
      x[0] = a; x[1] = b;
      for (let i = 2; i < d; i++) x[i] = gauss();
      const row = (k * T + t) * d;
      for (let j = 0; j < d; j++) {
        let z = 0;
        for (let i = 0; i < d; i++) z += Q[i][j] * x[i];
        states[row + j] = z + 1e-3 * gauss();
      }
      if (rand() < 0.01) { a = gauss(); b = gauss(); } else { const a2 = c * a - s * b; b = s * a + c * b; a = a2; }
    }
  }
  return { dim: d, states, offsets: Array.from({ length: K + 1 }, (_, k) => k * T), source: `bench(N=${N},d=${d},seed=${seed})` };
}

/** CPU milliseconds of every thread of this process, by thread id. */
function threadCpu() {
  const out = new Map();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), ((Number(f[11]) + Number(f[12])) * 1000) / 100); // utime + stime, in USER_HZ = 100
    } catch {} // the thread ended meanwhile
  }
  return out;
}

const data = planted(N, 12345);
const dataBytes = data.states.byteLength;
const before = threadCpu(); // main thread, V8's platform threads, libuv: everything but the workers
const pool = createFitPool(workers);
if (poolState === 'warm') await fit(planted(Math.max(1000, Math.round(N / 10)), 777), { pool, seed: 2 });
const rssBefore = process.memoryUsage().rss;
const start = threadCpu();
const t0 = performance.now();
const result = await fit(data, { pool, seed: 1 });
const wall = performance.now() - t0;
const end = threadCpu();
await pool.close();
const cpu = { main: 0, workers: 0, background: 0 };
for (const [tid, ms] of end) {
  const used = ms - (start.get(tid) ?? 0);
  if (tid === process.pid) cpu.main += used;
  else if (before.has(tid)) cpu.background += used;
  else cpu.workers += used;
}
const top = result.laws[0];
console.log(JSON.stringify({
  N: result.provenance.nTransitions, d, workers, pool: poolState, wallMs: Math.round(wall), cpuMs: Math.round(cpu.main + cpu.workers + cpu.background), cpuByThread: cpu, timings: result.provenance.timings,
  candidates: result.provenance.candidatesScreened, finalists: result.provenance.finalists, finalistsOnSample: result.provenance.finalistsOnSample,
  dataMB: +(dataBytes / 2 ** 20).toFixed(1), rssBeforeMB: +(rssBefore / 2 ** 20).toFixed(1), peakRssMB: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
  best: top ? `${top.family} ${top.parameters.find((p) => p.name === 'theta')?.exact ?? ''}` : 'none',
}));
