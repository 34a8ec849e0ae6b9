/**
 * `--emit-test` files run as they are: written inside this repository, `import … from 'latent-laws/check'`
 * resolves to the package itself (its `exports` point at dist/, built by `npm test` before the tests),
 * and the file passes on data that obeys the laws, fails with a replayable seed and path on data that
 * does not, and skips without data. Needs `npm run build` first when run on its own.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emitTestFile } from '../../src/check/emit-test.ts';
import { writeNpy } from '../../src/data/npy.ts';
import type { Dataset } from '../../src/types.ts';
import { brokenRotationData, fittedLaws, planted } from './helpers.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
let dir = '';

before(() => {
  assert.ok(existsSync(join(repo, 'dist/src/check/entry.js')), 'dist/ is not built: run `npm run build` first');
  // Inside the repository (its /tmp/ folder is git-ignored) so that the package self-reference resolves.
  mkdirSync(join(repo, 'tmp'), { recursive: true });
  dir = mkdtempSync(join(repo, 'tmp', 'emit-test-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

function save(name: string, d: Dataset): string {
  const file = join(dir, name);
  writeFileSync(file, writeNpy(d.states, [d.offsets.length - 1, d.offsets[1], d.dim]));
  return file;
}

function runTestFile(file: string, env: Record<string, string> = {}, withTsx = true) {
  const args = [...(withTsx ? ['--import', 'tsx'] : []), '--test', file];
  // A child `node --test` that inherits NODE_TEST_CONTEXT thinks it runs inside this test and skips its files.
  const { NODE_TEST_CONTEXT: _, ...parent } = process.env;
  const r = spawnSync(process.execPath, args, { cwd: repo, encoding: 'utf8', env: { ...parent, LATENT_LAWS_DATA: '', ...env } });
  return { code: r.status, out: r.stdout + r.stderr };
}

test('the emitted file passes on held-out data that obeys the laws (as .ts with tsx, and as plain .mjs)', async () => {
  const rotation = (await fittedLaws('rotation')).laws;
  const data = save('held.npy', planted('rotation', 11));
  const text = emitTestFile({ laws: rotation, lawsFile: 'laws.json', data, runs: 50, seed: 4 });
  assert.match(text, /^import \{ lawProperty, loadDatasetAsync \} from 'latent-laws\/check';$/m);
  assert.match(text, /^import fc from 'fast-check';$/m);
  assert.match(text, /^import \{ test \} from 'node:test';$/m);
  for (const [name, tsx] of [['laws.test.ts', true], ['laws.test.mjs', false]] as const) {
    const file = join(dir, name);
    writeFileSync(file, text);
    const r = runTestFile(file, {}, tsx);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, new RegExp(`# pass ${rotation.length}\\b`));
  }
});

test('the emitted file reads held-out data in any format, an HDF5 dataset named as FILE:NAME here', async () => {
  const h5wasm = (await import('h5wasm/node')).default;
  await h5wasm.ready;
  const rotation = (await fittedLaws('rotation')).laws;
  const held = planted('rotation', 11);
  const h5 = join(dir, 'held.h5');
  const f = new h5wasm.File(h5, 'w');
  f.create_dataset({ name: 'z', data: held.states, shape: [held.offsets.length - 1, held.offsets[1], held.dim], dtype: '<d' });
  f.create_dataset({ name: 'other', data: new Float64Array(8), shape: [4, 2], dtype: '<d' });
  f.close();
  const file = join(dir, 'h5.test.ts');
  writeFileSync(file, emitTestFile({ laws: rotation, lawsFile: 'laws.json', runs: 50, seed: 4 }));
  const r = runTestFile(file, { LATENT_LAWS_DATA: `${h5}:/z` });
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, new RegExp(`# pass ${rotation.length}\\b`));
  const unnamed = runTestFile(file, { LATENT_LAWS_DATA: h5 });
  assert.equal(unnamed.code, 1, unnamed.out);
  assert.match(unnamed.out, /holds 2 numeric datasets of shape \(T, d\) or \(K, T, d\)/);
});

test('the emitted file fails on violating data, with the seed and path to replay', async () => {
  const rotation = (await fittedLaws('rotation')).laws;
  const file = join(dir, 'fail.test.ts');
  writeFileSync(file, emitTestFile({ laws: rotation, lawsFile: 'laws.json', steps: 2 }));
  const r = runTestFile(file, { LATENT_LAWS_DATA: save('broken.npy', brokenRotationData(5)) });
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /Property failed after \d+ tests/);
  assert.match(r.out, /seed: 1, path: "[\d:]+"/);
  assert.match(r.out, /law rotation@coords\[0,1\] fails at trajectory \d+, step \d+ .*: residual \S+ > allowed \S+ at step 1 of 1/);
});

test('without data the tests are skipped; ids with quotes, backticks and ${} survive embedding', async () => {
  const weird = "rot`${process.exit(3)}`\"'\\x";
  const hostile = [{ ...(await fittedLaws('rotation')).laws[0], id: weird }, ...(await fittedLaws('twist')).laws];
  const file = join(dir, 'skip.test.ts');
  writeFileSync(file, emitTestFile({ laws: hostile, lawsFile: 'we`ird */ name\n.json' }));
  const r = runTestFile(file);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, new RegExp(`# skipped ${hostile.length}\\b`));
  // (TAP doubles the backslash.)
  assert.ok(r.out.includes(weird.replace('\\', '\\\\')), r.out);
});

test('the vitest flavour differs only in where `test` comes from', async () => {
  const rotation = (await fittedLaws('rotation')).laws;
  const node = emitTestFile({ laws: rotation, lawsFile: 'laws.json' });
  const vitest = emitTestFile({ laws: rotation, lawsFile: 'laws.json', runner: 'vitest' });
  assert.equal(vitest.replace("import { test } from 'vitest';", "import { test } from 'node:test';"), node);
});
