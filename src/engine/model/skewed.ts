/**
 * Rotations in a linear frame: plane maps similar to a rotation, W = ρ·S R(θ) S⁻¹. The frame S matters
 * only up to a rotation and a scale of its own, so it is stated by the ellipse the orbits follow:
 * S = R(φ)·diag(r, 1), axis ratio r ≥ 1 and tilt φ ∈ (−π/2, π/2] of the major axis from u1. Then
 * W = ρ (cos θ·I + sin θ·K) with K = S J S⁻¹ the frame's quarter turn, and for ρ = 1 the map conserves
 * uᵀQu, Q = S⁻ᵀS⁻¹ (the ellipse uᵀQu = 1 has semi-axes r and 1).
 */
import type { FamilyName } from '../../types.js';
import { type Mat, solve, transpose } from '../kernels/linalg.js';
import type { ExactConstant } from './mdl.js';

/** The families of maps similar to a rotation. */
export const SKEWED_FAMILIES: ReadonlySet<FamilyName> = new Set(['skewed_rotation', 'damped_skewed_rotation']);

/** Whether a skewed law keeps its own quadratic form: undamped, or damped with ρ stated as exactly 1. */
export function conservesOwnForm(family: FamilyName, exact: (ExactConstant | null)[]): boolean {
  return family === 'skewed_rotation' || (family === 'damped_skewed_rotation' && exact[0]?.value === 1);
}

/** Moments a shape is fitted on (G = Σ u uᵀ, C = Σ u' uᵀ), and the exact residual sum of squares of a map on them. */
export interface ShapeStats {
  G: Mat;
  C: Mat;
  rss: (W: Mat) => number;
}

/** The shape of a map similar to a rotation: W = rho · S R(theta) S⁻¹, S = R(tilt)·diag(ratio, 1). */
export interface SkewedShape {
  rho: number;
  theta: number;
  /** Axis ratio r ≥ 1 of the orbits' ellipses. */
  ratio: number;
  /** Angle φ ∈ (−π/2, π/2] of the ellipses' major axis from the first coordinate. */
  tilt: number;
}

/** K = S J S⁻¹ for S = R(φ)·diag(r, 1), J the quarter turn: K² = −I, and R(θ) in the frame is cos θ + sin θ·K. */
export function frameQuarterTurn(ratio: number, tilt: number): Mat {
  const c = Math.cos(tilt);
  const s = Math.sin(tilt);
  const skew = c * s * (ratio - 1 / ratio);
  return [
    [skew, -(s * s / ratio + c * c * ratio)],
    [c * c / ratio + s * s * ratio, -skew],
  ];
}

/** W = ρ·S R(θ) S⁻¹ (2 × 2). */
export function skewedRotationMatrix(rho: number, theta: number, ratio: number, tilt: number): Mat {
  const K = frameQuarterTurn(ratio, tilt);
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  return K.map((row, i) => row.map((v, j) => rho * ((i === j ? c : 0) + s * v)));
}

/** The conserved form Q = S⁻ᵀS⁻¹ = R(φ)·diag(1/r², 1)·R(φ)ᵀ of the undamped map. */
export function conservedForm(ratio: number, tilt: number): Mat {
  const c = Math.cos(tilt);
  const s = Math.sin(tilt);
  const minor = 1 / (ratio * ratio);
  const off = c * s * (minor - 1);
  return [
    [c * c * minor + s * s, off],
    [off, s * s * minor + c * c],
  ];
}

/**
 * The canonical shape of a 2 × 2 matrix with complex eigenvalues ρe^{±iθ}, or null when its eigenvalues
 * are real (it is a rotation in no frame). The conserved form is read off the matrix itself: for
 * M = W/ρ (det 1), sign(sin θ)·[[m21, (m22 − m11)/2], [(m22 − m11)/2, −m12]] is positive definite and
 * proportional to S⁻ᵀS⁻¹, so no eigenvector (and no choice of its phase) is needed.
 */
export function skewedShapeOf(W: Mat): SkewedShape | null {
  const [[a, b], [c, d]] = W;
  const det = a * d - b * c;
  const disc = -(a - d) * (a - d) - 4 * b * c; // 4 det − tr²: positive iff the eigenvalues are complex
  if (!(det > 0) || !(disc > 0) || !Number.isFinite(det + disc)) return null;
  // disc > 0 forces b·c < 0, so c ≠ 0 and its sign is that of sin θ.
  const sign = c > 0 ? 1 : -1;
  const theta = Math.atan2(sign * Math.sqrt(disc), a + d);
  const p = sign * c;
  const q = (sign * (d - a)) / 2;
  const t = -sign * b;
  const half = Math.hypot((p - t) / 2, q);
  const major = (p + t) / 2 + half;
  // The smaller eigenvalue as det/major: no cancellation when the ellipse is long.
  const minor = disc / 4 / major;
  const ratio = Math.max(Math.sqrt(major / minor), 1);
  // The major axis is the eigenvector of the smaller eigenvalue, a right angle from the larger one's.
  const tilt = half > 0 ? wrapHalfTurn(0.5 * Math.atan2(2 * q, p - t) + Math.PI / 2) : 0;
  return { rho: Math.sqrt(det), theta, ratio, tilt };
}

/** An angle of an axis (defined modulo π) in (−π/2, π/2]. */
function wrapHalfTurn(x: number): number {
  let y = x - Math.PI * Math.round(x / Math.PI);
  if (y <= -Math.PI / 2) y += Math.PI;
  return y;
}

/** Parameters [ρ,] θ, r, φ of a shape, in the families' order. */
export function shapeParameters(shape: SkewedShape, damped: boolean): number[] {
  const rest = [shape.theta, shape.ratio, shape.tilt];
  return damped ? [shape.rho, ...rest] : rest;
}

/**
 * The offset column of a map about a centre: u' = c + W(u − c) = W u + (c − W c). Parameters state the
 * centre rather than the offset, so snapping the angle leaves the centre where it is.
 */
export function offsetAboutCentre(W: Mat, centre: number[]): number[] {
  return centre.map((c, i) => c - W[i].reduce((s, w, j) => s + w * centre[j], 0));
}

/** The centre c = (I − W)⁻¹ b of u' = W u + b, or null when I − W is (nearly) singular (W does not turn). */
export function centreOf(W: Mat, b: number[]): number[] | null {
  const a = 1 - W[0][0];
  const d = 1 - W[1][1];
  const det = a * d - W[0][1] * W[1][0];
  if (!(Math.abs(det) > 1e-12 * (1 + W.flat().reduce((s, v) => s + v * v, 0)))) return null;
  const c = [(d * b[0] + W[0][1] * b[1]) / det, (W[1][0] * b[0] + a * b[1]) / det];
  return c.every(Number.isFinite) ? c : null;
}

/** The 2 × 2 map of parameters [ρ,] θ, r, φ. */
export function shapeMatrix(p: number[], damped: boolean): Mat {
  return damped ? skewedRotationMatrix(p[0], p[1], p[2], p[3]) : skewedRotationMatrix(1, p[0], p[1], p[2]);
}

/**
 * Least-squares shape of u' = W u on centred or raw moments.
 * Start: the least-squares linear map's eigenvalues and conserved form (exact when the data follow
 * such a map; for the damped family, whose members are all maps with complex eigenvalues, already the
 * optimum). The undamped family is a constrained one (det W = 1), so a few Levenberg–Marquardt steps on
 * the exact residual sum of squares follow. When the linear map's eigenvalues are real, the best member
 * lies on the family's boundary (r → ∞, a shear) and no finite one is optimal: the fit is then the best
 * plain (damped) rotation, a member that the description length ranks below rotation and linear, rather
 * than a failure entry for every plane of the search on which nothing rotates.
 */
export function fitSkewedShape(fs: ShapeStats, damped: boolean): number[] {
  const start = skewedShapeOf(leastSquaresMap(fs));
  if (!start) return shapeParameters(procrustesShape(fs), damped);
  const p0 = shapeParameters(start, damped);
  // Every 2 × 2 map with complex eigenvalues is a damped skewed rotation: the start is the optimum.
  if (damped) return p0;
  const refined = levenbergMarquardt(p0, (p) => shapeMatrix(p, damped), fs);
  // Back to the canonical ranges (r ≥ 1, φ in (−π/2, π/2], ρ > 0); the steps are unconstrained.
  const shape = skewedShapeOf(shapeMatrix(refined, damped));
  if (!shape || !(fs.rss(shapeMatrix(refined, damped)) <= fs.rss(shapeMatrix(p0, damped)))) return p0;
  const out = shapeParameters(shape, damped);
  if (out.some((v) => !Number.isFinite(v))) throw new Error('skewed rotation fit produced a non-finite value');
  return out;
}

/** M = C G⁻¹, in closed form for a regular G (the pseudo-inverse of linalg otherwise). */
function leastSquaresMap({ G, C }: ShapeStats): Mat {
  const det = G[0][0] * G[1][1] - G[0][1] * G[1][0];
  if (!(det > 1e-12 * (G[0][0] * G[1][1]))) return transpose(solve(G, transpose(C)));
  const inv = [
    [G[1][1] / det, -G[0][1] / det],
    [-G[1][0] / det, G[0][0] / det],
  ];
  return C.map((row) => [row[0] * inv[0][0] + row[1] * inv[1][0], row[0] * inv[0][1] + row[1] * inv[1][1]]);
}

/** The plain (damped) rotation that fits best: Procrustes in the plane, in a round frame. */
function procrustesShape(fs: ShapeStats): SkewedShape {
  const s = fs.C[1][0] - fs.C[0][1];
  const c = fs.C[0][0] + fs.C[1][1];
  const theta = Math.atan2(s, c);
  const den = fs.G[0][0] + fs.G[1][1];
  // The optimal ρ is the projection on R(θ), cos θ·c + sin θ·s = |(c, s)| ≥ 0.
  const rho = den > 0 ? Math.hypot(s, c) / den : 1;
  return { rho, theta, ratio: 1, tilt: 0 };
}

const MAX_STEPS = 40;

/**
 * Minimise RSS(W(p)) by Levenberg–Marquardt. The residual is linear in W, so the Gauss–Newton matrix
 * and gradient come straight from the moments: H_ij = Σ_r J_i[r]·G·J_j[r], g_i = ⟨J_i, W G − C⟩, with
 * J_i = ∂W/∂p_i by central differences (W is smooth and 2 × 2). Bounded steps; a non-finite trial is
 * a rejected one; it stops when a step no longer lowers the RSS beyond its rounding.
 */
function levenbergMarquardt(p0: number[], W: (p: number[]) => Mat, fs: ShapeStats): number[] {
  const rss = (p: number[]): number => {
    const M = W(p);
    return M.flat().every(Number.isFinite) ? fs.rss(M) : Infinity;
  };
  let p = p0.slice();
  let f = rss(p);
  let lambda = 1e-3;
  for (let step = 0; step < MAX_STEPS && Number.isFinite(f); step++) {
    const { H, g } = normalEquations(p, W, fs);
    // A direction the map does not depend on (the tilt of a round frame) gets a little damping of its own.
    const floor = 1e-9 * Math.max(...H.map((row, i) => row[i]));
    const delta = choleskySolve(H.map((row, i) => row.map((v, j) => v + (i === j ? lambda * Math.max(v, floor) : 0))), g.map((v) => -v));
    const trial = delta ? p.map((v, i) => v + delta[i]) : p;
    const ft = delta ? rss(trial) : Infinity;
    if (ft < f) {
      const settled = f - ft <= 1e-12 * f;
      p = trial;
      f = ft;
      lambda = Math.max(lambda / 10, 1e-12);
      if (settled) break;
    } else {
      lambda *= 10;
      if (lambda > 1e12) break;
    }
  }
  return p;
}

/** Solve A x = b for a small symmetric positive definite A, or null when A is not (numerically) so. */
function choleskySolve(A: Mat, b: number[]): number[] | null {
  const n = A.length;
  const L = A.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i][j];
      for (let q = 0; q < j; q++) s -= L[i][q] * L[j][q];
      if (i === j) {
        if (!(s > 0)) return null;
        L[i][i] = Math.sqrt(s);
      } else L[i][j] = s / L[j][j];
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) y[i] = (b[i] - L[i].slice(0, i).reduce((s, v, q) => s + v * y[q], 0)) / L[i][i];
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let q = i + 1; q < n; q++) s -= L[q][i] * x[q];
    x[i] = s / L[i][i];
  }
  return x.every(Number.isFinite) ? x : null;
}

/** Gauss–Newton matrix and gradient of ½·RSS(W(p)) from the moments. */
function normalEquations(p: number[], W: (p: number[]) => Mat, fs: ShapeStats): { H: Mat; g: number[] } {
  const M = W(p);
  const k = M.length;
  const m = fs.G.length;
  const J = p.map((v, i) => {
    const h = 1e-6 * Math.max(1, Math.abs(v));
    const up = p.slice();
    const down = p.slice();
    up[i] += h;
    down[i] -= h;
    const Wu = W(up);
    const Wd = W(down);
    return Wu.map((row, r) => row.map((x, c) => (x - Wd[r][c]) / (2 * h)));
  });
  const R = M.map((row, r) => Array.from({ length: m }, (_, b) => row.reduce((s, w, a) => s + w * fs.G[a][b], 0) - fs.C[r][b]));
  const JG = J.map((Ji) => Ji.map((row) => Array.from({ length: m }, (_, b) => row.reduce((s, w, a) => s + w * fs.G[a][b], 0))));
  const H = J.map((_, i) => J.map((Jj, j) => sumOver(k, m, (r, b) => JG[i][r][b] * Jj[r][b])));
  const g = J.map((Ji) => sumOver(k, m, (r, b) => Ji[r][b] * R[r][b]));
  return { H, g };
}

function sumOver(k: number, m: number, f: (r: number, b: number) => number): number {
  let s = 0;
  for (let r = 0; r < k; r++) for (let b = 0; b < m; b++) s += f(r, b);
  return s;
}
