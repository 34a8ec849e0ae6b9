/**
 * The numbers a check report embeds, checked against the check result, the data and the planted
 * physics: a law that holds draws its held-out trajectories on circles with nothing marked; a law the
 * data break marks exactly the transitions above the allowed residual (recomputed here one transition
 * at a time) and draws the shrunk counterexample; data that are not the checked data are refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLaw, transitionResidual, type CompiledLaw } from '../../src/laws/compile.ts';
import type { Counterexample, LawCheck } from '../../src/check/run.ts';
import { InputError } from '../../src/errors.ts';
import type { HistogramBin } from '../../src/report/charts.ts';
import { buildCheckReport } from '../../src/report/check-report.ts';
import { checkLawView } from '../../src/report/check-view.ts';
import { escapeHtml } from '../../src/report/html.ts';
import { lawView, type PortraitRow } from '../../src/report/views.ts';
import type { Dataset, Law } from '../../src/types.ts';
import { brokenRotationData } from '../check/helpers.ts';
import { chartOf, checkFixture, embeddedData, rowsOf } from './helpers.ts';

/** Keys `trajectory:step` of the states reached by transitions above `allowed`, one transition at a time. */
function violatedStates(law: Law, data: Dataset, allowed: number): Set<string> {
  const c = compileLaw(law);
  const out = new Set<string>();
  for (let k = 0; k + 1 < data.offsets.length; k++)
    for (let s = data.offsets[k]; s + 1 < data.offsets[k + 1]; s++) {
      const r = transitionResidual(c, c.project(data.states, s * data.dim), c.project(data.states, (s + 1) * data.dim));
      if (!(r <= allowed)) out.add(`${k}:${s - data.offsets[k] + 1}`);
    }
  return out;
}

const histogram = (bins: HistogramBin[]) => ({
  total: bins.reduce((s, b) => s + b.count, 0),
  beyond: bins.filter((b) => b.side === 'beyond tolerance').reduce((s, b) => s + b.count, 0),
});

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b));

test('a planted rotation checked on held-out data: PASS, the projected points lie on circles, nothing is marked', async () => {
  const { laws, held, pass } = await checkFixture();
  assert.equal(pass.ok, true, 'the fixture law holds on held-out data');
  const law = laws[0];
  const html = buildCheckReport(pass, [law], held);
  const data = embeddedData(html);
  assert.equal(data.kind, 'check');
  assert.match(html, /<span class="verdict pass">PASS<\/span>/);
  assert.doesNotMatch(html, /verdict fail|Shrunk counterexample/);
  const rows = rowsOf<PortraitRow>(chartOf(data, 'portrait', law.id), 'rows');
  const actual = rows.filter((r) => r.kind === 'actual');
  assert.equal(actual.length, held.offsets[held.offsets.length - 1], 'every held-out state is drawn');
  const radii: number[] = [];
  for (let k = 0; k + 1 < held.offsets.length; k++) {
    const r = actual.filter((p) => p.traj === k).map((p) => Math.hypot(p.x, p.y));
    const mean = r.reduce((a, b) => a + b, 0) / r.length;
    // Noise 1e-4 per coordinate: the radius of a trajectory wanders by a few 1e-4 at most.
    assert.ok(Math.max(...r.map((x) => Math.abs(x - mean))) < 2e-3, `trajectory ${k} is not on a circle`);
    radii.push(mean);
  }
  assert.ok(Math.max(...radii) - Math.min(...radii) > 0.3, 'circles of different radii (not a degenerate projection)');
  // Predictions sit on the actual next states, within the allowed residual.
  const at = new Map(actual.map((r) => [`${r.traj}:${r.t}`, r]));
  const predicted = rows.filter((r) => r.kind === 'predicted');
  assert.equal(predicted.length, held.offsets[held.offsets.length - 1] - (held.offsets.length - 1));
  for (const p of predicted) {
    const a = at.get(`${p.traj}:${p.t}`)!;
    assert.ok(Math.hypot(p.x - a.x, p.y - a.y) <= pass.laws[0].allowed * 1.001, `prediction for ${p.traj}:${p.t} is off`);
  }
  assert.equal(rows.filter((r) => r.kind === 'outlier' || r.kind === 'counterexample').length, 0);
  const h = histogram(rowsOf<HistogramBin>(chartOf(data, 'residuals', law.id), 'bins'));
  assert.deepEqual(h, { total: pass.laws[0].exhaustive!.transitions, beyond: 0 });
  const meta = (data.meta.laws as { id: string; ok: boolean; violationCount: number; runs: number }[])[0];
  assert.deepEqual([meta.id, meta.ok, meta.violationCount, meta.runs], [law.id, true, 0, pass.laws[0].runs]);
});

test('data that break the law: the marks are exactly the transitions above the allowed residual, and the shrunk counterexample is drawn', async () => {
  const { laws, broken, fail } = await checkFixture();
  const html = buildCheckReport(fail, laws, broken);
  const data = embeddedData(html);
  const metas = data.meta.laws as { id: string; ok: boolean; violationCount: number; counterexample: Counterexample }[];
  assert.equal(data.meta.ok, false);
  for (const [i, c] of fail.laws.entries()) {
    const law = laws.find((l) => l.id === c.id)!;
    assert.equal(c.ok, false, `${c.id} fails on the broken data`);
    const rows = rowsOf<PortraitRow>(chartOf(data, 'portrait', c.id), 'rows');
    const marked = new Set(rows.filter((r) => r.kind === 'outlier').map((r) => `${r.traj}:${r.t}`));
    const expected = violatedStates(law, broken, c.allowed);
    assert.deepEqual([...marked].sort(), [...expected].sort(), `${c.id}: marked transitions`);
    assert.equal(expected.size, c.exhaustive!.exceeding, `${c.id}: the check counted the same transitions`);
    assert.equal(metas[i].violationCount, expected.size);
    assert.equal(histogram(rowsOf<HistogramBin>(chartOf(data, 'residuals', c.id), 'bins')).beyond, expected.size);
    // The counterexample: its states drawn at its place in the data, its figures and replay on the page.
    const x = c.counterexample as Counterexample & { case: { trajectory: number; step: number } };
    const drawn = rows.filter((r) => r.kind === 'counterexample');
    assert.equal(drawn.length, x.states.length);
    drawn.forEach((r, j) => {
      assert.deepEqual([r.traj, r.t], [x.case.trajectory, x.case.step + j]);
      assert.ok(close(r.x, x.states[j][0]) && close(r.y, x.states[j][1]), `${c.id}: counterexample state ${j}`);
    });
    assert.ok(close(metas[i].counterexample.residual!, x.residual!) && metas[i].counterexample.step === x.step);
    assert.ok(html.includes(escapeHtml(x.where)), `${c.id}: where`);
    assert.ok(html.includes(escapeHtml(c.replay.command!)), `${c.id}: replay command`);
    assert.ok(html.includes(`${x.residual!.toExponential(2)} &gt; allowed ${x.allowed.toExponential(2)}`), `${c.id}: residual against allowed`);
  }
  // The physics: the data leave the law exactly where the rotation angle changes, beyond radius 2.
  const rotation = fail.laws[0];
  const rows = rowsOf<PortraitRow>(chartOf(data, 'portrait', rotation.id), 'rows');
  const radius = new Map(rows.filter((r) => r.kind === 'actual').map((r) => [`${r.traj}:${r.t}`, Math.hypot(r.x, r.y)]));
  for (const r of rows.filter((p) => p.kind === 'outlier')) assert.ok(radius.get(`${r.traj}:${r.t - 1}`)! > 1.99, 'a violation inside radius 2');
  assert.ok(rotation.counterexample!.states.every((u) => Math.hypot(...u) > 1.99));
  assert.equal((html.match(/<span class="verdict fail">FAIL<\/span>/g) ?? []).length, 3, 'the page and both laws say FAIL');
  assert.ok(data.charts.some((c) => c.kind === 'invariant' && c.lawId === fail.laws[1].id), 'the invariant is drawn along each trajectory');
  assert.match(html, /Shrunk counterexample/);
});

test('a laws file without LaTeX still shows its equation, rendered from the model', async () => {
  const { laws, held, pass } = await checkFixture();
  const bare = { ...laws[0], latex: '' } as Law;
  const html = buildCheckReport(pass, [bare], held);
  const math = html.match(/<math [\s\S]*?<\/math>/g) ?? [];
  assert.equal(math.length, 2, 'one equation per coordinate');
  assert.match(math[0], /<mi>u<\/mi><mn>1<\/mn>/);
});

test('data that are not the checked data, and laws the result does not name, are input errors', async () => {
  const { laws, held, broken, fail } = await checkFixture();
  const refused = (data: Dataset, pattern: RegExp, lawList: Law[] = laws) =>
    assert.throws(() => buildCheckReport(fail, lawList, data), (e: unknown) => e instanceof InputError && pattern.test(e.message));
  refused(held, /has 290 transitions, but law rotation@coords\[0,1\] was checked on 580: not the checked data/);
  const other = brokenRotationData(6);
  assert.equal(other.states.length, broken.states.length, 'same shape as the checked data');
  // As many violations as the checked data (the same trajectories break), but not its counterexample.
  refused(other, /broken-rotation\(seed=6\): (does not hold the counterexample|has \d+ transitions above the allowed residual) of law .*: not the checked data/);
  refused({ ...broken, dim: 2, states: broken.states.slice(0, broken.states.length / 2) }, /has dimension 2, but law .* is stated in dimension 4/);
  refused(broken, /laws\.json: has no law "quadratic_invariant@coords\[0,1\]"/, laws.slice(0, 1));
  const lonely: LawCheck = { ...fail.laws[0], exhaustive: undefined };
  assert.ok(buildCheckReport({ ...fail, laws: [lonely] }, laws, broken).includes('rotation@coords[0,1]'), 'without exhaustive figures nothing is cross-checked');
});

test('the law view draws with a compiled law it is handed (the check hands it its own) and gets the check view\'s portrait', async () => {
  const { laws, broken, fail } = await checkFixture();
  for (const c of fail.laws) {
    const law = laws.find((l) => l.id === c.id)!;
    const { view, violations } = checkLawView(c, law, broken);
    const compiled = compileLaw(law);
    let calls = 0;
    const counted: CompiledLaw = {
      ...compiled,
      predict: (u) => (calls++, compiled.predict(u)),
      invariant: (u) => (calls++, compiled.invariant(u)),
    };
    const marked = new Set(violations.map((v) => v.transition));
    const again = lawView(law, broken, {}, { residuals: view.residuals, tolerance: view.tolerance, marked, compiled: counted });
    assert.ok(calls > 0, `${c.id}: lawView compiled the law again instead of using the compiled law given`);
    assert.deepEqual(again.rows, view.rows.filter((r) => r.kind !== 'counterexample'), `${c.id}: the same portrait`);
    assert.deepEqual(again.invariant, view.invariant, `${c.id}: the same invariant trace`);
  }
});
