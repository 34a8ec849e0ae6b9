// One benchmark configuration in its own process (so peak RSS is this configuration's alone).
// Usage: node benchmarks/fit-one.mjs N d workers [new|warm] [rotation|decay|polynomial|noisy|noise] [floor]
//   → prints one JSON line.
//   rotation: a planted rotation among noise dimensions (planted-rotation.mjs, the default);
//   decay: decay plus noise, a data set with no law (planted-decay.mjs);
//   polynomial: one Euler step of Lorenz beside noise coordinates (planted-polynomial.mjs);
//   noisy: a damped oscillator read with 20% measurement noise (planted-noisy.mjs);
//   noise: white noise, no law (planted-noise.mjs).
//   floor: also time one Gram pass over [z; 1; z'] after the fit (gram-floor.mjs), the ratio's floor.
//   BENCH_SAVE=FILE in the environment also saves the data as a .npy file [K, T, d], for timing the
//   command line on it (fit.mjs does).
//   new:  the fit starts its worker threads, as `latent-laws fit` does (default);
//   warm: the threads have already run one fit, of other data (a second rotation, N/10 transitions),
//         as a pool kept across fits does (`createFitPool`): V8 has compiled the engine in them.
// CPU is split by thread from /proc: the main thread, the worker threads, and the rest of the
// process (V8's background compiler and garbage-collector helpers, libuv).
// V8's tier-up budget is raised, and its heap growth step set from d = 512 on, as the command line does
// (tuneCompiler, engine/runtime/jit.ts; tuneHeap, engine/runtime/heap.ts); V8_DEFAULTS=1 in the
// environment keeps V8's own settings, to measure what they change.
import { createFitPool, fit, tuneCompiler, tuneHeap } from 'latent-laws';
import { plantedDecay } from './planted-decay.mjs';
import { plantedNoisy } from './planted-noisy.mjs';
import { plantedNoise } from './planted-noise.mjs';
import { gramFloorMs } from './gram-floor.mjs';
import { plantedPolynomial } from './planted-polynomial.mjs';
import { plantedRotation } from './planted-rotation.mjs';
import { cpuSplit, threadCpu } from './thread-cpu.mjs';
import { writeFileSync } from 'node:fs';
import { writeNpy } from '../dist/src/data/npy.js';

if (process.env.V8_DEFAULTS !== '1') tuneCompiler();
const [N, d, workers] = process.argv.slice(2, 5).map(Number);
const poolState = process.argv[5] ?? 'new';
if (poolState !== 'new' && poolState !== 'warm') throw new Error(`pool state must be new or warm, got ${poolState}`);
const kind = process.argv[6] ?? 'rotation';
const generators = { rotation: plantedRotation, decay: plantedDecay, polynomial: plantedPolynomial, noisy: plantedNoisy, noise: plantedNoise };
if (!(kind in generators)) throw new Error(`data must be one of ${Object.keys(generators).join(', ')}, got ${kind}`);

const data = generators[kind](N, d, 12345);
const dataBytes = data.states.byteLength;
if (process.env.BENCH_SAVE) writeFileSync(process.env.BENCH_SAVE, writeNpy(data.states, [data.offsets.length - 1, data.offsets[1] - data.offsets[0], d]));
if (process.env.V8_DEFAULTS !== '1') tuneHeap(d);
const before = threadCpu(); // main thread, V8's platform threads, libuv: everything but the workers
const pool = createFitPool(workers);
if (poolState === 'warm') await fit(plantedRotation(Math.max(1000, Math.round(N / 10)), d, 777), { pool, seed: 2 });
const rssBefore = process.memoryUsage().rss;
const start = threadCpu();
const t0 = performance.now();
const result = await fit(data, { pool, seed: 1 });
const wall = performance.now() - t0;
const end = threadCpu();
await pool.close();
const cpu = cpuSplit(before, start, end);
const floorMs = process.argv[7] === 'floor' ? Math.round(gramFloorMs(data)) : null;
const top = result.laws[0];
console.log(JSON.stringify({
  N: result.provenance.nTransitions, d, workers, pool: poolState, wallMs: Math.round(wall), cpuMs: Math.round(cpu.main + cpu.workers + cpu.background), cpuByThread: cpu, timings: result.provenance.timings,
  candidates: result.provenance.candidatesScreened, finalists: result.provenance.finalists, finalistsOnSample: result.provenance.finalistsOnSample,
  dataMB: +(dataBytes / 2 ** 20).toFixed(1), rssBeforeMB: +(rssBefore / 2 ** 20).toFixed(1), peakRssMB: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
  best: top ? `${top.family} ${top.parameters.find((p) => p.name === 'theta')?.exact ?? ''}` : 'none',
  laws: result.laws.map((l) => l.id),
  summaries: result.laws.map((l) => l.summary),
  topParameters: top ? Object.fromEntries(top.parameters.map((p) => [p.name, p.exactValue ?? p.value])) : null,
  topNoise: top?.metrics.noise ?? null,
  floorMs,
}));
