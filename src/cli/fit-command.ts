/** `latent-laws fit` and `latent-laws demo`: thin layers over the library's `fit`. */
import { loadDatasetAsync } from '../data/load.js';
import { writeNpy } from '../data/npy.js';
import { demoDataset } from '../demo.js';
import type { FitOptions } from '../engine/fit.js';
import { tuneHeap } from '../engine/runtime/heap.js';
import { createFitPool, type FitPool } from '../engine/runtime/pool.js';
import { InputError } from '../errors.js';
import { jsonText } from '../io.js';
import type { Dataset, FitResult } from '../types.js';
import { formatFitResult } from './format.js';
import { writeOutput } from './output.js';
import { progressReporter } from './progress.js';
import { EXIT, interruptSignal } from './run.js';

export interface CommonFitFlags {
  json?: boolean;
  out?: string;
  grammar?: string;
  workers: number;
  seed: number;
  tolerance?: number;
  maxTolerance?: number;
  minInliers?: number;
  maxMotionError?: number;
  resolution?: number;
  measureAllFinalists?: boolean;
  /** false with --no-measurement-noise. */
  measurementNoise?: boolean;
  /** Time between consecutive states. */
  dt?: number;
  /** Also write an HTML report here. */
  report?: string;
}

/**
 * The engine and the grammar loader (mathjs) are imported when a fit starts, not with this module:
 * `fitCommand` starts the worker threads first, and they load their own copy of the engine meanwhile.
 */
let searchModules: Promise<[typeof import('../engine/fit.js'), typeof import('../grammar/load.js')]> | undefined;
const importSearch = () => (searchModules ??= Promise.all([import('../engine/fit.js'), import('../grammar/load.js')]));

export async function runFit(data: Dataset, flags: CommonFitFlags, pool?: FitPool): Promise<FitResult> {
  tuneHeap(data.dim);
  const [{ fit }, { defaultGrammarPath, loadGrammar }] = await importSearch();
  const grammar = loadGrammar(flags.grammar ?? defaultGrammarPath());
  const progress = progressReporter(!flags.json);
  const options: FitOptions = {
    grammar,
    seed: flags.seed,
    workers: flags.workers,
    pool,
    tolerance: flags.tolerance ?? null,
    maxRelativeTolerance: flags.maxTolerance,
    minInlierFraction: flags.minInliers,
    maxMotionError: flags.maxMotionError,
    resolution: flags.resolution,
    measureAllFinalists: flags.measureAllFinalists,
    measurementNoise: flags.measurementNoise,
    dt: flags.dt ?? null,
    signal: interruptSignal(),
    onProgress: (p) => progress.update(p),
  };
  try {
    return await fit(data, options);
  } finally {
    progress.stop();
  }
}

export function emit(result: FitResult, flags: { json?: boolean; out?: string }, extraText = ''): void {
  const json = jsonText(result);
  if (flags.out) writeOutput(flags.out, json);
  if (flags.json) process.stdout.write(json);
  else {
    process.stdout.write(`${formatFitResult(result)}\n${extraText}`);
    if (flags.out) process.stdout.write(`\nwrote ${flags.out}\n`);
  }
}

/** Write the HTML report for `--report`; the report modules (KaTeX, chart libraries) load only then. */
async function writeReport(result: FitResult, data: Dataset, flags: { json?: boolean; report?: string }): Promise<void> {
  if (!flags.report) return;
  const { buildFitReport } = await import('../report/fit-report.js');
  writeOutput(flags.report, buildFitReport(result, data));
  // With --json, stdout holds exactly the JSON document.
  (flags.json ? process.stderr : process.stdout).write(`wrote the report to ${flags.report}\n`);
}

export async function fitCommand(file: string, flags: CommonFitFlags & { key?: string }): Promise<number> {
  // Started first, so the worker threads load the engine while this thread reads the data.
  const pool = createFitPool(flags.workers);
  let result: FitResult;
  let data: Dataset;
  try {
    // The engine and mathjs load on this thread while the file is read on libuv's.
    importSearch().catch(() => {});
    data = await loadDatasetAsync(file, { key: flags.key });
    result = await runFit(data, flags, pool);
  } finally {
    await pool.close();
  }
  emit(result, flags);
  await writeReport(result, data, flags);
  return result.provenance.interrupted ? EXIT.interrupted : EXIT.ok;
}

/** Truth-versus-found lines for the demo. */
async function compareWithTruth(result: FitResult, truths: ReturnType<typeof demoDataset>['truths']): Promise<string> {
  const { principalAngles } = await import('../engine/kernels/linalg.js');
  const lines = ['', 'Truth vs found:'];
  for (const t of truths) {
    const k = t.basis.length;
    const match = result.laws
      .filter((l) => l.subspace.basis.length === k)
      .map((l) => ({ l, worst: principalAngles(l.subspace.basis, t.basis)[k - 1] }))
      .sort((a, b) => a.worst - b.worst)[0];
    lines.push(`  planted: ${t.label}`);
    if (!match || match.worst > 0.05) {
      lines.push('    found:   nothing on that subspace');
      continue;
    }
    lines.push(`    found:   law ${match.l.rank}, ${match.l.summary}`);
    lines.push(`    plane:   largest principal angle to the truth ${match.worst.toExponential(1)} rad`);
    if (t.truth.angle !== undefined) {
      const theta = match.l.parameters.find((p) => p.name === 'theta');
      if (theta) lines.push(`    angle:   ${theta.exact ?? theta.value} (fitted ${theta.value.toFixed(6)}; truth ${t.truth.angle.toFixed(6)})`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export async function demoCommand(flags: CommonFitFlags & { saveData?: string }): Promise<number> {
  const { dataset, truths } = demoDataset(flags.seed);
  if (flags.saveData) {
    const T = dataset.offsets[1] - dataset.offsets[0];
    writeOutput(flags.saveData, writeNpy(dataset.states, [dataset.offsets.length - 1, T, dataset.dim]));
  }
  if (!flags.json) {
    process.stdout.write(`Demo (seed ${flags.seed}): 24 trajectories × 60 steps in 8-D latent space; planted:\n`);
    for (const t of truths) process.stdout.write(`  - ${t.label}\n`);
    process.stdout.write('  plus 4 pure-noise dimensions, measurement noise 1e-3, 2% outlier transitions\n\n');
  }
  const result = await runFit(dataset, flags);
  emit(result, flags, flags.json ? '' : await compareWithTruth(result, truths));
  await writeReport(result, dataset, flags);
  if (flags.saveData && !flags.json) process.stdout.write(`wrote the demo data to ${flags.saveData}\n`);
  return result.provenance.interrupted ? EXIT.interrupted : EXIT.ok;
}
