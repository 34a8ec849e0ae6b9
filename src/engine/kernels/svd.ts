/**
 * Thin singular value decomposition on flat Float64Arrays: Householder bidiagonalisation and the
 * implicit-shift QR iteration (LINPACK's dsvdc, as in JAMA). ml-matrix's routine (MIT licence,
 * © 2014 ml.js), already working on transposes so its loops walk rows, with its `get`/`set` accessors
 * replaced by indexing flat arrays: at 256 dimensions the accessors were most of its time
 * (docs/performance.md#eigen-decompositions-on-flat-arrays). The arithmetic, and so every result, is
 * ml-matrix's with `autoTranspose`.
 */

/** dsvdc's switches, kept so the code reads as ml-matrix's: both sets of singular vectors are formed. */
const wantu = true;
const wantv = true;

/** QR sweeps allowed per singular value (LAPACK's dbdsqr allows 6 per value on average; this is a hang guard). */
const MAX_SWEEPS_PER_VALUE = 75;

/**
 * A = U diag(s) Vᵀ for the rows × cols row-major matrix `a`, as ml-matrix returns it with
 * `autoTranspose`: s descending, U (rows × uCols) and V (cols × vCols) row-major.
 * @throws Error when the iteration does not converge.
 */
export function flatSvd(a: Float64Array, rows: number, cols: number): { s: Float64Array; u: Float64Array; uCols: number; v: Float64Array; vCols: number } {
  // The working matrix is m × n with m ≥ n; `at` is its transpose (n × m), row-major.
  const swapped = rows < cols;
  const m = swapped ? cols : rows;
  const n = swapped ? rows : cols;
  const at = swapped ? Float64Array.from(a) : transposedRect(a, rows, cols);
  const nu = Math.min(m, n);
  const s = new Float64Array(Math.min(m + 1, n));
  // U (nu × m) and V (n × n) hold the transposes of the singular-vector matrices: the inner loops
  // walk the vectors, which are then rows.
  const U = new Float64Array(nu * m);
  const V = new Float64Array(n * n);
  const e = new Float64Array(n);
  const nct = Math.min(m - 1, n);
  const nrt = Math.max(0, Math.min(n - 2, m));
  bidiagonalize(at, s, e, new Float64Array(m), U, V, m, n, nct, nrt);
  // The bidiagonal's last entries.
  const p = Math.min(n, m + 1);
  if (nct < n) s[nct] = at[nct * m + nct];
  if (m < p) s[p - 1] = 0;
  if (nrt + 1 < p) e[nrt] = at[(p - 1) * m + nrt];
  e[p - 1] = 0;
  formLeft(U, s, m, nu, nct);
  formRight(V, e, n, nrt);
  diagonalize(s, e, U, V, m, n, p);

  // U (nu × m) and V (n × n) are transposes: the working matrix's left vectors are Uᵀ (m × nu).
  const left = transposedRect(U, nu, m);
  const right = transposedRect(V, n, n);
  return swapped ? { s, u: right, uCols: n, v: left, vCols: nu } : { s, u: left, uCols: nu, v: right, vCols: n };
}

/** Householder bidiagonalisation: s and e become the bidiagonal, U and V hold the transforms' vectors. */
function bidiagonalize(at: Float64Array, s: Float64Array, e: Float64Array, work: Float64Array, U: Float64Array, V: Float64Array, m: number, n: number, nct: number, nrt: number): void {
  const mrc = Math.max(nct, nrt);
  for (let k = 0; k < mrc; k++) {
    if (k < nct) {
      s[k] = 0;
      for (let i = k; i < m; i++) s[k] = hypotenuse(s[k], at[k * m + i]);
      if (s[k] !== 0) {
        if (at[k * m + k] < 0) {
          s[k] = -s[k];
        }
        for (let i = k; i < m; i++) at[k * m + i] = at[k * m + i] / s[k];
        at[k * m + k] = at[k * m + k] + 1;
      }
      s[k] = -s[k];
    }

    for (let j = k + 1; j < n; j++) {
      if (k < nct && s[k] !== 0) {
        reflectRow(at, m, k, j, k);
      }
      e[j] = at[j * m + k];
    }

    if (wantu && k < nct) {
      for (let i = k; i < m; i++) U[k * m + i] = at[k * m + i];
    }

    if (k < nrt) {
      e[k] = 0;
      for (let i = k + 1; i < n; i++) e[k] = hypotenuse(e[k], e[i]);
      if (e[k] !== 0) {
        if (e[k + 1] < 0) {
          e[k] = 0 - e[k];
        }
        for (let i = k + 1; i < n; i++) e[i] /= e[k];
        e[k + 1] += 1;
      }
      e[k] = -e[k];
      if (k + 1 < m && e[k] !== 0) {
        for (let i = k + 1; i < m; i++) work[i] = 0;
        for (let i = k + 1; i < m; i++) for (let j = k + 1; j < n; j++) work[i] += e[j] * at[j * m + i];
        for (let j = k + 1; j < n; j++) {
          let t = -e[j] / e[k + 1];
          for (let i = k + 1; i < m; i++) at[j * m + i] = at[j * m + i] + t * work[i];
        }
      }
      if (wantv) {
        for (let i = k + 1; i < n; i++) V[k * n + i] = e[i];
      }
    }
  }
}

/** U from the left Householder vectors it holds (rows are the left singular vectors' transposes). */
function formLeft(U: Float64Array, s: Float64Array, m: number, nu: number, nct: number): void {
  for (let j = nct; j < nu; j++) {
    for (let i = 0; i < m; i++) U[j * m + i] = 0;
    U[j * m + j] = 1;
  }
  for (let k = nct - 1; k >= 0; k--) {
    if (s[k] !== 0) {
      for (let j = k + 1; j < nu; j++) reflectRow(U, m, k, j, k);
      for (let i = k; i < m; i++) U[k * m + i] = -U[k * m + i];
      U[k * m + k] = 1 + U[k * m + k];
      for (let i = 0; i < k - 1; i++) U[k * m + i] = 0;
    } else {
      for (let i = 0; i < m; i++) U[k * m + i] = 0;
      U[k * m + k] = 1;
    }
  }
}

/** V from the right Householder vectors it holds. */
function formRight(V: Float64Array, e: Float64Array, n: number, nrt: number): void {
  for (let k = n - 1; k >= 0; k--) {
    if (k < nrt && e[k] !== 0) {
      for (let j = k + 1; j < n; j++) reflectRow(V, n, k, j, k + 1);
    }
    for (let i = 0; i < n; i++) V[k * n + i] = 0;
    V[k * n + k] = 1;
  }
}

/**
 * The implicit-shift QR iteration on the bidiagonal (s, e), p values, rotations applied to U and V;
 * each sweep first finds which of dsvdc's four cases holds.
 */
function diagonalize(s: Float64Array, e: Float64Array, U: Float64Array, V: Float64Array, m: number, n: number, p: number): void {
  const pp = p - 1;
  const eps = Number.EPSILON;
  let sweeps = 0;
  while (p > 0) {
    if (++sweeps > MAX_SWEEPS_PER_VALUE * Math.max(n, 1)) throw new Error('singular value decomposition did not converge');
    let k, kase;
    for (k = p - 2; k >= -1; k--) {
      if (k === -1) {
        break;
      }
      const alpha =
        Number.MIN_VALUE + eps * Math.abs(s[k] + Math.abs(s[k + 1]));
      if (Math.abs(e[k]) <= alpha || Number.isNaN(e[k])) {
        e[k] = 0;
        break;
      }
    }
    if (k === p - 2) {
      kase = 4;
    } else {
      let ks: number;
      for (ks = p - 1; ks >= k; ks--) {
        if (ks === k) {
          break;
        }
        let t =
          (ks !== p ? Math.abs(e[ks]) : 0) +
          (ks !== k + 1 ? Math.abs(e[ks - 1]) : 0);
        if (Math.abs(s[ks]) <= eps * t) {
          s[ks] = 0;
          break;
        }
      }
      if (ks === k) {
        kase = 3;
      } else if (ks === p - 1) {
        kase = 1;
      } else {
        kase = 2;
        k = ks;
      }
    }

    k++;
    if (kase === 1) deflateLast(s, e, V, n, k, p);
    else if (kase === 2) splitAt(s, e, U, m, k, p);
    else if (kase === 3) qrStep(s, e, U, V, m, n, k, p);
    else {
      settle(s, U, V, m, n, k, pp);
      p--;
    }
  }
}

/** Case 1: e[p−2] is negligible; deflate it into s by rotations of V. */
function deflateLast(s: Float64Array, e: Float64Array, V: Float64Array, n: number, k: number, p: number): void {
  let f = e[p - 2];
  e[p - 2] = 0;
  for (let j = p - 2; j >= k; j--) {
    let t = hypotenuse(s[j], f);
    let cs = s[j] / t;
    let sn = f / t;
    s[j] = t;
    if (j !== k) {
      f = -sn * e[j - 1];
      e[j - 1] = cs * e[j - 1];
    }
    if (wantv) {
      for (let i = 0; i < n; i++) {
        t = cs * V[j * n + i] + sn * V[(p - 1) * n + i];
        V[(p - 1) * n + i] = -sn * V[j * n + i] + cs * V[(p - 1) * n + i];
        V[j * n + i] = t;
      }
    }
  }
}

/** Case 2: s[k−1] is negligible; split the bidiagonal there by rotations of U. */
function splitAt(s: Float64Array, e: Float64Array, U: Float64Array, m: number, k: number, p: number): void {
  let f = e[k - 1];
  e[k - 1] = 0;
  for (let j = k; j < p; j++) {
    let t = hypotenuse(s[j], f);
    let cs = s[j] / t;
    let sn = f / t;
    s[j] = t;
    f = -sn * e[j];
    e[j] = cs * e[j];
    if (wantu) {
      for (let i = 0; i < m; i++) {
        t = cs * U[j * m + i] + sn * U[(k - 1) * m + i];
        U[(k - 1) * m + i] = -sn * U[j * m + i] + cs * U[(k - 1) * m + i];
        U[j * m + i] = t;
      }
    }
  }
}

/** Case 3: one QR step with the Wilkinson-like shift from the trailing 2 × 2 block. */
function qrStep(s: Float64Array, e: Float64Array, U: Float64Array, V: Float64Array, m: number, n: number, k: number, p: number): void {
  const scale = Math.max(
    Math.abs(s[p - 1]),
    Math.abs(s[p - 2]),
    Math.abs(e[p - 2]),
    Math.abs(s[k]),
    Math.abs(e[k]),
  );
  const sp = s[p - 1] / scale;
  const spm1 = s[p - 2] / scale;
  const epm1 = e[p - 2] / scale;
  const sk = s[k] / scale;
  const ek = e[k] / scale;
  const b = ((spm1 + sp) * (spm1 - sp) + epm1 * epm1) / 2;
  const c = sp * epm1 * (sp * epm1);
  let shift = 0;
  if (b !== 0 || c !== 0) {
    if (b < 0) {
      shift = 0 - Math.sqrt(b * b + c);
    } else {
      shift = Math.sqrt(b * b + c);
    }
    shift = c / (b + shift);
  }
  let f = (sk + sp) * (sk - sp) + shift;
  let g = sk * ek;
  for (let j = k; j < p - 1; j++) {
    let t = hypotenuse(f, g);
    if (t === 0) t = Number.MIN_VALUE;
    let cs = f / t;
    let sn = g / t;
    if (j !== k) {
      e[j - 1] = t;
    }
    f = cs * s[j] + sn * e[j];
    e[j] = cs * e[j] - sn * s[j];
    g = sn * s[j + 1];
    s[j + 1] = cs * s[j + 1];
    if (wantv) {
      for (let i = 0; i < n; i++) {
        t = cs * V[j * n + i] + sn * V[(j + 1) * n + i];
        V[(j + 1) * n + i] = -sn * V[j * n + i] + cs * V[(j + 1) * n + i];
        V[j * n + i] = t;
      }
    }
    t = hypotenuse(f, g);
    if (t === 0) t = Number.MIN_VALUE;
    cs = f / t;
    sn = g / t;
    s[j] = t;
    f = cs * e[j] + sn * s[j + 1];
    s[j + 1] = -sn * e[j] + cs * s[j + 1];
    g = sn * e[j + 1];
    e[j + 1] = cs * e[j + 1];
    if (wantu && j < m - 1) {
      for (let i = 0; i < m; i++) {
        t = cs * U[j * m + i] + sn * U[(j + 1) * m + i];
        U[(j + 1) * m + i] = -sn * U[j * m + i] + cs * U[(j + 1) * m + i];
        U[j * m + i] = t;
      }
    }
  }
  e[p - 2] = f;
}

/** Case 4: s[k] has converged; make it positive and move it to its place in descending order. */
function settle(s: Float64Array, U: Float64Array, V: Float64Array, m: number, n: number, k: number, pp: number): void {
  if (s[k] <= 0) {
    s[k] = s[k] < 0 ? -s[k] : 0;
    if (wantv) {
      for (let i = 0; i <= pp; i++) V[k * n + i] = -V[k * n + i];
    }
  }
  while (k < pp) {
    if (s[k] >= s[k + 1]) {
      break;
    }
    let t = s[k];
    s[k] = s[k + 1];
    s[k + 1] = t;
    if (wantv && k < n - 1) {
      for (let i = 0; i < n; i++) {
        t = V[(k + 1) * n + i];
        V[(k + 1) * n + i] = V[k * n + i];
        V[k * n + i] = t;
      }
    }
    if (wantu && k < m - 1) {
      for (let i = 0; i < m; i++) {
        t = U[(k + 1) * m + i];
        U[(k + 1) * m + i] = U[k * m + i];
        U[k * m + i] = t;
      }
    }
    k++;
  }
}

/**
 * Row j of `a` (rows `width` long) reflected by the Householder vector in row k, entries from `from`
 * on: row j += t · row k with t = −(row k · row j) / a[k][from].
 */
function reflectRow(a: Float64Array, width: number, k: number, j: number, from: number): void {
  const rk = k * width;
  const rj = j * width;
  let t = 0;
  for (let i = from; i < width; i++) t += a[rk + i] * a[rj + i];
  t = -t / a[rk + from];
  for (let i = from; i < width; i++) a[rj + i] = a[rj + i] + t * a[rk + i];
}

/** The transpose of a flat rows × cols row-major matrix. */
function transposedRect(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
  return t;
}

function hypotenuse(a: number, b: number): number {
  let r = 0;
  if (Math.abs(a) > Math.abs(b)) {
    r = b / a;
    return Math.abs(a) * Math.sqrt(1 + r * r);
  }
  if (b !== 0) {
    r = a / b;
    return Math.abs(b) * Math.sqrt(1 + r * r);
  }
  return 0;
}
