/**
 * Search-level behaviour a user relies on: identical results for any number of workers, Ctrl-C keeps
 * what was found, progress names each stage, the grammar really drives the families, and a candidate
 * that yields NaN is reported and skipped while the search goes on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { plantLaw } from '../../../src/planted.ts';
import { fit } from '../../../src/engine/fit.ts';
import { parseGrammar } from '../../../src/grammar/parse.ts';
import { defaultGrammarPath } from '../../../src/grammar/load.ts';
import type { FitResult } from '../../../src/types.ts';

const planted = plantLaw({ kind: 'rotation', seed: 17, noiseDims: 3, angle: Math.PI / 5, noise: 1e-3, outliers: 0.03 });
const defaultText = readFileSync(defaultGrammarPath(), 'utf8');

const comparable = (r: FitResult) => JSON.stringify({ laws: r.laws, pareto: r.pareto, screened: r.provenance.candidatesScreened });

test('results are identical with 0, 1 and 2 worker threads', async () => {
  const inline = await fit(planted.dataset, { workers: 0, seed: 3 });
  const one = await fit(planted.dataset, { workers: 1, seed: 3 });
  const two = await fit(planted.dataset, { workers: 2, seed: 3 });
  assert.ok(inline.laws.length > 0);
  assert.equal(comparable(one), comparable(inline));
  assert.equal(comparable(two), comparable(inline));
});

test('an interrupted search returns what it ranked so far and says so', async () => {
  const controller = new AbortController();
  const result = await fit(planted.dataset, {
    workers: 2,
    signal: controller.signal,
    onProgress: (p) => {
      if (p.stage === 'finalists' && p.done >= 4) controller.abort();
    },
  });
  assert.equal(result.provenance.interrupted, true);
  assert.ok(result.provenance.finalists < 48, `all ${result.provenance.finalists} finalists ran despite the abort`);
  assert.ok(result.provenance.finalists >= 4);
});

test('progress names every stage in order, the subspaces counted to their end, with any worker count', async () => {
  for (const workers of [0, 2]) {
    const reports: { stage: string; done: number; total: number }[] = [];
    const result = await fit(planted.dataset, { workers, seed: 3, onProgress: (p) => reports.push(p) });
    const stages = reports.map((p) => p.stage).filter((stage, i, all) => stage !== all[i - 1]);
    assert.deepEqual(stages, ['moments', 'subspaces', 'screening', 'finalists', 'evaluating', 'complement'], `workers ${workers}`);
    const subspaces = reports.filter((p) => p.stage === 'subspaces');
    // The plan, then the default grammar's one eigenspaces generator.
    assert.deepEqual(subspaces.map((p) => `${p.done}/${p.total}`), ['0/2', '1/2', '2/2'], `workers ${workers}`);
    // The noise dimensions beside the law are the complement: its two predictabilities, counted.
    assert.notEqual(result.complement, null);
    assert.deepEqual(reports.filter((p) => p.stage === 'complement').map((p) => `${p.done}/${p.total}`), ['0/2', '1/2', '2/2'], `workers ${workers}`);
  }
});

test('after Ctrl-C during the subspace stage, its decomposition reports no more progress', async () => {
  const controller = new AbortController();
  const late: string[] = [];
  let ended = false;
  const result = await fit(planted.dataset, {
    workers: 2,
    signal: controller.signal,
    onProgress: (p) => {
      if (ended || (controller.signal.aborted && p.stage === 'subspaces')) late.push(`${p.stage} ${p.done}/${p.total}${ended ? ' after the fit' : ''}`);
      if (p.stage === 'subspaces' && p.done === 1) controller.abort();
    },
  });
  ended = true;
  // The decomposition goes on on its worker; give it time to finish.
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(result.provenance.interrupted, true);
  assert.deepEqual(late, []);
});

test('a family removed from the grammar is never proposed; the next best description wins', async () => {
  const withoutRotation = parseGrammar(defaultText.replace(/^family rotation .*$/m, ''), 'no-rotation.grammar');
  const result = await fit(planted.dataset, { workers: 0, grammar: withoutRotation });
  assert.ok(result.laws.every((l) => l.family !== 'rotation'));
  assert.ok(result.laws.some((l) => l.family === 'damped_rotation' || l.family === 'orthogonal' || l.family === 'linear'));
  assert.ok(result.pareto.every((p) => p.family !== 'rotation'));
});

test('a term added in a user grammar is used by library families', async () => {
  const cubic = plantLaw({ kind: 'pendulum', seed: 4, noiseDims: 0, mix: false, noise: 0 });
  // Replace the library with cos only plus a new 'half square' term: the energy is still expressible.
  const text = defaultText.replace(/^term .*$/gm, '') + '\nterm halfsq = a^2/2 cost 2\nterm cos = cos(a) cost 3\n';
  const result = await fit(cubic.dataset, { workers: 0, grammar: parseGrammar(text, 'user.grammar') });
  const energy = result.laws.find((l) => l.family === 'library_invariant');
  assert.ok(energy, `no library invariant: ${result.laws.map((l) => l.id).join(', ')}`);
  assert.ok(energy.model.features.some((f) => f.includes('/ 2') || f.includes('/2')), `features ${energy.model.features}`);
});

test('a term that yields NaN on the data is reported as a failure and the search goes on', async () => {
  const text = defaultText + '\nterm logabs = log(a) cost 1\n';
  const result = await fit(planted.dataset, { workers: 0, grammar: parseGrammar(text, 'nan.grammar') });
  assert.ok(result.provenance.failures.length > 0, 'no failure reported for log of negative values');
  assert.ok(result.provenance.failures.every((f) => f.error.length > 0));
  assert.ok(result.laws.some((l) => l.family === 'rotation'), 'the rotation was lost');
});
