/**
 * A law's residuals on streamed blocks, column by column over a whole block (`lawResiduals`): the exact
 * pass, passes over selected transitions, and the group pass (which shares the gathered columns among
 * its members) all compute them there, so they give the same values.
 */
import { BLOCK, type Block } from './stream.js';

/** Residual of one law on streamed blocks: |u' − W φ(u)| for maps, |Σ c (φ(u') − φ(u))| / scale for invariants. */
export class BlockResidual {
  private readonly cols: Int32Array;
  private readonly W: Float64Array;
  private readonly m: number;
  /** Scratch columns (BLOCK entries each): predictions, and u' (maps) or Δφ (invariants). */
  private readonly pred: Float64Array;
  private readonly gathered: Float64Array;
  private readonly identity: Int32Array;

  constructor(
    private readonly role: 'map' | 'invariant',
    private readonly k: number,
    /** Columns of the stream's features that the law's features are. */
    cols: number[],
    /** Coefficients: k × m for maps, 1 × m for invariants. */
    W: number[][],
    private readonly scale = 1,
  ) {
    this.cols = Int32Array.from(cols);
    this.m = cols.length;
    this.W = Float64Array.from(W.flat());
    this.pred = new Float64Array(Math.max(W.length, 1) * BLOCK);
    this.gathered = new Float64Array((role === 'map' ? k : this.m) * BLOCK);
    this.identity = Int32Array.from({ length: this.m }, (_, j) => j);
  }

  /**
   * r[i] = the residual of entry i, for every entry of the block: each prediction's terms added in order
   * of the features, from 0, so a value is the same whichever pass computes it.
   */
  block(b: Block, r: Float64Array): void {
    const { cols, W, m, k, gathered } = this;
    const count = b.count;
    const cap = BLOCK;
    if (this.role === 'map') {
      for (let q = 0; q < k; q++) for (let c = 0; c < count; c++) gathered[q * cap + c] = b.X[b.vRow[c] * k + q];
      lawResiduals(r, this.pred, true, b.Phi, b.stride, count, cols, W, m, gathered, 1); // first states are rows 0 … count−1
      return;
    }
    for (let j = 0; j < m; j++) {
      const src = cols[j] * b.stride;
      const o = j * cap;
      for (let c = 0; c < count; c++) gathered[o + c] = b.Phi[src + b.vRow[c]] - b.Phi[src + c];
    }
    lawResiduals(r, this.pred, false, gathered, cap, count, this.identity, W, m, gathered, this.scale);
  }
}

/**
 * r[c] = a law's residual for entries 0 … count−1 of a block, from gathered columns (column j of `F` at
 * `cols[j] * stride`). A map predicts u' from its feature columns `F` with its k × m coefficients `W`,
 * row q of the prediction at q * BLOCK of `pred`, and compares with u' (row q of `V` at q * BLOCK). An
 * invariant sums its Δφ columns `F` with its coefficients, over `scale` (`V` unused). The exact pass,
 * passes over selected transitions and the group pass all compute residuals here, so they agree.
 */
export function lawResiduals(r: Float64Array, pred: Float64Array, isMap: boolean, F: Float64Array, stride: number, count: number, cols: Int32Array, W: Float64Array, m: number, V: Float64Array, scale: number): void {
  if (isMap) {
    const rows = W.length / m;
    for (let q = 0; q < rows; q++) {
      pred.fill(0, q * BLOCK, q * BLOCK + count);
      predictInto(pred, F, stride, count, cols, W, q * m, m, q * BLOCK);
    }
    mapResiduals(r, V, pred, BLOCK, count, rows);
    return;
  }
  pred.fill(0, 0, count);
  predictInto(pred, F, stride, count, cols, W, 0, m);
  for (let c = 0; c < count; c++) r[c] = Math.abs(pred[c]) / scale;
}

/**
 * r[c] = |u'_c − pred_c| over the map's rows (pred row q at q * cap), one sweep, the squares summed
 * from 0 in order of q.
 */
function mapResiduals(r: Float64Array, VX: Float64Array, pred: Float64Array, cap: number, count: number, rows: number): void {
  if (rows === 2) {
    for (let c = 0; c < count; c++) {
      const e0 = VX[c] - pred[c];
      const e1 = VX[cap + c] - pred[cap + c];
      r[c] = Math.sqrt(e0 * e0 + e1 * e1);
    }
    return;
  }
  for (let c = 0; c < count; c++) {
    let s2 = 0;
    for (let q = 0; q < rows; q++) {
      const e = VX[q * cap + c] - pred[q * cap + c];
      s2 += e * e;
    }
    r[c] = Math.sqrt(s2);
  }
}

/**
 * pred[p0 + c] += Σ_j W[w0 + j] · A[cols[j] * cap + c], adding the terms in order of j (so each sum is the
 * plain running sum from its first value), up to four columns per sweep so pred is loaded and stored once per sweep.
 */
export function predictInto(pred: Float64Array, A: Float64Array, cap: number, count: number, cols: Int32Array, W: Float64Array, w0: number, m: number, p0 = 0): void {
  let j = 0;
  for (; j + 3 < m; j += 4) {
    const [a0, a1, a2, a3] = [cols[j] * cap, cols[j + 1] * cap, cols[j + 2] * cap, cols[j + 3] * cap];
    const [x0, x1, x2, x3] = [W[w0 + j], W[w0 + j + 1], W[w0 + j + 2], W[w0 + j + 3]];
    for (let c = 0; c < count; c++) {
      let p = pred[p0 + c];
      p += x0 * A[a0 + c];
      p += x1 * A[a1 + c];
      p += x2 * A[a2 + c];
      p += x3 * A[a3 + c];
      pred[p0 + c] = p;
    }
  }
  // The last one to three terms in one sweep as well (linear maps on planes have two).
  const rest = m - j;
  if (rest === 3) {
    const [a0, a1, a2] = [cols[j] * cap, cols[j + 1] * cap, cols[j + 2] * cap];
    const [x0, x1, x2] = [W[w0 + j], W[w0 + j + 1], W[w0 + j + 2]];
    for (let c = 0; c < count; c++) {
      let p = pred[p0 + c];
      p += x0 * A[a0 + c];
      p += x1 * A[a1 + c];
      p += x2 * A[a2 + c];
      pred[p0 + c] = p;
    }
  } else if (rest === 2) {
    const [a0, a1] = [cols[j] * cap, cols[j + 1] * cap];
    const [x0, x1] = [W[w0 + j], W[w0 + j + 1]];
    for (let c = 0; c < count; c++) {
      let p = pred[p0 + c];
      p += x0 * A[a0 + c];
      p += x1 * A[a1 + c];
      pred[p0 + c] = p;
    }
  } else if (rest === 1) {
    const a0 = cols[j] * cap;
    const x0 = W[w0 + j];
    for (let c = 0; c < count; c++) pred[p0 + c] += x0 * A[a0 + c];
  }
}
