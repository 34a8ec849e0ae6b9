/**
 * Conservation along whole trajectories. A slowly varying quantity changes little per step, so it
 * passes a one-step test, yet it drifts the same way along every trajectory; a conserved one stays
 * within its tolerance however far it is followed. One pass over all transitions follows each
 * invariant along every trajectory, cut into segments at its outlier transitions (cuts, jumps), and
 * measures its change over several horizons and over whole segments, and how much its value differs
 * from segment to segment (a conserved quantity must vary across the data, or it is a constant).
 */
import type { Expr } from '../../grammar/expr-ir.js';
import { coefficientsFor, type LawFit } from '../model/law-fit.js';
import type { DataContext } from '../moments/transitions.js';
import { predictInto } from '../passes/block-residual.js';
import { type Block, lawsStream, type PassRange } from '../passes/stream.js';

/** Horizons, in transitions, at which the change of an invariant is measured besides whole segments. */
export const DRIFT_HORIZONS = [1, 4, 16, 64] as const;

/** Invariant laws on one subspace, over the trajectories that start in one range, as a worker task. */
export interface ConservationTask {
  basis: number[][];
  /** Whole trajectories (see trajectoryRanges). */
  range: PassRange;
  /** Each law with its tolerance and the size of one standard deviation of its I (the units of the tolerance). */
  laws: { fit: LawFit; tolerance: number; scale: number }[];
  trees: [string, Expr][];
}

/** How an invariant fares along the trajectories, in units of its standard deviation over the data. */
export interface Conservation {
  /** RMS change over whole segments (a segment: a run of inlier transitions within one trajectory). */
  drift: number;
  /** RMS change over each of {@link DRIFT_HORIZONS} transitions along the trajectories, outlier steps left out (NaN: no trajectory that long). */
  horizons: number[];
  /**
   * Standard deviation of the invariant's value between segments, weighted by their length: how much
   * of its variation over the data the conserving stretches carry (≈ 1 for a conserved quantity; near
   * 0 when it "holds" only where the system has come to rest and changes everywhere else).
   */
  levels: number;
  segments: number;
  /**
   * Σ_trajectories (Σ of its inlier steps)² / Σ (inlier step)²: about 1/L for noise around a conserved
   * value (L inlier transitions in a row), 1 for a random walk, L for a drift. Outlier transitions
   * (cuts) are skipped, not reset at, so a drift cannot hide between frequent outliers (NaN: no steps).
   */
  walk: number;
  /**
   * The lowest share of inlier transitions in any quarter of the trajectories' lengths, relative to
   * the share over all of them: about 1 when the law fails at scattered glitches, near 0 when it holds
   * only after a transient or until the system drifts off (1: no trajectory long enough to tell).
   */
  coverage: number;
}

/** What a range of whole trajectories adds to a {@link Conservation}: sums, combined in range order. */
export interface ConservationSums {
  net: number;
  segments: number;
  horizonSums: number[];
  horizonCounts: number[];
  /** Σ length, the length-weighted mean of the segments' mean values, and Σ length·(mean − that)². */
  levelWeight: number;
  levelMean: number;
  levelSpread: number;
  walkNet: number;
  walkSteps: number;
  quarterInliers: number[];
  quarterCounts: number[];
}

/** The conservation of one law from its sums over consecutive ranges of trajectories. */
export function conservationOf(parts: ConservationSums[]): Conservation {
  const add = (pick: (p: ConservationSums) => number) => parts.reduce((a, p) => a + pick(p), 0);
  const addEach = (pick: (p: ConservationSums) => number[]) => pick(parts[0]).map((_, i) => add((p) => pick(p)[i]));
  // Weighted means and spreads of the ranges pooled (Chan, Golub and LeVeque's update).
  let [weight, mean, spread] = [0, 0, 0];
  for (const p of parts) {
    if (p.levelWeight === 0) continue;
    const total = weight + p.levelWeight;
    const delta = p.levelMean - mean;
    spread += p.levelSpread + (delta * delta * weight * p.levelWeight) / total;
    mean += (delta * p.levelWeight) / total;
    weight = total;
  }
  const rms = (sum: number, count: number) => (count > 0 ? Math.sqrt(sum / count) : NaN);
  const [horizonSums, horizonCounts, walkSteps] = [addEach((p) => p.horizonSums), addEach((p) => p.horizonCounts), add((p) => p.walkSteps)];
  const segments = add((p) => p.segments);
  return {
    drift: rms(add((p) => p.net), segments),
    horizons: horizonSums.map((sum, h) => rms(sum, horizonCounts[h])),
    levels: weight > 0 ? Math.sqrt(Math.max(spread / weight, 0)) : 0,
    segments,
    walk: walkSteps > 0 ? add((p) => p.walkNet) / walkSteps : NaN,
    coverage: coverage(addEach((p) => p.quarterInliers), addEach((p) => p.quarterCounts)),
  };
}

/** The lowest quarter's inlier share relative to the share over all (see {@link Conservation.coverage}). */
function coverage(quarterInliers: number[], quarterCounts: number[]): number {
  const total = quarterCounts.reduce((a, b) => a + b, 0);
  const inliers = quarterInliers.reduce((a, b) => a + b, 0);
  if (total === 0 || inliers === 0) return 1;
  return Math.min(...quarterCounts.map((n, q) => quarterInliers[q] / n)) / (inliers / total);
}

/** Follow each law along the trajectories of the task's range (on a worker or inline), in one pass. */
export function conservationBatch(ctx: DataContext, task: ConservationTask): ConservationSums[] {
  const { stream, cols } = lawsStream(ctx, task.basis, task.trees, task.laws.map((l) => l.fit.features));
  const followers = task.laws.map((l, i) => new Follower(Int32Array.from(cols[i]), Float64Array.from(coefficientsFor(l.fit, l.fit.params)[0].map((c) => c / l.scale)), l.tolerance, ctx.starts));
  stream.run(
    null,
    (b) => {
      for (const f of followers) f.follow(b);
    },
    task.range,
  );
  return followers.map((f) => f.result());
}

/** One invariant followed along the trajectories. */
class Follower {
  private values = new Float64Array(0);
  private readonly segment: number[] = [];
  private previous = -2;
  private net = 0;
  private readonly horizonSums = DRIFT_HORIZONS.map(() => 0);
  private readonly horizonCounts = DRIFT_HORIZONS.map(() => 0);
  private segments = 0;
  private level1 = 0;
  private level2 = 0;
  private levelWeight = 0;
  /** A reference value (the first state's), so the level sums stay well conditioned. */
  private origin = NaN;
  private walkNet = 0;
  private walkSteps = 0;
  /** The current trajectory's sum of inlier steps. */
  private trajectoryNet = 0;
  /** Whether each transition of the current trajectory so far is an inlier. */
  private inliers: boolean[] = [];
  /** The current trajectory's running sum of inlier steps, one entry per transition and one before them. */
  private inlierSums: number[] = [0];
  private readonly quarterInliers = [0, 0, 0, 0];
  private readonly quarterCounts = [0, 0, 0, 0];

  constructor(
    private readonly cols: Int32Array,
    private readonly c: Float64Array,
    private readonly tolerance: number,
    private readonly starts: Uint32Array,
  ) {}

  /** Extend, cut or close segments with the block's transitions, in transition order. */
  follow(b: Block): void {
    this.evaluate(b);
    for (let i = 0; i < b.count; i++) {
      const t = b.t[i];
      const before = this.values[i];
      const after = this.values[b.vRow[i]];
      if (Number.isNaN(this.origin)) this.origin = before;
      const continues = t === this.previous + 1 && this.starts[t] === this.starts[t - 1] + 1;
      if (!continues) {
        this.close();
        this.endTrajectory();
      }
      this.previous = t;
      const inlier = Math.abs(after - before) <= this.tolerance;
      this.inliers.push(inlier);
      this.inlierSums.push(this.inlierSums[this.inlierSums.length - 1] + (inlier ? after - before : 0));
      if (!inlier) {
        this.close();
        continue;
      }
      this.trajectoryNet += after - before;
      this.walkSteps += (after - before) ** 2;
      if (this.segment.length === 0) this.segment.push(before);
      this.segment.push(after);
    }
  }

  result(): ConservationSums {
    this.close();
    this.endTrajectory();
    const w = this.levelWeight;
    return {
      net: this.net,
      segments: this.segments,
      horizonSums: [...this.horizonSums],
      horizonCounts: [...this.horizonCounts],
      levelWeight: w,
      levelMean: w > 0 ? this.origin + this.level1 / w : 0,
      levelSpread: w > 0 ? Math.max(this.level2 - (this.level1 * this.level1) / w, 0) : 0,
      walkNet: this.walkNet,
      walkSteps: this.walkSteps,
      quarterInliers: [...this.quarterInliers],
      quarterCounts: [...this.quarterCounts],
    };
  }

  private evaluate(b: Block): void {
    if (this.values.length !== b.stride) this.values = new Float64Array(b.stride);
    this.values.fill(0);
    predictInto(this.values, b.Phi, b.stride, b.stride, this.cols, this.c, 0, this.cols.length);
  }

  private endTrajectory(): void {
    // Changes over each horizon along the whole trajectory, its outlier steps left out rather than cut
    // at: cut at, frequent outliers leave no stretch long enough for a slow wander to show. (Counting
    // the outliers' steps too would also catch the wander they carry, but it fails an approximate
    // invariant's bounded wobble: docs/no-false-laws.md#a-slow-wander-stated-conserved.)
    const sums = this.inlierSums;
    for (let q = 0; q < DRIFT_HORIZONS.length; q++) {
      const h = DRIFT_HORIZONS[q];
      for (let s = 0; s + h < sums.length; s++) this.horizonSums[q] += (sums[s + h] - sums[s]) ** 2;
      this.horizonCounts[q] += Math.max(sums.length - h, 0);
    }
    this.inlierSums = [0];
    this.walkNet += this.trajectoryNet ** 2;
    this.trajectoryNet = 0;
    const length = this.inliers.length;
    if (length >= this.quarterCounts.length) {
      this.inliers.forEach((inlier, s) => {
        const q = Math.floor((this.quarterCounts.length * s) / length);
        this.quarterCounts[q]++;
        if (inlier) this.quarterInliers[q]++;
      });
    }
    this.inliers = [];
  }

  private close(): void {
    const v = this.segment;
    if (v.length >= 2) {
      this.segments++;
      this.net += (v[v.length - 1] - v[0]) ** 2;
      let mean = 0;
      for (const x of v) mean += x;
      mean = mean / v.length - this.origin;
      this.level1 += v.length * mean;
      this.level2 += v.length * mean * mean;
      this.levelWeight += v.length;
    }
    v.length = 0;
  }
}

/** Along-trajectory change allowed to a conserved quantity, as a multiple of its per-step tolerance. */
const DRIFT_FACTOR = 2;

/** Largest {@link Conservation.walk} of a conserved quantity: its net change must not add up like a random walk's. */
const WALK_MAX = 0.5;

/** Smallest {@link Conservation.coverage}: a conserved quantity holds along the whole length of the trajectories. */
const COVERAGE_MIN = 0.5;

/** Smallest {@link Conservation.levels}: the conserving stretches carry at least a quarter of I's variance. */
const LEVELS_MIN = 0.5;

/**
 * Whether an invariant is conserved: over every horizon and whole segments it stays within
 * {@link DRIFT_FACTOR} tolerances; its per-step changes do not add up like a random walk's, unless
 * all of them stay within the resolution `floor` (a bounded wobble too small to resolve); and the
 * stretches where it holds carry its variation over the data (else it is a constant, or it "holds"
 * only where the system has come to rest); and it holds along the whole length of the trajectories,
 * not only after a transient.
 */
export function isConserved(c: Conservation, tolerance: number, floor: number): boolean {
  const bound = DRIFT_FACTOR * tolerance;
  const changes = [c.drift, ...c.horizons].filter((x) => !Number.isNaN(x));
  const unresolved = changes.every((x) => x <= DRIFT_FACTOR * floor);
  const noWalk = Number.isNaN(c.walk) || c.walk <= WALK_MAX || unresolved;
  return c.segments > 0 && changes.every((x) => x <= bound) && noWalk && c.levels >= Math.max(LEVELS_MIN, bound) && c.coverage >= COVERAGE_MIN;
}

/**
 * Whether an invariant that is not conserved fails only by drifting: its stretches carry its variation
 * along the whole trajectories. Rounding or sparsifying a law can make it drift, never make it a constant.
 */
export function onlyDrifts(c: Conservation, tolerance: number): boolean {
  return c.segments > 0 && c.levels >= Math.max(LEVELS_MIN, DRIFT_FACTOR * tolerance) && c.coverage >= COVERAGE_MIN;
}
