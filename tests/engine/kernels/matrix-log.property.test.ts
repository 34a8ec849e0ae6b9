/**
 * The principal real logarithm: exp(log A) = A for any matrix with no eigenvalue on the closed
 * negative real axis (checked with an exponential of this test's own), the closed forms of rotations
 * and shears, and a reason for matrices that have no real logarithm.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { realLogarithm } from '../../../src/engine/kernels/matrix-log.ts';

type Mat = number[][];
const mul = (a: Mat, b: Mat): Mat => a.map((row) => b[0].map((_, j) => row.reduce((s, v, p) => s + v * b[p][j], 0)));
const eye = (n: number): Mat => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
const norm = (a: Mat): number => Math.sqrt(a.flat().reduce((s, v) => s + v * v, 0));
const diff = (a: Mat, b: Mat): number => norm(a.map((row, i) => row.map((v, j) => v - b[i][j])));

/** exp(A) by scaling and squaring of a Taylor series: independent of the logarithm under test. */
function expm(a: Mat): Mat {
  const s = Math.max(0, Math.ceil(Math.log2(norm(a) + 1e-300)) + 4);
  const x = a.map((row) => row.map((v) => v / 2 ** s));
  let term = eye(a.length);
  let sum = eye(a.length);
  for (let k = 1; k < 30; k++) {
    term = mul(term, x).map((row) => row.map((v) => v / k));
    sum = sum.map((row, i) => row.map((v, j) => v + term[i][j]));
  }
  for (let i = 0; i < s; i++) sum = mul(sum, sum);
  return sum;
}

const logOf = (a: Mat): Mat => {
  const r = realLogarithm(a);
  assert.ok('log' in r, `no logarithm: ${'reason' in r ? r.reason : ''}`);
  return r.log;
};

describe('realLogarithm', () => {
  it('a rotation by θ in (−π, π) is θ·J; a scaled rotation adds ln ρ on the diagonal', () => {
    for (const theta of [Math.PI / 7, -2.5, 3.1, 1e-6]) {
      for (const rho of [1, 0.9, 1.3]) {
        const c = rho * Math.cos(theta);
        const s = rho * Math.sin(theta);
        const log = logOf([[c, -s], [s, c]]);
        const want = [[Math.log(rho), -theta], [theta, Math.log(rho)]];
        assert.ok(diff(log, want) < 1e-12, `θ=${theta}, ρ=${rho}: ${JSON.stringify(log)}`);
      }
    }
  });

  it('defective matrices: a shear and the augmented matrix of a translation', () => {
    assert.ok(diff(logOf([[1, 0.5], [0, 1]]), [[0, 0.5], [0, 0]]) < 1e-14);
    const translation = logOf([[1, 0, 2], [0, 1, -3], [0, 0, 1]]);
    assert.ok(diff(translation, [[0, 0, 2], [0, 0, -3], [0, 0, 0]]) < 1e-14);
    assert.ok(diff(logOf(eye(4)), eye(4).map((r) => r.map(() => 0))) === 0);
  });

  it('exp(log A) = A for A = exp(L) with the eigenvalues of L in the principal strip', () => {
    const generator = fc.integer({ min: 1, max: 5 }).chain((n) => fc.array(fc.array(fc.double({ min: -0.6, max: 0.6, noNaN: true }), { minLength: n, maxLength: n }), { minLength: n, maxLength: n }));
    fc.assert(
      fc.property(generator, (l) => {
        // Entries of at most 0.6 keep every eigenvalue's imaginary part below 0.6·n < π.
        const a = expm(l);
        const log = logOf(a);
        assert.ok(diff(expm(log), a) <= 1e-10 * Math.max(1, norm(a)), `exp(log A) ≠ A for A = ${JSON.stringify(a)}`);
        assert.ok(diff(log, l) <= 1e-8 * Math.max(1, norm(l)), `log(exp L) ≠ L for L = ${JSON.stringify(l)}`);
      }),
      { numRuns: 200 },
    );
  });

  it('no real logarithm for a negative real or zero eigenvalue, or a non-finite entry', () => {
    const reason = (a: Mat): string => {
      const r = realLogarithm(a);
      assert.ok('reason' in r, `expected no logarithm for ${JSON.stringify(a)}`);
      return r.reason;
    };
    assert.match(reason([[-0.5, 0], [0, 2]]), /eigenvalue -0\.5 is negative real/);
    assert.match(reason([[-1, 0], [0, -1]]), /negative real/); // a rotation by π: the turn's sense is lost
    assert.match(reason([[1, 2], [2, 4]]), /not invertible \(eigenvalue 0\)/);
    assert.match(reason([[1, NaN], [0, 1]]), /non-finite/);
  });
});
