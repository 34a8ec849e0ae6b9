// Speed and memory of `fit`: one process per configuration (clean peak RSS), table on stdout.
// Usage: npm run bench:fit
//   (BENCH_N=1e4,1e5 BENCH_D=8,16 BENCH_WORKERS=1,2 BENCH_POOL=new,warm to narrow it down;
//   BENCH_NOLAW, BENCH_POLY, BENCH_NOISY, BENCH_HIGH, BENCH_WHOLE = 0 to leave out the rows below the table)
// pool "new": the fit starts its worker threads (as `latent-laws fit` does); "warm": they have run
// one fit before (a pool kept across fits, see fit-one.mjs).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freshMemoryLine } from './fresh-memory.mjs';
import { NOISY_TRUTH } from './planted-noisy.mjs';

const list = (name, fallback, parse = Number) => (process.env[name] ?? fallback).split(',').map(parse);
const Ns = list('BENCH_N', '1e4,1e5,1e6');
const Ds = list('BENCH_D', '8,16,64');
const Ws = list('BENCH_WORKERS', '1,2');
const Ps = list('BENCH_POOL', 'new,warm', String);
const one = fileURLToPath(new URL('./fit-one.mjs', import.meta.url));

const rows = [];
console.log('N\td\tpool\tworkers\tmoments ms (transitions/s)\tsubspaces ms\tscreening ms (candidates/s)\tfinalists ms (finalists, on sample)\texact ms\twall ms\tCPU ms: main + workers + V8 background\tpeak RSS MB\tdata MB\tRSS/data\tbest law');
for (const N of Ns) {
  for (const d of Ds) {
    for (const p of Ps) {
      for (const w of Ws) {
        const r = spawnSync(process.execPath, ['--max-old-space-size=16384', one, String(N), String(d), String(w), p], { encoding: 'utf8' });
        if (r.status !== 0) {
          console.log(`${N}\t${d}\t${p}\t${w}\tfailed: ${r.stderr.trim().split('\n').pop()}`);
          continue;
        }
        const x = JSON.parse(r.stdout.trim().split('\n').pop());
        rows.push(x);
        const t = x.timings;
        const c = x.cpuByThread;
        console.log([
          x.N, d, p, w,
          `${t.moments} (${(x.N / (t.moments / 1000)).toExponential(2)})`,
          t.subspaces,
          `${t.screening} (${Math.round(x.candidates / (t.screening / 1000))})`,
          `${t.finalists} (${x.finalists}, ${x.finalistsOnSample})`,
          t.evaluating, x.wallMs, `${x.cpuMs} = ${c.main} + ${c.workers} + ${c.background}`, x.peakRssMB, x.dataMB, (x.peakRssMB / x.dataMB).toFixed(2), x.best,
        ].join('\t'));
      }
    }
  }
}
// A data set with no law (decay plus noise): the count of laws reported should be 0.
if (process.env.BENCH_NOLAW !== '0') {
  const r = spawnSync(process.execPath, [one, '1e5', '16', '2', 'new', 'decay'], { encoding: 'utf8' });
  if (r.status !== 0) console.log(`no-law row failed: ${r.stderr.trim().split('\n').pop()}`);
  else {
    const x = JSON.parse(r.stdout.trim().split('\n').pop());
    console.log(`no law (decay + noise) N=${x.N} d=16 2 workers: ${x.wallMs} ms, ${x.laws.length} laws reported${x.laws.length ? `: ${x.laws.join(', ')}` : ''}`);
  }
}

// A 3-D polynomial map (one Euler step of Lorenz) beside 5 noise coordinates at N = 1e6: time, peak
// memory and the law found.
if (process.env.BENCH_POLY !== '0') {
  const r = spawnSync(process.execPath, ['--max-old-space-size=16384', one, '1e6', '8', '2', 'new', 'polynomial'], { encoding: 'utf8' });
  if (r.status !== 0) console.log(`polynomial row failed: ${r.stderr.trim().split('\n').pop()}`);
  else {
    const x = JSON.parse(r.stdout.trim().split('\n').pop());
    console.log(`3-D polynomial map (Lorenz Euler step) N=${x.N} d=8 2 workers: ${x.wallMs} ms, peak RSS ${x.peakRssMB} MB, timings ${JSON.stringify(x.timings)}; top law: ${x.laws[0] ?? 'none'}: ${x.summaries[0] ?? ''}`);
  }
}

// Laws through measurement noise at N = 1e6, d = 16: time, and the errors of the fitted ρ and θ.
if (process.env.BENCH_NOISY !== '0') {
  const r = spawnSync(process.execPath, ['--max-old-space-size=16384', one, '1e6', '16', '2', 'new', 'noisy'], { encoding: 'utf8' });
  if (r.status !== 0) console.log(`measurement-noise row failed: ${r.stderr.trim().split('\n').pop()}`);
  else {
    const x = JSON.parse(r.stdout.trim().split('\n').pop());
    const p = x.topParameters ?? {};
    const rho = p.rho ?? (p.theta !== undefined ? 1 : NaN);
    const err = (got, want) => `${(100 * Math.abs(got - want) / want).toFixed(3)}%`;
    console.log(`damped oscillator, 20% measurement noise, N=${x.N} d=16 2 workers: ${x.wallMs} ms, peak RSS ${x.peakRssMB} MB; top law ${x.laws[0] ?? 'none'}: ρ error ${err(rho, NOISY_TRUTH.rho)}, θ error ${err(Math.abs(p.theta), NOISY_TRUTH.theta)}, measurement noise stated ${x.topNoise ? (100 * x.topNoise.measurementShare).toFixed(1) + '%' : 'none'}`);
  }
}

// Many dimensions: a planted rotation among noise dimensions at d = 256 (N = 1e5) and d = 1024
// (N = 1e4), and white noise at d = 256 with 396 transitions; each against one Gram pass over
// [z; 1; z'] timed in the same process (the floor: the one pass over the data the search needs).
if (process.env.BENCH_HIGH !== '0') {
  // Whole-process figures pay this for every page they touch first (see fresh-memory.mjs).
  console.log(freshMemoryLine());
  for (const [N, d, kind] of [[1e5, 256, 'rotation'], [1e4, 1024, 'rotation'], [396, 256, 'noise']]) {
    const file = join(tmpdir(), `latent-laws-bench-${process.pid}-${d}-${N}.npy`);
    const r = spawnSync(process.execPath, ['--max-old-space-size=16384', one, String(N), String(d), '2', 'new', kind, 'floor'], { encoding: 'utf8', env: { ...process.env, BENCH_SAVE: file } });
    if (r.status !== 0) {
      console.log(`d=${d} N=${N} ${kind} row failed: ${r.stderr.trim().split('\n').pop()}`);
      continue;
    }
    const x = JSON.parse(r.stdout.trim().split('\n').pop());
    const cli = wholeProcess(file);
    rmSync(file, { force: true });
    console.log(`d=${d} N=${x.N} ${kind}, 2 workers: ${x.wallMs} ms (floor ${x.floorMs} ms, ${(x.wallMs / x.floorMs).toFixed(1)}x), peak RSS ${x.peakRssMB} MB (${(x.peakRssMB / x.dataMB).toFixed(1)}x the data), timings ${JSON.stringify(x.timings)}; laws: ${x.laws.length ? x.summaries[0] : 'none'}; whole process (latent-laws fit FILE --json): ${cli}`);
  }
}

/**
 * `latent-laws fit FILE --json` as a user runs it, timed from outside: wall seconds, peak RSS (each
 * process's own, read as it exits: a large input is fitted in a child process with huge pages, which
 * prints its own) and its first law.
 */
function wholeProcess(file) {
  const cli = fileURLToPath(new URL('../dist/src/cli/main.js', import.meta.url));
  const peak = 'data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss "+process.resourceUsage().maxRSS+"\\n"))';
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', peak, cli, 'fit', file, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) return `failed: ${r.stderr.trim().split('\n').pop()}`;
  const rss = Math.max(...[...r.stderr.matchAll(/maxrss (\d+)/g)].map((m) => Number(m[1]))) / 1024;
  const law = JSON.parse(r.stdout).laws[0];
  return `${seconds.toFixed(2)} s, peak RSS ${rss.toFixed(0)} MB; ${law ? law.summary : 'no law'}`;
}

// The command line end to end on 10^6 x 16 (the rows above time the fit inside its process).
if (process.env.BENCH_WHOLE !== '0') {
  const file = join(tmpdir(), `latent-laws-bench-${process.pid}-16-1e6.npy`);
  const r = spawnSync(process.execPath, ['--max-old-space-size=16384', one, '1e6', '16', '2', 'new', 'rotation'], { encoding: 'utf8', env: { ...process.env, BENCH_SAVE: file } });
  if (r.status !== 0) console.log(`whole-process row failed: ${r.stderr.trim().split('\n').pop()}`);
  else console.log(`d=16 N=1e6 rotation, whole process (latent-laws fit FILE --json): ${wholeProcess(file)}`);
  rmSync(file, { force: true });
}

// Parallel speed-up of the stages that run on the pool (moments, screening, finalists, exact pass).
// The bound beside it: the 1-worker wall time over the 2-worker run's CPU time spread over 2 cores,
// which no schedule can beat on a 2-core machine.
const parallel = (x) => x.timings.moments + x.timings.screening + x.timings.finalists + x.timings.evaluating;
for (const x2 of rows.filter((x) => x.workers === 2)) {
  const x1 = rows.find((x) => x.workers === 1 && x.N === x2.N && x.d === x2.d && x.pool === x2.pool);
  if (x1) console.log(`speed-up of parallel stages N=${x2.N} d=${x2.d} pool=${x2.pool}: ${(parallel(x1) / parallel(x2)).toFixed(2)}x (whole fit ${(x1.wallMs / x2.wallMs).toFixed(2)}x; at most ${(x1.wallMs / (x2.cpuMs / 2)).toFixed(2)}x with this CPU on 2 cores)`);
}
