/**
 * The moment-sum kernels of gram.ts run as WebAssembly SIMD (gram.wat): two transitions per
 * instruction and 3 × 3 tiles of sums in registers, about three times the scalar kernels' rate. The
 * columns asked for are copied into the module's memory (a copy per column is small beside the
 * products per pair of columns), and the sums added into the caller's matrix.
 */
import { GRAM_WASM } from './gram-wasm.js';

interface GramExports {
  memory: WebAssembly.Memory;
  gram: (m: number, base: number, stride: number, n: number, out: number) => void;
  cross: (ma: number, baseA: number, mb: number, baseB: number, stride: number, n: number, out: number) => void;
}

const roundUp3 = (m: number) => Math.ceil(m / 3) * 3;

/** The kernels on one module instance (one per thread: its memory is scratch space). */
export class SimdGram {
  readonly #exports: GramExports;
  #f64: Float64Array;

  constructor(exports: GramExports) {
    this.#exports = exports;
    this.#f64 = new Float64Array(exports.memory.buffer);
  }

  /** out[i·outStride + j] += Σ_c A[offs[i] + c] · A[offs[j] + c] for i ≤ j (see gram.ts). */
  addGramUpper(A: Float64Array, offs: Int32Array, count: number, out: Float64Array, outStride: number): void {
    const m = offs.length;
    if (m === 0 || count === 0) return;
    const [m3, rows] = [roundUp3(m), count + (count & 1)];
    const outAt = m3 * rows;
    this.#reserve(outAt + m3 * m3);
    this.#load(A, offs, count, 0, rows, m3);
    this.#exports.gram(m3, 0, rows * 8, rows * 8, outAt * 8);
    const f = this.#f64;
    for (let i = 0; i < m; i++) for (let j = i; j < m; j++) out[i * outStride + j] += f[outAt + i * m3 + j];
  }

  /** out[i·outStride + j] += Σ_c A[offsA[i] + c] · B[offsB[j] + c] for every i, j (see gram.ts). */
  addCross(A: Float64Array, offsA: Int32Array, B: Float64Array, offsB: Int32Array, count: number, out: Float64Array, outStride: number): void {
    const [ma, mb] = [offsA.length, offsB.length];
    if (ma === 0 || mb === 0 || count === 0) return;
    const [ma3, mb3, rows] = [roundUp3(ma), roundUp3(mb), count + (count & 1)];
    const [bAt, outAt] = [ma3 * rows, (ma3 + mb3) * rows];
    this.#reserve(outAt + ma3 * mb3);
    this.#load(A, offsA, count, 0, rows, ma3);
    this.#load(B, offsB, count, bAt, rows, mb3);
    this.#exports.cross(ma3, 0, mb3, bAt * 8, rows * 8, rows * 8, outAt * 8);
    const f = this.#f64;
    for (let i = 0; i < ma; i++) for (let j = 0; j < mb; j++) out[i * outStride + j] += f[outAt + i * mb3 + j];
  }

  /** Columns into memory from float64 index `at`, `rows` apart; a padding row and padding columns are zero. */
  #load(src: Float64Array, offs: Int32Array, count: number, at: number, rows: number, padded: number): void {
    const f = this.#f64;
    for (let i = 0; i < offs.length; i++) {
      const start = at + i * rows;
      f.set(src.subarray(offs[i], offs[i] + count), start);
      if (rows > count) f[start + count] = 0;
    }
    f.fill(0, at + offs.length * rows, at + padded * rows);
  }

  #reserve(float64s: number): void {
    const memory = this.#exports.memory;
    const missing = float64s * 8 - memory.buffer.byteLength;
    if (missing > 0) memory.grow(Math.ceil(missing / 65536));
    if (this.#f64.buffer !== memory.buffer) this.#f64 = new Float64Array(memory.buffer);
  }
}

let shared: SimdGram | null | undefined;

/** This thread's SIMD kernels, or null where WebAssembly SIMD is not available. */
export function simdGram(): SimdGram | null {
  if (shared === undefined) {
    try {
      const module = new WebAssembly.Module(Buffer.from(GRAM_WASM, 'base64'));
      shared = new SimdGram(new WebAssembly.Instance(module).exports as unknown as GramExports);
    } catch {
      shared = null;
    }
  }
  return shared;
}
