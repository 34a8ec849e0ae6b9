/**
 * The decompositions never loop: ml-matrix's eigen-solver spins forever on NaN or ±Infinity, and on
 * finite entries so large that a norm it sums overflows. The wrappers refuse non-finite input with a
 * clear error, and bring huge or tiny matrices near 1 by a power of two, so the answer stays exact.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callWithDeadline, type Outcome } from '../deadline.ts';
import { smallestGeneralizedEigen } from '../../../src/engine/kernels/generalized-eigen.ts';
import { type generalEigen, solve, svd, symmetricEigen, timesPow2 } from '../../../src/engine/kernels/linalg.ts';

const linalg = new URL('../../../src/engine/kernels/linalg.ts', import.meta.url);
const calls = new URL('./linalg-calls.ts', import.meta.url);
const DEADLINE_MS = 20_000;

test('every decomposition refuses NaN and ±Infinity with an error naming it, never a hang', async () => {
  const r: Outcome<string[]> = await callWithDeadline(calls, 'decompositionErrors', [[NaN, Infinity, -Infinity]], DEADLINE_MS);
  assert.ok(r.ok, r.ok ? '' : r.message);
  assert.equal(r.value.length, 18);
  for (const line of r.value) assert.match(line, /: \w+: non-finite matrix entry/, line);
});

test('huge and tiny finite matrices decompose exactly (the eigen-solver used to loop on 1e307)', async () => {
  const s = 1e307;
  // s·R with R = [[1,-1,1],[1,1,-1],[-1,1,1]]: eigenvalues s and s(1 ± i√3).
  const big = [
    [s, -s, s],
    [s, s, -s],
    [-s, s, s],
  ];
  const r = await callWithDeadline<ReturnType<typeof generalEigen>>(linalg, 'generalEigen', [big], DEADLINE_MS);
  assert.ok(r.ok, r.ok ? '' : r.message);
  const { re, im } = r.value;
  const trace = re.reduce((a, b) => a + b, 0);
  assert.ok(Math.abs(trace - 3 * s) <= 1e-12 * s, `trace ${trace}`);
  // |λ|² of each eigenvalue of R is 1 or 4 (eigenvalues 1 and 1 ± i√3, up to the scale s).
  const moduli = re.map((x, i) => Math.hypot(x, im[i]) / s).sort();
  for (const [m, want] of moduli.map((m, i) => [m, [1, 2, 2][i]])) assert.ok(Math.abs(m - want) < 1e-12, `modulus ${m}`);

  const tiny = big.map((row) => row.map((v) => v * 1e-310 * 1e-317)); // about 1e-320: subnormal
  const t = symmetricEigen(tiny.map((row, i) => row.map((_, j) => tiny[i][j] + tiny[j][i])));
  assert.ok(t.values.every(Number.isFinite) && t.values.some((v) => v !== 0), `tiny eigenvalues ${t.values}`);
  assert.deepEqual(svd(big).s.map((x) => Math.round((x / s) ** 2)), [4, 4, 1]);
  const x = solve(big, [[s], [s], [s]]);
  assert.ok(x.every(([v], i) => Math.abs(v - [1, 1, 1][i]) < 1e-12), `solve gave ${x}`);
  assert.ok(smallestGeneralizedEigen(big.map((row) => row.map(() => 0)), symmetricBig(s)).values.every((v) => v === 0));
});

test('timesPow2 is exact for any power of two a double can reach', () => {
  assert.equal(timesPow2(1, 1023), 2 ** 1023);
  assert.equal(timesPow2(2 ** 1023, -2046), 2 ** -1023);
  assert.equal(timesPow2(5e-324, 1074), 1);
  assert.equal(timesPow2(1.5, -1074), 5e-324 * 2); // 1.5 · 2^-1074 rounds to an even multiple of the smallest subnormal
  assert.equal(timesPow2(3, 0), 3);
});

function symmetricBig(s: number): number[][] {
  return [
    [2 * s, s, 0],
    [s, 2 * s, s],
    [0, s, 2 * s],
  ];
}
