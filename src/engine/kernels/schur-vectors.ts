/**
 * Eigenvectors from the real Schur form that hqr2 (general-eigen.ts) leaves: back-substitution on the
 * quasi-triangular H (real and complex pairs), then the back-transformation by the accumulated
 * orthogonal transforms. ml-matrix's code (MIT licence, © 2014 ml.js) on flat row-major arrays, as in
 * general-eigen.ts; the arithmetic and its order are ml-matrix's.
 */
import { transposed } from './hessenberg.js';

/** hqr2's back-substitution: the eigenvectors of the quasi-triangular H, written into H. */
export function backSubstitute(nn: number, d: Float64Array, e: Float64Array, H: Float64Array, norm: number): void {
  for (let n = nn - 1; n >= 0; n--) {
    if (e[n] === 0) realVector(nn, d, e, H, norm, n);
    else if (e[n] < 0) complexVector(nn, d, e, H, norm, n);
  }
}

/** The eigenvector of the real eigenvalue d[n], by back-substitution up column n of H. */
function realVector(nn: number, d: Float64Array, e: Float64Array, H: Float64Array, norm: number, n: number): void {
  const N = nn;
  const eps = Number.EPSILON;
  let p = d[n], q = e[n], r = 0, s = 0, z = 0;
  let i: number, j: number, l: number, t: number, w: number, x: number, y: number;
  l = n;
  H[n * N + n] = 1;
  for (i = n - 1; i >= 0; i--) {
    w = H[i * N + i] - p;
    r = 0;
    for (j = l; j <= n; j++) r = r + H[i * N + j] * H[j * N + n];

    if (e[i] < 0) {
      z = w;
      s = r;
    } else {
      l = i;
      if (e[i] === 0) {
        H[i * N + n] = w !== 0 ? -r / w : -r / (eps * norm);
      } else {
        x = H[(i) * N + (i + 1)];
        y = H[(i + 1) * N + (i)];
        q = (d[i] - p) * (d[i] - p) + e[i] * e[i];
        t = (x * s - z * r) / q;
        H[i * N + n] = t;
        H[(i + 1) * N + (n)] = Math.abs(x) > Math.abs(z) ? (-r - w * t) / x : (-s - y * t) / z;
      }

      t = Math.abs(H[i * N + n]);
      if (eps * t * t > 1) {
        for (j = i; j <= n; j++) H[j * N + n] = H[j * N + n] / t;
      }
    }
  }
}

/** The eigenvector pair of the complex eigenvalues d[n] ± i·e[n] (e[n] < 0: the pair's second), in columns n − 1 and n. */
function complexVector(nn: number, d: Float64Array, e: Float64Array, H: Float64Array, norm: number, n: number): void {
  const N = nn;
  const eps = Number.EPSILON;
  let p = d[n], q = e[n], r = 0, s = 0, z = 0;
  let i: number, j: number, l: number, t: number, w: number;
  let ra: number, sa: number;
  let cdivres: [number, number];
  l = n - 1;

  if (Math.abs(H[(n) * N + (n - 1)]) > Math.abs(H[(n - 1) * N + (n)])) {
    H[(n - 1) * N + (n - 1)] = q / H[(n) * N + (n - 1)];
    H[(n - 1) * N + (n)] = -(H[n * N + n] - p) / H[(n) * N + (n - 1)];
  } else {
    cdivres = cdiv(0, -H[(n - 1) * N + (n)], H[(n - 1) * N + (n - 1)] - p, q);
    H[(n - 1) * N + (n - 1)] = cdivres[0];
    H[(n - 1) * N + (n)] = cdivres[1];
  }

  H[(n) * N + (n - 1)] = 0;
  H[n * N + n] = 1;
  for (i = n - 2; i >= 0; i--) {
    ra = 0;
    sa = 0;
    for (j = l; j <= n; j++) {
      ra = ra + H[i * N + j] * H[(j) * N + (n - 1)];
      sa = sa + H[i * N + j] * H[j * N + n];
    }

    w = H[i * N + i] - p;

    if (e[i] < 0) {
      z = w;
      r = ra;
      s = sa;
    } else {
      l = i;
      if (e[i] === 0) {
        cdivres = cdiv(-ra, -sa, w, q);
        H[(i) * N + (n - 1)] = cdivres[0];
        H[i * N + n] = cdivres[1];
      } else {
        solveComplexBlock(N, H, d, e, norm, n, i, [p, q, w, ra, sa, r, s, z]);
      }

      t = Math.max(Math.abs(H[(i) * N + (n - 1)]), Math.abs(H[i * N + n]));
      if (eps * t * t > 1) {
        for (j = i; j <= n; j++) {
          H[(j) * N + (n - 1)] = H[(j) * N + (n - 1)] / t;
          H[j * N + n] = H[j * N + n] / t;
        }
      }
    }
  }
}

/**
 * complexVector's rows i and i + 1 where they hold a 2 × 2 block (e[i] > 0): the pair of complex
 * equations solved for both rows' entries in columns n − 1 and n. `v` = [p, q, w, ra, sa, r, s, z] of
 * the caller's back-substitution.
 */
function solveComplexBlock(N: number, H: Float64Array, d: Float64Array, e: Float64Array, norm: number, n: number, i: number, v: number[]): void {
  const [p, q, w, ra, sa, r, s, z] = v;
  const x = H[(i) * N + (i + 1)];
  const y = H[(i + 1) * N + (i)];
  let vr = (d[i] - p) * (d[i] - p) + e[i] * e[i] - q * q;
  const vi = (d[i] - p) * 2 * q;
  if (vr === 0 && vi === 0) vr = Number.EPSILON * norm * (Math.abs(w) + Math.abs(q) + Math.abs(x) + Math.abs(y) + Math.abs(z));
  let cdivres = cdiv(x * r - z * ra + q * sa, x * s - z * sa - q * ra, vr, vi);
  H[(i) * N + (n - 1)] = cdivres[0];
  H[i * N + n] = cdivres[1];
  if (Math.abs(x) > Math.abs(z) + Math.abs(q)) {
    H[(i + 1) * N + (n - 1)] = (-ra - w * H[(i) * N + (n - 1)] + q * H[i * N + n]) / x;
    H[(i + 1) * N + (n)] = (-sa - w * H[i * N + n] - q * H[(i) * N + (n - 1)]) / x;
  } else {
    cdivres = cdiv(-r - y * H[(i) * N + (n - 1)], -s - y * H[i * N + n], z, q);
    H[(i + 1) * N + (n - 1)] = cdivres[0];
    H[(i + 1) * N + (n)] = cdivres[1];
  }
}

/** hqr2's last step: the eigenvectors of the original matrix, V ← V · H (upper triangle of H). */
export function backTransform(nn: number, V: Float64Array, H: Float64Array): void {
  const N = nn;
  const low = 0;
  const high = nn - 1;
  let i: number, j: number, k: number, z: number;
  for (i = 0; i < nn; i++) {
    if (i < low || i > high) {
      for (j = i; j < nn; j++) V[i * N + j] = H[i * N + j];
    }
  }

  // H's columns are read along k: from its transpose, in order.
  const Ht = transposed(H, N);
  for (j = nn - 1; j >= low; j--) {
    const col = j * N;
    const last = Math.min(j, high);
    for (i = low; i <= high; i++) {
      const row = i * N;
      z = 0;
      for (k = low; k <= last; k++) z = z + V[row + k] * Ht[col + k];
      V[row + j] = z;
    }
  }
}

/** Complex division (xr + i·xi) / (yr + i·yi), scaled to avoid overflow. */
function cdiv(xr: number, xi: number, yr: number, yi: number): [number, number] {
  let r: number, d: number;
  if (Math.abs(yr) > Math.abs(yi)) {
    r = yi / yr;
    d = yr + r * yi;
    return [(xr + r * xi) / d, (xi - r * xr) / d];
  }
  r = yr / yi;
  d = yi + r * yr;
  return [(r * xr + xi) / d, (r * xi - xr) / d];
}
