// How much two threads can gain on this machine, whatever latent-laws does: the same work run by one
// worker thread, then twice the work by two at once. A speed-up of 2 means two independent cores.
// The Gram kernel below is the engine's blocked one (src/engine/kernels/gram.ts, the inner loop of its
// moment sums) written out here: the question is what the machine gives two threads, so the script
// times the loop itself rather than tie a public entry of the package to an engine internal.
// Usage: node benchmarks/threads.mjs
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

/** out[i·outStride + j] += Σ_c A[offs[i] + c] · A[offs[j] + c] for i ≤ j, in 2 × 2 tiles. */
function addGramUpper(A, offs, count, out, outStride) {
  const m = offs.length;
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const a0 = offs[i], a1 = offs[i + 1];
    let s00 = 0, s01 = 0, s11 = 0;
    for (let c = 0; c < count; c++) {
      const x0 = A[a0 + c], x1 = A[a1 + c];
      s00 += x0 * x0;
      s01 += x0 * x1;
      s11 += x1 * x1;
    }
    out[i * outStride + i] += s00;
    out[i * outStride + i + 1] += s01;
    out[(i + 1) * outStride + i + 1] += s11;
    crossRows(A, a0, a1, offs, i + 2, count, out, i * outStride, (i + 1) * outStride);
  }
  if (i < m) {
    let s = 0;
    for (let c = 0; c < count; c++) s += A[offs[i] + c] * A[offs[i] + c];
    out[i * outStride + i] += s;
  }
}

/** Rows r0 and r1 of the products of columns a0, a1 with the columns from `from` on, in 2 × 2 tiles. */
function crossRows(A, a0, a1, offs, from, count, out, r0, r1) {
  let j = from;
  for (; j + 1 < offs.length; j += 2) {
    const b0 = offs[j], b1 = offs[j + 1];
    let s00 = 0, s01 = 0, s10 = 0, s11 = 0;
    for (let c = 0; c < count; c++) {
      const x0 = A[a0 + c], x1 = A[a1 + c], y0 = A[b0 + c], y1 = A[b1 + c];
      s00 += x0 * y0;
      s01 += x0 * y1;
      s10 += x1 * y0;
      s11 += x1 * y1;
    }
    out[r0 + j] += s00;
    out[r0 + j + 1] += s01;
    out[r1 + j] += s10;
    out[r1 + j + 1] += s11;
  }
  if (j < offs.length) {
    let s0 = 0, s1 = 0;
    for (let c = 0; c < count; c++) {
      const y = A[offs[j] + c];
      s0 += A[a0 + c] * y;
      s1 += A[a1 + c] * y;
    }
    out[r0 + j] += s0;
    out[r1 + j] += s1;
  }
}

const KERNELS = {
  // One dependent chain of multiply-adds: bound by latency, leaves execution units idle.
  'dependent chain': (reps) => {
    let s = 0;
    for (let i = 0; i < reps * 1e6; i++) s = s * 0.9999999 + 1e-9;
    return s;
  },
  // The engine's Gram kernel on a block of 10 feature columns held in cache.
  'Gram kernel, block in cache': (reps) => {
    const cap = 1024;
    const A = Float64Array.from({ length: 10 * cap }, (_, i) => Math.sin(i));
    const offs = Int32Array.from({ length: 10 }, (_, j) => j * cap);
    const out = new Float64Array(100);
    for (let r = 0; r < reps * 100; r++) addGramUpper(A, offs, cap, out, 10);
    return out[0];
  },
  // The same kernel over 64 MB of columns: every block comes from memory.
  'Gram kernel, from memory': (reps) => {
    const cap = 1 << 20;
    const A = Float64Array.from({ length: 8 * cap }, (_, i) => (i % 7) - 3);
    const offs = Int32Array.from({ length: 8 }, (_, j) => j * cap);
    const out = new Float64Array(64);
    for (let r = 0; r < reps; r++) addGramUpper(A, offs, cap, out, 8);
    return out[0];
  },
};

if (!isMainThread) {
  // Start together: each thread checks in, then waits until all have (timings then overlap fully).
  const gate = new Int32Array(workerData.gate);
  Atomics.add(gate, 0, 1);
  while (Atomics.load(gate, 0) < workerData.threads) Atomics.wait(gate, 0, Atomics.load(gate, 0), 5);
  const t = performance.now();
  KERNELS[workerData.kernel](workerData.reps);
  parentPort.postMessage(performance.now() - t);
} else {
  const runThreads = (kernel, reps, threads) => {
    const gate = new SharedArrayBuffer(4);
    return Promise.all(Array.from({ length: threads }, () => new Promise((resolve, reject) => new Worker(new URL(import.meta.url), { workerData: { kernel, reps, threads, gate } }).on('message', resolve).on('error', reject))));
  };
  const reps = { 'dependent chain': 300, 'Gram kernel, block in cache': 600, 'Gram kernel, from memory': 20 };
  console.log('kernel\t1 thread: ms\t2 threads, the same work each at once: ms (slower thread)\tspeed-up (2 x work / time)');
  for (const kernel of Object.keys(KERNELS)) {
    const one = Math.max(...(await runThreads(kernel, reps[kernel], 1)));
    const two = Math.max(...(await runThreads(kernel, reps[kernel], 2)));
    console.log(`${kernel}\t${one.toFixed(0)}\t${two.toFixed(0)}\t${((2 * one) / two).toFixed(2)}x`);
  }
}
