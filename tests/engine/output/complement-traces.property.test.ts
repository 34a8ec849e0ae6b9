/**
 * The complement's figures come from P X P (P = I − QᵀQ) without a basis of the complement. They must
 * equal what an explicit orthonormal basis B of it gives: tr(B X Bᵀ), and the share a linear fit
 * explains, tr(B Cyx Bᵀ (B Cxx Bᵀ)⁻¹ B Cxy Bᵀ), for random covariances and random covered rows.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { explainedOnComplement, onComplement } from '../../../src/engine/output/complement.ts';
import { matmul, solve, transpose } from '../../../src/engine/kernels/linalg.ts';
import { randomOrthogonal } from '../../../src/planted.ts';
import { mulberry32 } from '../../../src/random.ts';

const trace = (m: number[][]) => m.reduce((s, row, i) => s + row[i], 0);
const sandwich = (B: number[][], X: number[][]) => matmul(matmul(B, X), transpose(B));

test('traces and explained share on the complement match an explicit basis of it', () => {
  fc.assert(
    fc.property(fc.integer({ min: 2, max: 9 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), (d, rRaw, seed) => {
      const r = Math.min(rRaw, d - 1);
      const rand = mulberry32(seed);
      const W = randomOrthogonal(d, rand); // rows: Q (covered) then B (complement)
      const [Q, B] = [W.slice(0, r), W.slice(r)];
      const G = Array.from({ length: d }, () => Array.from({ length: d }, () => rand() - 0.5));
      const Cxx = matmul(G, transpose(G)).map((row, i) => row.map((v, j) => v + (i === j ? 0.1 : 0)));
      const Cyx = Array.from({ length: d }, () => Array.from({ length: d }, () => rand() - 0.5));
      const pCxxP = onComplement(Cxx, Q);
      const scale = Math.max(1, trace(Cxx));
      assert.ok(Math.abs(trace(pCxxP) - trace(sandwich(B, Cxx))) <= 1e-10 * scale);
      const bxx = sandwich(B, Cxx);
      const byx = sandwich(B, Cyx);
      const X = solve(bxx, transpose(byx));
      const expected = byx.reduce((s, row, i) => s + row.reduce((t, v, j) => t + v * X[j][i], 0), 0);
      const got = explainedOnComplement(pCxxP, onComplement(Cyx, Q), Q);
      assert.ok(Math.abs(got - expected) <= 1e-8 * Math.max(1, Math.abs(expected)), `explained ${got} against ${expected} (d ${d}, r ${r})`);
    }),
    { numRuns: 200, seed: 4104 },
  );
});
