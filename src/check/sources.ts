/**
 * Where the cases of a law's property come from. Each source yields a fast-check arbitrary of cases and
 * a way to turn a case into a segment u_0 … u_L of subspace coordinates, which src/check/judge.ts
 * judges. Arbitraries are built so that fast-check's shrinking moves toward the simplest case: the
 * shortest segment, and the state of smallest norm in the law's subspace.
 */
import fc from 'fast-check';
import { InputError } from '../errors.js';
import { transitionStarts } from '../engine/moments/transitions.js';
import type { Dataset } from '../types.js';
import type { CompiledLaw } from '../laws/compile.js';

/** Held-out transitions: cases are segments of the trajectories of a data set. */
export interface TransitionsSource {
  kind?: 'transitions';
  dataset: Dataset;
}

/**
 * States drawn in a region of the law's subspace (by default the data's bounding box, widened by a
 * small margin), advanced by a step function of the true dynamics in latent space.
 */
export interface RegionSource {
  kind?: 'region';
  /** One step of the dynamics on a latent state (length d in, length d out). */
  step: (z: number[]) => ArrayLike<number>;
  /** Box in the law's subspace coordinates u = basis · z. Default: the bounding box of `dataset`. */
  box?: { lo: number[]; hi: number[] };
  /** Data whose bounding box (and mean) define the region when `box` (or `base`) is not given. */
  dataset?: Dataset;
  /** Widening of the box on each side, as a share of its width: small perturbations beyond the data. Default 0.05. */
  margin?: number;
  /** Latent state whose off-subspace part every drawn state shares. Default: the mean of `dataset`, else zeros. */
  base?: number[];
}

/**
 * An observation generator and an encoder: the property encodes `render(s)`, `render(step(s))`, … and
 * checks the law on the latents. `encode` returns the full latent (length d), as the law was fitted on.
 */
export interface GeneratorSource<S = unknown, O = unknown> {
  kind?: 'generator';
  sample: fc.Arbitrary<S>;
  step(s: S): S;
  render(s: S): O;
  encode(x: O): ArrayLike<number>;
}

/** Any source of cases; a bare {@link Dataset} means its transitions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LawSource<S = any, O = any> = Dataset | TransitionsSource | RegionSource | GeneratorSource<S, O>;

/** A case drawn from held-out transitions: `length` transitions from `step` of `trajectory`. */
export interface TransitionCase {
  trajectory: number;
  step: number;
  /** Global transition index (trajectory by trajectory, as in a law's `outliers`). */
  transition: number;
  length: number;
}
/** A case drawn in a region: subspace coordinates of the first state, and the segment length. */
export interface RegionCase {
  u: number[];
  length: number;
}
/** A case drawn from a generator: its state and the segment length. */
export interface GeneratorCase<S = unknown> {
  state: S;
  length: number;
}

/** A source prepared for one law. */
export interface PreparedSource<C> {
  kind: 'transitions' | 'region' | 'generator';
  arbitrary: fc.Arbitrary<C>;
  /** Subspace coordinates along the case's segment (length + 1 states). */
  segment(c: C): number[][];
  /** Where the case is, in words. */
  describe(c: C): string;
  /** For data sources: one-step residuals of every transition (the exhaustive pass). */
  residuals?(): Float64Array;
}

function kindOf(source: LawSource): PreparedSource<unknown>['kind'] {
  if ('kind' in source && source.kind) return source.kind;
  if ('encode' in source) return 'generator';
  if ('step' in source) return 'region';
  if ('dataset' in source || ('states' in source && 'offsets' in source)) return 'transitions';
  throw new TypeError('law source: expected a Dataset, {dataset}, {step, box|dataset} or {sample, step, render, encode}');
}

const norm = (u: readonly number[]) => Math.hypot(...u);
const fmt = (x: number) => (x === 0 ? '0' : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(4) : x.toExponential(3));
const vec = (u: readonly number[]) => `[${u.map(fmt).join(', ')}]`;

function checkDataset(c: CompiledLaw, data: Dataset): void {
  if (data.dim !== c.d)
    throw new InputError(data.source, `has dimension ${data.dim}, but law ${c.law.id} is stated in dimension ${c.d}`);
}

/** Subspace coordinates of every state of a data set (row-major, k per state). */
function projectDataset(c: CompiledLaw, data: Dataset): Float64Array {
  return c.projectAll(data.states, data.dim);
}

function latent(c: CompiledLaw, z: ArrayLike<number>, who: string): number[] {
  if (z.length !== c.d) throw new TypeError(`${who} returned a latent of length ${z.length}; law ${c.law.id} needs length ${c.d}`);
  return c.project(z);
}

/** Prepare `source` for law `c`, with segments of 1 … `steps` transitions. */
export function prepareSource(c: CompiledLaw, source: LawSource, steps: number): PreparedSource<unknown> {
  const length = fc.integer({ min: 1, max: steps });
  const kind = kindOf(source);
  if (kind === 'transitions') return prepareTransitions(c, 'dataset' in source ? (source as TransitionsSource).dataset : (source as Dataset), length) as PreparedSource<unknown>;
  if (kind === 'region') return prepareRegion(c, source as RegionSource, length) as PreparedSource<unknown>;
  return prepareGenerator(c, source as GeneratorSource, length) as PreparedSource<unknown>;
}

function prepareTransitions(c: CompiledLaw, data: Dataset, length: fc.Arbitrary<number>): PreparedSource<TransitionCase> {
  checkDataset(c, data);
  const { k } = c;
  const U = projectDataset(c, data);
  const starts = transitionStarts(data.offsets);
  const n = starts.length;
  // Cases index transitions in order of |u| at their first state, so shrinking the index (toward 0)
  // moves toward the failing transition of smallest norm.
  const norms = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    let s2 = 0;
    for (let a = starts[t] * k, end = a + k; a < end; a++) s2 += U[a] * U[a];
    norms[t] = Math.sqrt(s2);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => norms[a] - norms[b] || a - b);
  const trajectoryOf = (s: number) => {
    let lo = 0;
    let hi = data.offsets.length - 2;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (data.offsets[mid] <= s) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const rankOf = new Uint32Array(n);
  order.forEach((t, rank) => (rankOf[t] = rank));
  const make = (transition: number, len: number): TransitionCase => {
    const s = starts[transition];
    const trajectory = trajectoryOf(s);
    // A segment stops at the end of its trajectory.
    return { trajectory, step: s - data.offsets[trajectory], transition, length: Math.min(len, data.offsets[trajectory + 1] - 1 - s) };
  };
  const arbitrary = new SegmentArbitrary(fc.integer({ min: 0, max: n - 1 }), length, order, rankOf, make);
  const stateAt = (s: number) => Array.from(U.subarray(s * k, s * k + k));
  const segment = (cs: TransitionCase) => Array.from({ length: cs.length + 1 }, (_, j) => stateAt(starts[cs.transition] + j));
  const describe = (cs: TransitionCase) =>
    `trajectory ${cs.trajectory}, step ${cs.step} (transition ${cs.transition}), ${cs.length}-step segment, |u0| = ${fmt(norms[cs.transition])}`;
  const residuals = () => c.residualsAll(U, starts);
  return { kind: 'transitions', arbitrary, segment, describe, residuals };
}

/**
 * Cases over held-out transitions, with a shrinker that knows segments: a failing segment's prefix up to
 * the failing step fails too, and so may its suffixes, so shorter segments inside it are tried first
 * (fast-check's shrinking of a (start, length) pair would stop at a longer segment that merely starts
 * before a violation); then the same length at transitions of smaller norm (the rank halves toward 0).
 */
class SegmentArbitrary extends fc.Arbitrary<TransitionCase> {
  constructor(
    private readonly rank: fc.Arbitrary<number>,
    private readonly length: fc.Arbitrary<number>,
    private readonly order: number[],
    private readonly rankOf: Uint32Array,
    private readonly make: (transition: number, len: number) => TransitionCase,
  ) {
    super();
  }

  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<TransitionCase> {
    const rank = this.rank.generate(mrng, biasFactor).value;
    const len = this.length.generate(mrng, biasFactor).value;
    return new fc.Value(this.make(this.order[rank], len), undefined);
  }

  canShrinkWithoutContext(value: unknown): value is TransitionCase {
    const v = value as TransitionCase;
    return typeof v === 'object' && v !== null && Number.isInteger(v.transition) && v.transition >= 0 && v.transition < this.order.length && Number.isInteger(v.length) && v.length >= 1;
  }

  shrink(value: TransitionCase): fc.Stream<fc.Value<TransitionCase>> {
    return fc.stream(this.candidates(value)).map((c) => new fc.Value(c, undefined));
  }

  private *candidates(v: TransitionCase): IterableIterator<TransitionCase> {
    for (let len = 1; len < v.length; len++) yield this.make(v.transition, len);
    for (let i = 1; i < v.length; i++) yield this.make(v.transition + i, v.length - i);
    const r = this.rankOf[v.transition];
    for (let delta = r; delta > 0; delta = Math.floor(delta / 2)) yield this.make(this.order[r - delta], v.length);
  }
}

function prepareRegion(c: CompiledLaw, src: RegionSource, length: fc.Arbitrary<number>): PreparedSource<RegionCase> {
  const { k, d } = c;
  let box = src.box;
  let base = src.base;
  if (src.dataset) {
    checkDataset(c, src.dataset);
    const U = projectDataset(c, src.dataset);
    const nStates = U.length / k;
    if (!box) {
      const lo = new Array<number>(k).fill(Infinity);
      const hi = new Array<number>(k).fill(-Infinity);
      for (let s = 0; s < nStates; s++)
        for (let a = 0; a < k; a++) (lo[a] = Math.min(lo[a], U[s * k + a])), (hi[a] = Math.max(hi[a], U[s * k + a]));
      box = { lo, hi };
    }
    if (!base) {
      const sum = new Array<number>(d).fill(0);
      for (let i = 0; i < src.dataset.states.length; i++) sum[i % d] += src.dataset.states[i];
      base = sum.map((x) => x / nStates);
    }
  }
  if (!box) throw new TypeError('region source: give a box or a dataset');
  if (box.lo.length !== k || box.hi.length !== k) throw new TypeError(`region source: box needs ${k} bounds per side for law ${c.law.id}`);
  if (base && base.length !== d) throw new TypeError(`region source: base needs length ${d}`);
  const margin = src.margin ?? 0.05;
  const coords = box.lo.map((l, a) => {
    const h = box.hi[a];
    if (!(Number.isFinite(l) && Number.isFinite(h) && l <= h)) throw new TypeError(`region source: bad bounds [${l}, ${h}] on u${a + 1}`);
    const pad = margin * (h - l);
    // fast-check shrinks a double toward 0 when 0 is in range: toward the state of smallest norm.
    return fc.double({ min: l - pad, max: h + pad, noNaN: true, noDefaultInfinity: true });
  });
  const arbitrary = fc.tuple(fc.tuple(...coords), length).map(([u, len]): RegionCase => ({ u, length: len }));
  const segment = (cs: RegionCase) => {
    let z = c.lift(cs.u, base);
    const us = [c.project(z)];
    for (let j = 0; j < cs.length; j++) {
      z = Array.from(src.step(z));
      us.push(latent(c, z, 'region source step'));
    }
    return us;
  };
  const describe = (cs: RegionCase) => `state u0 = ${vec(cs.u)} (|u0| = ${fmt(norm(cs.u))}), ${cs.length}-step segment`;
  return { kind: 'region', arbitrary, segment, describe };
}

function prepareGenerator(c: CompiledLaw, src: GeneratorSource, length: fc.Arbitrary<number>): PreparedSource<GeneratorCase> {
  const arbitrary = fc.tuple(src.sample, length).map(([state, len]): GeneratorCase => ({ state, length: len }));
  const encode = (s: unknown) => latent(c, src.encode(src.render(s)), 'encode');
  const segment = (cs: GeneratorCase) => {
    let s = cs.state;
    const us = [encode(s)];
    for (let j = 0; j < cs.length; j++) {
      s = src.step(s);
      us.push(encode(s));
    }
    return us;
  };
  const describe = (cs: GeneratorCase) => {
    const shown = fc.stringify(cs.state);
    return `state ${shown.length > 120 ? `${shown.slice(0, 119)}…` : shown}, ${cs.length}-step segment`;
  };
  return { kind: 'generator', arbitrary, segment, describe };
}
