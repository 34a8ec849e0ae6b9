/**
 * `latent-laws worker --queue redis://host:port`: take fit jobs from a sweep's queue until Ctrl-C, one
 * log line per job on stderr. Ctrl-C stops taking jobs and lets the running ones finish; a second
 * Ctrl-C quits at once (its jobs are taken back by other workers when their locks lapse).
 */
import { Option, type Command } from '@commander-js/extra-typings';
import { QUEUE_DEFAULTS } from '../sweep/defaults.js';
import type { WorkerEvent } from '../sweep/worker.js';
import { integerOption } from './options.js';
import { EXIT, interruptSignal, runCommand } from './run.js';

/** Flags of `latent-laws worker`. */
interface WorkerFlags {
  queue: string;
  queueName: string;
  jobs?: number;
  lockDuration: number;
  stalledInterval: number;
  maxStalled: number;
}

/** Register `worker` on the program. */
export function registerWorkerCommand(program: Command<any, any, any>): void {
  program
    .command('worker')
    .description("fit a distributed sweep's inputs: take jobs from its Redis queue until Ctrl-C")
    .requiredOption('--queue <url>', 'the Redis of the sweep (redis://host:6379)')
    .option('--queue-name <name>', 'queue name shared with the sweep', QUEUE_DEFAULTS.name)
    .addOption(new Option('--jobs <n>', 'jobs run at once, each on its own thread (default: the cores)').argParser(integerOption(1, 256)))
    .addOption(new Option('--lock-duration <ms>', 'a job whose worker stops renewing its lock for this long is taken back').argParser(integerOption(100)).default(QUEUE_DEFAULTS.lockDurationMs))
    .addOption(new Option('--stalled-interval <ms>', 'how often to look for jobs whose lock lapsed').argParser(integerOption(100)).default(QUEUE_DEFAULTS.stalledIntervalMs))
    .addOption(new Option('--max-stalled <n>', 'times a job may be taken back before it fails').argParser(integerOption(0, 1000)).default(QUEUE_DEFAULTS.maxStalledCount))
    .action((...args: unknown[]) => runCommand(() => workerCommand(args[0] as WorkerFlags)));
}

function logLine(e: WorkerEvent): string {
  if (e.kind === 'started') return `fitting ${e.input}`;
  if (e.kind === 'done') return `fitted ${e.input} in ${(e.ms / 1000).toFixed(1)} s -> ${e.file}`;
  if (e.kind === 'failed') return `failed${e.final ? '' : ' (will retry)'}: ${e.error}`;
  return `queue error: ${e.error}`;
}

async function workerCommand(flags: WorkerFlags): Promise<number> {
  const { startWorker } = await import('../sweep/worker.js');
  const { availableParallelism } = await import('node:os');
  const signal = interruptSignal();
  const jobs = flags.jobs ?? availableParallelism();
  const worker = await startWorker({
    url: flags.queue, name: flags.queueName, jobs,
    lockDurationMs: flags.lockDuration, stalledIntervalMs: flags.stalledInterval, maxStalledCount: flags.maxStalled,
    onEvent: (e) => process.stderr.write(`${logLine(e)}\n`),
  });
  process.stderr.write(`worker on ${flags.queue} (queue "${flags.queueName}"), ${jobs} job${jobs === 1 ? '' : 's'} at a time; Ctrl-C to stop\n`);
  await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
  await worker.close();
  return EXIT.interrupted;
}
