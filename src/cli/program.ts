/**
 * The latent-laws command line, entered through main.ts. Each command parses its flags and calls the
 * library; all error reporting goes through runCommand (one line, exit code, no stack trace). Command
 * modules are imported when their command runs: mathjs and TensorFlow.js take seconds to load, and
 * Ctrl-C must be handled from the first moment.
 */
import { Command, Option } from '@commander-js/extra-typings';
import { FIT_DEFAULTS } from '../engine/defaults.js';
import { tuneCompiler } from '../engine/runtime/jit.js';
import { SWEEP_FIT_WORKERS } from '../sweep/defaults.js';
import { VERSION } from '../version.js';
import { registerReportCommand } from './report-command.js';
import { registerAnnealCommands } from './anneal-command.js';
import { registerSweepCommand } from './sweep-command.js';
import { registerWorkerCommand } from './worker-command.js';
import { defaultWorkers, fraction, fractionBelowOne, integerOption, positiveNumber } from './options.js';
import { EXIT, interruptSignal, runCommand } from './run.js';

interruptSignal();
tuneCompiler();
const workersDefault = await defaultWorkers();

const program = new Command('latent-laws')
  .description('Find the physics of a latent space: exact update rules and conservation laws of latent trajectories.')
  .version(VERSION)
  .showHelpAfterError(false)
  .configureOutput({ outputError: (str, write) => write(`latent-laws: ${str.replace(/^error: /, '')}`) })
  .exitOverride((err) => {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') process.exit(EXIT.ok);
    process.exit(EXIT.input);
  });

/** The search's options, shared by `fit`, `demo` and `sweep` (`workers` defaults differ: a sweep runs fits side by side). */
const searchFlags = <T extends Command<any, any, any>>(cmd: T, workers: number) =>
  cmd
    .option('--grammar <file>', 'grammar file (default: the bundled grammar/default.grammar)')
    .addOption(new Option('--workers <n>', 'worker threads (0 = run inline)').argParser(integerOption(0, 64)).default(workers))
    .addOption(new Option('--seed <n>', 'seed of the screening sample (printed with every result)').argParser(integerOption(0, 2 ** 32 - 1)).default(FIT_DEFAULTS.seed))
    .addOption(new Option('--tolerance <x>', 'absolute inlier tolerance for map residuals (default: from the data noise)').argParser(positiveNumber))
    .addOption(new Option('--max-tolerance <x>', "cap on the automatic tolerance, as a share of a subspace's spread").argParser(fraction).default(FIT_DEFAULTS.maxRelativeTolerance))
    .addOption(new Option('--min-inliers <q>', 'report only laws holding on at least this share of transitions').argParser(fraction).default(FIT_DEFAULTS.minInlierFraction))
    .addOption(new Option('--max-motion-error <x>', 'report only maps whose residual, in their worst direction, is at most this share of the step they predict').argParser(positiveNumber).default(FIT_DEFAULTS.maxMotionError))
    .addOption(new Option('--resolution <x>', "relative residual below which laws count as exact (a share of the step for maps, of I's spread for invariants)").argParser(fractionBelowOne).default(FIT_DEFAULTS.resolution))
    .addOption(new Option('--measure-all-finalists', 'give every finalist a pass over all transitions, even those the screening sample rules out as laws (exact Pareto errors; slower)'))
    .addOption(new Option('--no-measurement-noise', 'judge every law on the readings as they are, never through measurement noise the lag structure shows'))
    .addOption(new Option('--dt <x>', 'time between consecutive states: also state linear laws in continuous time (generator, angular velocity, period, decay rate)').argParser(positiveNumber));

const fitFlags = <T extends Command<any, any, any>>(cmd: T) =>
  searchFlags(
    cmd
      .option('--json', 'print the result as one JSON document on stdout (everything else goes to stderr)')
      .option('--out <file>', 'also write the JSON result to this file (atomically)')
      .option('--report <file>', 'also write an HTML report: one self-contained file that opens offline'),
    workersDefault,
  );

fitFlags(
  program
    .command('fit')
    .description('fit laws to saved latent trajectories (.npy, .npz, .json, .csv, .safetensors, .h5/.hdf5, .parquet)')
    .argument('<file>', 'latent trajectories: a [T,d] or [K,T,d] array (FILE:NAME for one array of several), or long-format CSV/Parquet; see the README'),
)
  .option('--key <name>', 'the array to use in a file holding several (.npz member, HDF5 dataset, safetensors tensor); or write FILE:NAME')
  .action((...args: unknown[]) => runCommand(async () => (await import('./fit-command.js')).fitCommand(args[0] as string, args[1] as never)));

fitFlags(program.command('demo').description('make a planted-law data set, fit it, and show truth vs found'))
  .option('--save-data <file.npy>', 'also save the demo trajectories as .npy')
  .action((...args: unknown[]) => runCommand(async () => (await import('./fit-command.js')).demoCommand(args[0] as never)));

registerReportCommand(program);
registerAnnealCommands(program);
registerSweepCommand(program, (cmd) => searchFlags(cmd, SWEEP_FIT_WORKERS));
registerWorkerCommand(program);

(await import('./check-command.js')).registerCheckCommand(program);
await program.parseAsync(process.argv);
