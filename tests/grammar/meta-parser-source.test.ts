/**
 * The committed grammar-file parser is meta.peggy compiled: editing the syntax without regenerating
 * (node scripts/build-grammar-parser.mjs) fails here rather than shipping a stale parser.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
// @ts-expect-error: a plain ESM script without type declarations
import { compiledParser } from '../../scripts/build-grammar-parser.mjs';

test('meta-parser.ts is meta.peggy compiled', () => {
  const committed = readFileSync(new URL('../../src/grammar/meta-parser.ts', import.meta.url), 'utf8');
  assert.equal(committed, compiledParser(), 'src/grammar/meta-parser.ts is stale: run node scripts/build-grammar-parser.mjs');
});
