/**
 * Reduction of a general real square matrix to upper Hessenberg form by orthogonal similarity
 * (EISPACK's orthes, as in JAMA), with the transform accumulated: the first step of general-eigen.ts.
 * ml-matrix's routine (MIT licence, © 2014 ml.js) on one flat row-major array, its column-wise sums
 * taken row by row so memory is read in order; every sum still runs in the original order, so the
 * result is bit for bit ml-matrix's.
 */

/** H (n × n, row-major) becomes Hessenberg, V the accumulated orthogonal transform; `ort` is scratch. */
export function orthes(n: number, H: Float64Array, ort: Float64Array, V: Float64Array): void {
  const sums = reduceToHessenberg(n, H, ort);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) V[i * n + j] = i === j ? 1 : 0;
  for (let m = n - 2; m >= 1; m--) accumulateReflection(n, H, ort, V, sums, m);
}

/**
 * H becomes Hessenberg; the reflections are left in `ort` and below H's subdiagonal, where
 * {@link applyReflections} reads them. Returns scratch space for orthes.
 */
export function reduceToHessenberg(n: number, H: Float64Array, ort: Float64Array): Float64Array {
  const sums = new Float64Array(n);
  for (let m = 1; m <= n - 2; m++) reduceColumn(n, H, ort, sums, m);
  return sums;
}

/**
 * x ← V x for the transform orthes accumulates, from the reflections `reduceToHessenberg` left in `ort`
 * and `H`: the same factors as accumulateReflection, applied to one vector (n² work, not n³).
 */
export function applyReflections(n: number, H: Float64Array, ort: Float64Array, x: Float64Array): void {
  const high = n - 1;
  for (let m = n - 2; m >= 1; m--) {
    const pivot = H[m * n + (m - 1)];
    if (pivot === 0) continue;
    let s = ort[m] * x[m];
    for (let i = m + 1; i <= high; i++) s += H[i * n + (m - 1)] * x[i];
    s = s / ort[m] / pivot;
    x[m] += s * ort[m];
    for (let i = m + 1; i <= high; i++) x[i] += s * H[i * n + (m - 1)];
  }
}

/** One Householder reflection zeroing column m − 1 of H below the subdiagonal; its vector is left in ort and H. */
function reduceColumn(n: number, H: Float64Array, ort: Float64Array, sums: Float64Array, m: number): void {
  const high = n - 1;
  let scale = 0;
  for (let i = m; i <= high; i++) scale = scale + Math.abs(H[i * n + (m - 1)]);
  if (scale === 0) return;
  let h = 0;
  for (let i = high; i >= m; i--) {
    ort[i] = H[i * n + (m - 1)] / scale;
    h += ort[i] * ort[i];
  }
  let g = Math.sqrt(h);
  if (ort[m] > 0) g = -g;
  h = h - ort[m] * g;
  ort[m] = ort[m] - g;
  // H ← (I − u uᵀ/h) H: row by row (each column's sum still runs over i from high down), so memory is
  // read in order; two rows per sweep of `sums` (the same additions, in the same order).
  sums.fill(0, m, n);
  let i = high;
  // Four rows per sweep of `sums` where they fit: the same additions as two sweeps of two.
  for (; i - 3 >= m; i -= 4) {
    const [row0, row1, row2, row3] = [i * n, (i - 1) * n, (i - 2) * n, (i - 3) * n];
    const [o0, o1, o2, o3] = [ort[i], ort[i - 1], ort[i - 2], ort[i - 3]];
    for (let j = m; j < n; j++) sums[j] = sums[j] + o0 * H[row0 + j] + o1 * H[row1 + j] + o2 * H[row2 + j] + o3 * H[row3 + j];
  }
  for (; i - 1 >= m; i -= 2) {
    const [row0, row1, o0, o1] = [i * n, (i - 1) * n, ort[i], ort[i - 1]];
    for (let j = m; j < n; j++) sums[j] = sums[j] + o0 * H[row0 + j] + o1 * H[row1 + j];
  }
  if (i === m) for (let j = m; j < n; j++) sums[j] += ort[m] * H[m * n + j];
  for (let j = m; j < n; j++) sums[j] = sums[j] / h;
  // Then H ← H (I − u uᵀ/h). Each row's right update reads only that row after its left update, so both
  // happen in one visit of the row (the same arithmetic in the same order): rows above m have no left
  // update. Four rows at a time where they fit (four independent sums), each row's sum over j from
  // high down, as before.
  let r = 0;
  for (; r + 3 <= high; r += 4) {
    if (r >= m) bothUpdatesQuad(H, n, m, sums, ort, h, r);
    else {
      for (let q = r; q < r + 4; q++) if (q >= m) leftUpdate(H, n, m, sums, ort[q], q * n);
      rightUpdateQuad(H, n, m, ort, h, r * n);
    }
  }
  for (; r + 1 <= high; r += 2) {
    if (r >= m) leftUpdate(H, n, m, sums, ort[r], r * n);
    if (r + 1 >= m) leftUpdate(H, n, m, sums, ort[r + 1], (r + 1) * n);
    rightUpdatePair(H, n, m, ort, h, r * n, (r + 1) * n);
  }
  if (r === high) {
    if (r >= m) leftUpdate(H, n, m, sums, ort[r], r * n);
    let f = 0;
    for (let j = high; j >= m; j--) f += ort[j] * H[r * n + j];
    f = f / h;
    for (let j = m; j <= high; j++) H[r * n + j] = H[r * n + j] - f * ort[j];
  }
  ort[m] = scale * ort[m];
  H[m * n + (m - 1)] = scale * g;
}

/** Row `row` of H ← row − ort_r · sumsᵀ over columns m … n − 1 (the left update of one row). */
function leftUpdate(H: Float64Array, n: number, m: number, sums: Float64Array, ortR: number, row: number): void {
  for (let j = m; j < n; j++) H[row + j] = H[row + j] - sums[j] * ortR;
}

/**
 * Rows r … r + 3 (all at or below m) of both updates in one sweep for the sums and one for the
 * subtraction: each entry's left update is taken as the right update's sum reads it (high down), so
 * every value is the one the separate updates give.
 */
function bothUpdatesQuad(H: Float64Array, n: number, m: number, sums: Float64Array, ort: Float64Array, h: number, r: number): void {
  const high = n - 1;
  const [row0, row1, row2, row3] = [r * n, (r + 1) * n, (r + 2) * n, (r + 3) * n];
  const [l0, l1, l2, l3] = [ort[r], ort[r + 1], ort[r + 2], ort[r + 3]];
  let f0 = 0;
  let f1 = 0;
  let f2 = 0;
  let f3 = 0;
  for (let j = high; j >= m; j--) {
    const o = ort[j];
    const s = sums[j];
    const a = H[row0 + j] - s * l0;
    const b = H[row1 + j] - s * l1;
    const c = H[row2 + j] - s * l2;
    const d = H[row3 + j] - s * l3;
    H[row0 + j] = a;
    H[row1 + j] = b;
    H[row2 + j] = c;
    H[row3 + j] = d;
    f0 += o * a;
    f1 += o * b;
    f2 += o * c;
    f3 += o * d;
  }
  subtractQuad(H, n, m, ort, row0, f0 / h, f1 / h, f2 / h, f3 / h);
}

/** Rows from `row0` on, four of them, of H ← row (I − u uᵀ/h) over columns m … n − 1 (four sums at once). */
function rightUpdateQuad(H: Float64Array, n: number, m: number, ort: Float64Array, h: number, row0: number): void {
  const high = n - 1;
  const [row1, row2, row3] = [row0 + n, row0 + 2 * n, row0 + 3 * n];
  let f0 = 0;
  let f1 = 0;
  let f2 = 0;
  let f3 = 0;
  for (let j = high; j >= m; j--) {
    const o = ort[j];
    f0 += o * H[row0 + j];
    f1 += o * H[row1 + j];
    f2 += o * H[row2 + j];
    f3 += o * H[row3 + j];
  }
  subtractQuad(H, n, m, ort, row0, f0 / h, f1 / h, f2 / h, f3 / h);
}

/** Rows from `row0` on, four of them: row q ← row q − f_q · ortᵀ over columns m … n − 1. */
function subtractQuad(H: Float64Array, n: number, m: number, ort: Float64Array, row0: number, f0: number, f1: number, f2: number, f3: number): void {
  const [row1, row2, row3] = [row0 + n, row0 + 2 * n, row0 + 3 * n];
  for (let j = m; j < n; j++) {
    const o = ort[j];
    H[row0 + j] = H[row0 + j] - f0 * o;
    H[row1 + j] = H[row1 + j] - f1 * o;
    H[row2 + j] = H[row2 + j] - f2 * o;
    H[row3 + j] = H[row3 + j] - f3 * o;
  }
}

/** Rows `row0`, `row1` of H ← row (I − u uᵀ/h) over columns m … n − 1 (the right update of two rows). */
function rightUpdatePair(H: Float64Array, n: number, m: number, ort: Float64Array, h: number, row0: number, row1: number): void {
  const high = n - 1;
  let f0 = 0;
  let f1 = 0;
  for (let j = high; j >= m; j--) {
    f0 += ort[j] * H[row0 + j];
    f1 += ort[j] * H[row1 + j];
  }
  f0 = f0 / h;
  f1 = f1 / h;
  for (let j = m; j <= high; j++) {
    H[row0 + j] = H[row0 + j] - f0 * ort[j];
    H[row1 + j] = H[row1 + j] - f1 * ort[j];
  }
}

/** V ← V · (reflection m), from the vector reduceColumn left in ort and H's column m − 1. */
function accumulateReflection(n: number, H: Float64Array, ort: Float64Array, V: Float64Array, sums: Float64Array, m: number): void {
  const high = n - 1;
  if (H[m * n + (m - 1)] === 0) return;
  for (let i = m + 1; i <= high; i++) ort[i] = H[i * n + (m - 1)];
  sums.fill(0, m, high + 1);
  for (let i = m; i <= high; i++) {
    const row = i * n;
    for (let j = m; j <= high; j++) sums[j] += ort[i] * V[row + j];
  }
  for (let j = m; j <= high; j++) sums[j] = sums[j] / ort[m] / H[m * n + (m - 1)];
  for (let i = m; i <= high; i++) {
    const row = i * n;
    for (let j = m; j <= high; j++) V[row + j] = V[row + j] + sums[j] * ort[i];
  }
}

/** The transpose of a flat n × n row-major matrix. */
export function transposed(a: Float64Array, n: number): Float64Array {
  const t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) t[j * n + i] = a[i * n + j];
  return t;
}
