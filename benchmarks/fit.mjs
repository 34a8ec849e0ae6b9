// Speed and memory of `fit`: one process per configuration (clean peak RSS), table on stdout.
// Usage: npm run bench:fit   (BENCH_N=1e4,1e5 BENCH_D=8,16 BENCH_WORKERS=1,2 to narrow it down)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const list = (name, fallback) => (process.env[name] ?? fallback).split(',').map(Number);
const Ns = list('BENCH_N', '1e4,1e5,1e6');
const Ds = list('BENCH_D', '8,16,64');
const Ws = list('BENCH_WORKERS', '1,2');
const one = fileURLToPath(new URL('./fit-one.mjs', import.meta.url));

const rows = [];
console.log('N\td\tworkers\tmoments ms (transitions/s)\tsubspaces ms\tscreening ms (candidates/s)\tfinalists ms (finalists)\texact ms\twall ms\tCPU ms\tpeak RSS MB\tdata MB\tRSS/data\tbest law');
for (const N of Ns) {
  for (const d of Ds) {
    for (const w of Ws) {
      const r = spawnSync(process.execPath, ['--max-old-space-size=16384', one, String(N), String(d), String(w)], { encoding: 'utf8' });
      if (r.status !== 0) {
        console.log(`${N}\t${d}\t${w}\tfailed: ${r.stderr.trim().split('\n').pop()}`);
        continue;
      }
      const x = JSON.parse(r.stdout.trim().split('\n').pop());
      rows.push(x);
      const t = x.timings;
      console.log([
        x.N, d, w,
        `${t.moments} (${(x.N / (t.moments / 1000)).toExponential(2)})`,
        t.subspaces,
        `${t.screening} (${Math.round(x.candidates / (t.screening / 1000))})`,
        `${t.finalists} (${x.finalists})`,
        t.evaluating, x.wallMs, x.cpuMs, x.peakRssMB, x.dataMB, (x.peakRssMB / x.dataMB).toFixed(2), x.best,
      ].join('\t'));
    }
  }
}
// Parallel speed-up of the stages that run on the pool (moments, screening, finalists, exact pass).
const parallel = (x) => x.timings.moments + x.timings.screening + x.timings.finalists + x.timings.evaluating;
for (const x2 of rows.filter((x) => x.workers === 2)) {
  const x1 = rows.find((x) => x.workers === 1 && x.N === x2.N && x.d === x2.d);
  if (x1) console.log(`speed-up of parallel stages N=${x2.N} d=${x2.d}: ${(parallel(x1) / parallel(x2)).toFixed(2)}x`);
}
