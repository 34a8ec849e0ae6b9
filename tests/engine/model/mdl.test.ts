/**
 * The description-length code that ranks every law. What a user relies on: a law that explains
 * nothing scores about zero, an exact law gains bits in proportion to the data it explains, a parameter
 * known more precisely costs more to state (so exact constants can pay off), and naming the outliers a
 * law does not explain is paid for, so a law cannot win by calling half the data outliers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { binaryEntropy, freeParameterBits, invariantResidualBits, mapResidualBits, nullVariancePerSample, RATIO_FLOOR } from '../../../src/engine/model/mdl.ts';

const SEED = 20240613;
const close = (got: number, want: number, tol: number, what: string) => assert.ok(Math.abs(got - want) <= tol, `${what}: ${got} vs ${want}`);
const probability = fc.double({ min: 0, max: 1, noNaN: true });

test('binary entropy is symmetric, zero at the ends and largest (1 bit) at one half', () => {
  assert.equal(binaryEntropy(0), 0);
  assert.equal(binaryEntropy(1), 0);
  assert.equal(binaryEntropy(0.5), 1);
  fc.assert(
    fc.property(probability, (p) => {
      const h = binaryEntropy(p);
      assert.ok(Number.isFinite(h) && h >= 0 && h <= 1, `H(${p}) = ${h}`);
      close(h, binaryEntropy(1 - p), 1e-12, `H(${p}) vs H(1 − p)`);
    }),
    { numRuns: 300, seed: SEED },
  );
  // Telling outliers apart costs more the closer their share is to one half.
  fc.assert(
    fc.property(fc.double({ min: 1e-9, max: 0.5, noNaN: true }), fc.double({ min: 1e-9, max: 0.5, noNaN: true }), (a, b) => {
      const [lo, hi] = a < b ? [a, b] : [b, a];
      assert.ok(binaryEntropy(lo) <= binaryEntropy(hi) + 1e-15, `H(${lo}) > H(${hi})`);
    }),
    { numRuns: 300, seed: SEED },
  );
});

test('a free parameter costs more bits the more precisely the data determine it, up to a cap', () => {
  const ratio = fc.double({ min: 0, max: 1e20, noNaN: true });
  fc.assert(
    fc.property(ratio, ratio, fc.double({ min: 1e-12, max: 1e6, noNaN: true }), (r1, r2, se) => {
      const [lo, hi] = r1 < r2 ? [r1, r2] : [r2, r1];
      const bLo = freeParameterBits(lo * se, se);
      const bHi = freeParameterBits(hi * se, se);
      assert.ok(bLo <= bHi + 1e-12, `|value|/stderr ${lo} costs ${bLo} > ${hi} costs ${bHi}`);
      // The sign is one bit whatever the value; the magnitude never needs more than a double's 52 bits.
      assert.ok(bLo >= 1 && bHi <= 53, `${bLo}, ${bHi}`);
      close(freeParameterBits(-hi * se, se), bHi, 1e-12, 'the sign does not change the cost');
    }),
    { numRuns: 300, seed: SEED },
  );
  // About one bit per halving of the standard error: 1 (sign) + log2(1 + |value| / stderr).
  close(freeParameterBits(1, 1 / 1023), 1 + 10, 1e-12, 'value 1 at stderr 1/1023');
  close(freeParameterBits(0, 0.1), 1, 0, 'a zero costs its sign bit');
  // A parameter with no usable standard error (noise-free data) is stated to full double precision.
  assert.equal(freeParameterBits(3.5, 0), 53);
  assert.equal(freeParameterBits(3.5, NaN), 53);
  assert.equal(freeParameterBits(1e300, 1e-300), 53);
});

test('a map law that explains nothing costs about nothing; an exact map gains bits per coordinate and sample', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 100000 }), fc.integer({ min: 1, max: 8 }), fc.double({ min: 1e-6, max: 1e6, noNaN: true }), (n, k, variance) => {
      // Residuals as large as the spread about the mean: the null model's code length, 0 bits relative to it.
      close(mapResidualBits(n, n, k, variance, variance), 0, 1e-9 * n * k, 'null-model residual');
      // Residuals twice as large as the null model's cost bits; half as large save (n k / 2) bits.
      close(mapResidualBits(n, n, k, variance / 2, variance), -(n * k) / 2, 1e-9 * n * k, 'half the null residual');
      assert.ok(mapResidualBits(n, n, k, 2 * variance, variance) > 0);
      // An exact fit is floored at RATIO_FLOOR: a finite gain, equal for every exact law, so complexity decides.
      const exact = mapResidualBits(n, n, k, 0, variance);
      close(exact, ((n * k) / 2) * Math.log2(RATIO_FLOOR), 1e-9 * n * k, 'exact fit');
      close(mapResidualBits(n, n, k, 1e-30 * variance, variance), exact, 1e-9 * n * k, 'below-floor residual');
    }),
    { numRuns: 300, seed: SEED },
  );
});

test('map residual bits depend on the residual relative to the spread, not on the units of the data', () => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 5000 }), fc.integer({ min: 1, max: 4 }), fc.double({ min: 1e-3, max: 10, noNaN: true }), fc.double({ min: 1e-6, max: 1e6, noNaN: true }), (n, k, rel, units) => {
      const a = mapResidualBits(n, n, k, rel, 1);
      const b = mapResidualBits(n, n, k, rel * units, units);
      close(b, a, 1e-9 * (1 + Math.abs(a)), `rescaled by ${units}`);
    }),
    { numRuns: 300, seed: SEED },
  );
  // The smaller the residual, the shorter the code.
  assert.ok(mapResidualBits(100, 100, 2, 0.01, 1) < mapResidualBits(100, 100, 2, 0.1, 1));
});

test('on slowly moving data a map is judged against "nothing moves": restating u\' ≈ u gains nothing', () => {
  fc.assert(
    fc.property(fc.integer({ min: 10, max: 100000 }), fc.integer({ min: 1, max: 8 }), fc.double({ min: 1e-6, max: 1e6, noNaN: true }), fc.double({ min: 1e-5, max: 0.5, noNaN: true }), (n, k, variance, slow) => {
      // Each step moves the state by a small share of its spread about the mean.
      const persistence = slow * variance;
      assert.equal(nullVariancePerSample(n, variance, 1e-3, n, persistence), persistence / n);
      // A law whose residual is the step itself (u' = u, or a tiny rotation of it) states only that the
      // data are slow: about 0 bits, however much smaller than the spread the step is.
      close(mapResidualBits(n, n, k, persistence, variance, 1e-3, persistence), 0, 1e-9 * n * k, 'residual = step');
      // A law that leaves half the step's residual explains motion, and gains n k / 2 bits.
      close(mapResidualBits(n, n, k, persistence / 2, variance, 1e-3, persistence), -(n * k) / 2, 1e-9 * n * k, 'half the step');
    }),
    { numRuns: 300, seed: SEED },
  );
  // Steps larger than the spread: predicting the mean is the better null.
  assert.equal(nullVariancePerSample(100, 100, 1e-3, 100, 400), 1);
  // Without step statistics (a law whose features do not include every coordinate): the mean.
  assert.equal(nullVariancePerSample(100, 100, 1e-3, 100), 1);
});

test('where the data hold still (steps within the resolution), "nothing moves" is the law and the mean the null', () => {
  // Steps of 1e-5 of the spread with a floor of 1e-3: the identity is an exact law and must gain bits.
  const n = 1000;
  assert.equal(nullVariancePerSample(n, n, 1e-3, n, n * 1e-10), 1);
  assert.ok(mapResidualBits(n, n, 2, n * 1e-10, n, 1e-3, n * 1e-10) < -n, 'the identity on data that hold still');
});

test('outliers are coded by their positions: a law cannot gain by declaring transitions outliers', () => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 100000 }), fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.integer({ min: 1, max: 4 }), (n, share, k) => {
      const nIn = Math.max(1, Math.min(n - 1, Math.round(share * n)));
      const positions = n * binaryEntropy((n - nIn) / n);
      // Inliers at the null model's per-sample residual: what is left is the cost of naming the outliers.
      close(mapResidualBits(n, nIn, k, (nIn / n) * 10, 10), positions, 1e-9 * n, 'map, null-level inliers');
      close(invariantResidualBits(n, nIn, 2), positions, 1e-9 * n, 'invariant, unconserved inliers');
      // An exact law on all transitions beats the same exact law on only some of them.
      assert.ok(mapResidualBits(n, n, k, 0, 10) < mapResidualBits(n, nIn, k, 0, 10));
      assert.ok(invariantResidualBits(n, n, 0) < invariantResidualBits(n, nIn, 0));
    }),
    { numRuns: 300, seed: SEED },
  );
});

test('an unconserved quantity (ratio 2) costs about nothing; a conserved one gains bits per sample', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 100000 }), (n) => {
      close(invariantResidualBits(n, n, 2), 0, 1e-9 * n, 'ratio 2');
      close(invariantResidualBits(n, n, 0.5), -n, 1e-9 * n, 'ratio 1/2: 2 bits per 2 samples');
      assert.ok(invariantResidualBits(n, n, 4) > 0, 'worse than unconserved costs bits');
      const exact = invariantResidualBits(n, n, 0);
      close(exact, (n / 2) * Math.log2(RATIO_FLOOR / 2), 1e-9 * n, 'exactly conserved, floored');
      assert.ok(Number.isFinite(exact));
    }),
    { numRuns: 200, seed: SEED },
  );
});
