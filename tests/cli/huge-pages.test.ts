/**
 * Huge pages for large inputs: when `latent-laws fit` runs itself again with glibc's huge-page tunable,
 * and that the second process is the one a user talks to (its output, its exit code, Ctrl-C).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HUGE_PAGES_FROM_BYTES, hugePagesContext, shouldRerunWithHugePages, type HugePagesContext } from '../../src/cli/huge-pages.ts';
import { mallocUsesHugePages } from '../../src/data/shared-memory.ts';
import { writeNpy } from '../../src/data/npy.ts';
import { plantLaw } from '../../src/planted.ts';
import { YOUNG_GENERATION_FLAG } from '../../src/engine/runtime/heap.ts';

const cli = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'latent-laws-huge-pages-'));

const linuxMadvise: HugePagesContext = { platform: 'linux', env: {}, transparentHugePages: 'madvise', glibc: true, debugging: false, inputBytes: HUGE_PAGES_FROM_BYTES };

test('a large input on Linux with glibc and madvise huge pages is fitted again with the tunable', () => {
  assert.equal(shouldRerunWithHugePages(linuxMadvise), true);
  assert.equal(shouldRerunWithHugePages({ ...linuxMadvise, inputBytes: HUGE_PAGES_FROM_BYTES - 1 }), false, 'small input');
  assert.equal(shouldRerunWithHugePages({ ...linuxMadvise, inputBytes: 10, env: { LATENT_LAWS_HUGE_PAGES: '1' } }), true, 'forced');
  assert.equal(shouldRerunWithHugePages({ ...linuxMadvise, env: { LATENT_LAWS_HUGE_PAGES: '0' } }), false, 'refused');
  assert.equal(shouldRerunWithHugePages({ ...linuxMadvise, platform: 'darwin' }), false, 'not Linux');
  assert.equal(shouldRerunWithHugePages({ ...linuxMadvise, glibc: false }), false, 'musl');
  assert.equal(shouldRerunWithHugePages({ ...linuxMadvise, debugging: true }), false, 'a debugger would attach to the parent');
  for (const mode of ['never', 'always', null]) assert.equal(shouldRerunWithHugePages({ ...linuxMadvise, transparentHugePages: mode }), false, `THP ${mode}`);
  // A user who set the tunable, either way, has chosen.
  assert.equal(shouldRerunWithHugePages({ ...linuxMadvise, env: { GLIBC_TUNABLES: 'glibc.malloc.check=0:glibc.malloc.hugetlb=1' } }), false);
  assert.equal(shouldRerunWithHugePages({ ...linuxMadvise, env: { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' } }), false);
  assert.throws(() => shouldRerunWithHugePages({ ...linuxMadvise, env: { LATENT_LAWS_HUGE_PAGES: 'yes' } }), /LATENT_LAWS_HUGE_PAGES: is "yes"; use 0, 1 or auto/);
});

test('the huge-page tunable is recognised among others, and only when it is on', () => {
  assert.equal(mallocUsesHugePages({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' }), true);
  assert.equal(mallocUsesHugePages({ GLIBC_TUNABLES: 'glibc.malloc.mmap_max=0:glibc.malloc.hugetlb=2' }), true);
  assert.equal(mallocUsesHugePages({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }), false);
  assert.equal(mallocUsesHugePages({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=10' }), false);
  assert.equal(mallocUsesHugePages({}), false);
});

/** Each process of the command prints its glibc tunables and V8 flags as it exits, so a test sees which ran the fit. */
const printTunables = 'data:text/javascript,process.on("exit",()=>process.stderr.write("tunables="+process.env.GLIBC_TUNABLES+" flags="+process.execArgv.filter((a)=>a.startsWith("--max"))+"\\n"))';

function fit(file: string, hugePages: string, ...extra: string[]) {
  const env = { ...process.env, LATENT_LAWS_HUGE_PAGES: hugePages, GLIBC_TUNABLES: '' };
  return spawnSync(process.execPath, [cli, 'fit', file, '--json', ...extra], { encoding: 'utf8', env });
}

function fitShowingTunables(file: string, hugePages: string) {
  const env = { ...process.env, LATENT_LAWS_HUGE_PAGES: hugePages, GLIBC_TUNABLES: '' };
  const r = spawnSync(process.execPath, ['--import', printTunables, cli, 'fit', file, '--json', '--workers', '0'], { encoding: 'utf8', env });
  return { ...r, tunables: [...r.stderr.matchAll(/^tunables=(.*) flags=(.*)$/gm)].map((m) => m[1]), flags: [...r.stderr.matchAll(/^tunables=.* flags=(.*)$/gm)].map((m) => m[1]) };
}

const { dataset } = plantLaw({ kind: 'rotation', seed: 4, noiseDims: 2, angle: Math.PI / 5, noise: 1e-4, trajectories: 10, steps: 30 });
const small = join(dir, 'small.npy');
writeFileSync(small, writeNpy(dataset.states, [10, 30, dataset.dim]));
const rerunsHere = shouldRerunWithHugePages({ ...hugePagesContext(0), env: { LATENT_LAWS_HUGE_PAGES: '1' } });

test('fitted again with huge pages: the same laws, the same exit codes, one-line errors', () => {
  const plain = fitShowingTunables(small, '0');
  const huge = fitShowingTunables(small, '1');
  assert.deepEqual(plain.tunables, [''], 'asked never, one process');
  // Asked always: where this system allows it, a second process fits with the tunable, and it exits first.
  if (rerunsHere) assert.deepEqual(huge.tunables.map((t) => t.includes('glibc.malloc.hugetlb=1')), [true, false]);
  else assert.deepEqual(huge.tunables, ['']);
  // The second process's main thread also starts with the fit's young generation.
  if (rerunsHere) assert.deepEqual(huge.flags, [YOUNG_GENERATION_FLAG, '']);
  assert.deepEqual(plain.flags, ['']);
  // A small input under the default stays in one process.
  assert.deepEqual(fitShowingTunables(small, 'auto').tunables, ['']);
  assert.equal(plain.status, 0, plain.stderr);
  assert.equal(huge.status, 0, huge.stderr);
  const strip = (text: string) => {
    const doc = JSON.parse(text);
    delete doc.provenance.elapsedMs;
    delete doc.provenance.timings;
    return doc;
  };
  assert.deepEqual(strip(huge.stdout), strip(plain.stdout));
  assert.match(huge.stdout, /R\(pi\/5\)/);
  const bad = join(dir, 'bad.npy');
  writeFileSync(bad, 'not an npy file');
  const failed = fit(bad, '1');
  assert.equal(failed.status, 2);
  assert.equal(failed.stderr.trim().split('\n').length, 1, failed.stderr);
  assert.match(failed.stderr, /bad\.npy/);
  const wrongSetting = fit(small, 'maybe');
  assert.equal(wrongSetting.status, 2);
  assert.equal(wrongSetting.stderr, 'latent-laws: LATENT_LAWS_HUGE_PAGES: is "maybe"; use 0, 1 or auto\n');
});

test('Ctrl-C and Ctrl-Z sent to the command reach the fit in the second process, which keeps what it found', { skip: !rerunsHere && 'this system gives no huge pages to malloc' }, async () => {
  const big = plantLaw({ kind: 'rotation', seed: 5, noiseDims: 14, noise: 1e-3, outliers: 0.01, trajectories: 2000, steps: 200 });
  const file = join(dir, 'big.npy');
  writeFileSync(file, writeNpy(big.dataset.states, [2000, 200, 16]));
  const out = join(dir, 'interrupted.json');
  const env = { ...process.env, LATENT_LAWS_HUGE_PAGES: '1', GLIBC_TUNABLES: '' };
  const child = spawn(process.execPath, [cli, 'fit', file, '--out', out, '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  child.stdout.on('data', (b) => (stdout += b));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  let fitter = 0;
  try {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    fitter = childOf(child.pid!);
    assert.match(readFileSync(`/proc/${fitter}/cmdline`, 'utf8'), /main\.js\0fit\0/, 'no second process runs the fit');
    // Ctrl-Z stops both processes, and `fg` (SIGCONT) resumes both.
    child.kill('SIGTSTP');
    await until(() => processState(fitter) === 'T' && processState(child.pid!) === 'T', 'Ctrl-Z did not stop both');
    child.kill('SIGCONT');
    await until(() => processState(fitter) !== 'T' && processState(child.pid!) !== 'T', 'SIGCONT did not resume both');
    child.kill('SIGINT');
    assert.equal(await exited, 130);
  } finally {
    for (const pid of [fitter, child.pid!]) if (pid) try { process.kill(pid, 'SIGKILL'); } catch { /* ended */ }
  }
  const doc = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(doc.provenance.interrupted, true);
  assert.deepEqual(JSON.parse(stdout), doc);
});

/** A process's first child (Linux). */
function childOf(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)[0]);
}

/** A process's state letter (R, S, T, …) from /proc. */
function processState(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
}

/** Wait (at most 5 s) until `check` holds. */
async function until(check: () => boolean, message: string): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.ok(check(), message);
}
