/**
 * Blocked dot-product kernels for the moment sums (Σ_c a_c b_c over a block of transitions, for many
 * pairs of columns at once). Columns live in one Float64Array at given offsets, each `count` long.
 * Entries are computed two by two: each loaded value feeds two products, so the loops do about half
 * the loads of one dot product at a time, and each sum is one running total in transition order.
 */

import { simdGram } from './gram-simd.js';

const simd = simdGram();

/**
 * out[i * outStride + j] += Σ_c A[offs[i] + c] · A[offs[j] + c] for i ≤ j (the upper triangle of
 * the Gram matrix of the columns). WebAssembly SIMD where available (gram-simd.ts), else scalar.
 */
export function addGramUpper(A: Float64Array, offs: Int32Array, count: number, out: Float64Array, outStride: number): void {
  if (simd) simd.addGramUpper(A, offs, count, out, outStride);
  else addGramUpperScalar(A, offs, count, out, outStride);
}

/** out[i * outStride + j] += Σ_c A[offsA[i] + c] · B[offsB[j] + c] for every i, j (SIMD where available). */
export function addCross(A: Float64Array, offsA: Int32Array, B: Float64Array, offsB: Int32Array, count: number, out: Float64Array, outStride: number): void {
  if (simd) simd.addCross(A, offsA, B, offsB, count, out, outStride);
  else addCrossScalar(A, offsA, B, offsB, count, out, outStride);
}

/** {@link addGramUpper} in plain JavaScript. */
export function addGramUpperScalar(A: Float64Array, offs: Int32Array, count: number, out: Float64Array, outStride: number): void {
  const m = offs.length;
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const a0 = offs[i];
    const a1 = offs[i + 1];
    // Diagonal tile: (i,i), (i,i+1), (i+1,i+1).
    let s00 = 0;
    let s01 = 0;
    let s11 = 0;
    for (let c = 0; c < count; c++) {
      const x0 = A[a0 + c];
      const x1 = A[a1 + c];
      s00 += x0 * x0;
      s01 += x0 * x1;
      s11 += x1 * x1;
    }
    out[i * outStride + i] += s00;
    out[i * outStride + i + 1] += s01;
    out[(i + 1) * outStride + i + 1] += s11;
    // The rest of rows i and i + 1 right of the diagonal tile.
    crossRows(A, a0, a1, A, offs, i + 2, count, out, i * outStride, (i + 1) * outStride);
  }
  if (i < m) {
    const a0 = offs[i];
    let s = 0;
    for (let c = 0; c < count; c++) s += A[a0 + c] * A[a0 + c];
    out[i * outStride + i] += s;
  }
}

/** {@link addCross} in plain JavaScript. */
export function addCrossScalar(A: Float64Array, offsA: Int32Array, B: Float64Array, offsB: Int32Array, count: number, out: Float64Array, outStride: number): void {
  const ma = offsA.length;
  let i = 0;
  for (; i + 1 < ma; i += 2) crossRows(A, offsA[i], offsA[i + 1], B, offsB, 0, count, out, i * outStride, (i + 1) * outStride);
  if (i < ma) {
    const a0 = offsA[i];
    for (let j = 0; j < offsB.length; j++) {
      const b0 = offsB[j];
      let s = 0;
      for (let c = 0; c < count; c++) s += A[a0 + c] * B[b0 + c];
      out[i * outStride + j] += s;
    }
  }
}

/**
 * Two rows of products: out[r0 + j] += Σ_c A[a0 + c] · B[offsB[j] + c] and out[r1 + j] likewise for
 * a1, for columns j from `from` on, in 2 × 2 tiles (and a last 2 × 1 when one column is left).
 */
function crossRows(A: Float64Array, a0: number, a1: number, B: Float64Array, offsB: Int32Array, from: number, count: number, out: Float64Array, r0: number, r1: number): void {
  const mb = offsB.length;
  let j = from;
  for (; j + 1 < mb; j += 2) {
    const b0 = offsB[j];
    const b1 = offsB[j + 1];
    let s00 = 0;
    let s01 = 0;
    let s10 = 0;
    let s11 = 0;
    for (let c = 0; c < count; c++) {
      const x0 = A[a0 + c];
      const x1 = A[a1 + c];
      const y0 = B[b0 + c];
      const y1 = B[b1 + c];
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
  if (j < mb) {
    const b0 = offsB[j];
    let s0 = 0;
    let s1 = 0;
    for (let c = 0; c < count; c++) {
      const y = B[b0 + c];
      s0 += A[a0 + c] * y;
      s1 += A[a1 + c] * y;
    }
    out[r0 + j] += s0;
    out[r1 + j] += s1;
  }
}
