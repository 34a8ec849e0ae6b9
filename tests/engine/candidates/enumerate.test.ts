/**
 * The enumerator turns a grammar and the proposed subspaces into the candidate list the search screens.
 * What a user relies on: every family the grammar enables is proposed wherever it makes sense (and
 * nowhere else), in each of its offset variants, at the cost the grammar gives it; the list is in order
 * of structural cost and independent of how the grammar file is ordered; the candidate budget cuts the
 * most expensive candidates; and that cut never pushes out the subspaces estimated from the data, where
 * hidden laws live, just because stating their basis takes many bits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { enumerateCandidates } from '../../../src/engine/candidates/enumerate.ts';
import type { CandidateSpec } from '../../../src/engine/candidates/candidate.ts';
import { parseGrammar } from '../../../src/grammar/parse.ts';
import type { Subspace } from '../../../src/types.ts';

const SEED = 20240617;

const FAMILIES = [
  'family identity cost 1',
  'family constant cost 2',
  'family translation cost 3',
  'family scaling cost 3',
  'family rotation cost 4',
  'family damped_rotation cost 5',
  'family orthogonal cost 6',
  'family linear cost 8',
  'family affine cost 9',
  'family library_map cost 10',
  'family linear_invariant cost 4',
  'family quadratic_invariant cost 6',
  'family library_invariant cost 8',
];
const FAMILY_COST: Record<string, number> = Object.fromEntries(FAMILIES.map((l) => [l.split(' ')[1], Number(l.split(' ')[3])]));

/** All families, one pairwise term (so a 1-D subspace has no library features), and the given limits. */
function grammar(limits: string[] = [], families = FAMILIES) {
  return parseGrammar([...families, 'subspace full cost 0', 'term product = a*b cost 2', ...limits].join('\n'), 'enumerate-test.grammar');
}

const unit = (d: number, i: number) => Array.from({ length: d }, (_, j) => (j === i ? 1 : 0));
function coordinates(d: number, idx: number[], cost: number): Subspace {
  return { label: `coords[${idx}]`, kind: 'coordinates', basis: idx.map((i) => unit(d, i)), coordinates: idx, cost, basisBits: 0 };
}

const ids = (cands: CandidateSpec[]) => cands.map((c) => c.id).sort();

test('each family is proposed on the subspaces it fits, in each of its offset variants, once', () => {
  const subspaces: Subspace[] = [coordinates(3, [0], 1), coordinates(3, [0, 1], 1), { label: 'full', kind: 'full', basis: [0, 1, 2].map((i) => unit(3, i)), cost: 0, basisBits: 0 }];
  const got = enumerateCandidates(grammar(['limit max_library_dim 2', 'limit max_quadratic_dim 2']), subspaces);
  const on = (label: string, families: string[]) => families.map((f) => `${f}@${label}`);
  // 1-D: no plane families, no orthogonal maps, and no library families (a*b needs two coordinates).
  const line = on('coords[0]', ['identity', 'constant', 'translation', 'scaling', 'scaling+offset', 'linear', 'affine', 'linear_invariant', 'quadratic_invariant']);
  const plane = on('coords[0,1]', [
    'identity', 'constant', 'translation', 'scaling', 'scaling+offset', 'rotation', 'rotation+offset', 'damped_rotation', 'damped_rotation+offset',
    'orthogonal', 'orthogonal+offset', 'linear', 'affine', 'library_map', 'linear_invariant', 'quadratic_invariant', 'library_invariant',
  ]);
  // 3-D is above max_library_dim and max_quadratic_dim: no library or quadratic families there.
  const space = on('full', ['identity', 'constant', 'translation', 'scaling', 'scaling+offset', 'orthogonal', 'orthogonal+offset', 'linear', 'affine', 'linear_invariant']);
  assert.deepEqual(ids(got), [...line, ...plane, ...space].sort());
  for (const c of got) {
    // Families whose form fixes the offset: constant, translation and affine always have one; identity and linear never.
    const fixed = ({ constant: true, translation: true, affine: true, identity: false, linear: false } as Record<string, boolean>)[c.family];
    assert.equal(c.offset, fixed ?? c.id.includes('+offset'), c.id);
    assert.equal(c.family, c.id.split(/[+@]/)[0]);
    assert.equal(subspaces[c.subspaceIndex].label, c.id.split('@')[1]);
  }
});

test('quadratic invariants reach max_quadratic_dim (6 by default) where library families stop at max_library_dim (4)', () => {
  const full = (d: number): Subspace => ({ label: 'full', kind: 'full', basis: Array.from({ length: d }, (_, i) => unit(d, i)), cost: 0, basisBits: 0 });
  for (const [d, quadratic, library] of [[4, true, true], [5, true, false], [6, true, false], [7, false, false]] as const) {
    const families = new Set(enumerateCandidates(grammar(), [full(d)]).map((c) => c.family));
    assert.equal(families.has('quadratic_invariant'), quadratic, `quadratic invariant on ${d}-D`);
    assert.equal(families.has('library_invariant') || families.has('library_map'), library, `library families on ${d}-D`);
  }
});

test('a candidate costs its family, its subspace and one bit for an optional offset; library families carry their terms', () => {
  const subspaces = [coordinates(4, [1, 3], 2.5)];
  const got = enumerateCandidates(grammar(), subspaces);
  for (const c of got) assert.equal(c.structuralCost, FAMILY_COST[c.family] + 2.5 + (c.id.includes('+offset') ? 1 : 0), c.id);
  const lib = got.filter((c) => c.family === 'library_map' || c.family === 'library_invariant');
  assert.equal(lib.length, 2);
  for (const c of lib) {
    assert.deepEqual(c.libraryFeatures, ['u1 * u2']);
    assert.deepEqual(c.libraryCosts, [2]);
  }
  for (const c of got.filter((c) => !lib.includes(c))) assert.deepEqual(c.libraryFeatures, []);
});

test('a family the grammar leaves out is never proposed', () => {
  const got = enumerateCandidates(grammar([], FAMILIES.filter((l) => !l.includes(' rotation '))), [coordinates(2, [0, 1], 1)]);
  assert.ok(!got.some((c) => c.family === 'rotation'));
  assert.ok(got.some((c) => c.family === 'damped_rotation'));
});

/** Random subspaces: coordinate subsets, and data-estimated ones whose cost includes the bits of their basis. */
const subspaceList = fc.array(
  fc.record({ k: fc.integer({ min: 1, max: 3 }), cost: fc.integer({ min: 0, max: 6 }), basisBits: fc.integer({ min: 0, max: 40 }) }),
  { minLength: 1, maxLength: 8 },
).map((specs) =>
  specs.map(({ k, cost, basisBits }, i): Subspace =>
    basisBits === 0
      ? coordinates(4, Array.from({ length: k }, (_, a) => (i + a) % 4), cost)
      : { label: `eig${i}`, kind: 'eigenspace', basis: Array.from({ length: k }, (_, a) => unit(4, a)), cost: cost + basisBits, basisBits },
  ),
);

test('candidates come in order of grammar cost (basis bits aside), ties by id, and the budget keeps the cheapest', () => {
  fc.assert(
    fc.property(subspaceList, fc.integer({ min: 1, max: 60 }), (subspaces, budget) => {
      const all = enumerateCandidates(grammar(['limit max_library_dim 3']), subspaces);
      const key = (c: CandidateSpec) => c.structuralCost - (subspaces[c.subspaceIndex].basisBits ?? 0);
      all.forEach((c, i) => {
        if (i === 0) return;
        const prev = all[i - 1];
        assert.ok(key(prev) < key(c) || (key(prev) === key(c) && prev.id < c.id), `${prev.id} (${key(prev)}) before ${c.id} (${key(c)})`);
      });
      const cut = enumerateCandidates(grammar(['limit max_library_dim 3', `limit max_candidates ${budget}`]), subspaces);
      assert.deepEqual(cut, all.slice(0, budget));
    }),
    { numRuns: 150, seed: SEED },
  );
});

test('the order of lines in the grammar file does not change the candidates or their order', () => {
  const subspaces = [coordinates(3, [0], 1), coordinates(3, [1, 2], 1), coordinates(3, [0, 2], 2)];
  const reference = enumerateCandidates(grammar(), subspaces);
  fc.assert(
    fc.property(fc.shuffledSubarray(FAMILIES, { minLength: FAMILIES.length }), (families) => {
      assert.deepEqual(enumerateCandidates(grammar([], families), subspaces), reference);
    }),
    { numRuns: 50, seed: SEED },
  );
});

test('subspaces estimated from the data survive a tight budget among many coordinate subsets', () => {
  // Every pair of 6 coordinates (15 planes at 1 bit each) and one eigen-plane: 2 bits to choose it plus
  // 40 bits to state its basis. Ordered by full cost, its candidates would all come after every
  // coordinate plane's and a budget of 150 (of 272) would cut them all.
  const d = 6;
  const subspaces: Subspace[] = [];
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) subspaces.push(coordinates(d, [i, j], 1));
  const eigen: Subspace = { label: 'eig(0.90±0.43i)', kind: 'eigenspace', basis: [unit(d, 0).map((_, i) => (i < 2 ? Math.SQRT1_2 : 0)), unit(d, 2)], cost: 42, basisBits: 40 };
  subspaces.push(eigen);
  const total = enumerateCandidates(grammar(), subspaces).length;
  const got = enumerateCandidates(grammar(['limit max_candidates 150']), subspaces);
  assert.ok(total > 250 && got.length === 150, `${got.length} of ${total}`);
  assert.ok(!got.some((c) => c.id === 'affine@coords[4,5]'), 'the budget should bind');
  const rotation = got.find((c) => c.id === `rotation@${eigen.label}`);
  assert.ok(rotation, 'the rotation on the eigen-plane was cut');
  // The basis bits still count in the law's description length, just not in the enumeration order.
  assert.equal(rotation.structuralCost, FAMILY_COST.rotation + 42);
  assert.ok(got.some((c) => c.id === `linear_invariant@${eigen.label}`));
});
