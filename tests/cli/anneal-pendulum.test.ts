/**
 * Acceptance: `latent-laws anneal --dataset pendulum` (its defaults: `auto` picks the angle chart, one
 * angle per frame) ends with the pendulum's law on held-out latents, as a user reads it: Störmer–Verlet's step θ_t+1 = 2θ_t − θ_t−1 − h²·sin θ_t
 * (h = 0.2, one frame per 0.2 time units) in the last line, and, conserved by it, a quantity that is the
 * pendulum's energy. The default 40 epochs: shorter runs leave the chart less exact, and the energy,
 * exact in delay form only to O(h²), is then stated in some seeds and not in others.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRunData, readRunConfig } from '../../src/anneal/config.ts';
import { PENDULUM_DT } from '../../src/anneal/datasets.ts';
import { loadDataset } from '../../src/data/load.ts';
import { compileLaw } from '../../src/laws/compile.ts';
import type { FitResult } from '../../src/types.ts';
import { correlation } from '../engine/recovery/compare.ts';

const cli = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

test('an anneal on the pendulum video, with the defaults, states Störmer–Verlet’s step and the energy it conserves', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latent-laws-pendulum-'));
  try {
    const out = join(dir, 'run');
    const r = spawnSync(process.execPath, [cli, 'anneal', '--dataset', 'pendulum', '--out', out], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(r.status, 0, r.stderr);
    const model = readRunConfig(out).model;
    assert.ok(model.arch === 'angle' && model.latent === 2 && model.chartWarp === 8, JSON.stringify(model));
    // The training searches offer library laws (the pendulum's is one), and the bridge pulled one.
    assert.equal(readRunConfig(out).trainingLibraryFamilies, true);
    const searches = readFileSync(join(out, 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; pulled?: { id: string }[] }).filter((e) => e.type === 'search');
    assert.ok(searches.some((e) => e.pulled?.some((p) => p.id.startsWith('library_map'))), JSON.stringify(searches.map((e) => e.pulled)));
    assert.match(r.stdout, /^encoder: angle chart \(auto: the brightest feature swings on a circle of radius 0\.6\d+ and never turns through the \d+° it leaves unvisited\)$/m);
    const heldout = JSON.parse(readFileSync(join(out, 'heldout-laws.json'), 'utf8')) as FitResult;
    const law = heldout.laws[0];
    assert.equal(law.role, 'map', law.id);
    assert.ok(law.metrics.inlierFraction >= 0.95, `${law.id} holds on ${law.metrics.inlierFraction}`);
    // u1' = u2; u2' = −u1 + 2·u2 − h²·sin(u2 + δ): the chart's zero may sit a little off the rest position.
    const coefficient = (row: number, feature: string) => law.model.coefficients[row][law.model.features.indexOf(feature)] ?? 0;
    assert.ok(Math.abs(coefficient(0, 'u2') - 1) < 1e-3 && Math.abs(coefficient(0, 'u1')) < 1e-3, JSON.stringify(law.model));
    assert.ok(Math.abs(coefficient(1, 'u1') + 1) < 1e-2 && Math.abs(coefficient(1, 'u2') - 2) < 1e-2, JSON.stringify(law.model));
    const h2 = Math.hypot(coefficient(1, 'sin(u2)'), coefficient(1, 'cos(u2)'));
    assert.ok(Math.abs(h2 / PENDULUM_DT ** 2 - 1) < 0.05, `h² read off the sine: ${h2}, expected ${PENDULUM_DT ** 2}`);
    const last = r.stdout.trim().split('\n').pop()!;
    assert.ok(last.startsWith('done: ') && last.includes(law.summary), last);
    // What the map conserves is the energy θ'²/2 − cos θ of the held-out sequences.
    const latents = loadDataset(join(out, 'heldout-latents.npy'));
    const { values } = loadRunData(readRunConfig(out).data, readRunConfig(out).heldout).heldout!.truth!;
    const energy = Array.from({ length: values.length / 2 }, (_, i) => values[2 * i + 1] ** 2 / 2 - Math.cos(values[2 * i]));
    const best = Math.max(0, ...(law.conserved ?? []).map((inv) => {
      const c = compileLaw({ ...inv, rank: 0, outliers: [] });
      return Math.abs(correlation(energy.map((_, i) => c.invariant(c.project(latents.states, 2 * i))), energy));
    }));
    assert.ok(best >= 0.99, `best |corr| of a conserved invariant with the energy: ${best}; notes ${law.notes.join('; ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
