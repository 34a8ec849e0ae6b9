/**
 * Feature moments accumulated one transition at a time: map statistics (φ(u) against u') and
 * invariant statistics (Δφ and the covariance of φ). Shared by the sample passes of screening and
 * the streaming passes over all transitions, so both sum in the same way.
 */
import type { FeatureStats } from './families.js';
import { type Mat, zeros } from './linalg.js';
import type { InvariantStats } from './sparse.js';

/** Which statistics a pass gathers. */
export interface Want {
  map: boolean;
  invariant: boolean;
}

/**
 * Running sums over transitions for m features on a k-dimensional subspace. Only upper triangles
 * are summed in the hot loop (flat typed arrays: this runs per transition for every finalist).
 */
export class MomentAccumulator {
  n = 0;
  private readonly G: Float64Array;
  private readonly C: Float64Array;
  private readonly Y: Float64Array;
  private readonly D: Float64Array;
  private readonly S2: Float64Array;
  private readonly S1: Float64Array;

  constructor(
    readonly k: number,
    readonly m: number,
    readonly want: Want,
  ) {
    this.G = new Float64Array(want.map ? m * m : 0);
    this.C = new Float64Array(want.map ? k * m : 0);
    this.Y = new Float64Array(want.map ? k * k : 0);
    this.D = new Float64Array(want.invariant ? m * m : 0);
    this.S2 = new Float64Array(want.invariant ? m * m : 0);
    this.S1 = new Float64Array(want.invariant ? m : 0);
  }

  /**
   * Add one transition: features φ(u) at `phi`, the next state u' at `v[vo … vo+k)` (maps) and
   * features φ(u') at `phi2` (invariants; ignored otherwise).
   */
  add(phi: Float64Array, v: Float64Array, vo: number, phi2: Float64Array): void {
    const m = this.m;
    const k = this.k;
    this.n++;
    if (this.want.map) {
      const G = this.G;
      const C = this.C;
      const Y = this.Y;
      for (let i = 0; i < m; i++) {
        const pi = phi[i];
        const row = i * m;
        for (let j = i; j < m; j++) G[row + j] += pi * phi[j];
      }
      for (let r = 0; r < k; r++) {
        const vr = v[vo + r];
        const row = r * m;
        for (let i = 0; i < m; i++) C[row + i] += vr * phi[i];
        for (let q = r; q < k; q++) Y[r * k + q] += vr * v[vo + q];
      }
    }
    if (this.want.invariant) {
      const D = this.D;
      const S2 = this.S2;
      const S1 = this.S1;
      for (let i = 0; i < m; i++) {
        const pi = phi[i];
        const di = phi2[i] - pi;
        S1[i] += pi;
        const row = i * m;
        for (let j = i; j < m; j++) {
          D[row + j] += di * (phi2[j] - phi[j]);
          S2[row + j] += pi * phi[j];
        }
      }
    }
  }

  /** The statistics as matrices (symmetric ones filled from their upper triangle). */
  result(): { map: FeatureStats | null; invariant: InvariantStats | null } {
    const { n, m, k } = this;
    const square = (flat: Float64Array, size: number): Mat => {
      const M = zeros(size, size);
      for (let i = 0; i < size; i++) for (let j = i; j < size; j++) M[i][j] = M[j][i] = flat[i * size + j];
      return M;
    };
    let invariant: InvariantStats | null = null;
    if (this.want.invariant) {
      const S1 = this.S1;
      const Cov = square(this.S2, m).map((row, i) => row.map((x, j) => x - (n > 0 ? (S1[i] * S1[j]) / n : 0)));
      invariant = { n, D: square(this.D, m), Cov };
    }
    const map = this.want.map ? { n, G: square(this.G, m), C: Array.from({ length: k }, (_, r) => Array.from(this.C.subarray(r * m, r * m + m))), Y: square(this.Y, k) } : null;
    return { map, invariant };
  }
}
