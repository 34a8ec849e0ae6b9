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
    this.#f64 = reserve(this.#exports, this.#f64, float64s);
  }
}

/** A view of the instance's memory grown to hold `float64s` values (`view` itself when it already does). */
function reserve(exports: GramExports, view: Float64Array, float64s: number): Float64Array {
  const memory = exports.memory;
  const missing = float64s * 8 - memory.buffer.byteLength;
  if (missing > 0) memory.grow(Math.ceil(missing / 65536));
  return view.buffer === memory.buffer ? view : new Float64Array(memory.buffer);
}

let gramModule: WebAssembly.Module | undefined;

/** A fresh instance of the kernels' module (compiled once per thread), or null without WebAssembly SIMD. */
function instantiateGram(): GramExports | null {
  try {
    gramModule ??= new WebAssembly.Module(Buffer.from(GRAM_WASM, 'base64'));
    return new WebAssembly.Instance(gramModule).exports as unknown as GramExports;
  } catch {
    return null;
  }
}

/**
 * Fixed d × d matrices kept in a module instance of their own (the shared one's memory is scratch that
 * every kernel call overwrites), each multiplied by a few rows at a time: the refinement's B·C for
 * every step of its line search, where copying C in per product would cost as much as the product.
 * One instance per thread, loaded afresh by each {@link ResidentRows.load}: a refinement holds it from
 * one load to the next (WebAssembly memory, once grown, is not given back, so it is grown only once).
 */
export class ResidentRows {
  static #instance: ResidentRows | null | undefined;
  readonly #exports: GramExports;
  #f64: Float64Array;
  #d = 0;
  #rows = 0;
  #mb3 = 0;
  #freeAt = 0;
  #maxRows = 0;

  private constructor(exports: GramExports) {
    this.#exports = exports;
    this.#f64 = new Float64Array(exports.memory.buffer);
  }

  /**
   * This thread's instance holding row-major d × d matrices (their rows), for products with up to
   * `maxRows` rows; null without WebAssembly SIMD. The matrices loaded before are gone.
   */
  static load(matrices: Float64Array[], d: number, maxRows: number): ResidentRows | null {
    if (ResidentRows.#instance === undefined) {
      const exports = instantiateGram();
      ResidentRows.#instance = exports && new ResidentRows(exports);
    }
    const instance = ResidentRows.#instance;
    if (instance) instance.#fill(matrices, d, maxRows);
    return instance;
  }

  #fill(matrices: Float64Array[], d: number, maxRows: number): void {
    [this.#d, this.#rows, this.#mb3, this.#maxRows] = [d, d + (d & 1), roundUp3(d), maxRows];
    this.#freeAt = matrices.length * this.#mb3 * this.#rows;
    const ma3 = roundUp3(maxRows);
    const total = this.#freeAt + ma3 * this.#rows + ma3 * this.#mb3;
    this.#f64 = reserve(this.#exports, this.#f64, total);
    // Padding (an odd d's last entry of each row, the rows up to a multiple of 3) must be zero.
    this.#f64.fill(0, 0, total);
    matrices.forEach((M, index) => {
      const at = index * this.#mb3 * this.#rows;
      for (let j = 0; j < d; j++) this.#f64.set(M.subarray(j * d, j * d + d), at + j * this.#rows);
    });
  }

  /** out[i][j] = Σ_c B[i][c] · M[j][c] for the matrix M at `index` (B·Mᵀ), B of at most maxRows rows. */
  timesTransposed(index: number, B: number[][]): number[][] {
    const [d, rows, mb3] = [this.#d, this.#rows, this.#mb3];
    if (B.length > this.#maxRows) throw new Error(`resident product: ${B.length} rows, room for ${this.#maxRows}`);
    const ma3 = roundUp3(B.length);
    const f = this.#f64;
    const bAt = this.#freeAt;
    const outAt = bAt + ma3 * rows;
    B.forEach((row, i) => {
      for (let c = 0; c < d; c++) f[bAt + i * rows + c] = row[c];
    });
    f.fill(0, bAt + B.length * rows, bAt + ma3 * rows);
    this.#exports.cross(ma3, bAt * 8, mb3, index * mb3 * rows * 8, rows * 8, rows * 8, outAt * 8);
    return B.map((_, i) => Array.from(f.subarray(outAt + i * mb3, outAt + i * mb3 + d)));
  }
}

let shared: SimdGram | null | undefined;

/** This thread's SIMD kernels, or null where WebAssembly SIMD is not available. */
export function simdGram(): SimdGram | null {
  if (shared === undefined) {
    const exports = instantiateGram();
    shared = exports && new SimdGram(exports);
  }
  return shared;
}
