/**
 * The start of a forecast by a law fitted through measurement noise. An encoder's reading of the first
 * frame carries the noise, and a rollout from it carries that error forever; the law says how the
 * clean state moves, so the first few readings together pin the clean start down: the least-squares
 * u_0 with u_j ≈ A^j u_0 + c_j (c_j the offset's accumulated push) for j < m. Pure numeric code.
 */
import { identity, matmul, solve, transpose } from '../engine/kernels/linalg.js';
import type { Law } from '../types.js';

/** Readings a forecast by a law with measurement noise starts from, when the sequence has them. */
export const NOISY_START_READINGS = 4;

/**
 * The clean start of each of `K` sequences: `readings` holds m latent states per sequence (K × m × d,
 * row-major); the subspace part of each first state is replaced by the least-squares clean start, the
 * rest is kept. Laws that are not linear in u (or m = 1) keep the first reading as it is.
 */
export function cleanStarts(law: Law, readings: ArrayLike<number>, K: number, m: number, d: number): Float64Array {
  const out = new Float64Array(K * d);
  for (let s = 0; s < K; s++) for (let c = 0; c < d; c++) out[s * d + c] = readings[s * m * d + c];
  const linear = linearPart(law);
  if (!linear || m < 2) return out;
  const B = law.subspace.basis;
  const k = B.length;
  // Powers P_j = A^j and offsets c_j = A c_{j−1} + b, shared by every sequence.
  const powers: number[][][] = [identity(k)];
  const offsets: number[][] = [new Array<number>(k).fill(0)];
  for (let j = 1; j < m; j++) {
    powers.push(matmul(linear.A, powers[j - 1]));
    offsets.push(linear.A.map((row, i) => row.reduce((acc, a, q) => acc + a * offsets[j - 1][q], 0) + linear.b[i]));
  }
  const normal = sumOver(m, (j) => matmul(transpose(powers[j]), powers[j]));
  for (let s = 0; s < K; s++) {
    const rhs = Array.from({ length: k }, () => [0]);
    for (let j = 0; j < m; j++) {
      const u = B.map((row) => row.reduce((acc, w, c) => acc + w * readings[(s * m + j) * d + c], 0));
      const r = u.map((v, i) => v - offsets[j][i]);
      for (let a = 0; a < k; a++) for (let i = 0; i < k; i++) rhs[a][0] += powers[j][i][a] * r[i];
    }
    const u0 = solve(normal, rhs).map((row) => row[0]);
    if (!u0.every(Number.isFinite)) continue;
    const first = B.map((row) => row.reduce((acc, w, c) => acc + w * out[s * d + c], 0));
    for (let c = 0; c < d; c++) for (let a = 0; a < k; a++) out[s * d + c] += B[a][c] * (u0[a] - first[a]);
  }
  return out;
}

/** A and b of a map law u' = A u + b (features u1…uk and maybe 1), or null when it has other terms. */
function linearPart(law: Law): { A: number[][]; b: number[] } | null {
  const k = law.subspace.basis.length;
  const { features, coefficients } = law.model;
  if (law.model.role !== 'map' || features.some((f) => f !== '1' && !/^u\d+$/.test(f))) return null;
  const cols = Array.from({ length: k }, (_, i) => features.indexOf(`u${i + 1}`));
  if (cols.some((c) => c < 0)) return null;
  const one = features.indexOf('1');
  return { A: coefficients.map((row) => cols.map((c) => row[c])), b: coefficients.map((row) => (one >= 0 ? row[one] : 0)) };
}

const sumOver = (m: number, term: (j: number) => number[][]): number[][] => {
  const parts = Array.from({ length: m }, (_, j) => term(j));
  return parts[0].map((row, i) => row.map((_, j) => parts.reduce((acc, P) => acc + P[i][j], 0)));
};
