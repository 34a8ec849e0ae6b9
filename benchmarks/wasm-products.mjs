#!/usr/bin/env node
// The wasm backend's matrix products at a dense layer's shapes (the pendulum video's first layer:
// a batch of B samples of 5202 values into 256 units), with transposed operands as tfjs's backward pass
// asks for them, before and after `useFastWasmProducts`. Prints one line per product: ms and GFLOP/s.
// Usage: npm run build && node benchmarks/wasm-products.mjs [B=400] [inputs=5202] [units=256]
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { useFastWasmProducts } from '../dist/src/anneal/wasm-matmul.js';

const [B, D, H] = [400, 5202, 256].map((fallback, i) => Number(process.argv[2 + i] ?? fallback));
await tf.setBackend('wasm');
await tf.ready();
const x = tf.randomNormal([B, D], 0, 1, 'float32', 1), W = tf.randomNormal([D, H], 0, 1, 'float32', 2);
const dy = tf.randomNormal([B, H], 0, 1, 'float32', 3);
const products = {
  'forward x·W': () => tf.matMul(x, W),
  "weights' gradient xᵀ·dy": () => tf.matMul(x, dy, true, false),
  'input gradient dy·Wᵀ': () => tf.matMul(dy, W, false, true),
};
function measure(label, product, reps = 5) {
  product().dispose();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) {
    const r = product();
    r.dataSync();
    r.dispose();
  }
  const ms = (performance.now() - t0) / reps;
  console.log(`${label.padEnd(44)} ${ms.toFixed(1).padStart(7)} ms ${((2 * B * D * H) / ms / 1e6).toFixed(2).padStart(6)} GFLOP/s`);
}
for (const [name, product] of Object.entries(products)) measure(`tfjs kernel: ${name}`, product);
useFastWasmProducts();
for (const [name, product] of Object.entries(products)) measure(`transposed first: ${name}`, product);
