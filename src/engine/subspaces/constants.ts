/**
 * Directions in which the data never vary (a coordinate that is 5.0 in every state, or a combination
 * of coordinates the data hold fixed). They are stated once, as a constant, and every other subspace
 * lies in their complement: a law stated there would be a constant restated ("I = sin(u1) is
 * conserved" for a coordinate that never moves).
 */
import { choleskyInPlace } from '../kernels/cholesky.js';
import { type Mat, orthonormalRows, symmetricEigen, symmetricEigenvalues } from '../kernels/linalg.js';
import { type CentredProjection, type Moments, projectCentred, projectMoments } from '../moments/moments.js';
import { roundingFloor } from '../moments/resolution.js';
import type { StateArray } from '../../types.js';

/** The constant part of the data and the complement every search subspace lies in. */
export interface ConstantSplit {
  /** Orthonormal rows spanning the directions where the data do not vary (empty: none). */
  constant: number[][];
  /** The coordinates spanning them, when they are coordinate axes. */
  coordinates: number[] | null;
  /** The constant values u = constant · z. */
  values: number[];
  /** Orthonormal rows spanning the directions where the data vary. */
  varying: number[][];
  /** Largest variance per state that still counts as constant (the data's rounding at their magnitude). */
  threshold: number;
}

const identityRows = (d: number) => Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));

/**
 * Eigenvalues of the state covariance are resolved only to about this share of the largest (rounding
 * in the moment sums); directions below it are judged by their own spread over the states.
 */
const EIGEN_RESOLUTION = 1e-12;

/** The variance of v · z over (a sample of) the states, computed from the states themselves. */
export type DirectSpread = (v: number[]) => number;

/**
 * Split R^d into the directions the data hold fixed and those where they vary. With `spreadOf`, a
 * direction whose variance the moments cannot resolve is constant only when its spread over the states
 * is within rounding: a coordinate moving by 3e-9 beside one moving by 1 varies.
 */
export function splitConstants(mom: Moments, roundoff: number, spreadOf?: DirectSpread, all: CentredProjection = projectCentred(mom, identityRows(mom.dim))): ConstantSplit {
  const d = mom.dim;
  const n = Math.max(all.n, 1);
  let raw = 0;
  for (let i = 0; i < d; i++) raw += all.xxDiagonal[i];
  const threshold = roundingFloor(roundoff, Math.sqrt(raw / n)) ** 2;
  const variance = (sm: CentredProjection, i: number) => (sm.cxx[i][i] + sm.cyy[i][i]) / (2 * n);
  const constantCoords = [...Array(d).keys()].filter((i) => variance(all, i) <= threshold);
  const averaged = all.cxx.map((row, i) => row.map((v, j) => (v + all.cyy[i][j]) / 2));
  // The directions are needed only when some eigenvalue may be flat; mostly none is.
  const nothingFlat = { constant: [], coordinates: null, values: [], varying: identityRows(d), threshold };
  if (clearlyNothingFlat(averaged, n * threshold)) return nothingFlat;
  const eigenvalues = symmetricEigenvalues(averaged);
  const unresolved = Math.max(threshold, (EIGEN_RESOLUTION * Math.max(...eigenvalues)) / n);
  if (!eigenvalues.some((v) => v / n <= unresolved)) return nothingFlat;
  const { values, vectors } = symmetricEigen(averaged);
  const isFlat = vectors.map((v, i) => values[i] / n <= unresolved && (spreadOf ? spreadOf(v) : values[i] / n) <= threshold);
  const flat = vectors.filter((_, i) => isFlat[i]);
  if (flat.length === 0) return nothingFlat;
  const axes = constantCoords.length === flat.length;
  const constant = axes ? constantCoords.map((c) => identityRows(d)[c]) : orthonormalRows(flat);
  const varying = axes
    ? identityRows(d).filter((_, i) => !constantCoords.includes(i))
    : orthonormalRows(vectors.filter((_, i) => !isFlat[i]));
  const sm = projectMoments(mom, constant);
  return { constant, coordinates: axes ? constantCoords : null, values: sm.sx.map((s) => s / n), varying, threshold };
}

/**
 * Every eigenvalue of the symmetric `S` is far above both bars of a flat direction (`floor`, and
 * {@link EIGEN_RESOLUTION} × the largest eigenvalue): S less a multiple of those bars has a Cholesky
 * factor. One factorisation instead of the eigenvalues (a quarter of the time at d = 1024); the
 * margin (4× the floor, 100× the resolution of the trace, which bounds the largest eigenvalue) is far
 * wider than either computation's rounding, so where this says so the eigenvalues say so too.
 * @internal Exported for its property test.
 */
export function clearlyNothingFlat(S: Mat, floor: number): boolean {
  let trace = 0;
  for (let i = 0; i < S.length; i++) trace += S[i][i];
  const bar = Math.max(4 * floor, 100 * EIGEN_RESOLUTION * trace);
  if (!(trace > 0 && bar < Infinity)) return false;
  const n = S.length;
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) L[i * n + j] = i === j ? S[i][i] - bar : S[i][j];
  return choleskyInPlace(L, n, 0) !== null;
}

/** {@link DirectSpread} over the given rows of row-major `states` (dimension `dim`). */
export function spreadOverStates(states: StateArray, dim: number, rows: ArrayLike<number>): DirectSpread {
  return (v) => {
    const values = Array.from(rows, (r) => {
      let x = 0;
      for (let j = 0; j < dim; j++) x += v[j] * states[r * dim + j];
      return x;
    });
    const mean = values.reduce((a, b) => a + b, 0) / Math.max(values.length, 1);
    return values.reduce((a, x) => a + (x - mean) ** 2, 0) / Math.max(values.length, 1);
  };
}

/** Rows projected onto the span of `onto` (orthonormal rows) and made orthonormal again. */
export function projectRowsOnto(rows: number[][], onto: number[][]): number[][] {
  const projected = rows.map((r) => {
    const out = new Array<number>(r.length).fill(0);
    for (const v of onto) {
      let dot = 0;
      for (let j = 0; j < r.length; j++) dot += r[j] * v[j];
      for (let j = 0; j < r.length; j++) out[j] += dot * v[j];
    }
    return out;
  });
  return orthonormalRows(projected);
}
