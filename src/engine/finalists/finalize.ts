/**
 * Finalists: the only candidates that get passes over all transitions. A trimmed refit ignores
 * outliers (iterated on the screening sample), then one streaming pass over all transitions gives,
 * for every finalist on a subspace together, the residual histogram (so the main thread can set
 * tolerances and count inliers without holding N floats per finalist) and the inlier statistics of
 * the final refit. The exact pass for the laws finally reported is `evaluate.ts`.
 */
import { errorMessage } from '../../errors.js';
import type { Failure, MeasurementNoise } from '../../types.js';
import type { SubspaceFloors } from '../moments/resolution.js';
import { BlockResidual } from '../passes/block-residual.js';
import { median, trimmedRefit } from '../kernels/trimmed-refit.js';
import { type GroupMember, groupPass, type GroupResult, memberPass, type PassMember } from './group-pass.js';
import { sharedGroupPass } from './shared-pass.js';
import { histCount, histEdges, histQuantile, HIST_BINS } from '../kernels/histogram.js';
import { coefficientsFor, type LawFit, type ScoringStats } from '../model/law-fit.js';
import { invariantStdOn, residualsOn, sampleView, type SampleView, statsFromPass, statsOnRows, accumulationOf, viewFeatures, type ViewFeatures } from './sample-fit.js';
import { descriptionLengthScore, fitOnStats } from '../screening/screen.js';
import { type DataContext } from '../moments/transitions.js';
import { transitionStream, type TransitionStream } from '../passes/stream.js';
import type { FeatureCatalog } from '../model/features.js';
import type { MomentAccumulator } from '../passes/accumulator.js';

/** Refits on the sample's inliers at most, per finalist. */
export const TRIM_ITERATIONS = 6;

/** Residuals above this multiple of the median are set aside while refitting (and, by default, at the end). */
export const TOLERANCE_FACTOR = 5;

/** Residuals above this are set aside: 5× the median, but never a residual below the resolution floor. */
const trimThreshold = (median: number, floor: number) => Math.max(TOLERANCE_FACTOR * median, floor);

/**
 * Width (as a factor either side) of the band around the threshold predicted from the sample in
 * which transitions are kept aside until the exact threshold is known. The sample median of 4096
 * residuals is within a few percent of the full median; a miss only costs an exact second pass.
 */
const BAND = 1.25;

export interface FinalistGroupTask {
  basis: number[][];
  /** Σ|u − ū|² over all transitions on this subspace (from the full moments). */
  variance: number;
  /** Relative residual floors of the subspace per role (see moments/resolution.ts). */
  floors: SubspaceFloors;
  members: { fit: LawFit; offset: boolean }[];
  threshold: number;
  /** The screening sample's transitions (see readSampleRows): trimming iterations run on them. */
  sampleRows: DataContext;
  /** When members may skip the pass over all transitions (see {@link SampleVerdict}); null: never. */
  verdict: SampleVerdict | null;
}

/**
 * What a finalist must reach on the screening sample to earn a pass over all transitions. A law is
 * reported only when at least `minInlierFraction` of its residuals are within its tolerance, and the
 * tolerance is at most `capRel` × the subspace's spread (or the user's map tolerance, data units).
 * A member whose sample residuals are above {@link VERDICT_MARGIN} × that largest tolerance at that
 * quantile cannot become a law; it is finished from the sample alone (its metrics estimated there,
 * marked `sampleOnly`), which on data with a law among noise dimensions is most finalists.
 */
export interface SampleVerdict {
  minInlierFraction: number;
  capRel: number;
  mapTolerance: number | null;
}

/**
 * Margin of the sample verdict. The sample's quantile is within a few percent of the full data's, and
 * the final refit on all inliers moves residuals by far less than 4×; only hopeless members are cut.
 */
const VERDICT_MARGIN = 4;

export interface FinalistResult {
  fit: LawFit;
  /** Statistics over the trimmed (inlier) set: what snapping and the description length use. */
  stats: ScoringStats;
  n: number;
  /** Σ|u − ū|² over all transitions (maps). */
  variance: number;
  /** Residual scale unit: RMS spread of the subspace data (maps) or the invariant's std (invariants: 1). */
  spread: number;
  /** Relative residual below which the law counts as exact (see model/resolution.ts), in units of `spread`. */
  floor: number;
  hist: Uint32Array;
  median: number;
  /**
   * The member cannot become a law (see {@link SampleVerdict}): stats, histogram and median are the
   * screening sample's, and its description length is extrapolated by this factor (all / sampled).
   */
  sampleScale?: number;
  /** On a subspace limited by measurement noise (see measurement-noise.ts): the tolerance it explains. */
  noiseTolerance?: number;
  noise?: MeasurementNoise;
  /** There, for linear families: the inlier statistics of the clean state (the motion a law explains is judged on them). */
  cleanStats?: ScoringStats;
}

const notCompleted = (member: { fit: LawFit }): Failure => ({ id: member.fit.id, error: 'internal: finalist not completed' });

/** A member after trimming on the sample: its fit, invariant scale and sample residuals. */
interface Trimmed {
  fit: LawFit;
  scale: number;
  r: Float64Array;
  /** The sample's features (invariants only: their final std is taken on them). */
  vf: ViewFeatures | null;
  /** The sample's accumulation features (see accumulationOf), which refits sum over the inliers. */
  acc: ViewFeatures;
}

/**
 * Finalists sharing a subspace. Each member gets a trimmed refit on the screening sample (iteratively
 * trimmed least squares: refit on the transitions within 5× the median residual, a threshold not
 * capped like the tolerance since an outlier-contaminated first fit may be far off; until the inlier
 * set is stable, or after {@link TRIM_ITERATIONS} refits). Then
 * one pass over all transitions, shared by the members (projection and features computed once per
 * state), gives each member's residual histogram and its statistics on the transitions within the
 * trimming threshold, from which the final refit gives the parameters and the inlier statistics used
 * for snapping and scoring.
 *
 * A task may hold several groups. Groups on coordinate subspaces share one pass over a stream of the
 * union of their coordinates, so each coordinate's features (its square, sin, cos) are evaluated
 * once for all the pairs it belongs to; every group still gathers its own sums, bit for bit as in
 * a pass of its own.
 */
export function finalizeGroups(ctx: DataContext, tasks: FinalistGroupTask[], catalog: FeatureCatalog): (FinalistResult | Failure)[][] {
  const preps = tasks.map((task) => prepareGroup(ctx, task, catalog));
  const bandCap = Math.max(4096, Math.ceil(ctx.starts.length / 16));
  // Groups whose members were all settled on the sample need no pass at all.
  const passing = preps.map((p, i) => i).filter((i) => preps[i].members.length > 0);
  const passed =
    passing.length === 1
      ? [groupPass(preps[passing[0]].stream(), preps[passing[0]].members, bandCap)]
      : passing.length > 1
        ? sharedGroupPass(ctx, passing.map((i) => ({ basis: tasks[i].basis, features: preps[i].features, members: preps[i].members })), bandCap, catalog)
        : [];
  return tasks.map((task, i) => {
    const at = passing.indexOf(i);
    return at >= 0 ? finishGroup(ctx, task, preps[i], passed[at]) : preps[i].settled.map((r, j) => r ?? notCompleted(task.members[j]));
  });
}

type Plan = { i: number; t: Trimmed; spread: number; resCols: number[]; accCols: number[]; want: PassMember['want']; lo: number; hi: number };

/** Trimming on the sample, then the group's stream: features in order of first use, and its members. */
function prepareGroup(ctx: DataContext, task: FinalistGroupTask, catalog: FeatureCatalog) {
  const k = task.basis.length;
  const n = ctx.starts.length;
  const view = sampleView(task.sampleRows, task.basis);
  const trimmed = task.members.map((member): Trimmed | Failure => {
    try {
      return trimOnSample(view, task, member, n, catalog);
    } catch (err) {
      return { id: member.fit.id, error: errorMessage(err) };
    }
  });
  // Members settled without a pass: refits that threw, and those the sample rules out as laws.
  const settled: (FinalistResult | Failure | null)[] = trimmed.map((t, i) => ('error' in t ? t : sampleOnly(task, task.members[i], t, view, n)));
  const live = task.members.map((_, i) => i).filter((i) => settled[i] === null);
  // One stream carries every feature any member needs, in order of first use; spellings of one
  // feature ('u1^2', 'u1 ^ 2') share a column, so it is evaluated and summed once.
  const accumulations = live.map((i) => accumulationOf((trimmed[i] as Trimmed).fit, k));
  const { union: features, cols } = catalog.union(live.flatMap((i, q) => [(trimmed[i] as Trimmed).fit.features, accumulations[q].features]));
  const plans = live.map((i, q): Plan => {
    const t = trimmed[i] as Trimmed;
    const isMap = t.fit.role === 'map';
    const spread = isMap ? Math.sqrt(task.variance / Math.max(n, 1)) : 1;
    const [resCols, accCols] = [cols[2 * q], cols[2 * q + 1]];
    const accumulation = accumulations[q];
    const predicted = trimThreshold(median(t.r), task.floors[t.fit.role] * spread);
    return { i, t, spread, resCols, accCols, want: accumulation.want, lo: predicted / BAND, hi: predicted * BAND };
  });
  const members = plans.map((p): GroupMember => ({ role: p.t.fit.role, cols: p.resCols, W: coefficientsFor(p.t.fit, p.t.fit.params), scale: p.t.scale, spread: p.spread, accCols: p.accCols, want: p.want, lo: p.lo, hi: p.hi }));
  // Built on first use: a group settled on the sample, or sharing a pass, may never need its own stream.
  let stream: TransitionStream | undefined;
  return { view, trimmed, settled, plans, features, members, stream: () => (stream ??= transitionStream(ctx, task.basis, features, catalog)) };
}

/** Thresholds from the histograms, inlier moments (all minus outliers, or an exact pass), final refits. */
function finishGroup(ctx: DataContext, task: FinalistGroupTask, prep: ReturnType<typeof prepareGroup>, group: GroupResult): (FinalistResult | Failure)[] {
  const k = task.basis.length;
  const n = ctx.starts.length;
  const { stream, plans, view } = prep;
  // Moments over the transitions within the exact threshold, summed directly (second pass).
  const exact = (p: Plan, j: number, thr: number) =>
    memberPass(stream(), null, [{ residual: new BlockResidual(p.t.fit.role, k, p.resCols, prep.members[j].W, p.t.scale), spread: p.spread, accCols: p.accCols, want: p.want, lo: thr, hi: thr }], 0)[0].acc;
  const out: (FinalistResult | Failure)[] = prep.settled.map((s, j) => s ?? notCompleted(task.members[j]));
  plans.forEach((p, j) => {
    try {
      const pass = group.outputs[j];
      const med = histQuantile(pass.hist, p.spread, 0.5);
      const thr = trimThreshold(med, task.floors[p.t.fit.role] * p.spread);
      let acc: MomentAccumulator;
      if (pass.overflow || !(p.lo <= thr && thr <= p.hi)) acc = exact(p, j, thr); // the prediction missed
      else {
        // Inliers = all − outliers; transitions kept aside above the threshold are outliers too.
        const above = pass.bandT.filter((_, q) => !(pass.bandR[q] <= thr));
        if (above.length > 0) memberPass(stream(), above, [{ residual: null, spread: p.spread, accCols: p.accCols, want: p.want, lo: 0, hi: 0, into: pass.out }], 0);
        const [all, cols] = p.want.map ? [group.mapAll!, group.mapCols] : [group.invAll!, group.invCols];
        const pos = p.accCols.map((c) => cols.indexOf(c));
        acc = pass.out.dominates(all, pos) ? exact(p, j, thr) : pass.out.complementOf(all, pos);
      }
      out[p.i] = finish(stream, task, task.members[p.i], p, pass.hist, med, acc, view, n);
    } catch (err) {
      out[p.i] = { id: task.members[p.i].fit.id, error: errorMessage(err) };
    }
  });
  return out;
}

/**
 * The member's result from the screening sample alone, when the sample rules it out as a law (see
 * {@link SampleVerdict}); null when it needs the pass over all transitions.
 */
function sampleOnly(task: FinalistGroupTask, member: { fit: LawFit }, t: Trimmed, view: SampleView, n: number): FinalistResult | null {
  const verdict = task.verdict;
  const S = t.r.length;
  if (!verdict || S === 0 || n === 0) return null;
  const isMap = member.fit.role === 'map';
  const spread = isMap ? Math.sqrt(task.variance / n) : 1;
  const largestTolerance = isMap && verdict.mapTolerance !== null ? verdict.mapTolerance : Math.max(verdict.capRel, task.floors[member.fit.role]) * spread;
  const sorted = Float64Array.from(t.r).sort();
  const atShare = sorted[Math.min(S - 1, Math.max(0, Math.ceil(verdict.minInlierFraction * S) - 1))];
  if (!(atShare > VERDICT_MARGIN * largestTolerance)) return null;
  const med = sorted[Math.floor(S / 2)];
  const inliers: number[] = [];
  const threshold = trimThreshold(med, task.floors[member.fit.role] * spread);
  for (let i = 0; i < S; i++) if (t.r[i] <= threshold) inliers.push(i);
  // Sample statistics against the sample's share of the variance, so relative errors are per sample.
  const k = task.basis.length;
  const { stats } = statsOnRows(t.acc, view.U, k, view.starts, t.fit, (task.variance * S) / n, S, Uint32Array.from(inliers));
  const hist = new Uint32Array(HIST_BINS);
  histCount(hist, histEdges(spread), t.r, S);
  let fit = t.fit;
  if (!isMap) {
    const std = invariantStdOn(t.vf!, view.starts, fit, fit.params);
    if (std > 0) fit = { ...fit, params: fit.params.map((v) => v / std) };
  }
  return { fit, stats, n, variance: task.variance, spread, floor: task.floors[fit.role], hist, median: med, sampleScale: n / S };
}

/** Trimming iterations on the screening sample (local indices into the sample view). */
function trimOnSample(view: SampleView, task: FinalistGroupTask, member: { fit: LawFit; offset: boolean }, n: number, catalog: FeatureCatalog): Trimmed {
  const k = task.basis.length;
  const isMap = member.fit.role === 'map';
  const fit = member.fit;
  const vf = viewFeatures(view, k, fit.features, catalog);
  // Refits keep the family and features, so the features their sums need are evaluated once, here.
  const accFeatures = accumulationOf(fit, k).features;
  const acc = accFeatures.length === fit.features.length && accFeatures.every((f, j) => f === fit.features[j]) ? vf : viewFeatures(view, k, accFeatures, catalog);
  const scaleOf = (f: LawFit) => (isMap ? 1 : invariantStdOn(vf, view.starts, f, f.params));
  const trimmed = trimmedRefit(
    { fit, scale: scaleOf(fit) },
    {
      residuals: (t) => residualsOn(vf, view.U, k, view.starts, t.fit, t.fit.params, t.scale),
      threshold: (r) => trimThreshold(median(r), task.floors[fit.role] * (isMap ? Math.sqrt(task.variance / Math.max(n, 1)) : 1)),
      minKept: Math.max(3, 0.5 * view.starts.length),
      maxRefits: TRIM_ITERATIONS,
      refit: (t, inliers) => {
        const on = statsOnRows(acc, view.U, k, view.starts, t.fit, task.variance, n, inliers);
        const score = descriptionLengthScore(t.fit, on.stats, n / Math.max(view.starts.length, 1), task.floors[fit.role]);
        const refit = fitOnStats(t.fit.family, member.offset, k, t.fit.features, on.stats, on.sm, task.threshold, score);
        if (!refit.params.every(Number.isFinite)) return null;
        const next = { ...t.fit, parametrization: refit.parametrization, params: refit.params };
        return { fit: next, scale: scaleOf(next) };
      },
    },
  );
  // Invariants need their features once more, for the final refit's std; maps let them go (unless
  // they are also the accumulation features, kept for the sample verdict's statistics).
  return { fit: trimmed.fit.fit, scale: trimmed.fit.scale, r: trimmed.residuals, vf: isMap ? null : vf, acc };
}

/** Final refit on the inlier statistics (or, when too few transitions are inliers, statistics over all). */
function finish(
  stream: () => TransitionStream,
  task: FinalistGroupTask,
  member: { fit: LawFit; offset: boolean },
  p: { t: Trimmed; spread: number; accCols: number[]; want: PassMember['want'] },
  hist: Uint32Array,
  med: number,
  acc: MomentAccumulator,
  view: SampleView,
  n: number,
): FinalistResult {
  const k = task.basis.length;
  let fit = p.t.fit;
  let stats: ScoringStats | null = null;
  if (acc.n >= Math.max(3, 0.5 * n)) {
    const on = statsFromPass(fit, k, acc.result(), task.variance, n);
    const refit = fitOnStats(fit.family, member.offset, k, fit.features, on.stats, on.sm, task.threshold, descriptionLengthScore(fit, on.stats, 1, task.floors[fit.role]));
    if (refit.params.every(Number.isFinite)) {
      fit = { ...fit, parametrization: refit.parametrization, params: refit.params };
      stats = on.stats;
    }
  }
  if (!stats) {
    const all = memberPass(stream(), null, [{ residual: null, spread: p.spread, accCols: p.accCols, want: p.want, lo: 0, hi: 0 }], 0)[0].acc;
    stats = statsFromPass(fit, k, all.result(), task.variance, n).stats;
  }
  if (fit.role !== 'map') {
    // State invariants in units of their std over the data, so tolerances compare across laws.
    const std = invariantStdOn(p.t.vf!, view.starts, fit, fit.params);
    if (std > 0) fit = { ...fit, params: fit.params.map((v) => v / std) };
  }
  return { fit, stats, n, variance: task.variance, spread: p.spread, floor: task.floors[fit.role], hist, median: med };
}
