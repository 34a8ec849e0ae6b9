// How much two threads can gain on this machine, whatever latent-laws does: the same work run by one
// worker thread, then twice the work by two at once. A speed-up of 2 means two independent cores.
// The engine's own blocked Gram kernel (kernels/gram.ts) is the inner loop of its moment sums.
// Usage: npm run build && node benchmarks/threads.mjs
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { addGramUpper } from '../dist/src/engine/kernels/gram.js';

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
