/**
 * Eigen-decomposition of a general real square matrix on flat Float64Arrays: reduction to Hessenberg
 * form (hessenberg.ts), the shifted QR iteration to real Schur form (hqr2, here), then the eigenvectors
 * (schur-vectors.ts): the EISPACK algorithm as JAMA and ml-matrix have it. ml-matrix's code (MIT
 * licence, © 2014 ml.js) with its `get`/`set` accessors on arrays of rows replaced by indexing one flat
 * array, its column walks done on transposes, and a bound on the iteration: about twice as fast at
 * 256–512 dimensions, with the same arithmetic in the same order, so every result is ml-matrix's bit
 * for bit (docs/performance.md#eigen-decompositions-on-flat-arrays). EISPACK's one long hqr2 is split
 * into its phases (deflation, shift, sweep start, sweep); the arithmetic and its order are unchanged.
 */
import { orthes, reduceToHessenberg, transposed } from './hessenberg.js';
import { backSubstitute, backTransform } from './schur-vectors.js';


/** Extra entries per row of the QR iteration's copy of H (see flatGeneralEigenvalues). */
const ROW_PADDING = 8;

/** QR iterations allowed per eigenvalue (exceptional shifts come at 10 and 30; LAPACK allows 30 per row). */
const MAX_QR_ITERATIONS = 300;

/**
 * Eigenvalues (real and imaginary parts) and eigenvectors of the n × n row-major matrix `a`, as
 * ml-matrix's EigenvalueDecomposition returns them: column j of `vectors` (row-major n × n) is the j-th
 * eigenvector, and a complex pair's two columns hold its real and imaginary parts.
 * @throws Error when the iteration does not converge.
 */
export function flatGeneralEigen(a: Float64Array, n: number): { re: Float64Array; im: Float64Array; vectors: Float64Array } {
  const H = Float64Array.from(a);
  const V = new Float64Array(n * n);
  const ort = new Float64Array(n);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  orthes(n, H, ort, V);
  hqr2(n, e, d, V, H);
  return { re: d, im: e, vectors: V };
}

/**
 * Eigenvalues of the n × n row-major matrix `a`, bit for bit those of {@link flatGeneralEigen}, without
 * its eigenvectors (about half the work at d = 1024), and the upper Hessenberg form with its
 * reflections (see hessenberg.ts), from which eigenvectors-on-demand.ts finds the vectors wanted.
 * @throws Error when the iteration does not converge.
 */
export function flatGeneralEigenvalues(a: Float64Array, n: number): { re: Float64Array; im: Float64Array; hessenberg: Float64Array; ort: Float64Array } {
  const H = Float64Array.from(a);
  const ort = new Float64Array(n);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  reduceToHessenberg(n, H, ort);
  const hessenberg = Float64Array.from(H);
  // The sweeps update three columns of every row above the bulge: rows a power of two apart in memory
  // fall into the same cache sets, so the iteration runs on a copy whose rows are a little longer.
  const S = n + ROW_PADDING;
  const padded = new Float64Array(n * S);
  for (let i = 0; i < n; i++) padded.set(H.subarray(i * n, i * n + n), i * S);
  hqr2(n, e, d, null, padded, S);
  return { re: d, im: e, hessenberg, ort };
}

/** What the QR iteration carries between its phases. */
interface QrState {
  H: Float64Array;
  N: number;
  /** H's row stride (N, or more: see flatGeneralEigenvalues). */
  S: number;
  /** Vᵀ while the transforms are accumulated (read in order by the sweeps); null for eigenvalues only. */
  Vt: Float64Array | null;
  d: Float64Array;
  e: Float64Array;
  /** Σ|H| over the Hessenberg part: the deflation test's scale where the diagonal is zero. */
  norm: number;
  /** The exceptional shifts taken so far, added back to each eigenvalue found. */
  exshift: number;
}

/**
 * The shifted QR iteration. With `V` null only the eigenvalues are wanted: the transforms are not
 * accumulated, and a sweep's row updates stop at the active block's last column (what lies to its right
 * is never read again). Every entry the iteration reads later is computed as before, so the eigenvalues
 * are bit for bit those of the full iteration. (EISPACK's hqr also skips the rows above the block; the
 * block can later grow upward into them, so those are kept.)
 */
function hqr2(nn: number, e: Float64Array, d: Float64Array, V: Float64Array | null, H: Float64Array, S = nn): void {
  let norm = 0;
  for (let i = 0; i < nn; i++) for (let j = Math.max(i - 1, 0); j < nn; j++) norm = norm + Math.abs(H[i * S + j]);
  const st: QrState = { H, N: nn, S, Vt: V ? transposed(V, nn) : null, d, e, norm, exshift: 0 };
  let n = nn - 1;
  let iter = 0;
  while (n >= 0) {
    const l = deflationPoint(st, n);
    if (l === n) {
      H[n * S + n] = H[n * S + n] + st.exshift;
      d[n] = H[n * S + n];
      e[n] = 0;
      n--;
      iter = 0;
    } else if (l === n - 1) {
      twoRoots(st, n);
      n = n - 2;
      iter = 0;
    } else {
      const shift = shiftOf(st, n, iter);
      iter = iter + 1;
      if (iter > MAX_QR_ITERATIONS || !Number.isFinite(norm)) throw new Error('general eigen-decomposition did not converge');
      doubleStep(st, n, l, sweepStart(st, n, l, shift), shift.x, V ? nn : n + 1);
    }
  }
  if (!V) return;
  V.set(transposed(st.Vt!, nn));
  if (norm !== 0) {
    backSubstitute(nn, d, e, H, norm);
    backTransform(nn, V, H);
  }
}

/** The top row l of the active block ending at n: the first negligible subdiagonal entry above n. */
function deflationPoint({ H, S, norm }: QrState, n: number): number {
  let l = n;
  while (l > 0) {
    let s = Math.abs(H[(l - 1) * S + (l - 1)]) + Math.abs(H[l * S + l]);
    if (s === 0) s = norm;
    if (Math.abs(H[l * S + (l - 1)]) < Number.EPSILON * s) break;
    l--;
  }
  return l;
}

/** A 2 × 2 block at rows n − 1, n has split off: its two eigenvalues, and for a real pair the Schur form's rotation. */
function twoRoots(st: QrState, n: number): void {
  const { H, N, S, d, e, Vt } = st;
  const w = H[n * S + (n - 1)] * H[(n - 1) * S + n];
  let p = (H[(n - 1) * S + (n - 1)] - H[n * S + n]) / 2;
  let q = p * p + w;
  let z = Math.sqrt(Math.abs(q));
  H[n * S + n] = H[n * S + n] + st.exshift;
  H[(n - 1) * S + (n - 1)] = H[(n - 1) * S + (n - 1)] + st.exshift;
  let x = H[n * S + n];
  if (q < 0) {
    d[n - 1] = x + p;
    d[n] = x + p;
    e[n - 1] = z;
    e[n] = -z;
    return;
  }
  z = p >= 0 ? p + z : p - z;
  d[n - 1] = x + z;
  d[n] = d[n - 1];
  if (z !== 0) d[n] = x - w / z;
  e[n - 1] = 0;
  e[n] = 0;
  if (!Vt) return;
  x = H[n * S + (n - 1)];
  const s = Math.abs(x) + Math.abs(z);
  p = x / s;
  q = z / s;
  const r = Math.sqrt(p * p + q * q);
  p = p / r;
  q = q / r;
  for (let j = n - 1; j < N; j++) {
    z = H[(n - 1) * S + j];
    H[(n - 1) * S + j] = q * z + p * H[n * S + j];
    H[n * S + j] = q * H[n * S + j] - p * z;
  }
  for (let i = 0; i <= n; i++) {
    z = H[i * S + (n - 1)];
    H[i * S + (n - 1)] = q * z + p * H[i * S + n];
    H[i * S + n] = q * H[i * S + n] - p * z;
  }
  for (let i = 0; i < N; i++) {
    z = Vt[(n - 1) * N + i];
    Vt[(n - 1) * N + i] = q * z + p * Vt[n * N + i];
    Vt[n * N + i] = q * Vt[n * N + i] - p * z;
  }
}

/** The double shift from the trailing 2 × 2 block, with EISPACK's exceptional shifts at iterations 10 and 30. */
function shiftOf(st: QrState, n: number, iter: number): { x: number; y: number; w: number } {
  const { H, S } = st;
  let x = H[n * S + n];
  let y = H[(n - 1) * S + (n - 1)];
  let w = H[n * S + (n - 1)] * H[(n - 1) * S + n];
  if (iter === 10) {
    st.exshift += x;
    for (let i = 0; i <= n; i++) H[i * S + i] = H[i * S + i] - x;
    const s = Math.abs(H[n * S + (n - 1)]) + Math.abs(H[(n - 1) * S + (n - 2)]);
    x = y = 0.75 * s;
    w = -0.4375 * s * s;
  }
  if (iter === 30) {
    let s = (y - x) / 2;
    s = s * s + w;
    if (s > 0) {
      s = Math.sqrt(s);
      if (y < x) s = -s;
      s = x - w / ((y - x) / 2 + s);
      for (let i = 0; i <= n; i++) H[i * S + i] = H[i * S + i] - s;
      st.exshift += s;
      x = y = w = 0.964;
    }
  }
  return { x, y, w };
}

/**
 * Where the double-shift sweep starts: the lowest row m ≥ l at which two consecutive small subdiagonal
 * entries split the block; its first reflector (p, q, r). Entries below the new bulge's reach are zeroed.
 */
function sweepStart({ H, S }: QrState, n: number, l: number, { x, y, w }: { x: number; y: number; w: number }): { m: number; p: number; q: number; r: number } {
  let m = n - 2;
  let p = 0;
  let q = 0;
  let r = 0;
  while (m >= l) {
    const z = H[m * S + m];
    r = x - z;
    let s = y - z;
    p = (r * s - w) / H[(m + 1) * S + m] + H[m * S + (m + 1)];
    q = H[(m + 1) * S + (m + 1)] - z - r - s;
    r = H[(m + 2) * S + (m + 1)];
    s = Math.abs(p) + Math.abs(q) + Math.abs(r);
    p = p / s;
    q = q / s;
    r = r / s;
    if (m === l) break;
    const left = Math.abs(H[m * S + (m - 1)]) * (Math.abs(q) + Math.abs(r));
    const right = Number.EPSILON * (Math.abs(p) * (Math.abs(H[(m - 1) * S + (m - 1)]) + Math.abs(z) + Math.abs(H[(m + 1) * S + (m + 1)])));
    if (left < right) break;
    m--;
  }
  for (let i = m + 2; i <= n; i++) {
    H[i * S + (i - 2)] = 0;
    if (i > m + 2) H[i * S + (i - 3)] = 0;
  }
  return { m, p, q, r };
}

/**
 * One double-shift QR sweep over rows m…n: a 3 × 3 Householder reflector per row chases the bulge
 * down. `x` is the shift's x, which JAMA's loop tests before its first reflector; rows update up to
 * column `rowEnd` − 1.
 */
function doubleStep(st: QrState, n: number, l: number, start: { m: number; p: number; q: number; r: number }, shiftX: number, rowEnd: number): void {
  const { H, S } = st;
  let { p, q, r } = start;
  const m = start.m;
  let x = shiftX;
  for (let k = m; k <= n - 1; k++) {
    const notlast = k !== n - 1;
    if (k !== m) {
      p = H[k * S + (k - 1)];
      q = H[(k + 1) * S + (k - 1)];
      r = notlast ? H[(k + 2) * S + (k - 1)] : 0;
      x = Math.abs(p) + Math.abs(q) + Math.abs(r);
      if (x !== 0) {
        p = p / x;
        q = q / x;
        r = r / x;
      }
    }
    if (x === 0) break;
    let s = Math.sqrt(p * p + q * q + r * r);
    if (p < 0) s = -s;
    if (s === 0) continue;
    if (k !== m) H[k * S + (k - 1)] = -s * x;
    else if (l !== m) H[k * S + (k - 1)] = -H[k * S + (k - 1)];
    p = p + s;
    applyReflector(st, k, n, notlast, { x: p / s, y: q / s, z: r / s, q: q / p, r: r / p }, rowEnd);
  }
}

/** The reflector of rows (and columns) k, k + 1, k + 2 applied to H's rows, its columns, and Vᵀ. */
function applyReflector(st: QrState, k: number, n: number, notlast: boolean, c: { x: number; y: number; z: number; q: number; r: number }, rowEnd: number): void {
  const { H, N, S, Vt } = st;
  const { x, y, z, q, r } = c;
  let p: number;
  for (let j = k; j < rowEnd; j++) {
    p = H[k * S + j] + q * H[(k + 1) * S + j];
    if (notlast) {
      p = p + r * H[(k + 2) * S + j];
      H[(k + 2) * S + j] = H[(k + 2) * S + j] - p * z;
    }
    H[k * S + j] = H[k * S + j] - p * x;
    H[(k + 1) * S + j] = H[(k + 1) * S + j] - p * y;
  }
  for (let i = 0; i <= Math.min(n, k + 3); i++) {
    p = x * H[i * S + k] + y * H[i * S + (k + 1)];
    if (notlast) {
      p = p + z * H[i * S + (k + 2)];
      H[i * S + (k + 2)] = H[i * S + (k + 2)] - p * r;
    }
    H[i * S + k] = H[i * S + k] - p;
    H[i * S + (k + 1)] = H[i * S + (k + 1)] - p * q;
  }
  if (!Vt) return;
  for (let i = 0; i < N; i++) {
    p = x * Vt[k * N + i] + y * Vt[(k + 1) * N + i];
    if (notlast) {
      p = p + z * Vt[(k + 2) * N + i];
      Vt[(k + 2) * N + i] = Vt[(k + 2) * N + i] - p * r;
    }
    Vt[k * N + i] = Vt[k * N + i] - p;
    Vt[(k + 1) * N + i] = Vt[(k + 1) * N + i] - p * q;
  }
}
