/**
 * Sums of products over a block of columns that is refilled block after block (the moment pass):
 * the Gram matrix of one range of columns, or the products of two ranges, summed over the block's
 * rows and added to running totals. With WebAssembly SIMD the block and the totals live in the
 * module's memory, so a block costs its products and nothing else (gram-simd.ts); else the scalar
 * kernels of gram.ts.
 */
import { addCrossScalar, addGramUpperScalar } from './gram.js';
import { ResidentBlock, type BlockProduct } from './gram-simd.js';

/**
 * One product over the block: columns `a`…`a + ma − 1` with themselves (upper triangle) when `b` is
 * absent, else with `b`…`b + mb − 1` taken `shift` rows later (row r of the first range with row
 * r + shift of the second, over the block's first count − shift rows).
 */
export type { BlockProduct };

/** Running totals of a product: entry (i, j) at `values[i · rowStride + j]`. */
export interface ProductSums {
  values: Float64Array;
  rowStride: number;
}

/** The block and its running totals. */
export interface BlockProducts {
  /** The block: column j's row r at `columns[j · stride + r]`. */
  readonly columns: Float64Array;
  readonly stride: number;
  /** Add the products over the block's first `count` rows to the totals. */
  add(count: number): void;
  /** The totals of product `index` (a live view: later blocks add to it). */
  sums(index: number): ProductSums;
}

/** A block of `columnCount` columns of up to `rows` rows (even), and the totals of `products`. */
export function blockProducts(columnCount: number, rows: number, products: BlockProduct[]): BlockProducts {
  return ResidentBlock.create(columnCount, rows, products) ?? scalarBlockProducts(columnCount, rows, products);
}

/** {@link blockProducts} with the scalar kernels whether or not SIMD is there (the fallback, and for tests). */
export function scalarBlockProducts(columnCount: number, rows: number, products: BlockProduct[]): BlockProducts {
  return new ScalarBlock(columnCount, rows, products);
}

/** {@link BlockProducts} in plain JavaScript. */
class ScalarBlock implements BlockProducts {
  readonly columns: Float64Array;
  readonly stride: number;
  readonly #products: BlockProduct[];
  readonly #totals: Float64Array[];
  readonly #offsets: [Int32Array, Int32Array | null][];

  constructor(columnCount: number, rows: number, products: BlockProduct[]) {
    this.stride = rows;
    this.columns = new Float64Array(columnCount * rows);
    this.#products = products;
    this.#totals = products.map((p) => new Float64Array(p.ma * (p.mb ?? p.ma)));
    const range = (from: number, count: number, shift: number) => Int32Array.from({ length: count }, (_, i) => (from + i) * rows + shift);
    this.#offsets = products.map((p) => [range(p.a, p.ma, 0), p.b === undefined ? null : range(p.b, p.mb!, p.shift ?? 0)]);
  }

  add(count: number): void {
    this.#products.forEach((p, i) => {
      const [offsA, offsB] = this.#offsets[i];
      const n = count - (p.shift ?? 0);
      if (n <= 0) return;
      if (offsB) addCrossScalar(this.columns, offsA, this.columns, offsB, n, this.#totals[i], p.mb!);
      else addGramUpperScalar(this.columns, offsA, n, this.#totals[i], p.ma);
    });
  }

  sums(index: number): ProductSums {
    const p = this.#products[index];
    return { values: this.#totals[index], rowStride: p.mb ?? p.ma };
  }
}
