/**
 * Vega-Lite specifications of the report's charts. Each spec carries its own data under `datasets`, so
 * the page needs nothing but the inlined Vega runtime, and a test can read the numbers back out of it.
 */
import type { FamilyName, FitResult } from '../types.js';
import type { LawView, PortraitRow } from './views.js';

/** A Vega-Lite specification (kept loose: the specs are plain data checked by Vega-Lite in the page). */
export type VlSpec = Record<string, unknown>;

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const KIND_COLORS: Record<PortraitRow['kind'], string> = { actual: '#4c78a8', predicted: '#f58518', outlier: '#e45756', counterexample: '#7b3294' };

/** Legend text of a portrait's marks; the check report calls its marked transitions violations. */
export interface PortraitLabels {
  outlier?: string;
}

/** A square domain shared by both axes, so circles look like circles. */
function squareDomain(rows: { x: number; y: number }[]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  for (const r of rows) {
    lo = Math.min(lo, r.x, r.y);
    hi = Math.max(hi, r.x, r.y);
  }
  if (!Number.isFinite(lo)) return [-1, 1];
  const pad = Math.max((hi - lo) * 0.05, 1e-9);
  return [lo - pad, hi + pad];
}

/**
 * Phase portrait: actual trajectories (lines and points), the law's predicted next points over them,
 * marked transitions as red crosses and, when the view has them, a check's counterexample states as
 * large diamonds joined in step order. Rows are tagged `kind` (see {@link PortraitRow}).
 */
export function portraitSpec(view: LawView, title: string, labels: PortraitLabels = {}): VlSpec {
  const domain = squareDomain(view.rows);
  // A legend entry for an absent kind (predictions of an invariant, outliers of a clean law) would
  // promise marks the chart does not have.
  const present = new Set(view.rows.map((r) => r.kind));
  const kinds: PortraitRow['kind'][] = (['actual', 'predicted', 'outlier', 'counterexample'] as const).filter((k) => present.has(k));
  if (kinds.length === 0) kinds.push('actual'); // an empty domain would leave Vega without a color scale
  const hasCounterexample = present.has('counterexample');
  const names: Record<PortraitRow['kind'], string> = {
    actual: 'actual state', predicted: 'predicted by the law', outlier: labels.outlier ?? 'outlier transition', counterexample: 'shrunk counterexample',
  };
  const labelExpr = `${kinds.map((k) => `datum.label === '${k}' ? ${JSON.stringify(names[k])} : `).join('')}datum.label`;
  const axis = (field: 'x' | 'y', name: string) => ({ field, type: 'quantitative', title: name, scale: { domain, nice: false, zero: false } });
  const color = { field: 'kind', type: 'nominal', scale: { domain: kinds, range: kinds.map((k) => KIND_COLORS[k]) }, legend: { title: null, orient: 'bottom', labelExpr } };
  const tooltip = [
    { field: 'kind', title: 'point' },
    { field: 'traj', title: 'trajectory' },
    { field: 't', title: 'step' },
    { field: 'x', title: view.axes[0], format: '.4g' },
    { field: 'y', title: view.axes[1], format: '.4g' },
  ];
  const only = (kind: string) => [{ filter: `datum.kind === '${kind}'` }];
  const enc = { x: axis('x', view.axes[0]), y: axis('y', view.axes[1]), color, tooltip };
  const layer: VlSpec[] = [];
  if (view.projection !== 'return-map')
    layer.push({ transform: only('actual'), mark: { type: 'line', strokeWidth: 0.8, opacity: 0.45 }, encoding: { ...enc, detail: { field: 'traj' }, order: { field: 't' }, tooltip: null } });
  layer.push(
    { transform: only('actual'), mark: { type: 'point', filled: true, size: 9, opacity: 0.8 }, encoding: enc },
    { transform: only('predicted'), mark: { type: 'point', filled: false, size: 28, strokeWidth: 1 }, encoding: enc },
    { transform: only('outlier'), mark: { type: 'point', shape: 'cross', filled: true, size: 110, opacity: 1 }, encoding: enc },
  );
  if (hasCounterexample)
    layer.push(
      { transform: only('counterexample'), mark: { type: 'line', strokeWidth: 2 }, encoding: { ...enc, order: { field: 't' }, tooltip: null } },
      { transform: only('counterexample'), mark: { type: 'point', shape: 'diamond', filled: false, size: 170, strokeWidth: 2, opacity: 1 }, encoding: enc },
    );
  return { $schema: SCHEMA, title, width: 320, height: 320, datasets: { rows: view.rows }, data: { name: 'rows' }, layer };
}

/** The invariant I(u_t) along each shown trajectory: flat lines mean the law holds. */
export function invariantSpec(view: LawView, title: string): VlSpec {
  return {
    $schema: SCHEMA, title, width: 320, height: 320,
    datasets: { values: view.invariant }, data: { name: 'values' },
    mark: { type: 'line', strokeWidth: 1, point: { size: 8, filled: true } },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'step t' },
      y: { field: 'value', type: 'quantitative', title: 'I(u_t)', scale: { zero: false } },
      detail: { field: 'traj' },
      color: { field: 'traj', type: 'quantitative', legend: null, scale: { scheme: 'viridis' } },
      tooltip: [{ field: 'traj', title: 'trajectory' }, { field: 't', title: 'step' }, { field: 'value', title: 'I', format: '.6g' }],
    },
  };
}

/** One bar of a residual histogram: residuals in [lo, hi). */
export interface HistogramBin {
  lo: number;
  hi: number;
  count: number;
  side: 'within tolerance' | 'beyond tolerance';
}

/**
 * Log-spaced histogram of residuals with the tolerance on a bin edge, so every bar is wholly within or
 * beyond it. Residuals span decades (inliers at the noise floor, outliers at the data's scale), hence log.
 */
export function residualBins(residuals: ArrayLike<number>, tolerance: number, bins = 40): HistogramBin[] {
  // A loop, not Math.min(...xs): spreading a few hundred thousand residuals overflows the call stack.
  let minPositive = Infinity, maxPositive = -Infinity;
  for (let i = 0; i < residuals.length; i++) {
    const r = residuals[i];
    if (r > 0 && Number.isFinite(r)) (minPositive = Math.min(minPositive, r)), (maxPositive = Math.max(maxPositive, r));
  }
  const any = minPositive !== Infinity;
  const tol = tolerance > 0 ? tolerance : 1e-12;
  const minPos = any ? minPositive : tol / 10;
  const floor = Math.min(minPos, tol);
  let loL = Math.log10(floor), hiL = Math.log10(Math.max(any ? maxPositive : tol, tol) * 1.0001);
  if (hiL - loL < 1) [loL, hiL] = [loL - 0.5, hiL + 0.5];
  const w = (hiL - loL) / bins;
  const tolL = Math.log10(tol);
  const start = tolL - Math.ceil((tolL - loL) / w) * w;
  const n = Math.ceil((hiL - start) / w);
  const counts = new Array<number>(n).fill(0);
  for (let j = 0; j < residuals.length; j++) {
    const r0 = residuals[j];
    if (!Number.isFinite(r0)) continue;
    // Exact zeros (noise-free data) go to the first bin rather than off the log axis.
    const i = Math.min(n - 1, Math.max(0, Math.floor((Math.log10(Math.max(r0, floor)) - start) / w)));
    counts[i]++;
  }
  return counts.map((count, i) => {
    const lo = 10 ** (start + i * w), hi = 10 ** (start + (i + 1) * w);
    return { lo, hi, count, side: lo >= tol * (1 - 1e-9) ? 'beyond tolerance' : 'within tolerance' };
  });
}

/**
 * Residual histogram with the threshold as a vertical rule. `threshold` names it (the fit's tolerance;
 * the check's allowed residual) on the rule and in the legend.
 */
export function residualSpec(view: LawView, title: string, unit: string, threshold = 'tolerance'): VlSpec {
  const bins = residualBins(view.residuals, view.tolerance);
  const sideNames = threshold === 'tolerance' ? {} : { labelExpr: `datum.label === 'within tolerance' ? ${JSON.stringify(`within ${threshold}`)} : ${JSON.stringify(`beyond ${threshold}`)}` };
  return {
    $schema: SCHEMA, title, width: 320, height: 200,
    datasets: { bins, tolerance: [{ tolerance: view.tolerance, label: threshold }] },
    layer: [
      {
        data: { name: 'bins' },
        mark: { type: 'rect', stroke: 'white', strokeWidth: 0.5 },
        encoding: {
          x: { field: 'lo', type: 'quantitative', scale: { type: 'log' }, title: `residual (${unit}, log scale)`, axis: { format: '.0e', grid: false } },
          x2: { field: 'hi' },
          y: { field: 'count', type: 'quantitative', title: 'transitions' },
          color: { field: 'side', type: 'nominal', scale: { domain: ['within tolerance', 'beyond tolerance'], range: ['#54a24b', '#e45756'] }, legend: { title: null, orient: 'bottom', ...sideNames } },
          tooltip: [{ field: 'lo', title: 'from', format: '.3g' }, { field: 'hi', title: 'to', format: '.3g' }, { field: 'count', title: 'transitions' }],
        },
      },
      {
        data: { name: 'tolerance' },
        mark: { type: 'rule', strokeDash: [4, 3], strokeWidth: 1.5 },
        encoding: { x: { field: 'tolerance', type: 'quantitative' }, tooltip: [{ field: 'tolerance', format: '.3g' }] },
      },
      {
        data: { name: 'tolerance' },
        mark: { type: 'text', align: 'left', dx: 4, dy: -4, baseline: 'top' },
        encoding: { x: { field: 'tolerance', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
      },
    ],
  };
}

/** Generic form of each family, shown on hover for finalists that were not reported as laws. */
const FAMILY_FORMS: Record<FamilyName, string> = {
  identity: "u' = u", constant: "u' = c", translation: "u' = u + b", scaling: "u' = s·u", rotation: "u' = R(θ)·u",
  damped_rotation: "u' = ρ·R(θ)·u", skewed_rotation: "u' = S·R(θ)·S⁻¹·u", damped_skewed_rotation: "u' = ρ·S·R(θ)·S⁻¹·u", orthogonal: "u' = Q·u", linear: "u' = A·u", affine: "u' = A·u + b",
  library_map: "u' = Ξ·φ(u)", linear_invariant: 'c·u = const', quadratic_invariant: 'uᵀQu + c·u = const',
  library_invariant: 'c·φ(u) = const',
};

/** One point of the Pareto chart. */
export interface ParetoRow {
  id: string;
  family: string;
  subspace: string;
  complexity: number;
  relativeError: number;
  /** 'finalist (sample estimate)': settled on the screening sample, its error the sample's estimate. */
  status: 'reported law' | 'finalist' | 'finalist (sample estimate)';
  onFront: boolean;
  equation: string;
}

/**
 * Pareto rows: the front of all finalists, plus every reported law (a law may sit off the front). The
 * engine's front measures error on inliers, so off-front laws are placed by their inlier error too.
 */
export function paretoRows(result: FitResult): ParetoRow[] {
  const laws = new Map(result.laws.map((l) => [l.id, l]));
  const rows: ParetoRow[] = result.pareto.map((p) => ({
    id: p.id, family: p.family, subspace: p.subspace, complexity: p.complexity, relativeError: p.relativeError,
    status: p.chosen || laws.has(p.id) ? 'reported law' : p.sampleOnly ? 'finalist (sample estimate)' : 'finalist', onFront: true,
    equation: laws.get(p.id)?.equations.join('; ') ?? `${FAMILY_FORMS[p.family] ?? p.family} (not reported)`,
  }));
  for (const l of result.laws)
    if (!result.pareto.some((p) => p.id === l.id))
      rows.push({ id: l.id, family: l.family, subspace: l.subspace.label, complexity: l.metrics.complexity, relativeError: l.metrics.inlierRelativeError, status: 'reported law', onFront: false, equation: l.equations.join('; ') });
  return rows;
}

/** Complexity against relative error: the front as a step line, reported laws highlighted; hover shows the equation. */
export function paretoSpec(result: FitResult): VlSpec {
  // Relative errors of exactly 0 (noise-free data) cannot sit on a log axis.
  const rows = paretoRows(result).map((r) => ({ ...r, plotError: Math.max(r.relativeError, 1e-16) }));
  const x = { field: 'complexity', type: 'quantitative', title: 'complexity (bits)' };
  const y = { field: 'plotError', type: 'quantitative', title: 'relative error (log scale)', scale: { type: 'log' } };
  // Layers whose filter leaves no rows make Vega warn about infinite extents: add them only when needed.
  const layer: VlSpec[] = [];
  if (rows.some((r) => r.onFront))
    layer.push({ transform: [{ filter: 'datum.onFront' }], mark: { type: 'line', interpolate: 'step-after', color: '#bbb' }, encoding: { x, y, order: { field: 'complexity' } } });
  layer.push({
    mark: { type: 'point', filled: true, opacity: 0.9 },
    encoding: {
      x, y,
      color: { field: 'status', type: 'nominal', scale: { domain: ['finalist (sample estimate)', 'finalist', 'reported law'], range: ['#d0d0d0', '#9e9e9e', '#d62728'] }, legend: { title: null, orient: 'bottom' } },
      size: { condition: { test: "datum.status === 'reported law'", value: 160 }, value: 50 },
      shape: { condition: { test: 'datum.onFront', value: 'circle' }, value: 'diamond' },
      tooltip: [
        { field: 'id', title: 'law' }, { field: 'equation' }, { field: 'status' },
        { field: 'complexity', format: '.1f', title: 'complexity (bits)' }, { field: 'relativeError', format: '.2e', title: 'relative error' },
      ],
    },
  });
  if (rows.some((r) => r.status === 'reported law'))
    layer.push({ transform: [{ filter: "datum.status === 'reported law'" }], mark: { type: 'text', dx: 8, align: 'left', fontSize: 10 }, encoding: { x, y, text: { field: 'family' } } });
  return { $schema: SCHEMA, title: 'Pareto front: complexity vs error', width: 560, height: 300, datasets: { rows }, data: { name: 'rows' }, layer };
}
