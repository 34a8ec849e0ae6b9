/**
 * The dependency rule of .dependency-cruiser.cjs holds on the code, and the rule itself catches an
 * import that runs back up the pipeline (checked on a small tree of its own).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const depcruise = path.join(root, 'node_modules', '.bin', 'depcruise');

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

function violations(cwd: string, config: string, paths: string[]): Violation[] {
  const run = spawnSync(depcruise, [...paths, '--config', config, '--output-type', 'json'], { cwd, encoding: 'utf8' });
  assert.ok(run.stdout.trim().startsWith('{'), `depcruise printed no report: ${run.stderr}`);
  return (JSON.parse(run.stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

test('no import runs back up the pipeline, out of the engine, into the CLI, or in a cycle; workers never load mathjs', () => {
  const found = violations(root, path.join(root, '.dependency-cruiser.cjs'), ['src', 'workers']);
  assert.deepEqual(found.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`), []);
});

test('the rule catches a kernel importing a later stage, a stage importing fit.ts, and a sweep importing a report', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'latent-laws-deps-'));
  try {
    const file = (rel: string, text: string) => {
      mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      writeFileSync(path.join(dir, rel), text);
    };
    copyFileSync(path.join(root, 'tsconfig.json'), path.join(dir, 'tsconfig.json'));
    file('src/engine/output/render.ts', 'export const render = 1;\n');
    file('src/engine/kernels/gram.ts', "import { render } from '../output/render.js';\nexport const gram = render;\n");
    file('src/engine/fit.ts', 'export const fit = 1;\n');
    file('src/engine/ranking/rank.ts', "import { fit } from '../fit.js';\nexport const rank = fit;\n");
    file('src/engine/moments/moments.ts', "import { gram } from '../kernels/gram.js';\nexport const moments = gram;\n");
    file('src/report/page.ts', 'export const page = 1;\n');
    file('src/sweep/summary.ts', "import { page } from '../report/page.js';\nexport const summary = page;\n");
    const found = violations(dir, path.join(root, '.dependency-cruiser.cjs'), ['src']).map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    assert.deepEqual(found.sort(), [
      'pipeline-kernels: src/engine/kernels/gram.ts → src/engine/output/render.ts',
      'pipeline-ranking: src/engine/ranking/rank.ts → src/engine/fit.ts',
      'sweep-before-report: src/sweep/summary.ts → src/report/page.ts',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
