/**
 * Symmetric eigen-decomposition on flat Float64Arrays: Householder reduction to tridiagonal form, then
 * the implicit QL iteration (EISPACK's tred2/tql2, as in JAMA and ml-matrix). ml-matrix's version keeps
 * the eigenvectors transposed, as this one does, but reaches every entry through `get`/`set` calls: on
 * one flat array the same arithmetic, in the same order, runs about twice as fast at 256 dimensions and
 * returns ml-matrix's results bit for bit (docs/performance.md#eigen-decompositions-on-flat-arrays).
 */
import type { TridiagonalForm } from './tridiagonal-eigenvectors.js';

/** Sweeps of the QL iteration allowed per eigenvalue; it converges in two or three. */
const MAX_SWEEPS = 64;

/**
 * Eigenvalues ascending and eigenvectors (row i of `vectors` is the i-th, n × n row-major) of the
 * symmetric n × n matrix `a` (row-major; only its lower triangle is read).
 * @throws Error when the iteration does not converge (non-finite input).
 */
export function flatSymmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  // w is Vᵀ: w[j*n + k] = V[k][j], so V's columns (the eigenvectors) are w's rows.
  const w = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let k = j; k < n; k++) w[j * n + k] = a[k * n + j];
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  if (n === 0) return { values: d, vectors: w };
  tridiagonalize(w, d, e, n, true);
  diagonalize(w, d, e, n, true);
  return sortAscending(w, d, n, true);
}

/**
 * The eigenvalues of {@link flatSymmetricEigen} alone, bit for bit (the same reduction and iteration,
 * without accumulating the transforms): about a third of the work.
 */
export function flatSymmetricEigenvalues(a: Float64Array, n: number): Float64Array {
  return flatSymmetricEigenvaluesAndForm(a, n).values;
}

/**
 * The eigenvalues of {@link flatSymmetricEigen}, bit for bit, and the tridiagonal form with tred2's
 * reflections, from which tridiagonal-eigenvectors.ts computes the few eigenvectors wanted.
 */
export function flatSymmetricEigenvaluesAndForm(a: Float64Array, n: number): { values: Float64Array; form: TridiagonalForm } {
  const w = new Float64Array(n * n);
  for (let j = 0; j < n; j++) for (let k = j; k < n; k++) w[j * n + k] = a[k * n + j];
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  const h = new Float64Array(n);
  if (n === 0) return { values: d, form: { n, diag: d, sub: e, reflectors: w, h } };
  tridiagonalize(w, d, e, n, false, h);
  // The tridiagonal before diagonalize overwrites d and e.
  const form = { n, diag: Float64Array.from(d), sub: Float64Array.from(e), reflectors: w, h };
  diagonalize(w, d, e, n, false);
  return { values: sortAscending(w, d, n, false).values, form };
}

/**
 * tred2: w (= Vᵀ, lower triangle of V filled) becomes the accumulated transform, d and e the
 * tridiagonal; without `vectors`, only d and e (the diagonal is read where accumulate would stash it).
 */
function tridiagonalize(w: Float64Array, d: Float64Array, e: Float64Array, n: number, vectors: boolean, reflectorH?: Float64Array): void {
  for (let j = 0; j < n; j++) d[j] = w[j * n + n - 1];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = w[j * n + i - 1];
        w[j * n + i] = 0;
        w[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      symmetricTimes(w, d, e, n, i);
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      rankTwoUpdate(w, d, e, n, i);
    }
    d[i] = h;
  }
  if (vectors) return accumulate(w, d, e, n);
  reflectorH?.set(d);
  for (let j = 0; j < n; j++) d[j] = w[j * n + j];
  e[0] = 0;
}

/**
 * e ← A d for the leading i × i block of A (its lower triangle in w's rows), as tred2 takes it: row j
 * gives the dot product e[j] and adds its column part into e[k > j]; d is stored into w's row i. Two
 * rows per pass over e, every sum in tred2's order (bit for bit), with half the loads and stores.
 */
function symmetricTimes(w: Float64Array, d: Float64Array, e: Float64Array, n: number, i: number): void {
  let j = 0;
  for (; j + 3 < i; j += 4) symmetricTimesQuad(w, d, e, n, i, j);
  for (; j + 1 < i; j += 2) {
    const row0 = j * n;
    const row1 = row0 + n;
    const f0 = d[j];
    const f1 = d[j + 1];
    w[i * n + j] = f0;
    w[i * n + j + 1] = f1;
    let g0 = e[j] + w[row0 + j] * f0;
    g0 += w[row0 + j + 1] * d[j + 1];
    e[j + 1] += w[row0 + j + 1] * f0;
    let g1 = e[j + 1] + w[row1 + j + 1] * f1;
    for (let k = j + 2; k <= i - 1; k++) {
      const a = w[row0 + k];
      const b = w[row1 + k];
      const dk = d[k];
      g0 += a * dk;
      g1 += b * dk;
      e[k] = e[k] + a * f0 + b * f1;
    }
    e[j] = g0;
    e[j + 1] = g1;
  }
  if (j < i) {
    const row = j * n;
    w[i * n + j] = d[j];
    e[j] = e[j] + w[row + j] * d[j];
  }
}

/**
 * A ← A − d eᵀ − e dᵀ on the leading i × i block (lower triangle, w's rows), then each row's entry in
 * column i − 1 into d: tred2's update, two rows per pass over d and e (each entry's arithmetic as before).
 */
function rankTwoUpdate(w: Float64Array, d: Float64Array, e: Float64Array, n: number, i: number): void {
  let j = 0;
  for (; j + 3 < i; j += 4) rankTwoUpdateQuad(w, d, e, n, i, j);
  for (; j + 1 < i; j += 2) {
    const row0 = j * n;
    const row1 = row0 + n;
    const f0 = d[j];
    const g0 = e[j];
    const f1 = d[j + 1];
    const g1 = e[j + 1];
    w[row0 + j] -= f0 * e[j] + g0 * d[j];
    for (let k = j + 1; k <= i - 1; k++) {
      const ek = e[k];
      const dk = d[k];
      w[row0 + k] -= f0 * ek + g0 * dk;
      w[row1 + k] -= f1 * ek + g1 * dk;
    }
    d[j] = w[row0 + i - 1];
    w[row0 + i] = 0;
    d[j + 1] = w[row1 + i - 1];
    w[row1 + i] = 0;
  }
  if (j < i) {
    const row = j * n;
    w[row + j] -= d[j] * e[j] + e[j] * d[j];
    d[j] = w[row + i - 1];
    w[row + i] = 0;
  }
}

/**
 * Rows j … j + 3 of {@link symmetricTimes} in one pass over e: each row's sum starts from e[j + q] once
 * the rows before it have added to it, and each e[k] takes the four rows' parts in row order, so every
 * value is tred2's.
 */
function symmetricTimesQuad(w: Float64Array, d: Float64Array, e: Float64Array, n: number, i: number, j: number): void {
  const r0 = j * n;
  const r1 = r0 + n;
  const r2 = r1 + n;
  const r3 = r2 + n;
  const f0 = d[j];
  const f1 = d[j + 1];
  const f2 = d[j + 2];
  const f3 = d[j + 3];
  const into = i * n + j;
  w[into] = f0;
  w[into + 1] = f1;
  w[into + 2] = f2;
  w[into + 3] = f3;
  let g0 = e[j] + w[r0 + j] * f0;
  g0 += w[r0 + j + 1] * d[j + 1];
  e[j + 1] += w[r0 + j + 1] * f0;
  g0 += w[r0 + j + 2] * d[j + 2];
  e[j + 2] += w[r0 + j + 2] * f0;
  g0 += w[r0 + j + 3] * d[j + 3];
  e[j + 3] += w[r0 + j + 3] * f0;
  let g1 = e[j + 1] + w[r1 + j + 1] * f1;
  g1 += w[r1 + j + 2] * d[j + 2];
  e[j + 2] += w[r1 + j + 2] * f1;
  g1 += w[r1 + j + 3] * d[j + 3];
  e[j + 3] += w[r1 + j + 3] * f1;
  let g2 = e[j + 2] + w[r2 + j + 2] * f2;
  g2 += w[r2 + j + 3] * d[j + 3];
  e[j + 3] += w[r2 + j + 3] * f2;
  let g3 = e[j + 3] + w[r3 + j + 3] * f3;
  for (let k = j + 4; k <= i - 1; k++) {
    const a0 = w[r0 + k];
    const a1 = w[r1 + k];
    const a2 = w[r2 + k];
    const a3 = w[r3 + k];
    const dk = d[k];
    g0 += a0 * dk;
    g1 += a1 * dk;
    g2 += a2 * dk;
    g3 += a3 * dk;
    e[k] = e[k] + a0 * f0 + a1 * f1 + a2 * f2 + a3 * f3;
  }
  e[j] = g0;
  e[j + 1] = g1;
  e[j + 2] = g2;
  e[j + 3] = g3;
}

/** Rows j … j + 3 of {@link rankTwoUpdate} in one pass over d and e (each entry's arithmetic as before). */
function rankTwoUpdateQuad(w: Float64Array, d: Float64Array, e: Float64Array, n: number, i: number, j: number): void {
  const r0 = j * n;
  const r1 = r0 + n;
  const r2 = r1 + n;
  const r3 = r2 + n;
  const f0 = d[j];
  const f1 = d[j + 1];
  const f2 = d[j + 2];
  const f3 = d[j + 3];
  const g0 = e[j];
  const g1 = e[j + 1];
  const g2 = e[j + 2];
  const g3 = e[j + 3];
  // Each row from its own diagonal entry on: the first three columns before all four rows share them.
  w[r0 + j] -= f0 * e[j] + g0 * d[j];
  w[r0 + j + 1] -= f0 * e[j + 1] + g0 * d[j + 1];
  w[r1 + j + 1] -= f1 * e[j + 1] + g1 * d[j + 1];
  w[r0 + j + 2] -= f0 * e[j + 2] + g0 * d[j + 2];
  w[r1 + j + 2] -= f1 * e[j + 2] + g1 * d[j + 2];
  w[r2 + j + 2] -= f2 * e[j + 2] + g2 * d[j + 2];
  for (let k = j + 3; k <= i - 1; k++) {
    const ek = e[k];
    const dk = d[k];
    w[r0 + k] -= f0 * ek + g0 * dk;
    w[r1 + k] -= f1 * ek + g1 * dk;
    w[r2 + k] -= f2 * ek + g2 * dk;
    w[r3 + k] -= f3 * ek + g3 * dk;
  }
  d[j] = w[r0 + i - 1];
  w[r0 + i] = 0;
  d[j + 1] = w[r1 + i - 1];
  w[r1 + i] = 0;
  d[j + 2] = w[r2 + i - 1];
  w[r2 + i] = 0;
  d[j + 3] = w[r3 + i - 1];
  w[r3 + i] = 0;
}

/** The second half of tred2: the Householder transforms multiplied out into w. */
function accumulate(w: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 0; i < n - 1; i++) {
    w[i * n + n - 1] = w[i * n + i];
    w[i * n + i] = 1;
    const h = d[i + 1];
    const next = (i + 1) * n;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = w[next + k] / h;
      for (let j = 0; j <= i; j++) {
        const row = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += w[next + k] * w[row + k];
        for (let k = 0; k <= i; k++) w[row + k] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) w[next + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = w[j * n + n - 1];
    w[j * n + n - 1] = 0;
  }
  w[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/** tql2: the implicit QL iteration on the tridiagonal (d, e), rotations applied to w's rows when `vectors`. */
function diagonalize(w: Float64Array, d: Float64Array, e: Float64Array, n: number, vectors: boolean): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      let sweeps = 0;
      do {
        if (++sweeps > MAX_SWEEPS || !Number.isFinite(tst1)) throw new Error('symmetric eigen-decomposition did not converge');
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          if (vectors) rotateRows(w, i * n, (i + 1) * n, n, c, s);
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}

/** Rows a and b of w ← (c·a − s·b, s·a + c·b). */
function rotateRows(w: Float64Array, a: number, b: number, n: number, c: number, s: number): void {
  for (let k = 0; k < n; k++) {
    const h = w[b + k];
    w[b + k] = s * w[a + k] + c * h;
    w[a + k] = c * w[a + k] - s * h;
  }
}

/** √(a² + b²) without overflow for the scaled magnitudes met here. */
function hypot(a: number, b: number): number {
  const x = Math.abs(a);
  const y = Math.abs(b);
  if (x > y) {
    const t = y / x;
    return x * Math.sqrt(1 + t * t);
  }
  if (y === 0) return 0;
  const t = x / y;
  return y * Math.sqrt(1 + t * t);
}

/** Selection sort with swaps, as EISPACK's tql2 ends: ties keep the order the swaps leave, as in ml-matrix. */
function sortAscending(w: Float64Array, d: Float64Array, n: number, vectors: boolean): { values: Float64Array; vectors: Float64Array } {
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = d[i];
    for (let j = i + 1; j < n; j++) {
      if (d[j] < p) {
        k = j;
        p = d[j];
      }
    }
    if (k === i) continue;
    d[k] = d[i];
    d[i] = p;
    for (let j = 0; vectors && j < n; j++) {
      const t = w[i * n + j];
      w[i * n + j] = w[k * n + j];
      w[k * n + j] = t;
    }
  }
  return { values: d, vectors: w };
}
