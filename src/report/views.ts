/**
 * The numbers behind a law's charts: the data projected into the law's subspace, a 2-D view of it, the
 * law's predictions, per-transition residuals and the invariant along each trajectory. Everything is
 * recomputed from `law.model` with the restricted expression compiler, so what the report shows is what
 * the JSON says, not a second opinion.
 */
import { compileLaw, type CompiledLaw } from '../laws/compile.js';
import { transitionStarts } from '../engine/moments/transitions.js';
import type { Dataset, Law } from '../types.js';

/** One point of a phase portrait, in view coordinates. */
export interface PortraitRow {
  traj: number;
  /** Time step of the state (for predictions: the step being predicted). */
  t: number;
  x: number;
  y: number;
  /**
   * `outlier`: a state reached by a marked transition (the fit's outliers, or a check's violations);
   * `counterexample`: a state of a check's shrunk counterexample.
   */
  kind: 'actual' | 'predicted' | 'outlier' | 'counterexample';
}

/** What the report draws for one law. */
export interface LawView {
  /** How the 2-D view was made: the subspace itself (k = 2), its two leading directions (k > 2), or the return map u(t) → u(t+1) (k = 1). */
  projection: 'subspace' | 'leading' | 'return-map';
  axes: [string, string];
  /** Rows (length k) taking subspace coordinates to the view axes; empty for the return map. */
  directions: number[][];
  rows: PortraitRow[];
  /** I(u_t) along the shown trajectories (invariants only). */
  invariant: { traj: number; t: number; value: number }[];
  /** Residual of every transition (maps: |u' − f(u)| in data units; invariants: |ΔI| / std of I). */
  residuals: Float64Array;
  /** Tolerance in the units of `residuals` (the law's `metrics.tolerance`). */
  tolerance: number;
  /** Trajectories drawn, and how many the data has. */
  shownTrajectories: number;
  totalTrajectories: number;
}

/**
 * A verdict to draw instead of the fit's own: residuals measured by another judge (the check's), the
 * threshold it holds them to, and the transitions it marks. The portrait and histogram then show that
 * judge's numbers, not a recomputation in the fit's units.
 */
export interface ViewVerdict {
  /** Residual of every transition (global numbering), in the units of `tolerance`. */
  residuals: Float64Array;
  tolerance: number;
  /** Global transition indices drawn as marked (kind `outlier`). */
  marked: ReadonlySet<number>;
  /**
   * The judge's own compiled law (compiled from this same law), so a law is compiled once per report:
   * compiling parses and validates every feature expression again.
   */
  compiled?: CompiledLaw;
  /** Subspace coordinates of every state, when the judge has already projected the data (N × k). */
  projected?: Float64Array;
}

/** Limits that keep a report small for large data sets. */
export interface ViewLimits {
  /** Trajectories drawn per chart (evenly spaced through the data set); default 30. */
  maxTrajectories?: number;
  /** States drawn per trajectory (the first ones); default 120. */
  maxSteps?: number;
}

/**
 * The two leading principal directions of points in R^k (power iteration with deflation on the
 * covariance): where a k > 2 law's motion is largest, so its portrait shows the most.
 */
export function leadingDirections(U: Float64Array, k: number): number[][] {
  const N = U.length / k;
  const mean = new Array<number>(k).fill(0);
  for (let s = 0; s < N; s++) for (let a = 0; a < k; a++) mean[a] += U[s * k + a] / N;
  const C = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let s = 0; s < N; s++)
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) C[a][b] += ((U[s * k + a] - mean[a]) * (U[s * k + b] - mean[b])) / N;
  const out: number[][] = [];
  for (let r = 0; r < 2; r++) {
    // A fixed, non-axis start keeps the result deterministic and unlikely to be orthogonal to the answer.
    let v = Array.from({ length: k }, (_, i) => 1 + 0.1 * i);
    for (let it = 0; it < 200; it++) {
      for (const q of out) {
        const dot = q.reduce((s, x, i) => s + x * v[i], 0);
        v = v.map((x, i) => x - dot * q[i]);
      }
      const w = C.map((row) => row.reduce((s, x, i) => s + x * v[i], 0));
      for (const q of out) {
        const dot = q.reduce((s, x, i) => s + x * w[i], 0);
        for (let i = 0; i < k; i++) w[i] -= dot * q[i];
      }
      const n = Math.hypot(...w);
      if (n < 1e-300) break;
      v = w.map((x) => x / n);
    }
    const n = Math.hypot(...v);
    out.push(v.map((x) => x / (n || 1)));
  }
  return out;
}

/** Indices of `count` items spread evenly over `total`. */
export function evenlySpaced(total: number, count: number): number[] {
  if (count >= total) return Array.from({ length: total }, (_, i) => i);
  return Array.from({ length: count }, (_, i) => Math.floor((i * total) / count));
}

/** A subspace state in view coordinates (the rows of `directions` applied to `u`). */
export function viewPoint(directions: number[][], u: ArrayLike<number>): [number, number] {
  return [0, 1].map((r) => directions[r].reduce((acc, c, a) => acc + c * u[a], 0)) as [number, number];
}

/**
 * Build the view of one law on a data set (see {@link LawView}): by default with the fit's residuals
 * and outliers, or with another judge's `verdict`.
 */
export function lawView(law: Law, data: Dataset, limits: ViewLimits = {}, verdict?: ViewVerdict): LawView {
  const basis = law.subspace.basis;
  const k = basis.length;
  if (basis.some((row) => row.length !== data.dim))
    throw new Error(`law ${law.id} has a basis for ${basis[0]?.length ?? 0}-D data, the data set is ${data.dim}-D`);
  // The check's compiled law: the report evaluates a law exactly as `check` does.
  const compiled = verdict?.compiled ?? compileLaw(law);
  const U = verdict?.projected ?? compiled.projectAll(data.states, data.dim);
  const isMap = law.model.role === 'map';
  const at = (s: number): number[] => Array.from(U.subarray(s * k, s * k + k));
  const predict = (s: number, out: Float64Array): void => out.set(compiled.predict(at(s)));
  const invariantAt = (s: number): number => compiled.invariant(at(s));

  const K = data.offsets.length - 1;
  const starts = transitionStarts(data.offsets);
  if (verdict && verdict.residuals.length !== starts.length)
    throw new Error(`law ${law.id}: ${verdict.residuals.length} residuals given for ${starts.length} transitions`);
  const pred = new Float64Array(k);
  const fitResiduals = (): Float64Array => {
    // The evaluator's residuals are the engine's: maps in data units, as the fit's tolerance is.
    const r = compiled.residualsAll(U, starts);
    if (isMap) return r;
    // Invariant residuals are in units of the invariant's std over transition starts, as the engine's.
    const I = Array.from(starts, invariantAt);
    const mean = I.reduce((a, b) => a + b, 0) / Math.max(I.length, 1);
    const std = Math.sqrt(Math.max(I.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(I.length, 1), 0)) || 1;
    return r.map((x) => x / std);
  };
  const residuals = verdict?.residuals ?? fitResiduals();

  const projection: LawView['projection'] = k === 1 ? 'return-map' : k === 2 ? 'subspace' : 'leading';
  const directions = k === 1 ? [] : k === 2 ? [[1, 0], [0, 1]] : leadingDirections(U, k);
  const axes: [string, string] =
    k === 1 ? ['u1(t)', 'u1(t+1)'] : k === 2 ? ['u1', 'u2'] : ['leading direction 1 of u', 'leading direction 2 of u'];
  const view = (vec: ArrayLike<number>) => viewPoint(directions, vec);

  const outliers = verdict?.marked ?? new Set(law.outliers);
  const shown = evenlySpaced(K, limits.maxTrajectories ?? 30);
  const maxSteps = limits.maxSteps ?? 120;
  const rows: PortraitRow[] = [];
  const invariant: LawView['invariant'] = [];
  // Global transition number of a trajectory's first transition.
  const firstTransition: number[] = [0];
  for (let traj = 0; traj < K; traj++) firstTransition.push(firstTransition[traj] + Math.max(0, data.offsets[traj + 1] - data.offsets[traj] - 1));
  for (const traj of shown) {
    const s0 = data.offsets[traj];
    const T = Math.min(data.offsets[traj + 1] - s0, maxSteps);
    for (let t = 0; t < T; t++) {
      const s = s0 + t;
      const cur = U.subarray(s * k, s * k + k);
      if (k === 1) {
        // Return map: a point per transition, (u_t, u_{t+1}) actual and (u_t, f(u_t)) predicted.
        if (t + 1 >= T) break;
        const tr = firstTransition[traj] + t;
        rows.push({ traj, t: t + 1, x: cur[0], y: U[s + 1], kind: outliers.has(tr) ? 'outlier' : 'actual' });
        if (isMap) {
          predict(s, pred);
          rows.push({ traj, t: t + 1, x: cur[0], y: pred[0], kind: 'predicted' });
        }
      } else {
        const [x, y] = view(cur);
        rows.push({ traj, t, x, y, kind: 'actual' });
        if (t > 0 && outliers.has(firstTransition[traj] + t - 1)) rows.push({ traj, t, x, y, kind: 'outlier' });
        if (isMap && t + 1 < T) {
          predict(s, pred);
          const [px, py] = view(pred);
          rows.push({ traj, t: t + 1, x: px, y: py, kind: 'predicted' });
        }
      }
      if (!isMap) invariant.push({ traj, t, value: invariantAt(s) });
    }
  }
  return { projection, axes, directions, rows, invariant, residuals, tolerance: verdict?.tolerance ?? law.metrics.tolerance, shownTrajectories: shown.length, totalTrajectories: K };
}
