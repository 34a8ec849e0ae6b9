/**
 * `latent-laws sweep <inputs...> --out DIR [--queue redis://host:port]`: fit many inputs as `fit` fits
 * one, here on all cores or through a queue of workers, and write one result per input plus a summary
 * table. A thin layer over the library's `sweep`; the sweep modules load when the command runs.
 */
import { Option, type Command } from '@commander-js/extra-typings';
import { QUEUE_DEFAULTS } from '../sweep/defaults.js';
import type { SweepSummary } from '../sweep/summary.js';
import type { CommonFitFlags } from './fit-command.js';
import { integerOption } from './options.js';
import { progressBar } from './progress.js';
import { EXIT, interruptSignal, runCommand } from './run.js';

/** Flags of `latent-laws sweep`. */
interface SweepFlags extends Omit<CommonFitFlags, 'out' | 'report'> {
  out: string;
  key?: string;
  jobs?: number;
  queue?: string;
  queueName: string;
  attempts: number;
  backoff: number;
}

/** Register `sweep`; `searchFlags` adds the options it shares with `fit`. */
export function registerSweepCommand(program: Command<any, any, any>, searchFlags: (cmd: Command<any, any, any>) => Command<any, any, any>): void {
  const cmd = program
    .command('sweep')
    .description('fit many inputs as `fit` fits one (here on all cores, or by workers through a Redis queue): one result per input and a summary table')
    .argument('<inputs...>', 'glob patterns (quote them), manifests (text files: one path per line, # comments) or data files')
    .requiredOption('--out <dir>', 'output folder: results/ (one fit result per input), sweep.json and sweep.csv (the summary)')
    .option('--json', 'print the summary as one JSON document on stdout (everything else goes to stderr)')
    .option('--key <name>', 'for .npz inputs: use only this array')
    .addOption(new Option('--jobs <n>', 'local sweep: inputs fitted at once, each on its own thread (default: the cores)').argParser(integerOption(1, 256)))
    .option('--queue <url>', 'distributed sweep: enqueue the inputs on this Redis (redis://host:6379) for `latent-laws worker`s; paths must be the same on every machine')
    .option('--queue-name <name>', 'queue name shared with the workers', QUEUE_DEFAULTS.name)
    .addOption(new Option('--attempts <n>', 'tries of a job that fails for a reason other than its input').argParser(integerOption(1, 100)).default(QUEUE_DEFAULTS.attempts))
    .addOption(new Option('--backoff <ms>', 'first retry delay in ms (doubling after each try)').argParser(integerOption(0)).default(QUEUE_DEFAULTS.backoffMs));
  searchFlags(cmd).action((...args: unknown[]) => runCommand(() => sweepCommand(args[0] as string[], args[1] as SweepFlags)));
}

function announce(flags: SweepFlags, total: number, recorded: number, jobs: number): string {
  const left = total - recorded;
  if (left === 0) return `${total} input${total === 1 ? '' : 's'}, all recorded by an earlier run: nothing to fit\n`;
  const where = flags.queue
    ? `queued on ${flags.queue} (queue "${flags.queueName}"); waiting for workers (latent-laws worker --queue ${flags.queue})`
    : `fitting here, ${Math.min(jobs, left)} at a time`;
  return `${total} input${total === 1 ? '' : 's'}, ${recorded} recorded by an earlier run; ${left} ${where}\n`;
}

function closingLines(s: SweepSummary, out: string): string {
  const c = s.counts;
  const lines = [`${c.inputs} inputs: ${c.done} done, ${c.failed} failed, ${c.pending} pending; ${c.fittedThisRun} fitted in this run, ${c.cached} from earlier runs (${(s.elapsedMs / 1000).toFixed(1)} s)`];
  for (const r of s.rows) if (r.status === 'failed') lines.push(`  failed: ${r.error}`);
  if (s.interrupted) lines.push('interrupted: a re-run of the same command picks up from here');
  lines.push(`wrote ${out}/sweep.json and ${out}/sweep.csv`);
  return `${lines.join('\n')}\n`;
}

async function sweepCommand(inputs: string[], flags: SweepFlags): Promise<number> {
  const { sweep } = await import('../sweep/sweep.js');
  const { availableParallelism } = await import('node:os');
  const jobs = flags.jobs ?? availableParallelism();
  const log = flags.json ? process.stderr : process.stdout;
  const bar = progressBar(!flags.json, 'sweep');
  const summary = await sweep({
    inputs, out: flags.out, jobs, signal: interruptSignal(),
    fit: {
      grammar: flags.grammar, key: flags.key, seed: flags.seed, workers: flags.workers, tolerance: flags.tolerance ?? null,
      maxRelativeTolerance: flags.maxTolerance, minInlierFraction: flags.minInliers, maxMotionError: flags.maxMotionError,
      resolution: flags.resolution, measureAllFinalists: flags.measureAllFinalists ?? false,
      measurementNoise: flags.measurementNoise ?? true, dt: flags.dt ?? null,
    },
    queue: flags.queue === undefined ? undefined : { url: flags.queue, name: flags.queueName, attempts: flags.attempts, backoffMs: flags.backoff },
    onProgress: (done, total, latest) => {
      if (latest === null) process.stderr.write(announce(flags, total, done, jobs));
      bar.update(done, total);
    },
  });
  bar.stop();
  if (flags.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  log.write(closingLines(summary, flags.out));
  return summary.interrupted ? EXIT.interrupted : EXIT.ok;
}
