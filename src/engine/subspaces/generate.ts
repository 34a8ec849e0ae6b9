/**
 * The subspaces rules may act on. No basis is privileged: besides axis-aligned coordinate subsets, the
 * data proposes its own subspaces, the invariant subspaces of the fitted linear operator (as in dynamic
 * mode decomposition: a complex eigenvalue pair is a candidate rotation plane) and principal subspaces.
 */
import { errorMessage } from '../../errors.js';
import type { Failure, Grammar, Subspace, SubspaceGeneratorSpec } from '../../types.js';
import { explainedDiagonal, orthonormalRows, symmetricEigenpairs } from '../kernels/linalg.js';
import { coordinatesOf } from '../kernels/project.js';
import { type CentredProjection, type Moments, projectCentred } from '../moments/moments.js';
import { type ConstantSplit, projectRowsOnto, splitConstants, spreadOverStates } from './constants.js';
import { eigenSubspaces, type EigenMode, type SampleData } from './eigenspaces.js';
import { binomial, coordinateSubsets } from './coordinate-subsets.js';

const log2 = Math.log2;

function unitRows(d: number, coords: number[]): number[][] {
  return coords.map((c) => Array.from({ length: d }, (_, j) => (j === c ? 1 : 0)));
}

/**
 * Coordinates that carry (almost) all of an orthonormal basis: a data-driven subspace that is really a
 * coordinate subset is reported as that subset, which is cheaper to state.
 */
function axisAligned(basis: number[][], d: number): number[] | null {
  const k = basis.length;
  const weight = Array.from({ length: d }, (_, j) => basis.reduce((s, row) => s + row[j] * row[j], 0));
  const order = weight.map((w, j) => ({ w, j })).sort((a, b) => b.w - a.w);
  const top = order.slice(0, k);
  const captured = top.reduce((s, x) => s + x.w, 0);
  return captured >= k * (1 - 1e-8) ? top.map((x) => x.j).sort((a, b) => a - b) : null;
}

/** Bits to state a data-estimated k-dimensional subspace of R^d: k(d−k) Grassmann coordinates. */
function estimatedBasisBits(k: number, d: number, n: number): number {
  return k * (d - k) * 0.5 * log2(Math.max(n, 2));
}

/** The subspaces to search, and the constant part of the data (stated once, never searched). */
export interface GeneratedSubspaces {
  subspaces: Subspace[];
  constant: { subspace: Subspace; values: number[] } | null;
}

/**
 * Generate the grammar's subspaces from the full moments, within the directions where the data vary.
 * Subspaces with one span are kept once, the cheapest statement (a data-driven subspace that is a
 * coordinate subset is that subset; in two dimensions, `full` and `coords[0,1]` are one subspace).
 * A generator whose decomposition fails (non-finite moments) proposes nothing and is recorded in `failures`.
 * @param roundoff unit roundoff of the data (see moments/resolution.ts): what counts as constant
 */
export function generateSubspaces(grammar: Grammar, mom: Moments, roundoff: number, samples?: SampleData, failures: Failure[] = []): GeneratedSubspaces {
  const plan = planSubspaces(grammar, mom, roundoff, samples, failures);
  return plan.finish(plan.eigenRequests.map((r) => eigenModesOrError(() => eigenSubspaces(mom, r.varying, r.maxCount, samples))));
}

/**
 * {@link generateSubspaces} in two steps: every subspace but the eigenspaces at once, then the final
 * list from the eigenspace generators' modes, which may be computed elsewhere meanwhile (fit.ts runs
 * them on a worker while the candidates on the `known` subspaces are screened).
 */
export interface SubspacePlan {
  /** Every subspace but the eigenspaces, deduplicated; the final list may state some of them more cheaply. */
  known: Subspace[];
  /** What each `eigenspaces` generator asks for, in grammar order: the varying directions and its mode count. */
  eigenRequests: { varying: number[][]; maxCount: number }[];
  /** The final subspaces, given each request's modes or the error its decomposition threw. */
  finish(modes: (EigenMode[] | Error)[]): GeneratedSubspaces;
}

/**
 * Start {@link generateSubspaces}: see {@link SubspacePlan}. `startEigen`, when given, receives the
 * eigenspace requests as soon as the varying directions are known, before the other generators run.
 */
export function planSubspaces(grammar: Grammar, mom: Moments, roundoff: number, samples?: SampleData, failures: Failure[] = [], startEigen?: (requests: SubspacePlan['eigenRequests']) => void): SubspacePlan {
  const d = mom.dim;
  const spreadOf = samples && spreadOverStates(samples.states, d, Array.from(samples.sample, (t) => samples.starts[t]));
  let whole: CentredProjection | undefined;
  // One projection of the whole space for the generators that read it (0.2 s each at d = 1024).
  const wholeSpace = () => (whole ??= projectCentred(mom, unitRows(d, [...Array(d).keys()])));
  const split = attempt('constants', failures, () => [splitConstants(mom, roundoff, spreadOf, wholeSpace())])[0] ?? noConstants(d);
  const varyingCoords = [...Array(d).keys()].filter((c) => !split.coordinates?.includes(c));
  const generated = new Map<SubspaceGeneratorSpec, Subspace[]>();
  const listed = () => onePerSpan(grammar.subspaces.flatMap((gen) => generated.get(gen) ?? []).filter((s) => !touchesConstant(s, split)));
  const eigenGenerators = grammar.subspaces.filter((gen) => gen.kind === 'eigenspaces');
  const eigenRequests = eigenGenerators.map((gen) => ({ varying: split.varying, maxCount: gen.kind === 'eigenspaces' ? gen.maxCount : 0 }));
  startEigen?.(eigenRequests);
  for (const gen of grammar.subspaces) {
    if (gen.kind === 'coordinates') generated.set(gen, coordinateGenerator(grammar, gen, mom, varyingCoords, failures, wholeSpace));
    else if (gen.kind !== 'eigenspaces') generated.set(gen, dataGenerator(gen, mom, split, failures, wholeSpace));
  }
  whole = undefined; // 3 d × d arrays, not to be held while the eigen-decomposition runs
  return {
    known: listed(),
    eigenRequests,
    finish: (modes) => {
      eigenGenerators.forEach((gen, i) => generated.set(gen, eigenGenerator(gen, mom, modes[i], failures)));
      return { subspaces: listed(), constant: constantSubspace(split, d) };
    },
  };
}

/** The modes `make` computes, or the error it throws (the generator then proposes nothing). */
export function eigenModesOrError(make: () => EigenMode[]): EigenMode[] | Error {
  try {
    return make();
  } catch (err) {
    return err instanceof Error ? err : new Error(errorMessage(err));
  }
}

/** A `coordinates` generator's subsets: every size up to its max, and the predictable coordinates together. */
function coordinateGenerator(grammar: Grammar, gen: SubspaceGeneratorSpec, mom: Moments, varyingCoords: number[], failures: Failure[], wholeSpace: WholeSpace): Subspace[] {
  const out: Subspace[] = [];
  const maxSize = gen.kind === 'coordinates' ? gen.maxSize : 0;
  for (let k = 1; k <= Math.min(maxSize, varyingCoords.length); k++) {
    const subsets = attempt('coordinates', failures, () => coordinateSubsets(mom, varyingCoords, k, k === 1 ? Infinity : grammar.limits.maxCoordinateSubsets));
    for (const c of subsets) out.push(coordinateSubspace(mom.dim, c, gen.cost));
  }
  const moving = attempt('predictable-coordinates', failures, () => predictableCoordinates(mom, varyingCoords, wholeSpace));
  if (moving.length > maxSize && moving.length <= grammar.limits.maxLibraryDim) out.push(coordinateSubspace(mom.dim, moving, gen.cost));
  return out;
}

/** Where a data-driven subspace that is a coordinate subset is stated as that subset. */
function statedSubspace(s: Subspace, generatorCost: number, d: number): Subspace {
  const aligned = axisAligned(s.basis, d);
  return aligned ? coordinateSubspace(d, aligned, generatorCost) : s;
}

/** The subspaces of a `full` or `principal` generator. */
function dataGenerator(gen: SubspaceGeneratorSpec, mom: Moments, split: ConstantSplit, failures: Failure[], wholeSpace: WholeSpace): Subspace[] {
  const d = mom.dim;
  if (gen.kind === 'full') return [{ label: 'full', kind: 'full', basis: split.varying, cost: gen.cost }];
  if (gen.kind !== 'principal') return [];
  // One direction more than the largest subspace: the whole varying space is not a principal subspace.
  const leading = attempt('principal', failures, () => principalDirections(mom, split.varying, gen.maxSize + 1, wholeSpace));
  const out: Subspace[] = [];
  for (let k = 1; k <= Math.min(gen.maxSize, leading.length - 1); k++) {
    const bits = estimatedBasisBits(k, d, mom.n);
    out.push(statedSubspace({ label: `pca${k}`, kind: 'principal', basis: orthonormalRows(leading.slice(0, k)), cost: gen.cost + log2(Math.max(gen.maxSize, 1)) + bits, basisBits: bits }, gen.cost, d));
  }
  return out;
}

/** The subspaces of an `eigenspaces` generator from its modes: each mode, and unions of the leading ones. */
function eigenGenerator(gen: SubspaceGeneratorSpec, mom: Moments, found: EigenMode[] | Error, failures: Failure[]): Subspace[] {
  if (gen.kind !== 'eigenspaces') return [];
  const modes = attempt('eigenspaces', failures, () => {
    if (found instanceof Error) throw found;
    return found;
  });
  const d = mom.dim;
  const naming = log2(Math.max(gen.maxCount, 1));
  const estimated = (label: string, basis: number[][]): Subspace => {
    const bits = estimatedBasisBits(basis.length, d, mom.n);
    return { label, kind: 'eigenspace', basis, cost: gen.cost + naming + bits, basisBits: bits };
  };
  const out = modes.map((mode) => statedSubspace(estimated(mode.label, mode.basis), gen.cost, d));
  // Unions of the leading modes: several rotation planes together form one orthogonal map.
  let union: number[][] = [];
  for (let i = 0; i < modes.length - 1; i++) {
    union = orthonormalRows([...union, ...modes[i].basis]);
    if (i > 0) out.push(statedSubspace(estimated(`eig-top${i + 1}`, union), gen.cost, d));
  }
  return out;
}

function coordinateSubspace(d: number, coords: number[], generatorCost: number): Subspace {
  return { label: `coords[${coords.join(',')}]`, kind: 'coordinates', basis: unitRows(d, coords), coordinates: coords, cost: generatorCost + log2(binomial(d, coords.length)) };
}

/** Share of a coordinate's next value that the current state must predict linearly to count as moving by a law. */
const PREDICTED = 0.5;

/**
 * The coordinates whose next value the current state predicts (R² > {@link PREDICTED} by the
 * least-squares linear operator): a law on a few coordinates beside noise coordinates (one Euler step of
 * Lorenz among five noise ones) is one subset larger than the grammar's `coordinates max`, found
 * without enumerating every subset of that size.
 */
function predictableCoordinates(mom: Moments, coords: number[], wholeSpace: WholeSpace): number[] {
  const m = inOrder(coords, mom.dim) ? wholeSpace() : projectCentred(mom, unitRows(mom.dim, coords));
  const explained = explainedDiagonal(m.cxx, m.cyx); // (cyx cxx⁻¹ cxy)_ii
  return coords.filter((_, i) => m.cyy[i][i] > 0 && explained[i] / m.cyy[i][i] > PREDICTED);
}

/** The `count` principal directions of the varying part, largest variance first. */
function principalDirections(mom: Moments, varying: number[][], count: number, wholeSpace: WholeSpace): number[][] {
  const coords = varying.length === mom.dim ? coordinatesOf(varying) : null;
  const sm = coords && inOrder(coords, mom.dim) ? wholeSpace() : projectCentred(mom, varying);
  const k = sm.k;
  const { vectors } = symmetricEigenpairs(sm.cxx, Array.from({ length: Math.min(count, k) }, (_, i) => k - 1 - i));
  return vectors.map((v) => Array.from({ length: mom.dim }, (_, j) => v.reduce((t, x, i) => t + x * varying[i][j], 0)));
}

/** The moments projected on every coordinate in order, computed once when first asked for. */
type WholeSpace = () => CentredProjection;

/** `coords` is 0, 1, …, d − 1: its projection is the whole space's, the same sums picked out. */
function inOrder(coords: number[], d: number): boolean {
  return coords.length === d && coords.every((c, i) => c === i);
}

/** A subspace reaching into a constant direction (a coordinate subset holding a non-axis constant). */
function touchesConstant(s: Subspace, split: ConstantSplit): boolean {
  if (split.constant.length === 0 || s.kind !== 'coordinates' || split.coordinates) return false;
  return projectRowsOnto(s.basis, split.varying).length < s.basis.length;
}

/**
 * One subspace per span: the cheapest statement of it, first come on a tie. Coordinate subsets share a
 * span exactly when they share their coordinates, so they are matched by key: comparing every pair of
 * 2016 coordinate planes in 64 dimensions took a second.
 */
function onePerSpan(subspaces: Subspace[]): Subspace[] {
  const kept: Subspace[] = [];
  const byCoordinates = new Map<string, number>();
  // Kept subspaces without a coordinate key: few (data-driven ones), so only they are compared by span.
  const unkeyed: number[] = [];
  const keyOf = (s: Subspace) => (s.kind === 'coordinates' && s.coordinates ? s.coordinates.join(',') : null);
  const sameSpan = (o: Subspace, s: Subspace) => o.basis.length === s.basis.length && spansEqual(o.basis, s.basis, unitIndices(o), unitIndices(s));
  const spanMatch = (s: Subspace) => unkeyed.filter((i) => sameSpan(kept[i], s)).reduce((a, i) => (a < 0 ? i : Math.min(a, i)), -1);
  for (const s of subspaces) {
    const key = keyOf(s);
    const same = key !== null ? (byCoordinates.get(key) ?? spanMatch(s)) : kept.findIndex((o) => sameSpan(o, s));
    if (same < 0) kept.push(s);
    else if (s.cost < kept[same].cost) kept[same] = s;
    const index = same < 0 ? kept.length - 1 : same;
    const keptKey = keyOf(kept[index]);
    if (keptKey !== null) {
      byCoordinates.set(keptKey, index);
      const at = unkeyed.indexOf(index);
      if (at >= 0) unkeyed.splice(at, 1);
    } else if (!unkeyed.includes(index)) unkeyed.push(index);
  }
  return kept;
}

function constantSubspace(split: ConstantSplit, d: number): GeneratedSubspaces['constant'] {
  if (split.constant.length === 0) return null;
  const subspace: Subspace = split.coordinates
    ? { ...coordinateSubspace(d, split.coordinates, 0), label: 'constant', constant: true }
    : { label: 'constant', kind: 'principal', basis: split.constant, cost: estimatedBasisBits(split.constant.length, d, 2), constant: true };
  return { subspace, values: split.values };
}

/** No constant directions: the whole space varies (when the split itself cannot be computed). */
function noConstants(d: number): ConstantSplit {
  return { constant: [], coordinates: null, values: [], varying: unitRows(d, [...Array(d).keys()]), threshold: 0 };
}

/** A generator's subspaces, or none (with a failure entry) when its decomposition throws. */
function attempt<T>(generator: string, failures: Failure[], make: () => T[]): T[] {
  try {
    return make();
  } catch (err) {
    failures.push({ id: `subspaces:${generator}`, error: errorMessage(err) });
    return [];
  }
}

/**
 * Whether two orthonormal bases span one subspace. `unitA`/`unitB`: the coordinate each row of a
 * coordinate subset is the unit vector of, so its products are entries, read instead of summed over
 * d (the same values: the sum adds exact zeros).
 */
function spansEqual(a: number[][], b: number[][], unitA: number[] | null, unitB: number[] | null): boolean {
  // ‖B Aᵀ‖_F² = k exactly when the spans agree (orthonormal rows).
  let s = 0;
  a.forEach((ra, p) =>
    b.forEach((rb, q) => {
      const dot = unitB ? ra[unitB[q]] : unitA ? rb[unitA[p]] : ra.reduce((t, x, i) => t + x * rb[i], 0);
      s += dot ** 2;
    }),
  );
  return s >= a.length * (1 - 1e-8);
}

/** A coordinate subset's coordinates, row by row (its rows are their unit vectors); null otherwise. */
function unitIndices(s: Subspace): number[] | null {
  return s.kind === 'coordinates' && s.coordinates && s.coordinates.every((c, r) => s.basis[r][c] === 1) ? s.coordinates : null;
}
