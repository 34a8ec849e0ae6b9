/**
 * One streaming pass over all transitions for several laws on one subspace at once: each law's
 * residual, its residual histogram and its trimmed feature moments are gathered together, so a
 * finalist costs one pass over N instead of a residual pass followed by a statistics pass. The
 * trimming threshold (5× the median over all transitions) is only known after the pass; it is
 * predicted from the screening sample, transitions clearly below it are summed at once, and the few
 * near it are kept aside (indices and residuals) to be added once the threshold is known.
 */
import { GroupMoments, MomentAccumulator, type Want } from '../passes/accumulator.js';
import { histCount, histEdges, HIST_BINS } from '../kernels/histogram.js';
import { BLOCK, type Block, type TransitionStream } from '../passes/stream.js';
import { BlockResidual, lawResiduals } from '../passes/block-residual.js';

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
  const state = members.map((mb): MemberState => {
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
  stream.run(select, (b) => memberBlock(b, state, r, k, bandCap));
  return state.map((s) => ({ hist: s.hist, acc: s.acc, bandT: s.bandT.slice(0, s.bandN), bandR: s.bandR.slice(0, s.bandN), overflow: s.overflow }));
}

/** A member's running state in `memberPass`. */
interface MemberState extends Band {
  mb: PassMember;
  edges: Float64Array;
  cols: Int32Array;
  phi: Float64Array;
  phi2: Float64Array;
  acc: MomentAccumulator;
  hist: Uint32Array;
}

/**
 * One block of `memberPass`. Module-level, not a closure of the pass: V8 drops a dead closure's
 * optimised code (docs/performance.md#v8-and-closures).
 */
function memberBlock(b: Block, state: MemberState[], r: Float64Array, k: number, bandCap: number): void {
  for (const s of state) {
    const { mb, edges, cols, phi, phi2, acc, hist } = s;
    const m = cols.length;
    if (mb.residual) {
      mb.residual.block(b, r);
      histCount(hist, edges, r, b.count);
    }
    for (let i = 0; i < b.count; i++) {
      if (mb.residual) {
        const ri = r[i];
        if (!(ri <= mb.lo)) {
          if (ri <= mb.hi && !s.overflow) keepInBand(s, b.t[i], ri, bandCap);
          continue;
        }
      }
      const pu = i; // first states are rows 0 … count−1
      const pv = b.vRow[i];
      const R = b.stride;
      for (let j = 0; j < m; j++) phi[j] = b.Phi[cols[j] * R + pu];
      if (mb.want.invariant) for (let j = 0; j < m; j++) phi2[j] = b.Phi[cols[j] * R + pv];
      acc.add(phi, b.X, b.vRow[i] * k, phi2);
    }
  }
}

/** Transitions a member keeps aside (see `PassMember`), in arrays grown as they fill. */
interface Band {
  bandT: Uint32Array;
  bandR: Float64Array;
  bandN: number;
  overflow: boolean;
}

/** Keep transition `t` with residual `r` in the band, or mark the band overflowed once it holds `bandCap`. */
function keepInBand(s: Band, t: number, r: number, bandCap: number): void {
  if (s.bandN === bandCap) {
    s.overflow = true;
    return;
  }
  if (s.bandN === s.bandT.length) {
    const bt = new Uint32Array(s.bandT.length * 2);
    bt.set(s.bandT);
    const br = new Float64Array(s.bandR.length * 2);
    br.set(s.bandR);
    s.bandT = bt;
    s.bandR = br;
  }
  s.bandT[s.bandN] = t;
  s.bandR[s.bandN++] = r;
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
export function groupPass(stream: TransitionStream, members: GroupMember[], bandCap: number): GroupResult {
  const pass = createGroupPass(stream.k, { cols: stream.features.map((_, j) => j), coords: Array.from({ length: stream.k }, (_, q) => q) }, members, bandCap);
  stream.run(null, pass.onBlock);
  return pass.result();
}

/** What a group pass gathers: per member its output, and the moments over all transitions. */
export interface GroupResult {
  outputs: GroupOutput[];
  mapAll: MomentAccumulator | null;
  mapCols: number[];
  invAll: MomentAccumulator | null;
  invCols: number[];
}

/**
 * Where a group's features and coordinates are in a stream that may carry more (a stream shared by
 * several coordinate subspaces): local feature j is stream column `cols[j]`, local coordinate q is
 * stream coordinate `coords[q]`.
 */
export interface GroupLayout {
  cols: number[];
  coords: number[];
}

/**
 * A group pass fed block by block (so several groups can share one stream): `onBlock` for every
 * block of all transitions in order, then `result`. Members' columns are local (see GroupLayout).
 */
export function createGroupPass(streamK: number, layout: GroupLayout, members: GroupMember[], bandCap: number): { onBlock: (b: Block) => void; result: () => GroupResult } {
  const k = layout.coords.length;
  const M = layout.cols.length;
  const srcCols = Int32Array.from(layout.cols);
  const srcCoords = Int32Array.from(layout.coords);
  const cap = BLOCK;
  const union = (pick: (mb: GroupMember) => boolean) => [...new Set(members.filter(pick).flatMap((mb) => mb.accCols))].sort((a, b) => a - b);
  const mapCols = union((mb) => mb.want.map);
  const invCols = union((mb) => mb.want.invariant);
  const all = new GroupMoments(k, mapCols, invCols, cap);
  // Δφ only for the columns that invariants read (their moments and residuals), not every feature.
  const deltaCols = Int32Array.from(new Set([...invCols, ...members.filter((mb) => mb.role === 'invariant').flatMap((mb) => mb.cols)]));
  const needDelta = deltaCols.length > 0;
  const PU = new Float64Array(M * cap);
  const DV = new Float64Array(needDelta ? M * cap : 0);
  const VX = new Float64Array(k * cap);
  const r = new Float64Array(cap);
  // One prediction column per coordinate, so a map's residual is finished in one sweep.
  const pred = new Float64Array(Math.max(k, 1) * cap);
  const state = members.map((mb): GroupMemberState => {
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
  const scratch: GroupScratch = { streamK, k, M, srcCols, srcCoords, all, deltaCols, PU, DV, VX, r, pred, state, bandCap };
  const onBlock = (b: Block) => groupBlock(scratch, b);
  const result = () => {
    all.finish();
    const outputs = state.map((s) => ({ hist: s.hist, out: s.out, bandT: s.bandT.slice(0, s.bandN), bandR: s.bandR.slice(0, s.bandN), overflow: s.overflow }));
    return { outputs, mapAll: all.map, mapCols, invAll: all.invariant, invCols };
  };
  return { onBlock, result };
}

/** A member's running state in a group pass. */
interface GroupMemberState extends Band {
  mb: GroupMember;
  edges: Float64Array;
  cols: Int32Array;
  W: Float64Array;
  accCols: Int32Array;
  phi: Float64Array;
  phi2: Float64Array;
  v: Float64Array;
  out: MomentAccumulator;
  hist: Uint32Array;
}

/** What a group pass keeps from block to block (see createGroupPass). */
interface GroupScratch {
  streamK: number;
  k: number;
  M: number;
  srcCols: Int32Array;
  srcCoords: Int32Array;
  all: GroupMoments;
  deltaCols: Int32Array;
  PU: Float64Array;
  DV: Float64Array;
  VX: Float64Array;
  r: Float64Array;
  pred: Float64Array;
  state: GroupMemberState[];
  bandCap: number;
}

/**
 * One block of a group pass. Module-level, not a closure of the pass: V8 drops a dead closure's
 * optimised code (docs/performance.md#v8-and-closures).
 */
function groupBlock(g: GroupScratch, b: Block): void {
  const { streamK, k, M, srcCols, srcCoords, all, deltaCols, PU, DV, VX, r, pred, state, bandCap } = g;
  const cap = BLOCK;
  const count = b.count;
  // Per-transition columns gathered from the block's per-state columns: φ(u), Δφ and u', entry c
  // of row j at j * cap + c (sequential writes; reads nearly sequential). φ(u') is not copied: only
  // outliers read it, straight from the block.
  const { vRow, Phi, X } = b;
  const R = b.stride;
  for (let j = 0; j < M; j++) {
    const o = j * cap;
    const src = srcCols[j] * R;
    PU.set(Phi.subarray(src, src + count), o); // first states are rows 0 … count−1
  }
  for (const j of deltaCols) {
    const o = j * cap;
    const src = srcCols[j] * R;
    for (let c = 0; c < count; c++) DV[o + c] = Phi[src + vRow[c]] - PU[o + c];
  }
  for (let q = 0; q < k; q++) {
    const o = q * cap;
    const src = srcCoords[q];
    for (let c = 0; c < count; c++) VX[o + c] = X[vRow[c] * streamK + src];
  }
  all.addBlock(PU, DV, VX, count);
  for (const s of state) {
    const { mb, cols, W, edges, hist } = s;
    // Residuals column by column, with BlockResidual's kernel on the columns gathered once for all members.
    const isMap = mb.role === 'map';
    lawResiduals(r, pred, isMap, isMap ? PU : DV, cap, count, cols, W, cols.length, VX, mb.scale);
    histCount(hist, edges, r, count);
    for (let c = 0; c < count; c++) {
      const rc = r[c];
      if (rc <= mb.lo) continue;
      if (rc <= mb.hi && !s.overflow) {
        keepInBand(s, b.t[c], rc, bandCap);
        continue;
      }
      if (rc <= mb.hi) continue; // band overflowed: the caller redoes this member exactly
      const ac = s.accCols;
      for (let j = 0; j < ac.length; j++) s.phi[j] = PU[ac[j] * cap + c];
      if (mb.want.invariant) for (let j = 0; j < ac.length; j++) s.phi2[j] = Phi[srcCols[ac[j]] * R + vRow[c]];
      for (let q = 0; q < k; q++) s.v[q] = VX[q * cap + c];
      s.out.add(s.phi, s.v, 0, s.phi2);
    }
  }
}
