/**
 * One streaming pass over all transitions for several laws on one subspace at once: each law's
 * residual, its residual histogram and its trimmed feature moments are gathered together, so a
 * finalist costs one pass over N instead of a residual pass followed by a statistics pass. The
 * trimming threshold (5× the median over all transitions) is only known after the pass; it is
 * predicted from the screening sample, transitions clearly below it are summed at once, and the few
 * near it are kept aside (indices and residuals) to be added once the threshold is known.
 */
import { MomentAccumulator, type Want } from './accumulator.js';
import { histBin, HIST_BINS } from './histogram.js';
import type { Block, TransitionStream } from './stream.js';

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

/** Run `members` over the stream (all transitions, or `select`). */
export function memberPass(stream: TransitionStream, select: Uint32Array | null, members: PassMember[], bandCap: number): PassOutput[] {
  const k = stream.k;
  const M = stream.features.length;
  const state = members.map((mb) => {
    const m = mb.accCols.length;
    return {
      mb,
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
  stream.run(select, (b) => {
    for (const s of state) {
      const { mb, cols, phi, phi2, acc, hist } = s;
      const m = cols.length;
      for (let i = 0; i < b.count; i++) {
        let r = 0;
        if (mb.residual) {
          r = mb.residual.at(b, i);
          hist[histBin(r, mb.spread)]++;
          if (!(r <= mb.lo)) {
            if (r <= mb.hi && !s.overflow) {
              if (s.bandN === bandCap) s.overflow = true;
              else {
                if (s.bandN === s.bandT.length) grow(s);
                s.bandT[s.bandN] = b.t[i];
                s.bandR[s.bandN++] = r;
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
