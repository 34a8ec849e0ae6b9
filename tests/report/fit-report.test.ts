/**
 * The numbers a fit report embeds, checked against the fit result and the planted truth: a rotation's
 * projected points lie on circles, predictions sit on the actual next states, outliers and residuals
 * agree with the law's own verdict, the invariant is flat, and the page needs nothing from outside.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../src/errors.ts';
import { plantLaw } from '../../src/planted.ts';
import { residualBins, type HistogramBin } from '../../src/report/charts.ts';
import { buildFitReport } from '../../src/report/fit-report.ts';
import { lawView, type PortraitRow } from '../../src/report/views.ts';
import type { Law } from '../../src/types.ts';
import { chartOf, demoFit, embeddedData, rowsOf } from './helpers.ts';

/** Planted outlier transitions as (trajectory, step of the state they jump to). */
async function plantedJumps(): Promise<Set<string>> {
  const { dataset, truths } = await demoFit();
  const T = dataset.offsets[1] - dataset.offsets[0];
  return new Set(truths[0].truth.outliers.map((g) => `${Math.floor(g / (T - 1))}:${(g % (T - 1)) + 1}`));
}

/** Rows of each trajectory split into segments at the planted jumps (a jump starts a fresh state). */
function segments<T extends { traj: number; t: number }>(rows: T[], jumps: Set<string>): T[][] {
  const out: T[][] = [];
  let cur: T[] = [];
  let last = -1;
  for (const r of [...rows].sort((a, b) => a.traj - b.traj || a.t - b.t)) {
    if (r.traj !== last || jumps.has(`${r.traj}:${r.t}`)) {
      if (cur.length) out.push(cur);
      cur = [];
      last = r.traj;
    }
    cur.push(r);
  }
  if (cur.length) out.push(cur);
  return out;
}

test('a planted rotation: the projected points in the report lie on circles, one radius per trajectory', async () => {
  const { result, dataset } = await demoFit();
  const rot = result.laws.find((l) => l.family === 'rotation');
  assert.ok(rot, `no rotation among ${result.laws.map((l) => l.id).join(', ')}`);
  const data = embeddedData(buildFitReport(result, dataset));
  const rows = rowsOf<PortraitRow>(chartOf(data, 'portrait', rot.id), 'rows');
  const actual = rows.filter((r) => r.kind === 'actual');
  assert.equal(actual.length, dataset.offsets[dataset.offsets.length - 1], 'every state of the 24 trajectories is drawn');
  const radii: number[] = [];
  for (const seg of segments(actual, await plantedJumps())) {
    if (seg.length < 3) continue;
    const r = seg.map((p) => Math.hypot(p.x, p.y));
    const mean = r.reduce((a, b) => a + b, 0) / r.length;
    const worst = Math.max(...r.map((x) => Math.abs(x - mean)));
    // Noise 1e-3 per coordinate: the radius wanders by a few 1e-3 at most.
    assert.ok(worst < 1e-2, `trajectory ${seg[0].traj}: radius ${mean.toFixed(4)} varies by ${worst.toExponential(2)}`);
    radii.push(mean);
  }
  assert.ok(radii.length >= 20, `only ${radii.length} segments`);
  assert.ok(Math.max(...radii) - Math.min(...radii) > 0.5, 'the circles have different radii (not a degenerate projection)');
});

test("predicted next points sit on the actual ones, except at the law's outlier transitions", async () => {
  const { result, dataset } = await demoFit();
  const data = embeddedData(buildFitReport(result, dataset));
  for (const law of result.laws.filter((l) => l.role === 'map')) {
    const rows = rowsOf<PortraitRow>(chartOf(data, 'portrait', law.id), 'rows');
    const at = new Map(rows.filter((r) => r.kind === 'actual').map((r) => [`${r.traj}:${r.t}`, r]));
    const outliers = new Set(rows.filter((r) => r.kind === 'outlier').map((r) => `${r.traj}:${r.t}`));
    const predicted = rows.filter((r) => r.kind === 'predicted');
    assert.equal(predicted.length, result.provenance.nTransitions);
    let far = 0;
    for (const p of predicted) {
      const a = at.get(`${p.traj}:${p.t}`)!;
      const miss = Math.hypot(p.x - a.x, p.y - a.y);
      if (outliers.has(`${p.traj}:${p.t}`)) assert.ok(miss > law.metrics.tolerance * 0.999, 'an outlier mark where the law holds');
      else if (miss > law.metrics.tolerance * 1.001) far++;
    }
    assert.equal(far, 0, `${law.id}: ${far} inlier predictions off their actual next point`);
    assert.equal(outliers.size, law.outliers.length, `${law.id}: outlier marks vs the law's outliers`);
  }
});

test("the residual histograms count each law's transitions and outliers as the fit did", async () => {
  const { result, dataset } = await demoFit();
  const data = embeddedData(buildFitReport(result, dataset));
  const metas = data.meta.laws as { id: string; beyondTolerance: number; transitions: number }[];
  for (const law of result.laws) {
    const bins = rowsOf<HistogramBin>(chartOf(data, 'residuals', law.id), 'bins');
    const total = bins.reduce((s, b) => s + b.count, 0);
    const beyond = bins.filter((b) => b.side === 'beyond tolerance').reduce((s, b) => s + b.count, 0);
    assert.equal(total, law.metrics.nTransitions);
    assert.equal(metas.find((m) => m.id === law.id)!.beyondTolerance, beyond);
    const tol = (chartOf(data, 'residuals', law.id).spec.datasets as { tolerance: { tolerance: number }[] }).tolerance[0].tolerance;
    assert.ok(Math.abs(tol - law.metrics.tolerance) <= 1e-5 * law.metrics.tolerance);
    // Transition by transition: clearly beyond the tolerance means listed as an outlier, clearly within
    // means not. (Within 1% of it the engine's invariant scale, estimated in its own pass, may differ.)
    const view = lawView(law, dataset);
    const listed = new Set(law.outliers);
    let boundary = 0;
    view.residuals.forEach((r, t) => {
      if (r > 1.01 * view.tolerance) assert.ok(listed.has(t), `${law.id}: transition ${t} at ${(r / view.tolerance).toFixed(3)}× tolerance is not listed`);
      else if (r < 0.99 * view.tolerance) assert.ok(!listed.has(t), `${law.id}: transition ${t} at ${(r / view.tolerance).toFixed(3)}× tolerance is listed`);
      else boundary++;
    });
    assert.ok(Math.abs(beyond - law.outliers.length) <= boundary, `${law.id}: ${beyond} beyond tolerance, ${law.outliers.length} outliers listed`);
  }
});

test('an invariant is flat along each trajectory between planted jumps', async () => {
  const { result, dataset, truths } = await demoFit();
  const inv = result.laws.find((l) => l.role === 'invariant');
  assert.ok(inv, 'the demo has a conserved pendulum energy');
  const data = embeddedData(buildFitReport(result, dataset));
  const values = rowsOf<{ traj: number; t: number; value: number }>(chartOf(data, 'invariant', inv.id), 'values');
  const T = dataset.offsets[1] - dataset.offsets[0];
  const jumps = new Set(truths[1].truth.outliers.map((g) => `${Math.floor(g / (T - 1))}:${(g % (T - 1)) + 1}`));
  const all = values.map((v) => v.value);
  const spread = Math.max(...all) - Math.min(...all);
  for (const seg of segments(values, jumps)) {
    const v = seg.map((s) => s.value);
    assert.ok(Math.max(...v) - Math.min(...v) < 0.02 * spread, `trajectory ${seg[0].traj}: I varies by ${(Math.max(...v) - Math.min(...v)).toExponential(2)} of ${spread.toFixed(3)}`);
  }
});

test('the Pareto chart carries every finalist on the front and every reported law with its equation', async () => {
  const { result, dataset } = await demoFit();
  const data = embeddedData(buildFitReport(result, dataset));
  const rows = rowsOf<{ id: string; status: string; equation: string; complexity: number }>(chartOf(data, 'pareto'), 'rows');
  for (const p of result.pareto) assert.ok(rows.some((r) => r.id === p.id && r.complexity === Number(p.complexity.toPrecision(6))), p.id);
  // A point whose error is the screening sample's estimate says so.
  const finalist = result.pareto.find((p) => !p.chosen);
  assert.ok(finalist);
  const marked = { ...result, pareto: result.pareto.map((p) => (p === finalist ? { ...p, sampleOnly: true } : p)) };
  const markedRows = rowsOf<{ id: string; status: string }>(chartOf(embeddedData(buildFitReport(marked, dataset)), 'pareto'), 'rows');
  assert.equal(markedRows.find((r) => r.id === finalist.id)?.status, 'finalist (sample estimate)');
  assert.equal(rows.find((r) => r.id === finalist.id)?.status, finalist.sampleOnly ? 'finalist (sample estimate)' : 'finalist');
  for (const law of result.laws) {
    const row = rows.find((r) => r.id === law.id);
    assert.equal(row?.status, 'reported law');
    assert.equal(row?.equation, law.equations.join('; '));
  }
});

test('the page is self-contained: inlined libraries, no external references, math as MathML', async () => {
  const { result, dataset } = await demoFit();
  const html = buildFitReport(result, dataset, { inputs: [['note', '<b>escaped</b>']] });
  // The page outside its inlined scripts (library code mentions <img> for tooltips it never shows here).
  const markup = html.replace(/(<script[^>]*>)[\s\S]*?<\/script>/g, '$1</script>');
  assert.doesNotMatch(markup, /<script[^>]+\bsrc=|<link\b|<img\b|<iframe\b|@import|url\(/i);
  assert.match(html, /http-equiv="Content-Security-Policy" content="default-src 'none'/);
  assert.match(html, /vegaEmbed/);
  assert.match(html, /&lt;b&gt;escaped&lt;\/b&gt;/);
  const maths = html.match(/<math /g) ?? [];
  assert.ok(maths.length >= result.laws.reduce((s, l) => s + l.equations.length, 0), `${maths.length} MathML blocks`);
  assert.ok(html.length < 3e6, `report is ${html.length} bytes`);
});

test('views: leading directions for a 3-D law, the return map for a 1-D law', () => {
  const { dataset, truth } = plantLaw({ kind: 'linear', seed: 4, noiseDims: 1, lawDim: 3, trajectories: 4, steps: 20 });
  const law = {
    id: 'linear@test', rank: 1, family: 'linear', role: 'map', subspace: { label: 'test', kind: 'principal', basis: truth.basis, cost: 0 },
    equations: [], latex: '', summary: '', parameters: [], notes: [], outliers: [],
    model: { role: 'map', variables: ['u1', 'u2', 'u3'], features: ['u1', 'u2', 'u3'], coefficients: truth.A! },
    metrics: { rmse: 0, relativeError: 0, inlierRmse: 0, inlierRelativeError: 0, inlierFraction: 1, tolerance: 1e-6, complexity: 1, descriptionLength: 0, nTransitions: 76 },
  } as Law;
  const v3 = lawView(law, dataset);
  assert.equal(v3.projection, 'leading');
  const dot = v3.directions[0].reduce((s, x, i) => s + x * v3.directions[1][i], 0);
  assert.ok(Math.abs(dot) < 1e-9 && v3.directions.every((d) => Math.abs(Math.hypot(...d) - 1) < 1e-9), 'orthonormal view directions');
  assert.ok(Math.max(...v3.residuals) < 1e-9, 'the exact law has zero residuals');
  const line: Law = { ...law, subspace: { ...law.subspace, basis: [truth.basis[0]] }, model: { role: 'map', variables: ['u1'], features: ['u1'], coefficients: [[0.5]] } };
  const v1 = lawView(line, dataset);
  assert.equal(v1.projection, 'return-map');
  const pred = v1.rows.filter((r) => r.kind === 'predicted');
  assert.ok(pred.length > 0 && pred.every((r) => Math.abs(r.y - 0.5 * r.x) < 1e-12));
});

test('a data set of another dimension is an input error; tolerance sits on a histogram bin edge', async () => {
  const { result } = await demoFit();
  const { dataset } = plantLaw({ kind: 'rotation', seed: 1, noiseDims: 0, trajectories: 3, steps: 5 });
  assert.throws(() => buildFitReport(result, dataset), (e: unknown) => e instanceof InputError && /2-D but the laws were fitted to 8-D/.test(e.message));
  const bins = residualBins([0, 1e-4, 2e-3, 0.5, 3], 1e-2);
  assert.equal(bins.reduce((s, b) => s + b.count, 0), 5);
  assert.equal(bins.filter((b) => b.side === 'beyond tolerance').reduce((s, b) => s + b.count, 0), 2);
  assert.ok(bins.some((b) => Math.abs(b.lo / 1e-2 - 1) < 1e-9), 'a bin starts at the tolerance');
  // A million transitions (a large check or fit): every one counted, none lost to an argument-spread limit.
  const many = Float64Array.from({ length: 1e6 }, (_, i) => (i % 1000 === 0 ? 1 : 1e-4 * (1 + (i % 7))));
  const big = residualBins(many, 1e-2);
  assert.equal(big.reduce((s, b) => s + b.count, 0), 1e6);
  assert.equal(big.filter((b) => b.side === 'beyond tolerance').reduce((s, b) => s + b.count, 0), 1000);
});

test('with a time step the report states each linear law in continuous time and the run inputs give dt; without, neither', async () => {
  const { withTimeStep } = await import('../../src/engine/output/continuous-time.ts');
  const { result, dataset } = await demoFit();
  const plain = buildFitReport(result, dataset);
  assert.doesNotMatch(plain, /continuous time|time step/);
  const timed = buildFitReport(withTimeStep(result, 0.05), dataset);
  // The demo's rotation is pi/7 per step: 14 steps per turn, 0.7 time units at dt = 0.05.
  assert.match(timed, /<th>continuous time<\/th><td>ω = 8\.976 rad per time unit, period 0\.7 \(14 steps\) \(dt = 0\.05\)<\/td>/);
  assert.equal((embeddedData(timed).meta.inputs as Record<string, string>)['time step'], 'dt = 0.05 between consecutive states');
});
