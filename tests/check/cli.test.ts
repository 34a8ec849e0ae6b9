/**
 * `latent-laws check` as a user meets it: the compiled CLI (dist/, built by `npm test`) in real
 * processes; exit 0 when every law holds, 1 when one fails (with a replay command that reproduces the
 * failure), 2 with a one-line error on bad input; `--report` and `report <check.json>` write the HTML.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeNpy } from '../../src/data/npy.ts';
import type { Dataset } from '../../src/types.ts';
import { embeddedData } from '../report/helpers.ts';
import { brokenRotationData, fittedLaws, planted } from './helpers.ts';

const cli = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'latent-laws-check-cli-'));

function latentLaws(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const run = (...args: string[]) => latentLaws('check', ...args);

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
  // The library names its options (`laws`, `key`); the command line prints the flags the user typed.
  assertOneLineError(run('two.json', held, '--law', 'nope'), 'latent-laws: --law: no law with id or rank "nope"');
  writeFileSync(join(dir, 'held.json'), '[[[1], [2], [3], [4]]]');
  assertOneLineError(run('laws.json', 'held.json', '--key', 'a'), 'latent-laws: held.json: --key names one array of an .npz, .h5, .hdf5 or .safetensors file');
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

test('--report writes the HTML report; exit codes stay 0 and 1, and --json keeps stdout one document', async () => {
  const { held, broken } = await fixtures;
  const pass = run('laws.json', held, '--runs', '50', '--report', 'pass.html');
  assert.equal(pass.code, 0, pass.stderr);
  assert.match(pass.stdout, /The law holds\.\nwrote the report to pass\.html\n$/);
  const passed = embeddedData(readFileSync(join(dir, 'pass.html'), 'utf8'));
  assert.deepEqual([passed.kind, passed.meta.ok], ['check', true]);
  assert.match((passed.meta.inputs as Record<string, string>)['laws file'], /^laws\.json \(fitted on .+, seed 1, latent-laws \S+\)$/);
  const fail = run('laws.json', broken, '--json', '--seed', '42', '--steps', '3', '--report', 'fail.html');
  assert.equal(fail.code, 1, fail.stderr);
  const doc = JSON.parse(fail.stdout);
  assert.match(fail.stderr, /wrote the report to fail\.html/);
  const html = readFileSync(join(dir, 'fail.html'), 'utf8');
  const data = embeddedData(html);
  assert.equal(data.meta.ok, false);
  const law = (data.meta.laws as { id: string; violationCount: number; replay: { command: string } }[])[0];
  assert.equal(law.violationCount, doc.laws[0].exhaustive.exceeding);
  assert.equal(law.replay.command, doc.laws[0].replay.command, 'the report carries the replay command');
  assert.ok(html.includes('--seed 42 --path '), 'the replay command is on the page');
});

test('--report into a folder that does not exist: one line, exit 2, before the check runs', async () => {
  const { broken } = await fixtures;
  const r = run('laws.json', broken, '--report', join('no', 'such', 'dir', 'r.html'));
  assertOneLineError(r, 'no/such/dir/r.html: cannot write: its folder does not exist');
  assert.equal(r.stdout, '', 'nothing printed: the check did not run');
  assert.ok(!existsSync(join(dir, 'no')));
  assertOneLineError(run('laws.json', broken, '--report', '.'), '.: cannot write: is a directory');
  assertOneLineError(run('laws.json', '--emit-test', '--report', 'x.html'), '--report: has nothing to show with --emit-test');
});

test('report <check.json> draws a saved check result with its recorded laws and data files', async () => {
  const { broken } = await fixtures;
  const saved = run('laws.json', broken, '--json', '--seed', '42', '--steps', '3');
  assert.equal(saved.code, 1, saved.stderr);
  writeFileSync(join(dir, 'check.json'), saved.stdout);
  const r = latentLaws('report', 'check.json');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /wrote the report to check\.html/);
  const data = embeddedData(readFileSync(join(dir, 'check.html'), 'utf8'));
  assert.equal(data.kind, 'check');
  assert.deepEqual(data.meta.laws, embeddedData(readFileSync(join(dir, 'fail.html'), 'utf8')).meta.laws, 'the same report as check --report');
  // Recorded files moved away, other data, or not a check result: one line each.
  writeFileSync(join(dir, 'moved.json'), saved.stdout.replace('"lawsFile": "laws.json"', '"lawsFile": "gone.json"'));
  assertOneLineError(latentLaws('report', 'moved.json'), 'moved.json: its laws file "gone.json" is not a file here; pass --laws <file>');
  assert.equal(latentLaws('report', 'moved.json', '--laws', 'laws.json', '--out', 'moved.html').code, 0);
  assertOneLineError(latentLaws('report', 'check.json', '--data', 'held.npy'), 'held.npy: has 290 transitions, but law rotation@coords[0,1] was checked on 580: not the checked data');
  writeFileSync(join(dir, 'cut.json'), JSON.stringify({ ...JSON.parse(saved.stdout), seed: 'x' }));
  assertOneLineError(latentLaws('report', 'cut.json'), 'cut.json: seed: expected a number');
});
