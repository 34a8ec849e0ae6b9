/**
 * A subspace generator whose decomposition fails (non-finite moments) proposes nothing and is named in
 * the failures; the search goes on with the other generators instead of stopping or looping.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadGrammar, defaultGrammarPath } from '../../../src/grammar/index.ts';
import { accumulateMoments, momentShift } from '../../../src/engine/moments/moments.ts';
import { transitionStarts } from '../../../src/engine/moments/transitions.ts';
import { generateSubspaces } from '../../../src/engine/subspaces/generate.ts';
import { plantLaw } from '../../../src/planted.ts';
import type { Failure } from '../../../src/types.ts';
import { callWithDeadline, type Outcome } from '../deadline.ts';

test('non-finite moments: eigen, principal and predictable-coordinate subspaces fail by name, coordinate subsets remain', async () => {
  const { dataset } = plantLaw({ kind: 'rotation', seed: 5, noiseDims: 2, noise: 1e-3, trajectories: 6, steps: 20 });
  const starts = transitionStarts(dataset.offsets);
  const mom = accumulateMoments(dataset.states, dataset.dim, starts, momentShift(dataset.states, dataset.dim), 0, starts.length);
  mom.sums[1] = mom.sums[(2 * dataset.dim + 1) * 1] = Infinity;
  const grammar = loadGrammar(defaultGrammarPath());
  // Under a deadline: an eigen-solver on these moments used to loop forever.
  const r: Outcome<{ labels: string[]; failures: Failure[] }> = await callWithDeadline(new URL('./generate-call.ts', import.meta.url), 'labelsAndFailures', [grammar, mom], 20_000);
  assert.ok(r.ok, r.ok ? '' : r.message);
  assert.deepEqual(r.value.failures.map((f) => f.id).sort(), ['subspaces:constants', 'subspaces:eigenspaces', 'subspaces:predictable-coordinates', 'subspaces:principal']);
  for (const f of r.value.failures) assert.match(f.error, /non-finite/);
  assert.ok(r.value.labels.includes('coords[0,1]') && r.value.labels.includes('full'), r.value.labels.join(' '));
  assert.ok(r.value.labels.every((l) => l.startsWith('coords[') || l === 'full'), r.value.labels.join(' '));
  // Called directly, the same generation returns rather than throwing.
  const failures: Failure[] = [];
  generateSubspaces(grammar, mom, 2 ** -53, undefined, failures);
  assert.equal(failures.length, 4);
});
