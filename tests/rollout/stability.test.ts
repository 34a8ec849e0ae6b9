/**
 * Rollout's stability check: a law that leaves the training latents' range when iterated (distance from
 * their mean in the law's subspace above twice the largest such distance among them) is replaced by an
 * alternative that stays, and the run says which law diverged after how many steps.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { anneal, rollout } from '../../src/anneal/entry.ts';
import { chooseStableLaw, divergenceStep, RANGE_FACTOR } from '../../src/rollout/stability.ts';
import { loadDataset } from '../../src/data/load.ts';
import { writeNpy } from '../../src/data/npy.ts';
import { mulberry32 } from '../../src/random.ts';
import { randomOrthogonal } from '../../src/planted.ts';
import type { Dataset, Law } from '../../src/types.ts';
import { hiddenRotationFrames, makeLaw, rotationData, stubSearch } from '../anneal/helpers.ts';

/** Mean of the states projected on `basis`, and the largest distance of a projected state from it. */
function range(data: Dataset, basis: number[][]): { mean: number[]; radius: number } {
  const n = data.states.length / data.dim;
  const U = Array.from({ length: n }, (_, i) => basis.map((row) => row.reduce((s, w, c) => s + w * data.states[i * data.dim + c], 0)));
  const mean = basis.map((_, a) => U.reduce((s, u) => s + u[a], 0) / n);
  return { mean, radius: Math.max(...U.map((u) => Math.hypot(...u.map((v, a) => v - mean[a])))) };
}

/** u' = μ + ρ·R(θ)·(u − μ) in the 2-plane `basis`: a rotation (ρ = 1), contraction (< 1) or spiral out (> 1) about μ. */
function spiral(id: string, basis: number[][], mean: number[], rho: number, theta: number): Law {
  const c = rho * Math.cos(theta), s = rho * Math.sin(theta);
  const law = makeLaw(id, 'map', basis, ['u1', 'u2', '1'], [
    [c, -s, mean[0] - c * mean[0] + s * mean[1]],
    [s, c, mean[1] - s * mean[0] - c * mean[1]],
  ]);
  law.family = 'affine';
  return law;
}

/** The same rotation about μ plus g·(u1 − μ1)² on u1': the quadratic term grows the orbit until it escapes. */
function quadraticDrift(id: string, mean: number[], theta: number, g: number): Law {
  const law = spiral(id, [[1, 0], [0, 1]], mean, 1, theta);
  law.family = 'library_map';
  law.model.features.push('u1^2');
  const [m1] = mean;
  // g·(u1 − m1)² = g·u1² − 2g·m1·u1 + g·m1²
  law.model.coefficients[0][0] -= 2 * g * m1;
  law.model.coefficients[0][2] += g * m1 * m1;
  law.model.coefficients[0].push(g);
  law.model.coefficients[1].push(0);
  return law;
}

/** Steps after which the drifting law first leaves the range from some sequence start, iterated by hand. */
function driftEscape(data: Dataset, mean: number[], radius: number, theta: number, g: number, steps: number): number | null {
  let first: number | null = null;
  for (let k = 0; k + 1 < data.offsets.length; k++) {
    let x = data.states[data.offsets[k] * 2] - mean[0], y = data.states[data.offsets[k] * 2 + 1] - mean[1];
    for (let t = 1; t <= steps; t++) {
      [x, y] = [Math.cos(theta) * x - Math.sin(theta) * y + g * x * x, Math.sin(theta) * x + Math.cos(theta) * y];
      if (!(Math.hypot(x, y) <= RANGE_FACTOR * radius)) {
        if (first === null || t < first) first = t;
        break;
      }
    }
  }
  return first;
}

test('any rotation or contraction about the training mean, in a random plane, stays in range', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 2, max: 6 }), fc.double({ min: 0, max: 1, noNaN: true }),
      fc.double({ min: -Math.PI, max: Math.PI, noNaN: true }), fc.integer({ min: 1, max: 200 }),
      (seed, d, rho, theta, steps) => {
        const rand = mulberry32(seed);
        const K = 5, T = 7;
        const states = Float64Array.from({ length: K * T * d }, () => 3 * (rand() - 0.5) + 1);
        const data: Dataset = { dim: d, states, offsets: Array.from({ length: K + 1 }, (_, k) => k * T), source: 'random' };
        const basis = randomOrthogonal(d, rand).slice(0, 2);
        const { mean } = range(data, basis);
        assert.equal(divergenceStep(spiral('s', basis, mean, rho, theta), data, steps), null);
      },
    ),
    { numRuns: 200, seed: 7 },
  );
});

test('a spiral out of the training mean leaves the range when ρᵗ·|u₀ − μ| first exceeds twice the largest distance', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.double({ min: 1.05, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true }), (seed, rho, theta) => {
      assert.equal(RANGE_FACTOR, 2, 'the README states the range as twice the largest distance');
      const rand = mulberry32(seed);
      const data: Dataset = { dim: 3, states: Float64Array.from({ length: 4 * 6 * 3 }, () => rand() - 0.5), offsets: [0, 6, 12, 18, 24], source: 'random' };
      const basis = randomOrthogonal(3, rand).slice(0, 2);
      const { mean, radius } = range(data, basis);
      const starts = [0, 6, 12, 18].map((i) => Math.hypot(...basis.map((row, a) => row.reduce((s, w, c) => s + w * data.states[i * 3 + c], 0) - mean[a])));
      const expected = Math.min(...starts.map((r0) => Math.floor(Math.log((RANGE_FACTOR * radius) / r0) / Math.log(rho)) + 1));
      // Skip cases on the boundary, where rounding decides.
      fc.pre(starts.every((r0) => Math.abs(Math.log((RANGE_FACTOR * radius) / r0) / Math.log(rho) % 1) > 1e-6));
      assert.equal(divergenceStep(spiral('out', basis, mean, rho, theta), data, 1000), expected);
      assert.equal(divergenceStep(spiral('out', basis, mean, rho, theta), data, expected - 1), null);
    }),
    { numRuns: 200, seed: 8 },
  );
});

test('chooseStableLaw: alternatives first, then other map laws on the same subspace, else the chosen law', () => {
  const data = rotationData(6, 16, 0.4);
  const { mean, radius } = range(data, [[1, 0], [0, 1]]);
  const drift = quadraticDrift('library_map@plane', mean, 0.4, 0.3);
  const escape = driftEscape(data, mean, radius, 0.4, 0.3, 50);
  assert.ok(escape !== null && escape > 1 && escape < 50, `fixture: escapes after ${escape}`);
  const stable = spiral('affine@plane', [[1, 0], [0, 1]], mean, 1, 0.4);
  const { rank: _r, outliers: _o, ...alternative } = stable;
  const { rank: _r2, outliers: _o2, ...spiralOut } = spiral('spiral-out@plane', [[1, 0], [0, 1]], mean, 1.2, 0.4);
  const top: Law = { ...drift, alternatives: [spiralOut, alternative] };
  const v = chooseStableLaw(top, [top], data, 50);
  assert.equal(v.stability, 'fallback');
  assert.equal(v.law.id, 'affine@plane');
  assert.equal(v.fallbackFrom, 'library_map@plane');
  assert.equal(v.divergedAfterSteps, escape);
  assert.deepEqual(v.tried.map((t) => [t.id, t.divergedAfterSteps === null]), [['spiral-out@plane', false], ['affine@plane', true]]);
  assert.match(v.message!, new RegExp(`^law library_map@plane leaves the training range after ${escape} steps; rolling out affine@plane instead`));
  // Shorter rollouts than the escape need no fallback.
  assert.equal(chooseStableLaw(top, [top], data, escape! - 1).stability, 'stable');
  // Without alternatives: the other map laws on the same subspace, best rank first, in any basis of it.
  const bare: Law = { ...drift, alternatives: undefined };
  const line: Law = { ...makeLaw('line', 'map', [[1, 0]], ['u1'], [[1]]), rank: 2 };
  const out: Law = { ...spiral('spiral-out', [[1, 0], [0, 1]], mean, 1.2, 0.4), rank: 3 };
  const skewBasis = [[Math.SQRT1_2, Math.SQRT1_2], [-Math.SQRT1_2, Math.SQRT1_2]];
  const turned: Law = { ...spiral('turned', skewBasis, range(data, skewBasis).mean, 1, 0.1), rank: 5 };
  const steady: Law = { ...spiral('steady', [[1, 0], [0, 1]], mean, 0.9, 0.4), rank: 4 };
  const picked = chooseStableLaw(bare, [turned, bare, out, line, steady], data, 50);
  assert.deepEqual(picked.tried.map((t) => t.id), ['spiral-out', 'steady']);
  assert.equal(picked.law.id, 'steady');
  assert.equal(chooseStableLaw(bare, [bare, line, out, turned], data, 50).law.id, 'turned');
  const noFallback = chooseStableLaw(bare, [bare, line], data, 50);
  assert.equal(noFallback.law, bare);
  assert.equal(noFallback.stability, 'unstable');
  assert.match(noFallback.message!, /and it has no alternative on its subspace; rolling it out anyway$/);
  const none = chooseStableLaw(bare, [bare, out], data, 50);
  assert.deepEqual([none.law.id, none.stability], [bare.id, 'unstable']);
  assert.match(none.message!, /no alternative stays in range either \(spiral-out: \d+ steps\)/);
  // Disabled: reported, not replaced.
  const off = chooseStableLaw(top, [top], data, 50, { fallback: false });
  assert.deepEqual([off.law.id, off.stability, off.divergedAfterSteps, off.fallbackFrom], ['library_map@plane', 'unstable', escape, undefined]);
});

let dir = '';
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'latent-laws-stability-'));
  writeFileSync(join(dir, 'frames.npy'), writeNpy(hiddenRotationFrames(8, 16, 6, (2 * Math.PI) / 10), [8, 16, 6]));
  await anneal({ out: join(dir, 'run'), data: { kind: 'file', path: join(dir, 'frames.npy') }, latent: 2, hidden: [16], epochs: 2, batchSequences: 4, seed: 1, search: stubSearch });
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** Hand-made laws on the run's 2-D latent space: a drifting library map whose alternative rotates about the training mean. */
function runLaws(theta: number, g: number) {
  const latents = loadDataset(join(dir, 'run', 'latents.npy'));
  const { mean, radius } = range(latents, [[1, 0], [0, 1]]);
  const { rank: _r, outliers: _o, ...rotation } = spiral('affine@latent', [[1, 0], [0, 1]], mean, 1, theta);
  const top: Law = { ...quadraticDrift('library_map@latent', mean, theta, g), alternatives: [rotation] };
  return { top, escape: driftEscape(latents, mean, radius, theta, g, 50) };
}

test('rollout falls back to a stable alternative and records which law diverged after how many steps', async () => {
  const { top, escape } = runLaws(0.3, 2 / Math.max(1e-9, range(loadDataset(join(dir, 'run', 'latents.npy')), [[1, 0], [0, 1]]).radius));
  assert.ok(escape !== null && escape < 50, `fixture: escapes after ${escape}`);
  const r = await rollout({ run: join(dir, 'run'), steps: 50, sequences: 2, hold: 'mean', laws: { laws: [top] } });
  assert.deepEqual([r.law.id, r.stability, r.fallbackFrom, r.divergedAfterSteps], ['affine@latent', 'fallback', 'library_map@latent', escape]);
  assert.ok(r.mse!.every(Number.isFinite), `forecast errors ${r.mse}`);
  assert.match(r.stabilityMessage!, new RegExp(`^law library_map@latent leaves the training range after ${escape} steps; rolling out affine@latent instead`));
  const off = await rollout({ run: join(dir, 'run'), steps: 50, sequences: 2, hold: 'mean', laws: { laws: [top] }, fallback: false });
  assert.deepEqual([off.law.id, off.stability, off.fallbackFrom, off.divergedAfterSteps], ['library_map@latent', 'unstable', undefined, escape]);
  const steady = await rollout({ run: join(dir, 'run'), steps: 50, sequences: 2, hold: 'mean', laws: { laws: [{ ...top.alternatives![0], rank: 1, outliers: [] }] } });
  assert.deepEqual([steady.law.id, steady.stability, steady.divergedAfterSteps, steady.stabilityMessage], ['affine@latent', 'stable', undefined, undefined]);
});

test('rollout takes the map the run reports, the simplest near-perfect one, not the best-ranked', async () => {
  const { top } = runLaws(0.3, 0);
  const rotation = top.alternatives![0];
  // Ranked first: the library map (more bits); the run reports the rotation, near-perfect in fewer bits.
  const ranked: Law[] = [
    { ...top, alternatives: undefined, rank: 1, metrics: { ...top.metrics, complexity: 40 } },
    { ...rotation, id: 'rotation@latent', rank: 2, outliers: [], metrics: { ...rotation.metrics, complexity: 12 } },
  ];
  const r = await rollout({ run: join(dir, 'run'), steps: 5, sequences: 2, hold: 'mean', laws: { laws: ranked } });
  assert.equal(r.law.id, 'rotation@latent');
  // Nothing near-perfect: the best-ranked map, as before.
  const loose = ranked.map((l) => ({ ...l, metrics: { ...l.metrics, inlierFraction: 0.8 } }));
  assert.equal((await rollout({ run: join(dir, 'run'), steps: 5, sequences: 2, hold: 'mean', laws: { laws: loose } })).law.id, 'library_map@latent');
});

test('the rollout command prints the fallback line, records it in --json, and --no-fallback keeps the law', () => {
  const { top, escape } = runLaws(0.3, 2 / range(loadDataset(join(dir, 'run', 'latents.npy')), [[1, 0], [0, 1]]).radius);
  const file = join(dir, 'drift.json');
  writeFileSync(file, JSON.stringify({ laws: [top] }));
  const cli = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
  const run = (...args: string[]) => spawnSync(process.execPath, [cli, 'rollout', join(dir, 'run'), '--laws', file, '--sequences', '2', '--hold', 'mean', ...args], { encoding: 'utf8' });
  const text = run();
  assert.equal(text.status, 0, text.stderr);
  assert.equal(text.stdout.split('\n')[0], `law library_map@latent leaves the training range after ${escape} steps; rolling out affine@latent instead, which stays in range for 50 steps`);
  const json = run('--json');
  assert.equal(json.status, 0, json.stderr);
  const out = JSON.parse(json.stdout);
  assert.deepEqual([out.law.id, out.fallbackFrom, out.divergedAfterSteps, out.stability], ['affine@latent', 'library_map@latent', escape, 'fallback']);
  assert.match(json.stderr, /leaves the training range/);
  const off = run('--json', '--no-fallback');
  assert.equal(off.status, 0, off.stderr);
  assert.deepEqual([JSON.parse(off.stdout).law.id, JSON.parse(off.stdout).stability], ['library_map@latent', 'unstable']);
  // --law names the alternative itself: it is rolled out directly, stably, no fallback needed.
  const picked = run('--json', '--law', 'affine@latent');
  assert.equal(picked.status, 0, picked.stderr);
  assert.deepEqual([JSON.parse(picked.stdout).law.id, JSON.parse(picked.stdout).stability], ['affine@latent', 'stable']);
});
