/**
 * Eigen-decomposition of a general real square matrix on flat Float64Arrays: reduction to Hessenberg
 * form (hessenberg.ts), the shifted QR iteration to real Schur form (hqr2, here), then the eigenvectors
 * (schur-vectors.ts): the EISPACK algorithm as JAMA and ml-matrix have it. ml-matrix's code (MIT
 * licence, © 2014 ml.js) with its `get`/`set` accessors on arrays of rows replaced by indexing one flat
 * array, its column walks done on transposes, and a bound on the iteration: about twice as fast at
 * 256–512 dimensions, with the same arithmetic in the same order, so every result is ml-matrix's bit
 * for bit (docs/performance.md#eigen-decompositions-on-flat-arrays). hqr2 stays one long function, as in
 * EISPACK: its deflation, shift and double-step share a dozen running values.
 */
import { orthes, reduceToHessenberg, transposed } from './hessenberg.js';
import { backSubstitute, backTransform } from './schur-vectors.js';


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
  hqr2(n, e, d, null, H);
  return { re: d, im: e, hessenberg, ort };
}

/**
 * The shifted QR iteration. With `V` null only the eigenvalues are wanted: the transforms are not
 * accumulated, and a sweep's row updates stop at the active block's last column (what lies to its right
 * is never read again). Every entry the iteration reads later is computed as before, so the eigenvalues
 * are bit for bit those of the full iteration. (EISPACK's hqr also skips the rows above the block; the
 * block can later grow upward into them, so those are kept.)
 */
function hqr2(nn: number, e: Float64Array, d: Float64Array, V: Float64Array | null, H: Float64Array): void {
  const N = nn;
  let n = nn - 1;
  let low = 0;
  let high = nn - 1;
  let eps = Number.EPSILON;
  let exshift = 0;
  let norm = 0;
  let p = 0;
  let q = 0;
  let r = 0;
  let s = 0;
  let z = 0;
  let iter = 0;
  let i: number, j: number, k: number, l: number, m: number, t: number, w: number, x: number, y: number;
  let ra: number, sa: number, vr: number, vi: number;
  let notlast: boolean;

  for (i = 0; i < nn; i++) {
    if (i < low || i > high) {
      d[i] = H[i * N + i];
      e[i] = 0;
    }

    for (j = Math.max(i - 1, 0); j < nn; j++) norm = norm + Math.abs(H[i * N + j]);
  }

  // The QR sweeps update V column by column: they work on its transpose, read in order.
  const Vt = V ? transposed(V, N) : new Float64Array(0);
  while (n >= low) {
    l = n;
    while (l > low) {
      s = Math.abs(H[(l - 1) * N + (l - 1)]) + Math.abs(H[l * N + l]);
      if (s === 0) {
        s = norm;
      }
      if (Math.abs(H[(l) * N + (l - 1)]) < eps * s) {
        break;
      }
      l--;
    }

    if (l === n) {
      H[n * N + n] = H[n * N + n] + exshift;
      d[n] = H[n * N + n];
      e[n] = 0;
      n--;
      iter = 0;
    } else if (l === n - 1) {
      w = H[(n) * N + (n - 1)] * H[(n - 1) * N + (n)];
      p = (H[(n - 1) * N + (n - 1)] - H[n * N + n]) / 2;
      q = p * p + w;
      z = Math.sqrt(Math.abs(q));
      H[n * N + n] = H[n * N + n] + exshift;
      H[(n - 1) * N + (n - 1)] = H[(n - 1) * N + (n - 1)] + exshift;
      x = H[n * N + n];

      if (q >= 0) {
        z = p >= 0 ? p + z : p - z;
        d[n - 1] = x + z;
        d[n] = d[n - 1];
        if (z !== 0) {
          d[n] = x - w / z;
        }
        e[n - 1] = 0;
        e[n] = 0;
        x = H[(n) * N + (n - 1)];
        s = Math.abs(x) + Math.abs(z);
        p = x / s;
        q = z / s;
        r = Math.sqrt(p * p + q * q);
        p = p / r;
        q = q / r;

        for (j = n - 1; V && j < nn; j++) {
          z = H[(n - 1) * N + (j)];
          H[(n - 1) * N + (j)] = q * z + p * H[n * N + j];
          H[n * N + j] = q * H[n * N + j] - p * z;
        }

        for (i = 0; V && i <= n; i++) {
          z = H[(i) * N + (n - 1)];
          H[(i) * N + (n - 1)] = q * z + p * H[i * N + n];
          H[i * N + n] = q * H[i * N + n] - p * z;
        }

        for (i = low; V && i <= high; i++) {
          z = Vt[(n - 1) * N + i];
          Vt[(n - 1) * N + i] = q * z + p * Vt[(n) * N + i];
          Vt[(n) * N + i] = q * Vt[(n) * N + i] - p * z;
        }
      } else {
        d[n - 1] = x + p;
        d[n] = x + p;
        e[n - 1] = z;
        e[n] = -z;
      }

      n = n - 2;
      iter = 0;
    } else {
      x = H[n * N + n];
      y = 0;
      w = 0;
      if (l < n) {
        y = H[(n - 1) * N + (n - 1)];
        w = H[(n) * N + (n - 1)] * H[(n - 1) * N + (n)];
      }

      if (iter === 10) {
        exshift += x;
        for (i = low; i <= n; i++) H[i * N + i] = H[i * N + i] - x;
        s = Math.abs(H[(n) * N + (n - 1)]) + Math.abs(H[(n - 1) * N + (n - 2)]);
        // eslint-disable-next-line no-multi-assign
        x = y = 0.75 * s;
        w = -0.4375 * s * s;
      }

      if (iter === 30) {
        s = (y - x) / 2;
        s = s * s + w;
        if (s > 0) {
          s = Math.sqrt(s);
          if (y < x) {
            s = -s;
          }
          s = x - w / ((y - x) / 2 + s);
          for (i = low; i <= n; i++) H[i * N + i] = H[i * N + i] - s;
          exshift += s;
          // eslint-disable-next-line no-multi-assign
          x = y = w = 0.964;
        }
      }

      iter = iter + 1;
      if (iter > MAX_QR_ITERATIONS || !Number.isFinite(norm)) throw new Error('general eigen-decomposition did not converge');

      m = n - 2;
      while (m >= l) {
        z = H[m * N + m];
        r = x - z;
        s = y - z;
        p = (r * s - w) / H[(m + 1) * N + (m)] + H[(m) * N + (m + 1)];
        q = H[(m + 1) * N + (m + 1)] - z - r - s;
        r = H[(m + 2) * N + (m + 1)];
        s = Math.abs(p) + Math.abs(q) + Math.abs(r);
        p = p / s;
        q = q / s;
        r = r / s;
        if (m === l) {
          break;
        }
        if (
          Math.abs(H[(m) * N + (m - 1)]) * (Math.abs(q) + Math.abs(r)) <
          eps *
            (Math.abs(p) *
              (Math.abs(H[(m - 1) * N + (m - 1)]) +
                Math.abs(z) +
                Math.abs(H[(m + 1) * N + (m + 1)])))
        ) {
          break;
        }
        m--;
      }

      for (i = m + 2; i <= n; i++) {
        H[(i) * N + (i - 2)] = 0;
        if (i > m + 2) {
          H[(i) * N + (i - 3)] = 0;
        }
      }

      const rowEnd = V ? nn : n + 1;
      for (k = m; k <= n - 1; k++) {
        notlast = k !== n - 1;
        if (k !== m) {
          p = H[(k) * N + (k - 1)];
          q = H[(k + 1) * N + (k - 1)];
          r = notlast ? H[(k + 2) * N + (k - 1)] : 0;
          x = Math.abs(p) + Math.abs(q) + Math.abs(r);
          if (x !== 0) {
            p = p / x;
            q = q / x;
            r = r / x;
          }
        }

        if (x === 0) {
          break;
        }

        s = Math.sqrt(p * p + q * q + r * r);
        if (p < 0) {
          s = -s;
        }

        if (s !== 0) {
          if (k !== m) {
            H[(k) * N + (k - 1)] = -s * x;
          } else if (l !== m) {
            H[(k) * N + (k - 1)] = -H[(k) * N + (k - 1)];
          }

          p = p + s;
          x = p / s;
          y = q / s;
          z = r / s;
          q = q / p;
          r = r / p;

          for (j = k; j < rowEnd; j++) {
            p = H[k * N + j] + q * H[(k + 1) * N + (j)];
            if (notlast) {
              p = p + r * H[(k + 2) * N + (j)];
              H[(k + 2) * N + (j)] = H[(k + 2) * N + (j)] - p * z;
            }

            H[k * N + j] = H[k * N + j] - p * x;
            H[(k + 1) * N + (j)] = H[(k + 1) * N + (j)] - p * y;
          }

          for (i = 0; i <= Math.min(n, k + 3); i++) {
            p = x * H[i * N + k] + y * H[(i) * N + (k + 1)];
            if (notlast) {
              p = p + z * H[(i) * N + (k + 2)];
              H[(i) * N + (k + 2)] = H[(i) * N + (k + 2)] - p * r;
            }

            H[i * N + k] = H[i * N + k] - p;
            H[(i) * N + (k + 1)] = H[(i) * N + (k + 1)] - p * q;
          }

          for (i = low; V && i <= high; i++) {
            p = x * Vt[(k) * N + i] + y * Vt[(k + 1) * N + i];
            if (notlast) {
              p = p + z * Vt[(k + 2) * N + i];
              Vt[(k + 2) * N + i] = Vt[(k + 2) * N + i] - p * r;
            }

            Vt[(k) * N + i] = Vt[(k) * N + i] - p;
            Vt[(k + 1) * N + i] = Vt[(k + 1) * N + i] - p * q;
          }
        }
      }
    }
  }

  if (!V) return;
  V.set(transposed(Vt, N));

  if (norm !== 0) {
    backSubstitute(nn, d, e, H, norm);
    backTransform(nn, V, H);
  }
}
