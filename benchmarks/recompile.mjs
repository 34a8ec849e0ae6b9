// How much CPU V8's optimising compiler takes fit after fit on one pool: successive fits of
// different data sets (the same planted rotation, another seed each) on one pool kept across fits,
// each with its wall time and its CPU split by thread. On a 2-core machine the background column is
// what competes with a second worker (see the README, Benchmarks). Run it again with
// `node --no-concurrent-recompilation benchmarks/recompile.mjs …`: the background CPU then all but
// vanishes (the compiler runs inside the threads instead), which shows what that column is.
// Usage: npm run build && node benchmarks/recompile.mjs [N=1e6] [d=16] [workers=1] [fits=5]
import { createFitPool, fit } from 'latent-laws';
import { plantedRotation } from './planted-rotation.mjs';
import { cpuSplit, threadCpu } from './thread-cpu.mjs';

const [N, d, workers, fits] = [1e6, 16, 1, 5].map((fallback, i) => Number(process.argv[2 + i] ?? fallback));
const before = threadCpu();
const pool = createFitPool(workers);
console.log('fit\twall ms\tCPU ms: main + workers + V8 background\tbest law');
for (let i = 0; i < fits; i++) {
  const data = plantedRotation(N, d, 1000 + i); // one data set in memory at a time, made before the fit's CPU is read
  const start = threadCpu();
  const t0 = performance.now();
  const result = await fit(data, { pool, seed: 1 });
  const wall = performance.now() - t0;
  const cpu = cpuSplit(before, start, threadCpu());
  const top = result.laws[0];
  const best = top ? `${top.family} ${top.parameters.find((p) => p.name === 'theta')?.exact ?? ''}` : 'none';
  console.log(`${i + 1}\t${Math.round(wall)}\t${Math.round(cpu.main + cpu.workers + cpu.background)} = ${Math.round(cpu.main)} + ${Math.round(cpu.workers)} + ${Math.round(cpu.background)}\t${best}`);
}
await pool.close();
