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
    this.#f64.fill(0, outAt, outAt + m3 * m3);
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
    this.#f64.fill(0, outAt, outAt + ma3 * mb3);
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

let resident: GramExports | null | undefined;

/**
 * A d × d matrix to keep: its rows (`transposed`: the matrix they transpose), read straight into the
 * instance; the refinement loads four per step, and flattened copies of 8 MB each at d = 1024 were
 * most of its garbage.
 */
export interface ResidentMatrix {
  rows: number[][];
  transposed?: boolean;
}

/**
 * The module instance that {@link ResidentRows} and {@link ResidentBlock} share. Each fills it afresh
 * when taken and no computation holds both at once, and WebAssembly memory once grown is not given
 * back: shared, a thread keeps the larger of the two (40 MB at d = 1024) rather than their sum.
 */
function residentExports(): GramExports | null {
  if (resident === undefined) resident = instantiateGram();
  return resident;
}

/**
 * Fixed d × d matrices kept in a module instance apart from the scratch one (whose memory every kernel
 * call overwrites), each multiplied by a few rows at a time: the refinement's B·C for every step of
 * its line search, where copying C in per product would cost as much as the product. Loaded afresh by
 * each {@link ResidentRows.load}: a refinement holds it from one load to the next.
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
   * This thread's instance holding d × d matrices (their rows), for products with up to `maxRows`
   * rows; null without WebAssembly SIMD. The matrices loaded before are gone.
   */
  static load(matrices: ResidentMatrix[], d: number, maxRows: number): ResidentRows | null {
    if (ResidentRows.#instance === undefined) {
      const exports = residentExports();
      ResidentRows.#instance = exports && new ResidentRows(exports);
    }
    const instance = ResidentRows.#instance;
    if (instance) instance.#fill(matrices, d, maxRows);
    return instance;
  }

  #fill(matrices: ResidentMatrix[], d: number, maxRows: number): void {
    [this.#d, this.#rows, this.#mb3, this.#maxRows] = [d, d + (d & 1), roundUp3(d), maxRows];
    this.#freeAt = matrices.length * this.#mb3 * this.#rows;
    const ma3 = roundUp3(maxRows);
    const total = this.#freeAt + ma3 * this.#rows + ma3 * this.#mb3;
    this.#f64 = reserve(this.#exports, this.#f64, total);
    // Padding (an odd d's last entry of each row, the rows up to a multiple of 3) must be zero.
    this.#f64.fill(0, 0, total);
    matrices.forEach((M, index) => {
      const at = index * this.#mb3 * this.#rows;
      const f = this.#f64;
      if (!M.transposed) for (let j = 0; j < d; j++) f.set(M.rows[j], at + j * this.#rows);
      else for (let c = 0; c < d; c++) for (let j = 0, row = M.rows[c]; j < d; j++) f[at + j * this.#rows + c] = row[j];
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
    f.fill(0, outAt, outAt + ma3 * mb3);
    this.#exports.cross(ma3, bAt * 8, mb3, index * mb3 * rows * 8, rows * 8, rows * 8, outAt * 8);
    return B.map((_, i) => Array.from(f.subarray(outAt + i * mb3, outAt + i * mb3 + d)));
  }
}

/** A product over a {@link ResidentBlock}'s rows (block-products.ts says which). */
export interface BlockProduct {
  a: number;
  ma: number;
  b?: number;
  mb?: number;
  shift?: 0 | 1;
}

/**
 * A block of columns and running totals of products over it, in a module instance apart from the
 * scratch one: the caller fills the block in place and each block adds to the totals there, with no
 * copy in or out (the moment pass copied 2.5 MB per block at d = 256 before). Handed to one pass at a
 * time: {@link ResidentBlock.create} clears what the previous user left.
 */
export class ResidentBlock {
  readonly columns: Float64Array;
  readonly stride: number;
  readonly #exports: GramExports;
  readonly #products: BlockProduct[];
  readonly #widths: [number, number][];
  readonly #at: number[];
  readonly #f64: Float64Array;
  readonly #saved: Float64Array;

  /** A block of `columnCount` columns of up to `rows` rows (even), and the totals of `products`; null without SIMD. */
  static create(columnCount: number, rows: number, products: BlockProduct[]): ResidentBlock | null {
    const exports = residentExports();
    return exports && new ResidentBlock(exports, columnCount, rows, products);
  }

  private constructor(exports: GramExports, columnCount: number, rows: number, products: BlockProduct[]) {
    // Two zero rows past the block (the kernels take rows two at a time, a shifted product one row
    // on) and three zero columns past it (they take columns three at a time).
    this.stride = rows + 2;
    this.#exports = exports;
    this.#products = products;
    this.#widths = products.map((p) => [roundUp3(p.ma), roundUp3(p.mb ?? p.ma)]);
    let end = (columnCount + 3) * this.stride;
    this.#at = this.#widths.map(([ma3, mb3]) => (end += ma3 * mb3) - ma3 * mb3);
    this.#f64 = reserve(exports, new Float64Array(exports.memory.buffer), end);
    this.#f64.fill(0, 0, end);
    this.columns = this.#f64.subarray(0, columnCount * this.stride);
    this.#saved = new Float64Array(columnCount);
  }

  /** Add the products over the block's first `count` rows to the totals. */
  add(count: number): void {
    const [f, stride, columnCount] = [this.#f64, this.stride, this.#saved.length];
    // The kernels read row `count` as padding: zero it for the call, then put back what the caller left
    // there (a constant column stays filled).
    const padded = count < stride - 2;
    if (padded)
      for (let j = 0; j < columnCount; j++) {
        this.#saved[j] = f[j * stride + count];
        f[j * stride + count] = 0;
      }
    this.#products.forEach((p, i) => {
      const n = count - (p.shift ?? 0);
      if (n <= 0) return;
      const [ma3, mb3] = this.#widths[i];
      const [bytes, rowBytes, out] = [(n + (n & 1)) * 8, stride * 8, this.#at[i] * 8];
      if (p.b === undefined) this.#exports.gram(ma3, p.a * rowBytes, rowBytes, bytes, out);
      else this.#exports.cross(ma3, p.a * rowBytes, mb3, p.b * rowBytes + (p.shift ?? 0) * 8, rowBytes, bytes, out);
    });
    if (padded) for (let j = 0; j < columnCount; j++) f[j * stride + count] = this.#saved[j];
  }

  /** The totals of product `index`, entry (i, j) at values[i · rowStride + j] (a live view). */
  sums(index: number): { values: Float64Array; rowStride: number } {
    const [ma3, mb3] = this.#widths[index];
    return { values: this.#f64.subarray(this.#at[index], this.#at[index] + ma3 * mb3), rowStride: mb3 };
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
