/**
 * The exact pass of the reported laws runs a law and its alternatives over one shared stream, in
 * ranges of the transitions that workers share. What a user relies on: a law's outliers and metrics
 * do not depend on what it shares that pass with, nor (beyond rounding) on how it is cut into ranges,
 * and they are its true per-transition residuals against the tolerance.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { evaluateLaws, type EvaluateTask, inlinePasses } from '../../../src/engine/output/exact-pass.ts';
import { passRanges } from '../../../src/engine/passes/ranges.ts';
import { FeatureCatalog, subspaceVariables } from '../../../src/engine/model/features.ts';
import { mulberry32 } from '../../../src/random.ts';
import { transitionStarts } from '../../../src/engine/moments/transitions.ts';
import type { LawFit } from '../../../src/engine/model/law-fit.ts';
import { expressionTree } from '../../../src/grammar/safe-math.ts';

const VARS = subspaceVariables(2);
const LIBRARY = ['u1', 'u2', '1', 'u1^2', 'u1*u2', 'sin(u1)', 'cos(u2)', 'u1 ^ 2'];
const CATALOG = new FeatureCatalog(LIBRARY.map((e) => [e, expressionTree(e, VARS)]));

/** A sparse law on the plane: maps 2 × m, invariants 1 × m, coefficients on every feature. */
function law(role: 'map' | 'invariant', features: string[], params: number[]): LawFit {
  const rows = role === 'map' ? 2 : 1;
  const positions: [number, number][] = [];
  for (let r = 0; r < rows; r++) for (let c = 0; c < features.length; c++) positions.push([r, c]);
  return {
    id: `${role}-${features.join(',')}`,
    family: role === 'map' ? 'library_map' : 'library_invariant',
    role,
    k: 2,
    features,
    parametrization: { kind: 'sparse', positions, rows, cols: features.length, names: positions.map(([r, c]) => `c${r}${c}`) },
    params: params.slice(0, positions.length),
    structuralCost: 0,
  };
}

const lawArb = fc.record({
  role: fc.constantFrom('map' as const, 'invariant' as const),
  features: fc.uniqueArray(fc.constantFrom(...LIBRARY), { minLength: 1, maxLength: 5 }),
  params: fc.array(fc.double({ min: -1.5, max: 1.5, noNaN: true }), { minLength: 10, maxLength: 10 }),
  tolerance: fc.double({ min: 0.01, max: 2, noNaN: true }),
});

test('laws sharing an exact pass get the results of passes of their own, bit for bit, and their true outliers, in any ranges', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 3, max: 3000 }), fc.array(lawArb, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 2000 }), async (seed, n, specs, size) => {
      const rand = mulberry32(seed);
      const dim = 3;
      const T = 30;
      const K = Math.ceil(n / (T - 1));
      const states = Float64Array.from({ length: K * T * dim }, () => 2 * (rand() - 0.5));
      const ctx = { states, dim, starts: transitionStarts(Array.from({ length: K + 1 }, (_, k) => k * T)) };
      const basis = [[0.6, 0.8, 0], [0, 0, 1]];
      const tasks: EvaluateTask[] = specs.map((s) => ({ fit: law(s.role, s.features, s.params), tolerance: s.tolerance }));
      const N = ctx.starts.length;
      const run = inlinePasses(ctx);
      const trees = (t: EvaluateTask[]) => CATALOG.subset(t.flatMap((task) => task.fit.features));
      const shared = await evaluateLaws(N, basis, tasks, trees(tasks), run);
      const split = await evaluateLaws(N, basis, tasks, trees(tasks), run, passRanges(N, size));
      for (const [i, task] of tasks.entries()) {
        const [alone] = await evaluateLaws(N, basis, [task], trees([task]), run);
        assert.equal(JSON.stringify({ ...shared[i], outliers: [...shared[i].outliers] }), JSON.stringify({ ...alone, outliers: [...alone.outliers] }));
        // An invariant with no term but the constant has no spread to measure: its scale is rounding.
        if (task.fit.role === 'invariant' && task.fit.features.every((f, j) => f === '1' || Math.abs(task.fit.params[j]) < 1e-6)) continue;
        assert.deepEqual([...split[i].outliers], [...shared[i].outliers]);
        for (const key of ['sumSqAll', 'sumSqIn', 'scale', 'nIn'] as const) assert.ok(Math.abs(split[i][key] - shared[i][key]) <= 1e-9 * (1 + Math.abs(shared[i][key])), `${key}: ${split[i][key]} vs ${shared[i][key]}`);
      }
      // Outliers are exactly the transitions whose plain residual exceeds the tolerance.
      tasks.forEach((task, i) => {
        const evalF = CATALOG.compileAll(task.fit.features, VARS);
        const m = task.fit.features.length;
        const [phiU, phiV] = [new Float64Array(m), new Float64Array(m)];
        const project = (s: number) => basis.map((b) => b.reduce((a, w, j) => a + w * states[s * dim + j], 0));
        const p = task.fit.params;
        const want: number[] = [];
        ctx.starts.forEach((s, t) => {
          const [u, v] = [project(s), project(s + 1)];
          evalF(Float64Array.from(u), phiU);
          let r: number;
          if (task.fit.role === 'map') {
            const pred = [0, 1].map((row) => phiU.reduce((a, f, j) => a + p[row * m + j] * f, 0));
            r = Math.hypot(v[0] - pred[0], v[1] - pred[1]);
          } else {
            evalF(Float64Array.from(v), phiV);
            r = Math.abs(phiV.reduce((a, f, j) => a + p[j] * (f - phiU[j]), 0)) / shared[i].scale;
          }
          // Rounding can move a residual across the tolerance only within a hair of it.
          if (r > task.tolerance * (1 + 1e-9)) want.push(t);
          else if (r > task.tolerance * (1 - 1e-9) && shared[i].outliers.includes(t)) want.push(t);
        });
        assert.deepEqual([...shared[i].outliers], want);
      });
    }),
    { numRuns: 60, seed: 11 },
  );
});
