/**
 * Reduction of a general real square matrix to upper Hessenberg form by orthogonal similarity
 * (EISPACK's orthes, as in JAMA), with the transform accumulated: the first step of general-eigen.ts.
 * ml-matrix's routine (MIT licence, © 2014 ml.js) on one flat row-major array, its column-wise sums
 * taken row by row so memory is read in order; every sum still runs in the original order, so the
 * result is bit for bit ml-matrix's.
 */

/** H (n × n, row-major) becomes Hessenberg, V the accumulated orthogonal transform; `ort` is scratch. */
export function orthes(n: number, H: Float64Array, ort: Float64Array, V: Float64Array): void {
  const N = n;
  let low = 0;
  let high = n - 1;
  let f: number, g: number, h: number, i: number, j: number, m: number;
  let scale: number;
  const sums = new Float64Array(n);

  for (m = low + 1; m <= high - 1; m++) {
    scale = 0;
    for (i = m; i <= high; i++) {
      scale = scale + Math.abs(H[(i) * N + (m - 1)]);
    }

    if (scale !== 0) {
      h = 0;
      for (i = high; i >= m; i--) {
        ort[i] = H[(i) * N + (m - 1)] / scale;
        h += ort[i] * ort[i];
      }

      g = Math.sqrt(h);
      if (ort[m] > 0) {
        g = -g;
      }

      h = h - ort[m] * g;
      ort[m] = ort[m] - g;

      // Row by row (each column's sum still runs over i from high down), so memory is read in order.
      sums.fill(0, m, n);
      for (i = high; i >= m; i--) {
        const row = i * N;
        for (j = m; j < n; j++) sums[j] += ort[i] * H[row + j];
      }
      for (j = m; j < n; j++) sums[j] = sums[j] / h;
      for (i = m; i <= high; i++) {
        const row = i * N;
        for (j = m; j < n; j++) H[row + j] = H[row + j] - sums[j] * ort[i];
      }

      for (i = 0; i <= high; i++) {
        f = 0;
        for (j = high; j >= m; j--) {
          f += ort[j] * H[i * N + j];
        }

        f = f / h;
        for (j = m; j <= high; j++) {
          H[i * N + j] = H[i * N + j] - f * ort[j];
        }
      }

      ort[m] = scale * ort[m];
      H[(m) * N + (m - 1)] = scale * g;
    }
  }

  for (i = 0; i < n; i++) {
    for (j = 0; j < n; j++) {
      V[i * N + j] = i === j ? 1 : 0;
    }
  }

  for (m = high - 1; m >= low + 1; m--) {
    if (H[(m) * N + (m - 1)] !== 0) {
      for (i = m + 1; i <= high; i++) {
        ort[i] = H[(i) * N + (m - 1)];
      }

      sums.fill(0, m, high + 1);
      for (i = m; i <= high; i++) {
        const row = i * N;
        for (j = m; j <= high; j++) sums[j] += ort[i] * V[row + j];
      }
      for (j = m; j <= high; j++) sums[j] = sums[j] / ort[m] / H[(m) * N + (m - 1)];
      for (i = m; i <= high; i++) {
        const row = i * N;
        for (j = m; j <= high; j++) V[row + j] = V[row + j] + sums[j] * ort[i];
      }
    }
  }
}

/** The transpose of a flat n × n row-major matrix. */
export
function transposed(a: Float64Array, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = a[i * n + j];
  return t;
}
