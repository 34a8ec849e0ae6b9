// One benchmark configuration in its own process (so peak RSS is this configuration's alone).
// Usage: node benchmarks/fit-one.mjs N d workers  → prints one JSON line.
import { fit } from '../dist/src/engine/fit.js';
import { mulberry32 } from '../dist/src/engine/sample.js';
import { randomOrthogonal } from '../dist/src/planted.js';

const [N, d, workers] = process.argv.slice(2).map(Number);
// A rotation by π/7 in a random plane among d−2 noise dimensions, noise 1e-3, 1% outlier jumps;
// generated directly into one Float64Array (K trajectories of T states).
const T = 100;
const K = Math.ceil(N / (T - 1));
const rand = mulberry32(12345);
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
const offsets = Array.from({ length: K + 1 }, (_, k) => k * T);
const dataBytes = states.byteLength;
const rssBefore = process.memoryUsage().rss;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const result = await fit({ dim: d, states, offsets, source: `bench(N=${N},d=${d})` }, { workers, seed: 1 });
const wall = performance.now() - t0;
// CPU of the whole process (main thread and workers) during fit: on a shared machine wall time
// varies with the other load, CPU time much less.
const cpu = process.cpuUsage(cpu0);
const top = result.laws[0];
console.log(JSON.stringify({
  N: result.provenance.nTransitions, d, workers, wallMs: Math.round(wall), cpuMs: Math.round((cpu.user + cpu.system) / 1000), timings: result.provenance.timings,
  candidates: result.provenance.candidatesScreened, finalists: result.provenance.finalists,
  dataMB: +(dataBytes / 2 ** 20).toFixed(1), rssBeforeMB: +(rssBefore / 2 ** 20).toFixed(1), peakRssMB: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
  best: top ? `${top.family} ${top.parameters.find((p) => p.name === 'theta')?.exact ?? ''}` : 'none',
}));
