// The moment kernels' rate: multiply-adds per second of the Gram kernel, WebAssembly SIMD against the
// scalar JavaScript fallback, on one block of 256 transitions repeated, for d = 16 and d = 256
// ([z; 1] has d + 1 columns). Usage: npm run build && node benchmarks/gram-kernels.mjs
import { addGramUpperScalar } from '../dist/src/engine/kernels/gram.js';
import { simdGram } from '../dist/src/engine/kernels/gram-simd.js';

const simd = simdGram();
if (!simd) throw new Error('WebAssembly SIMD is not available on this Node');
const BLOCK = 256;
for (const [m, rows] of [[17, 1e6], [257, 2e4]]) {
  const A = Float64Array.from({ length: m * BLOCK }, (_, i) => Math.sin(i * 0.37));
  const offs = Int32Array.from({ length: m }, (_, i) => i * BLOCK);
  const out = new Float64Array(m * m);
  const rate = (kernel) => {
    kernel(A, offs, BLOCK, out, m); // warm up
    const t0 = performance.now();
    for (let b = 0; b < rows / BLOCK; b++) kernel(A, offs, BLOCK, out, m);
    return ((m * (m + 1)) / 2) * rows / ((performance.now() - t0) / 1000) / 1e9;
  };
  const best = (kernel) => Math.max(rate(kernel), rate(kernel), rate(kernel));
  const scalar = best(addGramUpperScalar);
  const wasm = best(simd.addGramUpper.bind(simd));
  console.log(`${m} columns: SIMD ${wasm.toFixed(2)} GMAC/s, scalar ${scalar.toFixed(2)} GMAC/s, ${(wasm / scalar).toFixed(1)}x`);
}
