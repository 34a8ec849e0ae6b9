/**
 * Feature moments accumulated one transition at a time: map statistics (φ(u) against u') and
 * invariant statistics (Δφ and the covariance of φ). Shared by the sample passes of screening and
 * the streaming passes over all transitions, so both sum in the same way.
 */
import type { FeatureStats } from '../model/families.js';
import { addCross, addGramUpper } from '../kernels/gram.js';
import { type Mat, zeros } from '../kernels/linalg.js';
import type { InvariantStats } from '../model/sparse.js';

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
  readonly G: Float64Array;
  readonly C: Float64Array;
  readonly Y: Float64Array;
  readonly D: Float64Array;
  readonly S2: Float64Array;
  readonly S1: Float64Array;

  /**
   * @param gramSummedElsewhere Σ φφᵀ (G, S2) is summed by a {@link GroupMoments} over more features
   * and set at its end, instead of in `addBlock`.
   */
  constructor(
    readonly k: number,
    readonly m: number,
    readonly want: Want,
    private readonly gramSummedElsewhere = false,
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

  /**
   * Add a block of `count` transitions given column-major (entry c of row j at `j * cap + c`): φ(u)
   * in `PU`, Δφ = φ(u') − φ(u) in `DV`, the coordinates of u' in `VX`; feature i of this accumulator
   * is row `cols[i]` of PU and DV. Each sum is taken over the block first (blocked kernels, see
   * gram.ts), then added: far fewer loads and stores of the accumulators than transition by transition.
   */
  addBlock(PU: Float64Array, DV: Float64Array, VX: Float64Array, count: number, cap: number, cols: Int32Array): void {
    const { m, k } = this;
    const ownGram = !this.gramSummedElsewhere;
    this.n += count;
    const { feat, coord } = this.offsets(cols, cap);
    if (this.want.map) {
      if (ownGram) addGramUpper(PU, feat, count, this.G, m);
      addCross(VX, coord, PU, feat, count, this.C, m);
      addGramUpper(VX, coord, count, this.Y, k);
    }
    if (this.want.invariant) {
      for (let i = 0; i < m; i++) {
        const a = feat[i];
        let s = 0;
        for (let c = 0; c < count; c++) s += PU[a + c];
        this.S1[i] += s;
      }
      addGramUpper(DV, feat, count, this.D, m);
      if (ownGram) addGramUpper(PU, feat, count, this.S2, m);
    }
  }

  /**
   * Set Σ φφᵀ (G for maps, S2 for invariants) from an upper-triangular sum `P` (stride `stride`)
   * over more features: feature i of this accumulator is feature `pos[i]` there, `pos` ascending.
   * @internal For {@link GroupMoments}, which sums that Gram.
   */
  setGram(P: Float64Array, stride: number, pos: ArrayLike<number>): void {
    const m = this.m;
    // G and S2 are the same sum; an accumulator wanting both gets it in both.
    for (const out of [this.G, this.S2]) {
      if (out.length === 0) continue;
      for (let i = 0; i < m; i++) for (let j = i; j < m; j++) out[i * m + j] = P[pos[i] * stride + pos[j]];
    }
  }

  private offsetCache: { cols: Int32Array; cap: number; feat: Int32Array; coord: Int32Array } | null = null;

  /** Start of each feature column and each coordinate row in a block of capacity `cap`. */
  private offsets(cols: Int32Array, cap: number): { feat: Int32Array; coord: Int32Array } {
    const hit = this.offsetCache;
    if (hit && hit.cols === cols && hit.cap === cap) return hit;
    const feat = Int32Array.from(cols, (c) => c * cap);
    const coord = Int32Array.from({ length: this.k }, (_, r) => r * cap);
    this.offsetCache = { cols, cap, feat, coord };
    return this.offsetCache;
  }

  /**
   * Sums over a subset of transitions as the sums over all (`all`, restricted to the features at
   * positions `cols` of its list) minus the sums over the complement (`this`, over those features).
   * Safe while the complement is a small part of the whole (see `dominates`).
   */
  complementOf(all: MomentAccumulator, cols: ArrayLike<number>): MomentAccumulator {
    const { m, k } = this;
    const M = all.m;
    const out = new MomentAccumulator(k, m, this.want);
    out.n = all.n - this.n;
    for (let i = 0; i < m; i++) {
      const ci = cols[i];
      for (let j = i; j < m; j++) {
        const [a, b] = ci <= cols[j] ? [ci, cols[j]] : [cols[j], ci];
        if (this.want.map) out.G[i * m + j] = all.G[a * M + b] - this.G[i * m + j];
        if (this.want.invariant) {
          out.D[i * m + j] = all.D[a * M + b] - this.D[i * m + j];
          out.S2[i * m + j] = all.S2[a * M + b] - this.S2[i * m + j];
        }
      }
      if (this.want.invariant) out.S1[i] = all.S1[ci] - this.S1[i];
      if (this.want.map) for (let r = 0; r < k; r++) out.C[r * m + i] = all.C[r * M + ci] - this.C[r * m + i];
    }
    if (this.want.map) for (let r = 0; r < k; r++) for (let q = r; q < k; q++) out.Y[r * k + q] = all.Y[r * k + q] - this.Y[r * k + q];
    return out;
  }

  /**
   * Would subtracting these sums from `all`'s lose precision? True when they hold more than a quarter
   * of the transitions or more than half of any diagonal sum (outliers far larger than the inliers),
   * or when the total is not finite (a feature that is NaN somewhere).
   */
  dominates(all: MomentAccumulator, cols: ArrayLike<number>): boolean {
    const { m, k } = this;
    const M = all.m;
    if (4 * this.n > all.n) return true;
    const big = (part: number, whole: number) => !Number.isFinite(whole) || !(Math.abs(part) <= 0.5 * Math.abs(whole));
    for (let i = 0; i < m; i++) {
      const d = cols[i] * M + cols[i];
      if (this.want.map && big(this.G[i * m + i], all.G[d])) return true;
      if (this.want.invariant && (big(this.D[i * m + i], all.D[d]) || big(this.S2[i * m + i], all.S2[d]))) return true;
      for (let j = i; j < m; j++) {
        const [a, b] = cols[i] <= cols[j] ? [cols[i], cols[j]] : [cols[j], cols[i]];
        if (this.want.map && !Number.isFinite(all.G[a * M + b])) return true;
        if (this.want.invariant && !(Number.isFinite(all.D[a * M + b]) && Number.isFinite(all.S2[a * M + b]))) return true;
      }
      if (this.want.map) for (let r = 0; r < k; r++) if (!Number.isFinite(all.C[r * M + cols[i]])) return true;
    }
    if (this.want.map) for (let r = 0; r < k; r++) if (big(this.Y[r * k + r], all.Y[r * k + r])) return true;
    return false;
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

/**
 * A group's moments over all transitions: map moments over the columns `mapCols` of a block, invariant
 * moments over `invCols`. Σ φφᵀ is both the map Gram and the invariant second moment, so with both
 * it is summed once over the union of their columns and serves the two (each entry is the same running
 * sum either way, so results equal two separate accumulators bit for bit).
 */
export class GroupMoments {
  readonly map: MomentAccumulator | null;
  readonly invariant: MomentAccumulator | null;
  readonly #mapIdx: Int32Array;
  readonly #invIdx: Int32Array;
  /** Union of the columns when the Gram is shared (ascending), with its running upper-triangular sum. */
  readonly #gramCols: number[];
  readonly #gram: Float64Array;
  readonly #gramOffs: Int32Array;

  /** @param cap the blocks' column stride (see `MomentAccumulator.addBlock`). */
  constructor(k: number, readonly mapCols: number[], readonly invCols: number[], private readonly cap: number) {
    const share = mapCols.length > 0 && invCols.length > 0;
    this.map = mapCols.length > 0 ? new MomentAccumulator(k, mapCols.length, { map: true, invariant: false }, share) : null;
    this.invariant = invCols.length > 0 ? new MomentAccumulator(k, invCols.length, { map: false, invariant: true }, share) : null;
    this.#mapIdx = Int32Array.from(mapCols);
    this.#invIdx = Int32Array.from(invCols);
    this.#gramCols = share ? [...new Set([...mapCols, ...invCols])].sort((a, b) => a - b) : [];
    this.#gram = new Float64Array(this.#gramCols.length ** 2);
    this.#gramOffs = Int32Array.from(this.#gramCols, (c) => c * cap);
  }

  /** Add a block laid out as for `MomentAccumulator.addBlock`. */
  addBlock(PU: Float64Array, DV: Float64Array, VX: Float64Array, count: number): void {
    if (this.#gramCols.length > 0) addGramUpper(PU, this.#gramOffs, count, this.#gram, this.#gramCols.length);
    this.map?.addBlock(PU, DV, VX, count, this.cap, this.#mapIdx);
    this.invariant?.addBlock(PU, DV, VX, count, this.cap, this.#invIdx);
  }

  /** Complete the sums (the shared Gram into both accumulators); call once, after the last block. */
  finish(): void {
    const cols = this.#gramCols;
    if (cols.length === 0) return;
    this.map!.setGram(this.#gram, cols.length, this.mapCols.map((c) => cols.indexOf(c)));
    this.invariant!.setGram(this.#gram, cols.length, this.invCols.map((c) => cols.indexOf(c)));
  }
}
