/**
 * Where the package's own files are, from any module inside it: the command line runs as one bundled
 * file (scripts/bundle.mjs), so a path relative to a module's own URL would not hold there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** True when the TypeScript sources run (under tsx: tests, development), false for the compiled build. */
export const runningSources = import.meta.url.endsWith('.ts');

let root: string | undefined;

/** The package root: the nearest folder above this module whose package.json names latent-laws. */
export function packageRoot(): string {
  if (root !== undefined) return root;
  const here = fileURLToPath(import.meta.url);
  for (let dir = dirname(here); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && readPackageJson(dir).name === 'latent-laws') return (root = dir);
    if (dirname(dir) === dir) throw new Error(`latent-laws: no package.json of latent-laws above ${here}`);
  }
}

/** package.json's name and version (empty object when unreadable). */
export function readPackageJson(dir = packageRoot()): { name?: string; version?: string } {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
  } catch {
    return {};
  }
}

/**
 * A module of the package as the running code has it: `src/x/y` becomes `src/x/y.ts` under tsx and
 * `dist/src/x/y.js` in the build (likewise `workers/...`).
 */
export function packageModule(path: string): string {
  return runningSources ? join(packageRoot(), `${path}.ts`) : join(packageRoot(), 'dist', `${path}.js`);
}
