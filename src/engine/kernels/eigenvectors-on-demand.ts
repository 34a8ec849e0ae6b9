/**
 * Eigenvectors one at a time, for the few eigenvalues a search keeps: inverse iteration on the upper
 * Hessenberg form (n² work per vector: one Gaussian elimination with pivoting between adjacent rows),
 * then the Hessenberg reduction's reflections (also n²). The full eigenvector matrix costs n³ on top of
 * the eigenvalues, most of the decomposition at d = 1024, while the eigen-subspaces use at most a few.
 */
import { applyReflections } from './hessenberg.js';

/**
 * Inverse-iteration steps at most. The shift is an eigenvalue to rounding, so one or two steps settle
 * a vector; eigenvalues in a tight cluster (nearly defective blocks) take a few more.
 */
const MAX_STEPS = 8;

/**
 * Largest ‖(H − μI) v‖∞ accepted, as a share of ‖H‖_F (v scaled to largest entry 1). A settled vector
 * leaves rounding, about 1e-16 of it; a mixture of clustered eigenvectors leaves far more.
 */
const ACCEPTED_RESIDUAL = 1e-10;

/** Room for the eliminated rows of one vector's solves (16 MB at n = 1024): pass one to many calls. */
export interface EliminationScratch {
  re: Float64Array;
  im: Float64Array;
}

/** Scratch for {@link eigenvectorOf} at size n. */
export function eliminationScratch(n: number): EliminationScratch {
  return { re: new Float64Array(n * n), im: new Float64Array(n * n) };
}

/**
 * The eigenvector x + iy of the eigenvalue re + i·im of A = V H Vᵀ, from `hessenberg` (row-major, entries
 * below the subdiagonal ignored: they hold the reflections) and the reflections' `ort`. `scratch` (from
 * {@link eliminationScratch}) may be shared by the calls for one matrix: every entry is written before
 * it is read, so results do not depend on what it held.
 */
export function eigenvectorOf(hessenberg: Float64Array, ort: Float64Array, n: number, re: number, im: number, scratch = eliminationScratch(n)): { x: Float64Array; y: Float64Array } {
  let squares = 0;
  for (let i = 0; i < n; i++) for (let j = Math.max(i - 1, 0); j < n; j++) squares += hessenberg[i * n + j] ** 2;
  const norm = Math.sqrt(squares);
  const tiny = Number.EPSILON * Math.max(norm, Number.MIN_VALUE);
  let x: Float64Array = new Float64Array(n).fill(1);
  let y: Float64Array = new Float64Array(n);
  for (let step = 0; step < MAX_STEPS; step++) {
    const [nx, ny] = normalised(...solveShifted(hessenberg, n, re, im, x, y, tiny, scratch));
    let change = 0;
    for (let i = 0; i < n; i++) change = Math.max(change, Math.abs(nx[i] - x[i]), Math.abs(ny[i] - y[i]));
    [x, y] = [nx, ny];
    if (step > 0 && change < 1e-14) break;
  }
  // Clustered or badly scaled eigenvalues can leave a mixture: the caller then takes the full decomposition.
  if (residual(hessenberg, n, re, im, x, y) > ACCEPTED_RESIDUAL * norm) throw new Error('eigenvector: inverse iteration did not settle');
  applyReflections(n, hessenberg, ort, x);
  applyReflections(n, hessenberg, ort, y);
  return { x, y };
}

/** Divided by its entry of largest modulus (a complex factor), so repeated solves stay in range. */
function normalised(x: Float64Array, y: Float64Array): [Float64Array, Float64Array] {
  let top = 0;
  for (let i = 1; i < x.length; i++) if (Math.hypot(x[i], y[i]) > Math.hypot(x[top], y[top])) top = i;
  const [a, b] = [x[top], y[top]];
  const m = a * a + b * b;
  if (!(m > 0 && m < Infinity)) throw new Error('eigenvector: inverse iteration did not give a finite vector');
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    x[i] = (xi * a + y[i] * b) / m;
    y[i] = (y[i] * a - xi * b) / m;
  }
  return [x, y];
}

/**
 * (H − μ I) z = b for upper Hessenberg H and complex μ = mr + i·mi, b = br + i·bi: elimination down the
 * subdiagonal with row swaps between neighbours, then back-substitution. A zero pivot becomes `tiny`.
 */
function solveShifted(H: Float64Array, n: number, mr: number, mi: number, br: Float64Array, bi: Float64Array, tiny: number, upper: EliminationScratch): [Float64Array, Float64Array] {
  // Every entry read below (row k, columns k…n−1) is written first, so the scratch needs no clearing.
  const Ur = upper.re;
  const Ui = upper.im;
  const rr = Float64Array.from(br);
  const ri = Float64Array.from(bi);
  // The row being eliminated (columns k…n−1 used), starting as row 0 of H − μI.
  let cr = new Float64Array(n);
  let ci = new Float64Array(n);
  let nr = new Float64Array(n);
  let ni = new Float64Array(n);
  for (let j = 0; j < n; j++) cr[j] = H[j];
  cr[0] -= mr;
  ci[0] = -mi;
  for (let k = 0; k < n; k++) {
    if (k + 1 < n) {
      for (let j = k; j < n; j++) {
        nr[j] = H[(k + 1) * n + j];
        ni[j] = 0;
      }
      nr[k + 1] -= mr;
      ni[k + 1] = -mi;
      if (Math.hypot(nr[k], ni[k]) > Math.hypot(cr[k], ci[k])) {
        [cr, nr] = [nr, cr];
        [ci, ni] = [ni, ci];
        [rr[k], rr[k + 1]] = [rr[k + 1], rr[k]];
        [ri[k], ri[k + 1]] = [ri[k + 1], ri[k]];
      }
    }
    if (cr[k] === 0 && ci[k] === 0) cr[k] = tiny;
    for (let j = k; j < n; j++) {
      Ur[k * n + j] = cr[j];
      Ui[k * n + j] = ci[j];
    }
    if (k + 1 === n) break;
    // f = next[k] / cur[k]; next −= f · cur.
    const m = cr[k] * cr[k] + ci[k] * ci[k];
    const fr = (nr[k] * cr[k] + ni[k] * ci[k]) / m;
    const fi = (ni[k] * cr[k] - nr[k] * ci[k]) / m;
    // Plain assignments, not destructuring: in this n² loop each [a, b] = [c, d] allocated an array.
    for (let j = k + 1; j < n; j++) {
      const r = nr[j] - (fr * cr[j] - fi * ci[j]);
      ni[j] = ni[j] - (fr * ci[j] + fi * cr[j]);
      nr[j] = r;
    }
    [rr[k + 1], ri[k + 1]] = [rr[k + 1] - (fr * rr[k] - fi * ri[k]), ri[k + 1] - (fr * ri[k] + fi * rr[k])];
    [cr, nr] = [nr, cr];
    [ci, ni] = [ni, ci];
  }
  const zr = new Float64Array(n);
  const zi = new Float64Array(n);
  for (let k = n - 1; k >= 0; k--) {
    let sr = rr[k];
    let si = ri[k];
    for (let j = k + 1; j < n; j++) {
      sr -= Ur[k * n + j] * zr[j] - Ui[k * n + j] * zi[j];
      si -= Ur[k * n + j] * zi[j] + Ui[k * n + j] * zr[j];
    }
    const [ar, ai] = [Ur[k * n + k], Ui[k * n + k]];
    const m = ar * ar + ai * ai;
    zr[k] = (sr * ar + si * ai) / m;
    zi[k] = (si * ar - sr * ai) / m;
  }
  return [zr, zi];
}

/** ‖(H − μ I)(x + iy)‖∞ for upper Hessenberg H (entries below the subdiagonal ignored). */
function residual(H: Float64Array, n: number, mr: number, mi: number, x: Float64Array, y: Float64Array): number {
  let worst = 0;
  for (let i = 0; i < n; i++) {
    let sr = -(mr * x[i] - mi * y[i]);
    let si = -(mr * y[i] + mi * x[i]);
    for (let j = Math.max(i - 1, 0); j < n; j++) {
      sr += H[i * n + j] * x[j];
      si += H[i * n + j] * y[j];
    }
    worst = Math.max(worst, Math.hypot(sr, si));
  }
  return worst;
}
