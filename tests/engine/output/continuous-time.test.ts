/**
 * Laws restated in continuous time: a rotation by θ per step of dt turns at θ/dt, a damped one decays
 * at −ln ρ/dt, and for any affine map the flow du/dt = L·u + g carries a state in time dt exactly
 * where the map sends it. Without a time step a fit is unchanged.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { continuousTimeForm, describeContinuousTime, withTimeStep } from '../../../src/engine/output/continuous-time.ts';
import { plantLaw } from '../../../src/planted.ts';
import type { FitResult, LawAlternative } from '../../../src/types.ts';
import { fitInline } from '../helpers.ts';

type Mat = number[][];

/** A map law on coords[0..k-1] with u' = W · [u, 1?]. */
function mapLaw(family: LawAlternative['family'], w: Mat, parameters: LawAlternative['parameters'] = [], offset = false): LawAlternative {
  const k = w.length;
  const variables = Array.from({ length: k }, (_, i) => `u${i + 1}`);
  return {
    id: `${family}@coords`, family, role: 'map',
    subspace: { label: 'coords', kind: 'coordinates', basis: variables.map((_, i) => variables.map((__, j) => (i === j ? 1 : 0))), coordinates: variables.map((_, i) => i), cost: 0 },
    equations: [], latex: '', summary: '', parameters,
    model: { role: 'map', variables, features: offset ? [...variables, '1'] : variables, coefficients: w },
    metrics: { rmse: 0, relativeError: 0, inlierRmse: 0, inlierRelativeError: 0, inlierFraction: 1, tolerance: 1e-3, complexity: 1, descriptionLength: -1, nTransitions: 10 },
    notes: [],
  };
}

const rotation = (rho: number, theta: number): Mat => [[rho * Math.cos(theta), -rho * Math.sin(theta)], [rho * Math.sin(theta), rho * Math.cos(theta)]];
const close = (a: number, b: number, tol = 1e-9): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

/** exp(M) by scaling and squaring of a Taylor series (this test's own). */
function expm(a: Mat): Mat {
  const n = a.length;
  const mul = (x: Mat, y: Mat): Mat => x.map((row) => y[0].map((_, j) => row.reduce((s, v, p) => s + v * y[p][j], 0)));
  const size = Math.sqrt(a.flat().reduce((s, v) => s + v * v, 0));
  const s = Math.max(0, Math.ceil(Math.log2(size + 1e-300)) + 4);
  let term: Mat = a.map((_, i) => a.map((__, j) => (i === j ? 1 : 0)));
  let sum: Mat = term;
  for (let k = 1; k < 30; k++) {
    term = mul(term, a.map((row) => row.map((v) => v / 2 ** s))).map((row) => row.map((v) => v / k));
    sum = sum.map((row, i) => row.map((v, j) => v + term[i][j]));
  }
  for (let i = 0; i < s; i++) sum = mul(sum, sum);
  return sum.slice(0, n);
}

describe('continuousTimeForm', () => {
  it('a rotation by π/7 per step of 0.02: ω = (π/7)/0.02, period 14 steps = 0.28, L = ω·J', () => {
    const law = mapLaw('rotation', rotation(1, Math.PI / 7), [{ name: 'theta', value: 0.4488, exact: 'pi/7', exactValue: Math.PI / 7 }]);
    const form = continuousTimeForm(law, 0.02)!;
    const omega = Math.PI / 7 / 0.02;
    assert.ok(close(form.angularVelocity!, omega));
    assert.ok(close(form.period!, 0.28));
    assert.equal(form.decayRate, undefined);
    const g = form.generator!;
    assert.ok(close(g[0][1], -omega) && close(g[1][0], omega) && Math.abs(g[0][0]) < 1e-9 && Math.abs(g[1][1]) < 1e-9, JSON.stringify(g));
    assert.equal(describeContinuousTime(form, 0.02), 'ω = 22.44 rad per time unit, period 0.28 (14 steps)');
  });

  it('a damped rotation decays at −ln ρ / dt; a growing one says so', () => {
    const damped = mapLaw('damped_rotation', rotation(0.9, -0.3), [{ name: 'rho', value: 0.9 }, { name: 'theta', value: -0.3 }]);
    const form = continuousTimeForm(damped, 0.5)!;
    assert.ok(close(form.decayRate!, -Math.log(0.9) / 0.5));
    assert.ok(close(form.angularVelocity!, -0.6));
    assert.ok(close(form.generator![0][0], Math.log(0.9) / 0.5));
    assert.match(describeContinuousTime(form, 0.5), /^ω = -0\.6 rad per time unit, period 10\.47 \(20\.94 steps\), decay rate 0\.2107 per time unit$/);
    const growing = mapLaw('damped_rotation', rotation(1.1, 0.3), [{ name: 'rho', value: 1.1 }, { name: 'theta', value: 0.3 }]);
    assert.match(describeContinuousTime(continuousTimeForm(growing, 1)!, 1), /growth rate 0\.09531 per time unit$/);
  });

  it('any affine map: the flow of du/dt = L·u + g over dt is the map', () => {
    const cases = fc.record({
      k: fc.integer({ min: 1, max: 4 }),
      dt: fc.double({ min: 1e-3, max: 10, noNaN: true }),
      seed: fc.array(fc.double({ min: -0.5, max: 0.5, noNaN: true }), { minLength: 20, maxLength: 20 }),
    });
    fc.assert(
      fc.property(cases, ({ k, dt, seed }) => {
        // A = exp(M) with small M has a real logarithm; b is arbitrary.
        const a = expm(Array.from({ length: k }, (_, i) => Array.from({ length: k }, (__, j) => seed[i * 4 + j])));
        const b = Array.from({ length: k }, (_, i) => 3 * seed[16 + i]);
        const form = continuousTimeForm(mapLaw('affine', a.map((row, i) => [...row, b[i]]), [], true), dt)!;
        assert.ok(form.generator && form.drift, form.note);
        const flow = expm([...form.generator.map((row, i) => [...row, form.drift![i]].map((v) => v * dt)), new Array(k + 1).fill(0)]);
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) assert.ok(Math.abs(flow[i][j] - a[i][j]) < 1e-9, `A[${i}][${j}]`);
          assert.ok(Math.abs(flow[i][k] - b[i]) < 1e-9, `b[${i}]: ${flow[i][k]} vs ${b[i]}`);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a step with a negative eigenvalue has no generator, and says why', () => {
    const form = continuousTimeForm(mapLaw('linear', [[-0.5, 0], [0, 0.8]]), 1)!;
    assert.equal(form.generator, null);
    assert.equal(describeContinuousTime(form, 1), 'no continuous-time generator: eigenvalue -0.5 is negative real, so no real generator gives this step');
  });

  it('the generator is written out up to 3 × 3, with the drift of an offset', () => {
    const form = continuousTimeForm(mapLaw('translation', [[1, 0, 0.5], [0, 1, -1]], [], true), 0.5)!;
    assert.equal(describeContinuousTime(form, 0.5), 'du/dt = L·u + g, L = [[0, 0], [0, 0]], g = [1, -2]');
    const big = continuousTimeForm(mapLaw('linear', Array.from({ length: 4 }, (_, i) => [0, 1, 2, 3].map((j) => (i === j ? 0.9 : 0)))), 1)!;
    assert.equal(describeContinuousTime(big, 1), 'du/dt = L·u (L is 4×4: see continuousTime in the JSON)');
  });

  it('invariants, nonlinear maps and the constant part have no continuous-time form', () => {
    const invariant = { ...mapLaw('quadratic_invariant', [[1, 1]]), role: 'invariant' as const };
    assert.equal(continuousTimeForm(invariant, 1), undefined);
    const nonlinear = mapLaw('library_map', [[1, 0.1]]);
    nonlinear.model = { ...nonlinear.model, features: ['u1', 'sin(u1)'] };
    assert.equal(continuousTimeForm(nonlinear, 1), undefined);
    const constant = mapLaw('constant', [[0, 5]], [], true);
    constant.subspace = { ...constant.subspace, constant: true };
    assert.equal(continuousTimeForm(constant, 1), undefined);
  });
});

describe('fit with a time step', () => {
  const { dataset } = plantLaw({ kind: 'rotation', seed: 9, noiseDims: 2, angle: Math.PI / 6, noise: 1e-4, trajectories: 10, steps: 30 });

  it('records dt and restates the rotation; nothing else changes, and without dt nothing is added', async () => {
    const [plain, timed] = await Promise.all([fitInline(dataset), fitInline(dataset, { dt: 0.1 })]);
    assert.equal('dt' in plain, false);
    assert.ok(plain.laws.every((l) => l.continuousTime === undefined && (l.alternatives ?? []).every((a) => a.continuousTime === undefined)));
    assert.equal(timed.dt, 0.1);
    const rot = timed.laws.find((l) => l.family === 'rotation')!;
    assert.ok(close(Math.abs(rot.continuousTime!.angularVelocity!), Math.PI / 6 / 0.1), JSON.stringify(rot.continuousTime));
    assert.ok(close(rot.continuousTime!.period!, 1.2));
    const strip = (r: FitResult) => {
      const { dt: _, provenance: { elapsedMs: __, timings: ___, ...provenance }, ...rest } = r;
      const laws = rest.laws.map(({ continuousTime: _c, alternatives, ...law }) => ({ ...law, alternatives: alternatives?.map(({ continuousTime: _a, ...alt }) => alt) }));
      return { ...rest, laws, provenance };
    };
    assert.deepEqual(strip(timed), strip(plain));
  });

  it('withTimeStep restates a saved result without changing it, and refuses a bad dt', async () => {
    const plain = await fitInline(dataset);
    const before = JSON.stringify(plain);
    const timed = withTimeStep(plain, 0.1);
    assert.equal(JSON.stringify(plain), before);
    assert.equal(timed.dt, 0.1);
    assert.ok(timed.laws.some((l) => l.continuousTime?.angularVelocity !== undefined));
    assert.throws(() => withTimeStep(plain, 0), /dt must be a positive number, got 0/);
    await assert.rejects(fitInline(dataset, { dt: -1 }), /dt must be a positive number, got -1/);
  });
});
