/**
 * The resolution of a search: the relative residual below which laws count as exact. It is the larger
 * of the user's resolution and the data's own rounding (the storage precision of the values at their
 * magnitude), so a noise-free exact law holds on every transition, and among laws exact at that
 * resolution the shortest statement wins.
 */

import { type SubspaceMoments, subspaceVariance } from './moments.js';

/** What sets a search's resolution: the user's relative resolution and the data's unit roundoff. */
export interface Resolution {
  resolution: number;
  roundoff: number;
}

/** Unit roundoff of float64, float32 and float16 storage. */
const ROUNDOFF = { float64: 2 ** -53, float32: 2 ** -24, float16: 2 ** -11 } as const;

/** Rounding errors of a stored value that a law's residual adds up (a few values, each within half an ulp). */
const STORAGE_ULPS = 16;

/** Rounding of float64 arithmetic in projections, features and sums over the data. */
const ARITHMETIC_ULPS = 1024;

/**
 * Unit roundoff of the precision the values were stored in, read from the values themselves: float32
 * (or float16) data widened to float64 are exact in the narrower format, which random float64 values
 * almost never are.
 */
export function unitRoundoff(values: Float64Array): number {
  return roundoffOfParts([values]);
}

/** {@link unitRoundoff} of the states of a set of transitions (each z and z'), wherever their rows lie. */
export function transitionsRoundoff(rows: { states: Float64Array; dim: number; starts: Uint32Array }): number {
  const d = rows.dim;
  return roundoffOfParts(Array.from(rows.starts, (st) => rows.states.subarray(st * d, (st + 2) * d)));
}

function roundoffOfParts(parts: Float64Array[]): number {
  let f32 = true;
  let f16 = true;
  for (const values of parts)
    for (let i = 0; i < values.length && (f32 || f16); i++) {
      const v = values[i];
      if (f32 && Math.fround(v) !== v) f32 = false;
      if (f16 && !isFloat16(v)) f16 = false;
    }
  if (parts.every((values) => values.length === 0)) return ROUNDOFF.float64;
  return f16 ? ROUNDOFF.float16 : f32 ? ROUNDOFF.float32 : ROUNDOFF.float64;
}

/** Whether v is exactly representable as a (normal) float16: 11 significant bits, exponent ≤ 15. */
function isFloat16(v: number): boolean {
  if (v === 0) return true;
  const a = Math.abs(v);
  if (!(a <= 65504) || a < 2 ** -14) return false;
  const e = Math.floor(Math.log2(a));
  return Number.isInteger(a * 2 ** (10 - e));
}

/**
 * Relative residual floor (a share of the spread) of a subspace.
 * @param resolution the user's resolution
 * @param roundoff unit roundoff of the data (see {@link unitRoundoff})
 * @param magnitude RMS size of the subspace coordinates about the origin; `spread` their RMS spread
 */
export function residualFloor(resolution: number, roundoff: number, magnitude: number, spread: number): number {
  if (!(spread > 0)) return 1;
  return Math.min(1, Math.max(resolution, roundingFloor(roundoff, magnitude) / spread));
}

/** The rounding a law's residual carries on data of this magnitude (absolute, data units). */
export function roundingFloor(roundoff: number, magnitude: number): number {
  return (STORAGE_ULPS * roundoff + ARITHMETIC_ULPS * ROUNDOFF.float64) * magnitude;
}

/** Residual floors of a subspace, per role (relative: a share of the spread, or of an invariant's std). */
export interface SubspaceFloors {
  map: number;
  invariant: number;
}

/**
 * The residual floors of a subspace from its moments (see {@link residualFloor}). A map is judged
 * against the motion it must explain, so its resolution is a share of the typical step |u' − u| when
 * that is smaller than the spread (x' = 0.999·x is then not the same law as x' = x); an invariant's
 * resolution is a share of its own spread.
 */
export function subspaceFloors(sm: SubspaceMoments, r: Resolution): SubspaceFloors {
  const n = Math.max(sm.n, 1);
  let raw = 0;
  let step = 0;
  for (let i = 0; i < sm.k; i++) {
    raw += sm.xx[i][i];
    step += sm.yy[i][i] - 2 * sm.yx[i][i] + sm.xx[i][i];
  }
  const magnitude = Math.sqrt(raw / n);
  const spread = Math.sqrt(subspaceVariance(sm) / n);
  const motion = spread > 0 ? Math.min(1, Math.sqrt(Math.max(step, 0) / n) / spread) : 1;
  return {
    map: residualFloor(r.resolution * motion, r.roundoff, magnitude, spread),
    invariant: residualFloor(r.resolution, r.roundoff, magnitude, spread),
  };
}
