/**
 * Data far from unit magnitude. Values around 1e±200 are searched scaled by a power of two and their
 * laws come back in data units, quickly (they used to hang in the subspace stage); what cannot be
 * represented is said in one line, as an input error or a failure entry, never as a wrong law.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fit } from '../../../src/engine/fit.ts';
import { InputError } from '../../../src/errors.ts';
import { plantLaw } from '../../../src/planted.ts';
import type { Dataset, FitResult } from '../../../src/types.ts';
import { callWithDeadline } from '../deadline.ts';
import { fitInline } from '../helpers.ts';

const fitModule = new URL('../../../src/engine/fit.ts', import.meta.url);
const times = (data: Dataset, c: number): Dataset => ({ ...data, states: data.states.map((v) => v * c) });
const rotation = plantLaw({ kind: 'rotation', seed: 3, noiseDims: 2, noise: 1e-3, trajectories: 16, steps: 40 }).dataset;

test('values around 1e200 and 1e-200 finish within seconds with the law in data units', async () => {
  for (const c of [1e200, 1e-200]) {
    // Under a deadline, in a worker: a search that loops must fail the test, not hang it.
    const r = await callWithDeadline<FitResult>(fitModule, 'fit', [times(rotation, c), { workers: 0, seed: 1 }], 60_000);
    assert.ok(r.ok, r.ok ? '' : r.message);
    const result = r.value;
    const law = result.laws.find((l) => l.family === 'rotation');
    assert.ok(law, `c=${c}: ${result.laws.map((l) => l.id)}; failures ${JSON.stringify(result.provenance.failures)}`);
    assert.equal(law.parameters[0].exact, 'pi/7');
    // Tolerance and residuals in data units: noise 1e-3 of a unit-sized signal, times c.
    for (const v of [law.metrics.tolerance, law.metrics.inlierRmse]) assert.ok(v / c > 1e-5 && v / c < 1e-1, `c=${c}: ${v}`);
    const scale = result.provenance.scale;
    assert.ok(scale, 'no provenance.scale');
    assert.equal(Math.log2(scale.factor), Math.floor(Math.log2(scale.factor)), `factor ${scale.factor} is not a power of two`);
    assert.ok(scale.factor / c > 0.25 && scale.factor / c < 8, `factor ${scale.factor} for data of size ${c}`);
    assert.match(scale.note, /sin, cos left out/);
  }
});

test('inside [2^-100, 2^100] the data are searched as they are', async () => {
  for (const c of [2 ** -95, 1, 2 ** 95]) assert.equal((await fitInline(times(rotation, c))).provenance.scale, undefined, `c=${c}`);
});

test('a conserved quadratic keeps its exact coefficients in any units, or is a failure when it cannot be stated', async () => {
  // |u|² of a twist (no linear map holds): stated as I = u1^2 + u2^2 in the law's own basis.
  // On its own plane (no noise dimension): with one, a 3-D quadratic form restates it more exactly than the
  // search's estimate of the plane, which is not what this test is about.
  const twist = plantLaw({ kind: 'twist', seed: 4, noiseDims: 0, noise: 1e-4, trajectories: 16, steps: 40 }).dataset;
  const statement = (r: FitResult) => r.laws.find((l) => l.family === 'quadratic_invariant')?.equations[0];
  const atUnit = statement(await fitInline(twist));
  assert.equal(atUnit, 'I = u1^2 + u2^2');
  for (const c of [1e120, 1e-120]) assert.equal(statement(await fitInline(times(twist, c))), atUnit, `c=${c}`);
  // At 1e200 I would be near 1e400, or its coefficients near 1e-400: neither is a double.
  const huge = await fitInline(times(twist, 1e200));
  assert.equal(statement(huge), undefined);
  const failure = huge.provenance.failures.find((f) => f.id.startsWith('quadratic_invariant@'));
  assert.ok(failure, JSON.stringify(huge.provenance.failures));
  assert.match(failure.error, /not representable in data units/);
  for (const law of huge.laws) assert.ok([law.metrics.rmse, law.metrics.tolerance, ...law.model.coefficients.flat()].every(Number.isFinite), law.id);
});

test('a tolerance given in data units is applied in data units', async () => {
  const c = 1e150;
  const [plain, scaled] = await Promise.all([fitInline(rotation, { tolerance: 2e-3 }), fitInline(times(rotation, c), { tolerance: 2e-3 * c })]);
  const a = plain.laws.find((l) => l.family === 'rotation')!;
  const b = scaled.laws.find((l) => l.family === 'rotation')!;
  assert.equal(b.metrics.tolerance, 2e-3 * c);
  assert.equal(b.metrics.inlierFraction, a.metrics.inlierFraction);
  assert.ok(a.metrics.inlierFraction < 0.9, `the test needs a tolerance that cuts: ${a.metrics.inlierFraction}`);
  assert.equal(scaled.provenance.tolerance, 2e-3 * c);
});

test('values too large to state laws of, and non-finite values, are one-line input errors', async () => {
  for (const [data, pattern] of [
    [times(rotation, 1e305), /^planted\(rotation, seed=3\): values too large to fit: .*\(largest \|z\| = \d\.\d+e\+305\)$/],
    [{ ...rotation, states: rotation.states.map((v, i) => (i === 17 ? NaN : v)) }, /values are not finite: state 4, coordinate 1 is NaN$/],
    [{ ...rotation, states: rotation.states.map((v, i) => (i === 4 ? -Infinity : v)) }, /values are not finite: state 1, coordinate 0 is -Infinity$/],
  ] as const) {
    await assert.rejects(fit(data, { workers: 0 }), (err: Error) => {
      assert.ok(err instanceof InputError, `${err.name}: ${err.message}`);
      assert.match(err.message, pattern);
      assert.doesNotMatch(err.message, /\n/);
      return true;
    });
  }
});
