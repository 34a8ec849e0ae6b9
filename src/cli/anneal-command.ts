/**
 * `latent-laws anneal` and `latent-laws rollout`: thin layers over the anneal and rollout libraries
 * (src/anneal, src/rollout).
 * TensorFlow.js and the engine load only when one of these commands runs.
 */
import { Option, type Command } from '@commander-js/extra-typings';
import type { RolloutHold } from '../rollout/rollout.js';
import type { SearchFn } from '../anneal/train.js';
import type { BaselineComparison } from '../anneal/baseline.js';
import type { FitPool } from '../engine/runtime/pool.js';
import { InputError } from '../errors.js';
import { integerOption, positiveNumber } from './options.js';
import { EXIT, interruptSignal, runCommand } from './run.js';
import { headlineLaw } from '../anneal/headline.js';

interface AnnealFlags {
  dataset?: 'spinning' | 'pendulum';
  frames?: string;
  stack?: number;
  heldout?: number;
  latent: number;
  arch: 'auto' | 'dense' | 'conv' | 'delay' | 'keypoint' | 'angle';
  epochs?: number;
  out?: string;
  resume?: string;
  seed: number;
  lambda?: number;
  physicsCap?: number;
  workers: number;
  backend: 'node' | 'wasm' | 'cpu';
  baseline?: string;
  json?: boolean;
}

async function annealCommand(flags: AnnealFlags): Promise<number> {
  const { trainingSearchOptions } = await import('../anneal/index.js');
  const { fit } = await import('../engine/fit.js');
  const { createFitPool } = await import('../engine/runtime/pool.js');
  const { loadGrammar, defaultGrammarPath } = await import('../grammar/load.js');
  const resume = flags.resume !== undefined;
  const out = flags.resume ?? flags.out;
  if (!out) throw new InputError('anneal', 'needs --out <run folder> (or --resume <run folder>)');
  if (!resume && !flags.dataset === !flags.frames) throw new InputError('anneal', 'give exactly one of --dataset spinning|pendulum and --frames <file>');
  // The run folder fixes the split; a different one on resume would train on the held-out sequences.
  if (resume && flags.heldout !== undefined) throw new InputError('--heldout', 'cannot change on --resume: the run folder records its held-out sequences');
  const grammar = loadGrammar(defaultGrammarPath());
  // Training searches propose rough laws (see trainingSearchOptions); the final searches use the whole
  // grammar and fit's defaults.
  // One pool for every search of the run: the threads start, and V8 compiles the engine in them, once.
  // It starts with the first search, so a run refused for its options or folder starts no threads
  // (a worker stopped while it still loads its script can bring Node 20 down).
  let pool = null as FitPool | null;
  try {
    return await annealWith(flags, out, resume, (latents, hints) =>
      fit(latents, { pool: (pool ??= createFitPool(flags.workers)), seed: flags.seed, ...(hints.final ? { grammar } : trainingSearchOptions(grammar, hints)) }),
    );
  } finally {
    await pool?.close();
  }
}

async function annealWith(flags: AnnealFlags, out: string, resume: boolean, search: SearchFn): Promise<number> {
  const { anneal } = await import('../anneal/index.js');
  const { progressBar } = await import('./progress.js');
  const bar = progressBar(!flags.json, 'training  ');
  const log = (line: string) => (flags.json ? process.stderr : process.stdout).write(`${line}\n`);
  const result = await anneal({
    out,
    resume,
    search,
    data: flags.dataset ? { kind: flags.dataset } : flags.frames ? { kind: 'file', path: flags.frames, stack: flags.stack } : undefined,
    heldout: flags.heldout,
    baseline: flags.baseline,
    latent: flags.latent,
    arch: flags.arch,
    epochs: flags.epochs,
    seed: flags.seed,
    backend: flags.backend,
    schedule: { ...(flags.lambda !== undefined ? { lambda: flags.lambda } : {}), ...(flags.physicsCap !== undefined ? { physicsCap: flags.physicsCap } : {}) },
    signal: interruptSignal(),
    onStep: (step, total) => bar.update(step, total),
    onMessage: (line) => {
      bar.pause();
      log(line);
    },
    onEpoch: (e) => {
      bar.pause();
      const law = e.bestLaw ? `${e.bestLaw.id} (inliers ${(100 * e.bestLaw.inlierFraction).toFixed(1)}%)` : 'none';
      log(`epoch ${e.epoch}: recon ${e.recon.toExponential(3)}  physics ${e.physics.toExponential(3)}  λ ${e.lambda.toFixed(3)}${e.effectiveLambda < e.lambda - 1e-12 ? ` (effective ${e.effectiveLambda.toPrecision(2)})` : ''}  best law ${law}`);
    },
  });
  bar.stop();
  const comparison = result.final && flags.baseline !== undefined ? await forecastAgainstBaseline(result.runDir, flags.baseline) : undefined;
  if (flags.json) process.stdout.write(`${JSON.stringify({ ...result, final: result.final ? { ...result.final, laws: undefined, heldoutLaws: undefined } : undefined, ...(comparison ? { baseline: comparison } : {}) })}\n`);
  else {
    if (comparison) log(comparison.line);
    log(`backend: ${result.backend.name} (${result.backend.reason}); seed ${flags.seed}; run folder ${result.runDir}`);
    if (result.interrupted) log(`interrupted at step ${result.step}/${result.totalSteps}; continue with: latent-laws anneal --resume ${result.runDir}`);
    else if (result.final) {
      const where = result.final.heldoutLaws ? 'held-out' : 'training';
      const best = headlineLaw(result.final.heldoutLaws ?? result.final.laws);
      // How much of the latents the law holds on comes before it, so the line still ends with the law.
      const holds = best ? `; it holds on ${(100 * best.metrics.inlierFraction).toFixed(1)}% of the ${where} transitions` : '';
      log(`done: reconstruction MSE ${result.final.recon.toExponential(3)}${holds}; best law on ${where} latents: ${best ? best.summary : 'none'}`);
    }
  }
  return result.interrupted ? EXIT.interrupted : EXIT.ok;
}

/** Both runs' forecasts by their best map laws (`rollout`'s defaults), and the line that compares them. */
async function forecastAgainstBaseline(runDir: string, baselineDir: string): Promise<BaselineComparison & { line: string }> {
  const { rollout } = await import('../rollout/rollout.js');
  const { compareWithBaseline, describeComparison } = await import('../anneal/baseline.js');
  const comparison = await compareWithBaseline(runDir, baselineDir, (run, steps) => rollout({ run, steps }));
  return { ...comparison, line: describeComparison(comparison, baselineDir) };
}

async function rolloutCommand(run: string, flags: { steps: number; out?: string; law?: string; laws?: string; sequences?: number; frames?: string; hold: RolloutHold; fallback: boolean; json?: boolean }): Promise<number> {
  const { readLawsFile } = await import('../check/laws-file.js');
  const laws = flags.laws === undefined ? undefined : readLawsFile(flags.laws);
  const { rollout } = await import('../rollout/rollout.js');
  const r = await rollout({ run, steps: flags.steps, out: flags.out, law: flags.law, laws, lawsSource: flags.laws, sequences: flags.sequences, frames: flags.frames, hold: flags.hold, fallback: flags.fallback });
  const summary = {
    law: r.law, stability: r.stability, fallbackFrom: r.fallbackFrom, divergedAfterSteps: r.divergedAfterSteps, stabilityMessage: r.stabilityMessage,
    hold: flags.hold, steps: r.steps, sequences: r.sequences, startReadings: r.startReadings, shape: r.shape, meanMse: r.meanMse, persistenceMse: r.persistenceMse, reconMse: r.reconMse, mse: r.mse };
  if (flags.json) {
    if (r.stabilityMessage) process.stderr.write(`${r.stabilityMessage}\n`);
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } else {
    if (r.stabilityMessage) process.stdout.write(`${r.stabilityMessage}\n`);
    const start = r.startReadings > 1 ? `; started from the clean state of the first ${r.startReadings} readings` : '';
    process.stdout.write(`law: ${r.law.summary}\n${r.steps} steps × ${r.sequences} sequences; other dimensions: ${flags.hold}${start}\n`);
    if (r.meanMse !== undefined) process.stdout.write(`frame MSE (mean over steps): ${r.meanMse.toExponential(3)}; nothing-moves baseline ${r.persistenceMse?.toExponential(3)}; reconstruction floor ${r.reconMse?.toExponential(3)}\n`);
    if (flags.out) process.stdout.write(`wrote ${flags.out}\n`);
  }
  return EXIT.ok;
}

export function registerAnnealCommands(program: Command): void {
  program
    .command('anneal')
    .description('train an autoencoder whose latent space is annealed toward the exact laws found in it')
    .addOption(new Option('--dataset <name>', 'built-in synthetic video').choices(['spinning', 'pendulum'] as const))
    .option('--frames <file>', 'your own frames, [K,T,H,W] or [K,T,D] in .npy/.npz')
    .addOption(new Option('--stack <n>', 'consecutive frames per sample (velocity becomes observable)').argParser(integerOption(1, 8)))
    .addOption(new Option('--heldout <k>', 'sequences kept out of training, encoded and searched at the end (default 8 with --dataset, 0 with --frames)').argParser(integerOption(0, 100000)))
    .addOption(new Option('--latent <n>', 'latent size (default 4; one per stacked frame when auto picks the angle chart)').argParser(integerOption(1, 256)))
    .addOption(new Option('--arch <kind>', 'encoder: auto (angle for a feature swinging on an arc, else convolutional where the backend trains it fast), dense, conv, delay (one shared encoder per stacked frame; --latent a multiple of the frames), keypoint (each frame\'s soft-argmax positions, x and y) or angle (each keypoint\'s angle about a pivot)').choices(['auto', 'dense', 'conv', 'delay', 'keypoint', 'angle'] as const).default('auto' as const))
    .addOption(new Option('--epochs <n>', 'epochs (default 40; with --resume, a larger value extends the run)').argParser(integerOption(1, 100000)))
    .option('--out <folder>', 'run folder to create')
    .option('--resume <folder>', 'continue the run in this folder from its last checkpoint')
    .addOption(new Option('--seed <n>', 'seed of initialisation, batch order, data and searches').argParser(integerOption(0, 2 ** 31 - 1)).default(0))
    .addOption(new Option('--lambda <x>', 'final weight of the physics loss (0 = plain autoencoder baseline)').argParser((v) => (v === '0' ? 0 : positiveNumber(v))))
    .addOption(new Option('--physics-cap <x>', 'largest physics push on the latents, as a multiple of the reconstruction\'s (default 2, none for the angle chart; "none" = no cap)').argParser((v) => (v === 'none' ? Infinity : positiveNumber(v))))
    .addOption(new Option('--workers <n>', 'worker threads of the law searches').argParser(integerOption(0, 64)).default(1))
    .addOption(new Option('--backend <name>', 'preferred TensorFlow.js backend (falls back node → wasm → cpu)').choices(['node', 'wasm', 'cpu'] as const).default('node' as const))
    .option('--baseline <folder>', 'a finished --lambda 0 run of the same frames: the summary compares both runs\' 50-step forecasts')
    .option('--json', 'print the run summary as JSON on stdout')
    .action((...args: unknown[]) => runCommand(() => annealCommand(args[0] as AnnealFlags), { 'data.stack': '--stack' }));
  program
    .command('rollout')
    .description('forecast by the discovered latent law of an anneal run and decode the frames')
    .argument('<run>', 'anneal run folder')
    .addOption(new Option('--steps <n>', 'law steps to roll out').argParser(integerOption(1, 100000)).default(50))
    .option('--out <file.npy>', 'write the forecast frames as .npy')
    .option('--law <id>', 'law to apply (default: the simplest near-perfect map law, else the best-ranked)')
    .option('--laws <file>', 'take the law from this laws file (fit --out) instead of the run’s laws.json')
    .addOption(new Option('--sequences <n>', 'test sequences to forecast').argParser(integerOption(1, 10000)))
    .option('--frames <file>', 'true frames for a file-based run (default: the run’s own frame file)')
    .addOption(new Option('--hold <mode>', 'latent dimensions outside the law’s subspace: nearest training latents (manifold), training mean, start values, or decode/re-encode').choices(['manifold', 'mean', 'initial', 'reencode'] as const).default('manifold' as const))
    .option('--no-fallback', 'roll out the chosen law even when it leaves the training latents’ range (default: fall back to an alternative that stays in range)')
    .option('--json', 'print the figures as JSON')
    .action((...args: unknown[]) => runCommand(() => rolloutCommand(args[0] as string, args[1] as never)));
}
