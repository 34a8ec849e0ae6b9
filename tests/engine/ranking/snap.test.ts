/**
 * Exact constants: a fitted parameter near a simple closed form (p/q, p·π/q, p·√n/q) is reported as
 * that form when stating it exactly shortens the law's description. What a user relies on: the printed
 * form evaluates to the value used, simpler forms are preferred, a parameter is never moved further
 * than its standard errors allow, and a form is taken only when the description length says so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { exactCandidates, snapParameters } from '../../../src/engine/ranking/snap.ts';
import { freeParameterBits, type ExactConstant } from '../../../src/engine/model/mdl.ts';
import { compileExpression } from '../../../src/grammar/safe-math.ts';

const SEED = 20240614;
const valueOf = (expr: string) => compileExpression(expr, [])(new Float64Array(0));
const gcd = (a: number, b: number): number => (b ? gcd(b, a % b) : Math.abs(a));
const UNITS = [{ unit: '', value: 1 }, { unit: 'pi', value: Math.PI }, ...[2, 3, 5, 6, 7].map((r) => ({ unit: `sqrt(${r})`, value: Math.sqrt(r) }))];

/**
 * Description length the way the ranking builds it: each parameter costs its exact form's bits or its
 * free bits at its precision, plus the Gaussian code-length increase of moving it away from the fitted
 * value, (δ/σ)² / (2 ln 2) bits.
 */
function gaussianDl(fitted: number[], se: number[]) {
  return (values: number[], exact: (ExactConstant | null)[]) =>
    values.reduce((s, v, i) => s + (exact[i] ? exact[i]!.bits : freeParameterBits(v, se[i])) + ((v - fitted[i]) / se[i]) ** 2 / (2 * Math.LN2), 0);
}

/** A description length that rewards any exact form, however far: only the window keeps a value honest. */
const rewardAnyExact = (values: number[], exact: (ExactConstant | null)[]) => values.reduce((s, _, i) => s + (exact[i] ? exact[i]!.bits : 60), 0);

test('exact candidates name the familiar forms', () => {
  const exprs = (x: number, window = 1e-9) => exactCandidates(x, 12, window).map((c) => c.expr);
  assert.ok(exprs((3 * Math.PI) / 7).includes('3*pi/7'));
  assert.ok(exprs(-0.5).includes('-1/2'));
  assert.ok(exprs(Math.SQRT2 / 2).includes('sqrt(2)/2'));
  assert.ok(exprs(Math.PI).includes('pi'));
  assert.deepEqual(exprs(1e-13), ['0']);
  // Nothing simple lies within a tiny window of an arbitrary number.
  assert.deepEqual(exprs(0.123456789), []);
  // Denominators stop at the limit: 1/13 is not offered with max denominator 12.
  assert.ok(!exactCandidates(1 / 13, 12, 1e-9).some((c) => c.value === 1 / 13));
  assert.ok(exactCandidates(1 / 13, 13, 1e-9).some((c) => c.expr === '1/13'));
});

test('a planted p/q, p·π/q or p·√n/q is among the candidates, and every candidate evaluates to its value', () => {
  const planted = fc
    .record({ p: fc.integer({ min: -40, max: 40 }).filter((p) => p !== 0), q: fc.integer({ min: 1, max: 12 }), u: fc.constantFrom(...UNITS), off: fc.double({ min: -0.9, max: 0.9, noNaN: true }) })
    .filter(({ p, q }) => gcd(p, q) === 1);
  fc.assert(
    fc.property(planted, ({ p, q, u, off }) => {
      const truth = (p * u.value) / q;
      const window = 1e-9 * (1 + Math.abs(truth));
      const x = truth + off * window;
      const cands = exactCandidates(x, 12, window);
      assert.ok(cands.some((c) => Math.abs(c.value - truth) <= 1e-15 * Math.abs(truth)), `${p}·${u.unit || '1'}/${q} missing near ${x}: ${cands.map((c) => c.expr)}`);
      for (const c of cands) assert.ok(Math.abs(valueOf(c.expr) - c.value) <= 1e-14 * (1 + Math.abs(c.value)), `${c.expr} evaluates to ${valueOf(c.expr)}, not ${c.value}`);
    }),
    { numRuns: 400, seed: SEED },
  );
});

test('candidates lie within the window and come cheapest first', () => {
  fc.assert(
    fc.property(fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: 1e-8, max: 0.3, noNaN: true }), fc.integer({ min: 1, max: 12 }), (x, window, maxDen) => {
      const cands = exactCandidates(x, maxDen, window);
      cands.forEach((c, i) => {
        assert.ok(Math.abs(c.value - x) <= window, `${c.expr} = ${c.value} is outside ${x} ± ${window}`);
        if (i > 0) assert.ok(cands[i - 1].bits <= c.bits, `${cands[i - 1].expr} (${cands[i - 1].bits} bits) before ${c.expr} (${c.bits} bits)`);
      });
    }),
    { numRuns: 400, seed: SEED },
  );
  // Among forms within reach, the plainest wins: a half before anything with π or a root in it.
  assert.equal(exactCandidates(0.5 + 1e-4, 12, 0.05)[0].expr, '1/2');
  assert.equal(exactCandidates(1 / 3 + 1e-9, 12, 1e-3)[0].expr, '1/3');
  // A wider window only adds candidates.
  assert.ok(!exactCandidates(Math.PI / 7 + 1e-3, 12, 1e-4).some((c) => c.expr === 'pi/7'));
  assert.ok(exactCandidates(Math.PI / 7 + 1e-3, 12, 2e-3).some((c) => c.expr === 'pi/7'));
});

test('a value a few standard errors from p·π/q snaps to it when that shortens the description', () => {
  const planted = fc
    .record({ p: fc.integer({ min: 1, max: 6 }), q: fc.integer({ min: 1, max: 12 }), sigmas: fc.double({ min: -3, max: 3, noNaN: true }), se: fc.double({ min: 1e-12, max: 1e-7, noNaN: true }) })
    .filter(({ p, q }) => gcd(p, q) === 1);
  fc.assert(
    fc.property(planted, ({ p, q, sigmas, se }) => {
      const truth = (p * Math.PI) / q;
      const fitted = truth + sigmas * se;
      const dl = gaussianDl([fitted], [se]);
      const r = snapParameters([fitted], [se], 12, dl);
      assert.ok(r.exact[0], `${fitted} (${sigmas.toFixed(2)} se from ${p}π/${q}) not snapped`);
      assert.equal(r.values[0], r.exact[0]!.value);
      assert.ok(Math.abs(r.values[0] - truth) <= 1e-15 * truth, `snapped to ${r.exact[0]!.expr}, not ${p}π/${q}`);
      assert.ok(r.descriptionLength < dl([fitted], [null]));
      assert.equal(r.descriptionLength, dl(r.values, r.exact));
    }),
    { numRuns: 300, seed: SEED },
  );
  const r = snapParameters([Math.PI / 7 + 2e-6], [1e-6], 12, gaussianDl([Math.PI / 7 + 2e-6], [1e-6]));
  assert.equal(r.exact[0]?.expr, 'pi/7');
  assert.equal(r.values[0], Math.PI / 7);
});

test('a value whose exact form would lengthen the description keeps its fitted digits', () => {
  // At a standard error of 0.01 the fitted value costs about 6.5 bits; π/7 would cost 12.
  const fitted = Math.PI / 7 + 0.005;
  const dl = gaussianDl([fitted], [0.01]);
  const r = snapParameters([fitted], [0.01], 12, dl);
  assert.deepEqual(r.exact, [null]);
  assert.deepEqual(r.values, [fitted]);
  assert.equal(r.descriptionLength, dl([fitted], [null]));
});

test('the description length chooses among the forms in reach, not the cheapest form alone', () => {
  // 1/2, 2/5 and π/6 are cheaper than π/7 and within 0.08 of the value. Every form shortens this law's
  // description, but its residuals favour π/7 most.
  const fitted = Math.PI / 7 + 0.002;
  const dl = (_: number[], exact: (ExactConstant | null)[]) => (!exact[0] ? 30 : exact[0].expr === 'pi/7' ? 0 : exact[0].bits);
  const r = snapParameters([fitted], [0.01], 12, dl);
  assert.equal(r.exact[0]?.expr, 'pi/7');
  assert.equal(r.descriptionLength, 0);
});

test('each parameter is snapped on its own: exact ones snap, a generic one stays free', () => {
  const fitted = [Math.PI / 7 + 3e-9, 0.5 - 2e-9, 1.2345678];
  const se = [1e-9, 1e-9, 1e-9];
  const r = snapParameters(fitted, se, 12, gaussianDl(fitted, se));
  assert.deepEqual(r.exact.map((e) => e?.expr ?? null), ['pi/7', '1/2', null]);
  assert.deepEqual(r.values, [Math.PI / 7, 0.5, 1.2345678]);
});

test('snapping never moves a parameter by more than 8 standard errors, even when any exact form is rewarded', () => {
  fc.assert(
    fc.property(fc.double({ min: -5, max: 5, noNaN: true }), fc.double({ min: 1e-10, max: 0.05, noNaN: true }), (x, se) => {
      const r = snapParameters([x], [se], 12, rewardAnyExact);
      assert.ok(Math.abs(r.values[0] - x) <= 8 * se, `${x} ± ${se} moved to ${r.exact[0]?.expr} = ${r.values[0]}`);
    }),
    { numRuns: 400, seed: SEED },
  );
  // π/7 is 20 standard errors away: out of reach. At 5 standard errors it is taken.
  const se = 1e-6;
  assert.notEqual(snapParameters([Math.PI / 7 + 20 * se], [se], 12, rewardAnyExact).exact[0]?.expr, 'pi/7');
  assert.equal(snapParameters([Math.PI / 7 + 5 * se], [se], 12, rewardAnyExact).exact[0]?.expr, 'pi/7');
  // Without a standard error (noise-free data) only rounding-level differences are bridged.
  assert.equal(snapParameters([Math.PI / 7 + 1e-9], [0], 12, rewardAnyExact).exact[0], null);
  assert.equal(snapParameters([Math.PI / 7 + 1e-14], [NaN], 12, rewardAnyExact).exact[0]?.expr, 'pi/7');
});
