/**
 * The committed WebAssembly bytes are those of gram.wat: editing the kernel's source without
 * regenerating (node scripts/build-wasm.mjs) fails here rather than shipping stale code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
// @ts-expect-error: a plain ESM script without type declarations
import { compiledModule } from '../../../scripts/build-wasm.mjs';

test('gram-wasm.ts is gram.wat compiled', async () => {
  const committed = readFileSync(new URL('../../../src/engine/kernels/gram-wasm.ts', import.meta.url), 'utf8');
  assert.equal(committed, await compiledModule(), 'src/engine/kernels/gram-wasm.ts is stale: run node scripts/build-wasm.mjs');
});
