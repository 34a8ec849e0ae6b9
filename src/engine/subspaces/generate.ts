/**
 * The subspaces rules may act on. No basis is privileged: besides axis-aligned coordinate subsets, the
 * data proposes its own subspaces, the invariant subspaces of the fitted linear operator (as in dynamic
 * mode decomposition: a complex eigenvalue pair is a candidate rotation plane) and principal subspaces.
 */
import { errorMessage } from '../../errors.js';
import type { Failure, Grammar, Subspace } from '../../types.js';
import { explainedDiagonal, generalEigenvalues, orthonormalRows, symmetricEigenpairs, transpose, solve } from '../kernels/linalg.js';
import { type Moments, projectMoments } from '../moments/moments.js';
import { type ConstantSplit, projectRowsOnto, splitConstants, spreadOverStates } from './constants.js';
import { objective, refineSubspace, robustRefine } from './refine.js';
import { sampleCentredMoments, type SampleMoments } from './sample-moments.js';
import { binomial, coordinateSubsets } from './coordinate-subsets.js';

const log2 = Math.log2;

/** Sampled transitions for robust refinement of data-driven subspaces (outliers must not tilt them). */
export interface SampleData {
  states: Float64Array;
  dim: number;
  starts: Uint32Array;
  sample: Uint32Array;
}

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

const fmt = (x: number) => (Math.abs(x) < 5e-4 ? '0' : x.toFixed(3));

/**
 * Invariant subspaces of the least-squares linear operator (with offset) on the varying directions,
 * ordered by eigenvalue modulus (persistent modes first). Left-invariant subspaces are used, because a
 * law on u = B z needs B z' to depend on B z only: B A = M B.
 */
function eigenSubspaces(mom: Moments, varying: number[][], maxCount: number, samples?: SampleData): { label: string; basis: number[][]; modulus: number }[] {
  const d = mom.dim;
  const full = projectMoments(mom, unitRows(d, [...Array(d).keys()]));
  const reduced = varying.length === d ? full : projectMoments(mom, varying);
  const A = transpose(solve(reduced.cxx, transpose(reduced.cyx)));
  // Eigenvectors only for the modes kept (at most maxCount of d): computed on demand.
  const { re, im, vector } = generalEigenvalues(transpose(A));
  // Back to data coordinates: a reduced vector v is the direction Σ v_i · varying_i.
  const lift = (v: number[]) => (varying.length === d ? v : Array.from({ length: d }, (_, j) => v.reduce((t, x, i) => t + x * varying[i][j], 0)));
  // A mode whose own linear fit leaves most of its variance unexplained holds no law to sharpen. The
  // operator's d² entries fitted to n transitions explain a share d/n of noise in-sample, so "most" is
  // counted from what noise would leave: 396 transitions of 256-D noise leave 35%, not 100%.
  const unexplained = 0.5 * Math.max(1 - varying.length / Math.max(mom.n, 1), 0);
  let wholeSample: SampleMoments | undefined;
  const sampleMoments = () => (wholeSample ??= sampleCentredMoments(samples!.states, samples!.dim, samples!.starts, samples!.sample, null));
  const refine = (basis: number[][]) => {
    if (!(objective(basis, full).f <= unexplained)) return basis;
    const refined = refineSubspace(basis, full);
    const robust = samples ? robustRefine(refined, samples.states, samples.dim, samples.starts, samples.sample, sampleMoments) : refined;
    return varying.length === d ? robust : projectRowsOnto(robust, varying);
  };
  const raw: { label: string; rows: () => number[][]; k: number; modulus: number }[] = [];
  for (let i = 0; i < re.length; i++) {
    if (im[i] < 0) continue; // the conjugate's pair member carries the same plane
    const modulus = Math.hypot(re[i], im[i]);
    if (im[i] > 0 && i + 1 < re.length) {
      const plane = () => vector(i).map(lift);
      raw.push({ label: `eig(${fmt(re[i])}±${fmt(im[i])}i)`, rows: () => orthonormalRows(ellipseAxes(...(plane() as [number[], number[]]))), k: 2, modulus });
    } else raw.push({ label: `eig(${fmt(re[i])})`, rows: () => orthonormalRows([lift(vector(i)[0])]), k: 1, modulus });
  }
  raw.sort((a, b) => b.modulus - a.modulus || a.label.localeCompare(b.label));
  // Refinement costs d² per step: only the modes kept (the largest moduli) are refined.
  const modes: { label: string; basis: number[][]; modulus: number }[] = [];
  for (const mode of raw) {
    if (modes.length >= maxCount) break;
    const basis = refine(mode.rows());
    if (basis.length === mode.k) modes.push({ label: mode.label, basis, modulus: mode.modulus });
  }
  return uniqueLabels(modes);
}

/**
 * The frame of a complex mode x + iy: the axes of its ellipse Re((x + iy)·e^{-iφ}), major first, its
 * largest entry positive. The eigen-solver's phase is arbitrary and jumps with rounding (A in other
 * units rounds differently), and with it the parameters that depend on the frame (a tilt, a matrix entry).
 */
function ellipseAxes(x: number[], y: number[]): number[][] {
  const dot = (a: number[], b: number[]) => a.reduce((t, v, i) => t + v * b[i], 0);
  const [xx, yy, xy] = [dot(x, x), dot(y, y), dot(x, y)];
  // A circle has no axes to find (rounding would pick them): any frame states its laws alike.
  if (Math.hypot(xx - yy, 2 * xy) < 1e-6 * (xx + yy)) return [x, y];
  const phi = 0.5 * Math.atan2(2 * xy, xx - yy);
  const [c, s] = [Math.cos(phi), Math.sin(phi)];
  const major = x.map((v, i) => c * v + s * y[i]);
  const minor = x.map((v, i) => c * y[i] - s * v);
  const top = major.reduce((j, v, i) => (Math.abs(v) > Math.abs(major[j]) ? i : j), 0);
  return major[top] < 0 ? [major.map((v) => -v), minor.map((v) => -v)] : [major, minor];
}

/** Modes whose eigenvalues print alike get #2, #3…: a label names one subspace. */
function uniqueLabels<T extends { label: string }>(modes: T[]): T[] {
  const seen = new Map<string, number>();
  return modes.map((m) => {
    const count = (seen.get(m.label) ?? 0) + 1;
    seen.set(m.label, count);
    return count === 1 ? m : { ...m, label: `${m.label}#${count}` };
  });
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
  const d = mom.dim;
  const spreadOf = samples && spreadOverStates(samples.states, d, Array.from(samples.sample, (t) => samples.starts[t]));
  const split = attempt('constants', failures, () => [splitConstants(mom, roundoff, spreadOf)])[0] ?? noConstants(d);
  const varyingCoords = [...Array(d).keys()].filter((c) => !split.coordinates?.includes(c));
  const all: Subspace[] = [];
  const addDataDriven = (s: Subspace, generatorCost: number) => {
    const aligned = axisAligned(s.basis, d);
    all.push(aligned ? coordinateSubspace(d, aligned, generatorCost) : s);
  };
  for (const gen of grammar.subspaces) {
    if (gen.kind === 'coordinates') {
      for (let k = 1; k <= Math.min(gen.maxSize, varyingCoords.length); k++) {
        const subsets = attempt('coordinates', failures, () => coordinateSubsets(mom, varyingCoords, k, k === 1 ? Infinity : grammar.limits.maxCoordinateSubsets));
        for (const c of subsets) all.push(coordinateSubspace(d, c, gen.cost));
      }
      const moving = attempt('predictable-coordinates', failures, () => predictableCoordinates(mom, varyingCoords));
      if (moving.length > gen.maxSize && moving.length <= grammar.limits.maxLibraryDim) all.push(coordinateSubspace(d, moving, gen.cost));
    } else if (gen.kind === 'full') {
      all.push({ label: 'full', kind: 'full', basis: split.varying, cost: gen.cost });
    } else if (gen.kind === 'eigenspaces') {
      const modes = attempt('eigenspaces', failures, () => eigenSubspaces(mom, split.varying, gen.maxCount, samples));
      const naming = log2(Math.max(gen.maxCount, 1));
      const estimated = (label: string, basis: number[][]): Subspace => {
        const bits = estimatedBasisBits(basis.length, d, mom.n);
        return { label, kind: 'eigenspace', basis, cost: gen.cost + naming + bits, basisBits: bits };
      };
      modes.forEach((mode) => addDataDriven(estimated(mode.label, mode.basis), gen.cost));
      // Unions of the leading modes: several rotation planes together form one orthogonal map.
      let union: number[][] = [];
      for (let i = 0; i < modes.length - 1; i++) {
        union = orthonormalRows([...union, ...modes[i].basis]);
        if (i > 0) addDataDriven(estimated(`eig-top${i + 1}`, union), gen.cost);
      }
    } else if (gen.kind === 'principal') {
      // One direction more than the largest subspace: the whole varying space is not a principal subspace.
      const leading = attempt('principal', failures, () => principalDirections(mom, split.varying, gen.maxSize + 1));
      for (let k = 1; k <= Math.min(gen.maxSize, leading.length - 1); k++) {
        const bits = estimatedBasisBits(k, d, mom.n);
        addDataDriven({ label: `pca${k}`, kind: 'principal', basis: orthonormalRows(leading.slice(0, k)), cost: gen.cost + log2(Math.max(gen.maxSize, 1)) + bits, basisBits: bits }, gen.cost);
      }
    }
  }
  const subspaces = onePerSpan(all.filter((s) => !touchesConstant(s, split)));
  return { subspaces, constant: constantSubspace(split, d) };
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
function predictableCoordinates(mom: Moments, coords: number[]): number[] {
  const m = projectMoments(mom, unitRows(mom.dim, coords));
  const explained = explainedDiagonal(m.cxx, m.cyx); // (cyx cxx⁻¹ cxy)_ii
  return coords.filter((_, i) => m.cyy[i][i] > 0 && explained[i] / m.cyy[i][i] > PREDICTED);
}

/** The `count` principal directions of the varying part, largest variance first. */
function principalDirections(mom: Moments, varying: number[][], count: number): number[][] {
  const sm = projectMoments(mom, varying);
  const k = sm.k;
  const { vectors } = symmetricEigenpairs(sm.cxx, Array.from({ length: Math.min(count, k) }, (_, i) => k - 1 - i));
  return vectors.map((v) => Array.from({ length: mom.dim }, (_, j) => v.reduce((t, x, i) => t + x * varying[i][j], 0)));
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
  const sameSpan = (o: Subspace, s: Subspace) => o.basis.length === s.basis.length && spansEqual(o.basis, s.basis);
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

function spansEqual(a: number[][], b: number[][]): boolean {
  // ‖B Aᵀ‖_F² = k exactly when the spans agree (orthonormal rows).
  let s = 0;
  for (const ra of a) for (const rb of b) s += ra.reduce((t, x, i) => t + x * rb[i], 0) ** 2;
  return s >= a.length * (1 - 1e-8);
}
