/**
 * The eigenspace generator: the invariant subspaces of the least-squares linear operator (as in dynamic
 * mode decomposition, a complex eigenvalue pair is a candidate rotation plane), refined on the moments
 * and, robustly, on the screening sample. The costliest step of the subspace stage (a general
 * eigen-decomposition, d³ with a large constant), so it also runs as a task of its own (runtime/tasks.ts)
 * while the candidates on the other subspaces are screened.
 */
import { generalEigenvalues, orthonormalRows, solve, transpose } from '../kernels/linalg.js';
import { type Moments, projectCentred } from '../moments/moments.js';
import type { DataContext } from '../moments/transitions.js';
import { projectRowsOnto } from './constants.js';
import { objective, refineSubspace, robustRefine } from './refine.js';
import { type MaskedMomentsStorage, sampleCentredMoments, type SampleData, type SampleMoments } from './sample-moments.js';
import { fillSampleMoments, type SampleMomentsShare, takeSampleMoments } from './shared-sample-moments.js';

export type { SampleData };

/** One invariant subspace: its label (the eigenvalue), orthonormal basis rows, and the eigenvalue's modulus. */
export interface EigenMode {
  label: string;
  basis: number[][];
  modulus: number;
}

/**
 * The eigenspace generator as a worker task: the moments, the varying directions, and the sample's
 * transitions, whose moments another worker may sum into `share` meanwhile (see shared-sample-moments.ts).
 */
export interface EigenTask {
  moments: Moments;
  varying: number[][];
  maxCount: number;
  sample: Uint32Array | null;
  share?: SampleMomentsShare;
}

/** Run an {@link EigenTask} (on a worker or inline) over the data set it reads. */
export function eigenTask(ctx: DataContext, task: EigenTask): EigenMode[] {
  const samples = task.sample ? { ...ctx, sample: task.sample } : undefined;
  const share = task.share;
  return eigenSubspaces(task.moments, task.varying, task.maxCount, samples, share && samples ? () => takeSampleMoments(share, samples) : undefined);
}

/** The sample's moments summed for an eigen task on another worker, as a task of its own. */
export interface SampleMomentsTask {
  sample: Uint32Array;
  share: SampleMomentsShare;
}

/** Run a {@link SampleMomentsTask} on a worker. */
export function sampleMomentsTask(ctx: DataContext, task: SampleMomentsTask): null {
  fillSampleMoments(task.share, { ...ctx, sample: task.sample });
  return null;
}

function unitRows(d: number, coords: number[]): number[][] {
  return coords.map((c) => Array.from({ length: d }, (_, j) => (j === c ? 1 : 0)));
}

const fmt = (x: number) => (Math.abs(x) < 5e-4 ? '0' : x.toFixed(3));

/**
 * Invariant subspaces of the least-squares linear operator (with offset) on the varying directions,
 * ordered by eigenvalue modulus (persistent modes first). Left-invariant subspaces are used, because a
 * law on u = B z needs B z' to depend on B z only: B A = M B.
 */
export function eigenSubspaces(mom: Moments, varying: number[][], maxCount: number, samples?: SampleData, summedSample?: () => SampleMoments): EigenMode[] {
  const d = mom.dim;
  const full = projectCentred(mom, unitRows(d, [...Array(d).keys()]));
  const reduced = varying.length === d ? full : projectCentred(mom, varying);
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
  const sampleMoments = () => (wholeSample ??= summedSample?.() ?? sampleCentredMoments(samples!.states, samples!.dim, samples!.starts, samples!.sample, null));
  // The modes are refined one after another, so one storage serves them all.
  const trimmedMoments: MaskedMomentsStorage = {};
  const refine = (basis: number[][]) => {
    if (!(objective(basis, full).f <= unexplained)) return basis;
    const refined = refineSubspace(basis, full);
    const robust = samples ? robustRefine(refined, samples.states, samples.dim, samples.starts, samples.sample, sampleMoments, trimmedMoments) : refined;
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
  const modes: EigenMode[] = [];
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

