// Load speed and peak memory of every input format, against .npy: one latent set of 10^6 states × 16
// float32 coordinates (1000 trajectories × 1000 steps) written once per format into a temporary
// folder, then each file loaded in a fresh process (load-one.mjs). Table on stdout.
// Usage: npm run bench:load   (BENCH_LOAD_K=100 for a tenth of the states; BENCH_LOAD_FORMATS=npy,h5 to narrow it down)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import h5wasm from 'h5wasm/node';
import { parquetWriteFile } from 'hyparquet-writer';
import { mulberry32 } from 'latent-laws';

const K = Number(process.env.BENCH_LOAD_K ?? 1000);
const T = 1000;
const d = 16;
const formats = (process.env.BENCH_LOAD_FORMATS ?? 'npy,safetensors,h5,h5-gzip,parquet,csv').split(',');
const one = fileURLToPath(new URL('./load-one.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'latent-laws-bench-load-'));

/** Standard normal float32 values from the library's seeded generator (Box–Muller). */
function latents() {
  const random = mulberry32(12345);
  const out = new Float32Array(K * T * d);
  for (let i = 0; i < out.length; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - random()));
    const a = 2 * Math.PI * random();
    out[i] = r * Math.cos(a);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(a);
  }
  return out;
}

function npy(values, file) {
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${K}, ${T}, ${d}), }`;
  const header = dict.padEnd(64 * Math.ceil((dict.length + 11) / 64) - 11, ' ') + '\n';
  const head = Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]), Buffer.from(new Uint16Array([header.length]).buffer), Buffer.from(header, 'latin1')]);
  writeFileSync(file, Buffer.concat([head, Buffer.from(values.buffer)]));
}

function safetensors(values, file) {
  let json = JSON.stringify({ __metadata__: { format: 'pt' }, latents: { dtype: 'F32', shape: [K, T, d], data_offsets: [0, values.byteLength] } });
  json = json.padEnd(8 * Math.ceil(json.length / 8), ' ');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  writeFileSync(file, Buffer.concat([length, Buffer.from(json), Buffer.from(values.buffer)]));
}

async function hdf5(values, file, gzip) {
  await h5wasm.ready;
  const f = new h5wasm.File(file, 'w');
  const options = gzip ? { chunks: [1, T, d], compression: 'gzip', compression_opts: 4 } : {};
  f.create_dataset({ name: 'latents', data: values, shape: [K, T, d], dtype: '<f', ...options });
  f.close();
}

function parquet(values, file) {
  const n = K * T;
  const columns = Array.from({ length: d }, (_, j) => {
    const z = new Float32Array(n);
    for (let i = 0; i < n; i++) z[i] = values[i * d + j];
    return { name: `z${j}`, data: z, type: 'FLOAT' };
  });
  const traj = Int32Array.from({ length: n }, (_, i) => Math.floor(i / T));
  const t = Int32Array.from({ length: n }, (_, i) => i % T);
  parquetWriteFile({ filename: file, columnData: [{ name: 'traj', data: traj, type: 'INT32' }, { name: 't', data: t, type: 'INT32' }, ...columns], rowGroupSize: 100_000 });
}

function csv(values, file) {
  const lines = ['traj,t,' + Array.from({ length: d }, (_, j) => `z${j}`).join(',')];
  for (let i = 0; i < K * T; i++) lines.push(`${Math.floor(i / T)},${i % T},${Array.from(values.subarray(i * d, i * d + d)).join(',')}`);
  writeFileSync(file, lines.join('\n') + '\n');
}

const writers = {
  npy: ['latents.npy', npy], safetensors: ['latents.safetensors', safetensors], h5: ['latents.h5', (v, f) => hdf5(v, f, false)],
  'h5-gzip': ['latents-gzip.h5', (v, f) => hdf5(v, f, true)], parquet: ['latents.parquet', parquet], csv: ['latents.csv', csv],
};

try {
  const values = latents();
  console.log(`${K * T} states × ${d} float32 (${K} trajectories × ${T} steps), data set in memory ${(K * T * d * 8 / 2 ** 20).toFixed(0)} MB as float64`);
  console.log('format\tfile MB\twrite s\tload ms\tload vs .npy\tpeak RSS MB\tRSS before load MB\tpeak − before MB\t(peak − before) / data');
  let npyMs;
  for (const format of formats) {
    const [name, write] = writers[format];
    const file = join(dir, name);
    const started = performance.now();
    await write(values, file);
    const writeS = ((performance.now() - started) / 1000).toFixed(1);
    const r = spawnSync(process.execPath, ['--max-old-space-size=16384', one, file], { encoding: 'utf8' });
    if (r.status !== 0) {
      console.log(`${format}\tfailed: ${r.stderr.trim().split('\n').pop()}`);
      continue;
    }
    const x = JSON.parse(r.stdout.trim().split('\n').pop());
    npyMs ??= format === 'npy' ? x.loadMs : undefined;
    const ratio = npyMs ? `${(x.loadMs / npyMs).toFixed(1)}×` : '';
    const grown = x.peakRssMB - x.rssBeforeMB;
    console.log([format, (statSync(file).size / 2 ** 20).toFixed(0), writeS, x.loadMs, ratio, x.peakRssMB, x.rssBeforeMB, grown, (grown / x.dataMB).toFixed(2)].join('\t'));
    rmSync(file);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
