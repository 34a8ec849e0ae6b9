/**
 * The build as the command line runs it (dist/, built by `npm test`): the command line and each thread's
 * script are bundled (scripts/bundle.mjs), so they load as one file each yet find the package's files.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeNpy } from '../../src/data/npy.js';
import { plantLaw } from '../../src/planted.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'dist/src/cli/main.js');
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

/** Relative module specifiers a compiled file imports (statically or dynamically). */
const relativeImports = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)].map((m) => m[1]);

test('each thread script of the build is one file: it imports no module of its own', () => {
  const threads = [...readdirSync(join(root, 'dist/workers')).filter((n) => n.endsWith('.js')).map((n) => join(root, 'dist/workers', n)), join(root, 'dist/src/sweep/job-thread.js')];
  for (const file of threads) assert.deepEqual(relativeImports(file), [], file);
});

test('the built command line imports only its own chunks, beside it', () => {
  const imports = relativeImports(cli);
  assert.ok(imports.length > 0);
  for (const spec of imports) assert.match(spec, /^\.\/chunk-[A-Z0-9]+\.js$/, spec);
});

test('the bundled command line reports the version in package.json', () => {
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const r = run('--version');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), version);
});

test('the bundled command line finds its worker threads and grammar: the same laws on 2 workers as inline', () => {
  const dir = mkdtempSync(join(tmpdir(), 'latent-laws-build-'));
  const { dataset } = plantLaw({ kind: 'rotation', seed: 4, noiseDims: 2, angle: Math.PI / 5, noise: 1e-4, trajectories: 8, steps: 30 });
  const file = join(dir, 'latents.npy');
  writeFileSync(file, writeNpy(dataset.states, [8, 30, dataset.dim]));
  const fits = ['0', '2'].map((workers) => run('fit', file, '--json', '--workers', workers));
  for (const r of fits) assert.equal(r.status, 0, r.stderr);
  const [inline, threads] = fits.map((r) => JSON.parse(r.stdout) as { laws: { summary: string }[]; provenance: { grammar: string } });
  assert.deepEqual(threads.laws, inline.laws);
  assert.equal(threads.provenance.grammar, join(root, 'grammar/default.grammar'));
  assert.ok(inline.laws.some((l) => l.summary.includes('R(pi/5)')), inline.laws.map((l) => l.summary).join('\n'));
});
