// The last step of `npm run build`: the command line and every thread's script are bundled in place,
// each into one file (the command line's lazily loaded commands into chunks beside it). Node 20 loads
// ES modules one file at a time; a fit worker imports about sixty and spent 130–200 ms on that before
// its first task, against 30–50 ms for one file (docs/performance.md#one-file-per-thread). The library's
// modules (dist/src/index.js and what it imports) stay as tsc wrote them. Packages stay imports, but
// for the few pure-JavaScript ones every fit loads at start (INLINED): imported from an ES module,
// a CommonJS package is first scanned for its exports by Node, in every thread, 20–60 ms each
// (docs/performance.md#packages-in-the-bundles).
// Usage: node scripts/bundle.mjs
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist/`;

/**
 * Modules that may read `import.meta`: they find files from the package root or resolve packages,
 * which holds from any file inside the package. Any other module doing so would look beside a bundle.
 */
const LOCATION_FREE = new Set(['dist/src/package-files.js', 'dist/src/grammar/safe-math.js', 'dist/src/report/html.js', 'dist/src/worker-script.js']);

/** Packages bundled in: plain JavaScript that finds no file of its own at run time. */
const INLINED = ['ml-matrix', 'commander', '@commander-js/extra-typings', 'cli-progress', 'csv-parse', 'fflate'];

/** Every other package stays an import (piscina finds its worker script beside itself, for one). */
const packagesExternal = {
  name: 'packages-external',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
      return INLINED.includes(name) ? undefined : { path: args.path, external: true };
    });
  },
};

// A bundled CommonJS package's require() of Node's modules needs a real require in an ES module.
const banner = { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" };

const common = { bundle: true, plugins: [packagesExternal], banner, format: 'esm', platform: 'node', target: 'node20', sourcemap: true, metafile: true, write: false, logLevel: 'warning' };

/** Refuse a bundle holding a module that finds files relative to itself. */
function checkLocations(metafile, entry) {
  for (const input of Object.keys(metafile.inputs)) {
    const path = relative(root, `${root}${input}`);
    if (LOCATION_FREE.has(path) || path.startsWith('node_modules/')) continue;
    if (readFileSync(`${root}${input}`, 'utf8').includes('import.meta'))
      throw new Error(`${entry}: ${path} uses import.meta, which would point at the bundle; find the file through src/package-files.ts`);
  }
}

/** Write each output to a temporary file, then rename it over the compiled one. */
function writeOutputs(result) {
  for (const file of result.outputFiles) {
    writeFileSync(`${file.path}.tmp`, file.contents);
    renameSync(`${file.path}.tmp`, file.path);
  }
}

async function bundleThread(entry) {
  const result = await build({ ...common, absWorkingDir: root, entryPoints: [entry], outfile: entry, allowOverwrite: true });
  checkLocations(result.metafile, entry);
  writeOutputs(result);
}

async function bundleCommandLine(entry) {
  const outdir = dirname(entry);
  for (const name of readdirSync(outdir)) if (name.startsWith('chunk-')) rmSync(`${outdir}/${name}`);
  const result = await build({ ...common, absWorkingDir: root, entryPoints: [entry], outdir, splitting: true, entryNames: '[name]', chunkNames: 'chunk-[hash]', allowOverwrite: true });
  checkLocations(result.metafile, entry);
  writeOutputs(result);
}

const workers = readdirSync(`${dist}workers`).filter((n) => n.endsWith('.js')).map((n) => `${dist}workers/${n}`);
for (const entry of [...workers, `${dist}src/sweep/job-thread.js`]) await bundleThread(entry);
await bundleCommandLine(`${dist}src/cli/main.js`);
