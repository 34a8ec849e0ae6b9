/**
 * Acceptance: `latent-laws anneal --dataset spinning` ends with the physical law. The video turns by
 * π/8 per frame; a user reads the run's last line and summary.json, which must name a rotation (in any
 * linear frame) by π/8 within 2%, not the longest law of the final search. A whole default run
 * (40 epochs).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FitResult } from '../../src/types.ts';

const cli = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const ROTATIONS = ['rotation', 'damped_rotation', 'skewed_rotation', 'damped_skewed_rotation'];

test('a default anneal on spinning names a rotation by π/8 in its summary and last line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latent-laws-spinning-'));
  try {
    const out = join(dir, 'run');
    const r = spawnSync(process.execPath, [cli, 'anneal', '--dataset', 'spinning', '--out', out, '--seed', '1'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as { heldoutBestLaw: string };
    const heldout = JSON.parse(readFileSync(join(out, 'heldout-laws.json'), 'utf8')) as FitResult;
    const law = heldout.laws.find((l) => l.id === summary.heldoutBestLaw);
    assert.ok(law, `summary names ${summary.heldoutBestLaw}, not among ${heldout.laws.map((l) => l.id)}`);
    assert.ok(ROTATIONS.includes(law.family), `the headline law is ${law.id}`);
    const theta = Math.abs(law.parameters.find((p) => p.name === 'theta')!.value);
    assert.ok(Math.abs(theta / (Math.PI / 8) - 1) < 0.02, `θ = ${theta}, π/8 = ${Math.PI / 8}`);
    const last = r.stdout.trim().split('\n').pop()!;
    assert.ok(last.startsWith('done: ') && last.endsWith(`best law on held-out latents: ${law.summary}`), last);
    assert.ok(last.includes(`it holds on ${(100 * law.metrics.inlierFraction).toFixed(1)}% of the held-out transitions`), last);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
