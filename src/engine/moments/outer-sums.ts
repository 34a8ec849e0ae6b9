/**
 * Sums of outer products of vectors that come one at a time and rarely (once per trajectory end in the
 * moment pass), gathered into column blocks so that the products run on the blocked kernels. One at a
 * time in plain JavaScript, the (2d + 1)² products per trajectory end cost the moment pass at d = 256
 * with 1000 trajectories about 0.8 s of a thread's 4.1.
 */
import { addCross, addGramUpper } from '../kernels/gram.js';

/** Vectors gathered per block. */
const ROWS = 64;

/** Σ x xᵀ (upper triangle, m × m row-major) over the vectors `add`ed, and Σ x. */
export class GramSum {
  readonly sum: Float64Array;
  readonly gram: Float64Array;
  readonly #columns: Float64Array;
  readonly #offsets: Int32Array;
  #count = 0;

  constructor(readonly m: number) {
    this.sum = new Float64Array(m);
    this.gram = new Float64Array(m * m);
    this.#columns = new Float64Array(m * ROWS);
    this.#offsets = Int32Array.from({ length: m }, (_, j) => j * ROWS);
  }

  /** Add one vector (its first m entries). */
  add(x: ArrayLike<number>): void {
    for (let j = 0; j < this.m; j++) {
      this.#columns[j * ROWS + this.#count] = x[j];
      this.sum[j] += x[j];
    }
    if (++this.#count === ROWS) this.flush();
  }

  /** Take the gathered vectors into the sums (call once more after the last `add`). */
  flush(): void {
    if (this.#count > 0) addGramUpper(this.#columns, this.#offsets, this.#count, this.gram, this.m);
    this.#count = 0;
  }
}

/** Σ x yᵀ (mx × my row-major) over the pairs `add`ed. */
export class CrossSum {
  readonly cross: Float64Array;
  readonly #x: Float64Array;
  readonly #y: Float64Array;
  readonly #xOffsets: Int32Array;
  readonly #yOffsets: Int32Array;
  #count = 0;

  constructor(readonly mx: number, readonly my: number) {
    this.cross = new Float64Array(mx * my);
    this.#x = new Float64Array(mx * ROWS);
    this.#y = new Float64Array(my * ROWS);
    this.#xOffsets = Int32Array.from({ length: mx }, (_, j) => j * ROWS);
    this.#yOffsets = Int32Array.from({ length: my }, (_, j) => j * ROWS);
  }

  /** Add one pair (the first mx entries of x, my of y). */
  add(x: ArrayLike<number>, y: ArrayLike<number>): void {
    for (let j = 0; j < this.mx; j++) this.#x[j * ROWS + this.#count] = x[j];
    for (let j = 0; j < this.my; j++) this.#y[j * ROWS + this.#count] = y[j];
    if (++this.#count === ROWS) this.flush();
  }

  /** Take the gathered pairs into the sums (call once more after the last `add`). */
  flush(): void {
    if (this.#count > 0) addCross(this.#x, this.#xOffsets, this.#y, this.#yOffsets, this.#count, this.cross, this.my);
    this.#count = 0;
  }
}
