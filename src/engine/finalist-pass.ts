/**
 * One streaming pass over all transitions for several laws on one subspace at once: each law's
 * residual, its residual histogram and its trimmed feature moments are gathered together, so a
 * finalist costs one pass over N instead of a residual pass followed by a statistics pass. The
 * trimming threshold (5× the median over all transitions) is only known after the pass; it is
 * predicted from the screening sample, transitions clearly below it are summed at once, and the few
 * near it are kept aside (indices and residuals) to be added once the threshold is known.
 */
import { MomentAccumulator, type Want } from './accumulator.js';
import { histCount, histEdges, HIST_BINS } from './histogram.js';
import { BLOCK, type Block, type TransitionStream } from './stream.js';

/** Residual of one law on streamed blocks: |u' − W φ(u)| for maps, |Σ c (φ(u') − φ(u))| / scale for invariants. */
export class BlockResidual {
  private readonly cols: Int32Array;
  private readonly W: Float64Array;
  private readonly m: number;
  private readonly rows: number;

  constructor(
    private readonly role: 'map' | 'invariant',
    private readonly k: number,
    /** Columns of the stream's features that the law's features are. */
    cols: number[],
    /** Coefficients: k × m for maps, 1 × m for invariants. */
    W: number[][],
    private readonly M: number,
    private readonly scale = 1,
  ) {
    this.cols = Int32Array.from(cols);
    this.m = cols.length;
    this.rows = W.length;
    this.W = Float64Array.from(W.flat());
  }

  /** Residual of entry i of the block. */
  at(b: Block, i: number): number {
    const { cols, W, m, M, k } = this;
    const pu = b.uRow[i] * M;
    if (this.role === 'map') {
      const X = b.X;
      const vo = b.vRow[i] * k;
      let s2 = 0;
      for (let r = 0; r < this.rows; r++) {
        const wo = r * m;
        let pred = 0;
        for (let j = 0; j < m; j++) pred += W[wo + j] * b.Phi[pu + cols[j]];
        const e = X[vo + r] - pred;
        s2 += e * e;
      }
      return Math.sqrt(s2);
    }
    const pv = b.vRow[i] * M;
    let d = 0;
    for (let j = 0; j < m; j++) d += W[j] * (b.Phi[pv + cols[j]] - b.Phi[pu + cols[j]]);
    return Math.abs(d) / this.scale;
  }
}

/** What one law gathers in a pass. */
export interface PassMember {
  /** Null when every transition is summed whatever its residual (`lo`, `hi` and the histogram unused). */
  residual: BlockResidual | null;
  /** Histogram unit (see histBin). */
  spread: number;
  /** Columns of the stream's features whose moments are summed, and which moments. */
  accCols: number[];
  want: Want;
  /** Residual ≤ lo: summed now; lo < residual ≤ hi: kept aside (up to `bandCap` transitions). */
  lo: number;
  hi: number;
  /** Add to this accumulator (a second pass completing a first one) instead of a new one. */
  into?: MomentAccumulator;
}

export interface PassOutput {
  hist: Uint32Array;
  acc: MomentAccumulator;
  /** Transitions kept aside, ascending, with their residuals. */
  bandT: Uint32Array;
  bandR: Float64Array;
  /** More than `bandCap` transitions fell in the band: the caller must do an exact second pass. */
  overflow: boolean;
}

/** Run `members` over the stream (all transitions, or `select`), each summing its own moments. */
export function memberPass(stream: TransitionStream, select: Uint32Array | null, members: PassMember[], bandCap: number): PassOutput[] {
  const k = stream.k;
  const M = stream.features.length;
  const state = members.map((mb) => {
    const m = mb.accCols.length;
    return {
      mb,
      edges: histEdges(mb.spread),
      cols: Int32Array.from(mb.accCols),
      phi: new Float64Array(m),
      phi2: new Float64Array(m),
      acc: mb.into ?? new MomentAccumulator(k, m, mb.want),
      hist: new Uint32Array(HIST_BINS),
      bandT: new Uint32Array(Math.min(bandCap, 1024)),
      bandR: new Float64Array(Math.min(bandCap, 1024)),
      bandN: 0,
      overflow: false,
    };
  });
  const r = new Float64Array(BLOCK);
  stream.run(select, (b) => {
    for (const s of state) {
      const { mb, edges, cols, phi, phi2, acc, hist } = s;
      const m = cols.length;
      if (mb.residual) {
        for (let i = 0; i < b.count; i++) r[i] = mb.residual.at(b, i);
        histCount(hist, edges, r, b.count);
      }
      for (let i = 0; i < b.count; i++) {
        if (mb.residual) {
          const ri = r[i];
          if (!(ri <= mb.lo)) {
            if (ri <= mb.hi && !s.overflow) {
              if (s.bandN === bandCap) s.overflow = true;
              else {
                if (s.bandN === s.bandT.length) grow(s);
                s.bandT[s.bandN] = b.t[i];
                s.bandR[s.bandN++] = ri;
              }
            }
            continue;
          }
        }
        const pu = b.uRow[i] * M;
        const pv = b.vRow[i] * M;
        for (let j = 0; j < m; j++) phi[j] = b.Phi[pu + cols[j]];
        if (mb.want.invariant) for (let j = 0; j < m; j++) phi2[j] = b.Phi[pv + cols[j]];
        acc.add(phi, b.X, b.vRow[i] * k, phi2);
      }
    }
  });
  return state.map((s) => ({ hist: s.hist, acc: s.acc, bandT: s.bandT.slice(0, s.bandN), bandR: s.bandR.slice(0, s.bandN), overflow: s.overflow }));
}

function grow(s: { bandT: Uint32Array; bandR: Float64Array }): void {
  const t = new Uint32Array(s.bandT.length * 2);
  t.set(s.bandT);
  const r = new Float64Array(s.bandR.length * 2);
  r.set(s.bandR);
  s.bandT = t;
  s.bandR = r;
}

/** A law in a group pass: its residual, histogram unit, moments and band (see `PassMember`). */
export interface GroupMember {
  role: 'map' | 'invariant';
  /** Stream feature columns of the law's features and its coefficients (maps k × m, invariants 1 × m). */
  cols: number[];
  W: number[][];
  scale: number;
  spread: number;
  accCols: number[];
  want: Want;
  lo: number;
  hi: number;
}

export interface GroupOutput {
  hist: Uint32Array;
  /** Moments of the law's accumulation features over the transitions with residual > hi (or NaN). */
  out: MomentAccumulator;
  bandT: Uint32Array;
  bandR: Float64Array;
  overflow: boolean;
}

/**
 * The members of a group in one pass, sharing their moments: the sums over all transitions are
 * taken once per group (map moments over the union of the members' map features, invariant moments
 * over the union of theirs), and each member sums only its outliers, to be subtracted. Per member and
 * transition that leaves the residual (computed column by column over a block) and its histogram bin.
 */
export function groupPass(
  stream: TransitionStream,
  members: GroupMember[],
  bandCap: number,
): { outputs: GroupOutput[]; mapAll: MomentAccumulator | null; mapCols: number[]; invAll: MomentAccumulator | null; invCols: number[] } {
  const k = stream.k;
  const M = stream.features.length;
  const cap = BLOCK;
  const union = (pick: (mb: GroupMember) => boolean) => [...new Set(members.filter(pick).flatMap((mb) => mb.accCols))].sort((a, b) => a - b);
  const mapCols = union((mb) => mb.want.map);
  const invCols = union((mb) => mb.want.invariant);
  const mapAll = mapCols.length > 0 ? new MomentAccumulator(k, mapCols.length, { map: true, invariant: false }) : null;
  const invAll = invCols.length > 0 ? new MomentAccumulator(k, invCols.length, { map: false, invariant: true }) : null;
  const mapIdx = Int32Array.from(mapCols);
  const invIdx = Int32Array.from(invCols);
  const needDelta = invAll !== null || members.some((mb) => mb.role === 'invariant');
  const PU = new Float64Array(M * cap);
  const PV = new Float64Array(needDelta ? M * cap : 0);
  const DV = new Float64Array(needDelta ? M * cap : 0);
  const VX = new Float64Array(k * cap);
  const r = new Float64Array(cap);
  const pred = new Float64Array(cap);
  const state = members.map((mb) => {
    const m = mb.accCols.length;
    return {
      mb,
      edges: histEdges(mb.spread),
      cols: Int32Array.from(mb.cols),
      W: Float64Array.from(mb.W.flat()),
      accCols: Int32Array.from(mb.accCols),
      phi: new Float64Array(m),
      phi2: new Float64Array(m),
      v: new Float64Array(k),
      out: new MomentAccumulator(k, m, mb.want),
      hist: new Uint32Array(HIST_BINS),
      bandT: new Uint32Array(Math.min(bandCap, 1024)),
      bandR: new Float64Array(Math.min(bandCap, 1024)),
      bandN: 0,
      overflow: false,
    };
  });
  stream.run(null, (b) => {
    const count = b.count;
    // Column-major copies of the block: φ(u), φ(u'), Δφ and u', entry c of row j at j * cap + c.
    for (let c = 0; c < count; c++) {
      const pu = b.uRow[c] * M;
      for (let j = 0; j < M; j++) PU[j * cap + c] = b.Phi[pu + j];
      const vo = b.vRow[c] * k;
      for (let q = 0; q < k; q++) VX[q * cap + c] = b.X[vo + q];
      if (needDelta) {
        const pv = b.vRow[c] * M;
        for (let j = 0; j < M; j++) {
          const x = b.Phi[pv + j];
          PV[j * cap + c] = x;
          DV[j * cap + c] = x - b.Phi[pu + j];
        }
      }
    }
    mapAll?.addBlock(PU, DV, VX, count, cap, mapIdx);
    invAll?.addBlock(PU, DV, VX, count, cap, invIdx);
    for (const s of state) {
      const { mb, cols, W, edges, hist } = s;
      const m = cols.length;
      // Residuals column by column; the same arithmetic as BlockResidual.at, entry by entry.
      if (mb.role === 'map') {
        r.fill(0, 0, count);
        for (let q = 0; q < W.length / m; q++) {
          pred.fill(0, 0, count);
          for (let j = 0; j < m; j++) {
            const w = W[q * m + j];
            const a = cols[j] * cap;
            for (let c = 0; c < count; c++) pred[c] += w * PU[a + c];
          }
          const vq = q * cap;
          for (let c = 0; c < count; c++) {
            const e = VX[vq + c] - pred[c];
            r[c] += e * e;
          }
        }
        for (let c = 0; c < count; c++) r[c] = Math.sqrt(r[c]);
      } else {
        pred.fill(0, 0, count);
        for (let j = 0; j < m; j++) {
          const w = W[j];
          const a = cols[j] * cap;
          for (let c = 0; c < count; c++) pred[c] += w * DV[a + c];
        }
        for (let c = 0; c < count; c++) r[c] = Math.abs(pred[c]) / mb.scale;
      }
      histCount(hist, edges, r, count);
      for (let c = 0; c < count; c++) {
        const rc = r[c];
        if (rc <= mb.lo) continue;
        if (rc <= mb.hi && !s.overflow) {
          if (s.bandN === bandCap) s.overflow = true;
          else {
            if (s.bandN === s.bandT.length) grow(s);
            s.bandT[s.bandN] = b.t[c];
            s.bandR[s.bandN++] = rc;
          }
          continue;
        }
        if (rc <= mb.hi) continue; // band overflowed: the caller redoes this member exactly
        const ac = s.accCols;
        for (let j = 0; j < ac.length; j++) s.phi[j] = PU[ac[j] * cap + c];
        if (mb.want.invariant) for (let j = 0; j < ac.length; j++) s.phi2[j] = PV[ac[j] * cap + c];
        for (let q = 0; q < k; q++) s.v[q] = VX[q * cap + c];
        s.out.add(s.phi, s.v, 0, s.phi2);
      }
    }
  });
  const outputs = state.map((s) => ({ hist: s.hist, out: s.out, bandT: s.bandT.slice(0, s.bandN), bandR: s.bandR.slice(0, s.bandN), overflow: s.overflow }));
  return { outputs, mapAll, mapCols, invAll, invCols };
}
