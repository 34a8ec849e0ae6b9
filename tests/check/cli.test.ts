/**
 * `latent-laws check` as a user meets it: the compiled CLI (dist/, built by `npm test`) in real
 * processes; exit 0 when every law holds, 1 when one fails (with a replay command that reproduces the
 * failure), 2 with a one-line error on bad input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeNpy } from '../../src/data/npy.ts';
import type { Dataset } from '../../src/types.ts';
import { brokenRotationData, fittedLaws, planted } from './helpers.ts';

const cli = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'latent-laws-check-cli-'));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, 'check', ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertOneLineError(r: ReturnType<typeof run>, ...fragments: string[]) {
  assert.equal(r.code, 2, `exit code ${r.code}; stdout: ${r.stdout}; stderr: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one line, got:\n${r.stderr}`);
  assert.ok(lines[0].startsWith('latent-laws: '), lines[0]);
  for (const f of fragments) assert.ok(lines[0].includes(f), `"${lines[0]}" does not mention "${f}"`);
}

function save(name: string, d: Dataset): string {
  writeFileSync(join(dir, name), writeNpy(d.states, [d.offsets.length - 1, d.offsets[1], d.dim]));
  return name;
}

const fixtures = (async () => {
  const rotation = await fittedLaws('rotation');
  const twist = await fittedLaws('twist');
  writeFileSync(join(dir, 'laws.json'), JSON.stringify(rotation, null, 2));
  // Two laws in one file: the rotation and the twist's invariant (both on coordinates 0, 1 of 4).
  writeFileSync(join(dir, 'two.json'), JSON.stringify({ ...rotation, laws: [...rotation.laws, ...twist.laws.map((l) => ({ ...l, rank: 2 }))] }));
  return { held: save('held.npy', planted('rotation', 11)), broken: save('broken.npy', brokenRotationData(5)) };
})();

test('exit 0 when every law holds, with a readable report', async () => {
  const { held } = await fixtures;
  const r = run('laws.json', held, '--runs', '150');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /PASS {2}law 1 rotation@coords\[0,1\]: 150 cases/);
  assert.match(r.stdout, /seed 1 · segments of 1–4 steps · slack 2/);
  assert.match(r.stdout, /The law holds\./);
});

test('exit 1 on a violation; --json is one document; its replay command reproduces the failure', async () => {
  const { broken } = await fixtures;
  const r = run('laws.json', broken, '--json', '--seed', '42', '--steps', '3');
  assert.equal(r.code, 1, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.ok, false);
  const law = doc.laws[0];
  assert.equal(law.ok, false);
  assert.ok(Math.hypot(...law.counterexample.states[0]) > 2, JSON.stringify(law.counterexample));
  assert.equal(law.replay.seed, 42);
  assert.match(law.replay.command, /^latent-laws check laws\.json broken\.npy --law 'rotation@coords\[0,1\]' --seed 42 --path [\d:]+ --steps 3 --slack 2$/);
  // The command line, minus the program name, run again (no shell: split on spaces, unquote the id).
  const args = law.replay.command.split(' ').slice(2).map((a: string) => a.replace(/^'(.*)'$/, '$1'));
  const again = run(...args, '--json');
  assert.equal(again.code, 1, again.stderr);
  assert.deepEqual(JSON.parse(again.stdout).laws[0].counterexample.case, law.counterexample.case);
  // The text report says the same, with the replay line.
  const text = run('laws.json', broken, '--seed', '42', '--steps', '3');
  assert.equal(text.code, 1);
  assert.match(text.stdout, /FAIL {2}law 1 rotation@coords\[0,1\]: counterexample after \d+ cases? \(shrunk \d+×\): trajectory \d+/);
  assert.ok(text.stdout.includes(`replay: ${law.replay.command}`), text.stdout);
  assert.match(text.stdout, /0 of 1 laws hold; 1 fails\./);
});

test('exit 2 with one line for corrupt laws files', async () => {
  await fixtures;
  writeFileSync(join(dir, 'bad.json'), '{"laws": [\n  {"id": "x",\n   "role": "map" "model": {}}]}');
  assertOneLineError(run('bad.json', 'held.npy'), 'bad.json: invalid JSON at line 3, column 18');
  writeFileSync(join(dir, 'wrong.json'), JSON.stringify({ laws: [{ id: 'x', role: 'map', subspace: { basis: [[1, 0, 0, 0]] }, model: { role: 'map', variables: ['u1'], features: ['u1'], coefficients: [['1']] }, metrics: { tolerance: 1 } }] }));
  assertOneLineError(run('wrong.json', 'held.npy'), 'wrong.json: laws[0].model.coefficients[0][0]: expected a finite number, got the string "1"');
});

test('exit 2 for data that cannot be checked and for a replay without its law', async () => {
  const { held } = await fixtures;
  assertOneLineError(run('laws.json'), 'laws.json: no held-out data');
  writeFileSync(join(dir, 'narrow.npy'), writeNpy(new Float64Array(30), [10, 3]));
  assertOneLineError(run('laws.json', 'narrow.npy'), 'narrow.npy: has dimension 3, but the laws in laws.json are stated in dimension 4');
  assertOneLineError(run('two.json', held, '--path', '3:1'), '--path: replays the failure of one law; select it with --law (2 laws selected)');
});

test('--emit-test prints a test file (no data needed) and exits 0', async () => {
  await fixtures;
  const r = run('two.json', '--emit-test', '--runs', '300', '--law', '2', '--test-runner', 'vitest');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\/\/ Law checks generated by `latent-laws check --emit-test`/);
  assert.match(r.stdout, /import \{ test \} from 'vitest';/);
  assert.match(r.stdout, /const RUN = \{"numRuns":300,"seed":1,"includeErrorInReport":true\};/);
  assert.match(r.stdout, /"id": "quadratic_invariant@coords\[0,1\]"/);
  assert.doesNotMatch(r.stdout, /"id": "rotation/);
});
