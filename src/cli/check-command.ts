/**
 * `latent-laws check <laws.json> [data]`: property-based tests of discovered laws on held-out
 * trajectories (exit 0 when every law holds, 1 when one fails, 2 on bad input), or `--emit-test` to
 * print a test file that carries the laws into another project's suite; `--report` also writes an HTML
 * report. The checking modules load mathjs and fast-check (the report, KaTeX and the chart libraries),
 * so they are imported only when the command runs.
 */
import { type Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { InputError } from '../errors.js';
import { integerOption, positiveNumber } from './options.js';
import { EXIT, runCommand } from './run.js';

/** Flags of `latent-laws check`. */
export interface CheckFlags {
  runs: number;
  seed: number;
  steps: number;
  slack: number;
  growth?: number;
  law?: string[];
  path?: string;
  key?: string;
  json?: boolean;
  emitTest?: boolean;
  testRunner: string;
  /** Also write an HTML report here. */
  report?: string;
}

const nonNegative = (value: string): number => {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a non-negative number, got "${value}"`);
  return n;
};

/** Run `check` with parsed arguments; returns the exit code. */
export async function checkCommand(lawsFile: string, dataFile: string | undefined, flags: CheckFlags): Promise<number> {
  const { readLawsFile } = await import('../check/laws-file.js');
  const { checkLaws, selectLaws } = await import('../check/run.js');
  const doc = readLawsFile(lawsFile);
  if (doc.laws.length === 0) throw new InputError(lawsFile, 'contains no laws to check ("laws" is empty)');
  const laws = selectLaws(doc.laws, flags.law);
  const propertyOptions = { steps: flags.steps, slack: flags.slack, growth: flags.growth };

  if (flags.emitTest) {
    if (flags.report !== undefined) throw new InputError('--report', 'has nothing to show with --emit-test (no check runs); drop one of them');
    const { emitTestFile } = await import('../check/emit-test.js');
    const p = doc.provenance;
    const provenance = p ? `${p.source} (seed ${p.seed}, latent-laws ${p.version})` : undefined;
    const runner = flags.testRunner === 'vitest' ? 'vitest' : 'node';
    process.stdout.write(emitTestFile({ laws, lawsFile, data: dataFile, runner, runs: flags.runs, seed: flags.seed, provenance, ...propertyOptions }));
    return EXIT.ok;
  }

  if (dataFile === undefined)
    throw new InputError(lawsFile, 'no held-out data to check the laws on: give a trajectories file after it (or use --emit-test)');
  const { assertWritable, writeOutput } = await import('./output.js');
  // A report that cannot be written should fail before the check runs, not after.
  if (flags.report !== undefined) assertWritable(flags.report);
  const { loadDatasetAsync } = await import('../data/load.js');
  const data = await loadDatasetAsync(dataFile, { key: flags.key });
  if (data.dim !== doc.dim)
    throw new InputError(dataFile, `has dimension ${data.dim}, but the laws in ${lawsFile} are stated in dimension ${doc.dim}`);
  const report = checkLaws(laws, data, { ...propertyOptions, runs: flags.runs, seed: flags.seed, path: flags.path });
  report.lawsFile = lawsFile;
  if (flags.key !== undefined) report.key = flags.key;
  const { formatCheckReport, replayCommand } = await import('../check/format.js');
  const ctx = { lawsFile, dataFile, key: flags.key, steps: report.steps, slack: report.slack, growth: report.growth };
  for (const c of report.laws) if (!c.ok && c.replay.path !== null) c.replay.command = replayCommand(c, ctx);
  if (flags.report !== undefined) {
    // Written before anything is printed: a failure to write (exit 2) then leaves stdout empty.
    const { buildCheckReport } = await import('../report/check-report.js');
    writeOutput(flags.report, buildCheckReport(report, { ...doc, laws }, data));
  }
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatCheckReport(report)}\n`);
  // With --json, stdout holds exactly the JSON document.
  if (flags.report !== undefined) (flags.json ? process.stderr : process.stdout).write(`wrote the report to ${flags.report}\n`);
  return report.ok ? EXIT.ok : EXIT.failed;
}

/** Add `latent-laws check` to the program. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function registerCheckCommand(program: Command<any, any, any>): void {
  program
    .command('check')
    .description('test laws (a laws JSON from `fit --out`) on held-out trajectories with fast-check: pass, or a shrunk counterexample')
    .argument('<laws>', 'laws JSON file written by `latent-laws fit --out`')
    .argument('[data]', 'held-out latent trajectories (.npy, .npz, .json, .csv, .safetensors, .h5, .parquet; FILE:NAME for one array) in the same latent space')
    .addOption(new Option('--runs <n>', 'cases per law').argParser(integerOption(1, 10_000_000)).default(100))
    .addOption(new Option('--seed <n>', 'fast-check seed (printed with every failure, for replay)').argParser(integerOption(-(2 ** 31), 2 ** 31 - 1)).default(1))
    .addOption(new Option('--steps <n>', 'longest segment in transitions: maps are rolled out, invariants must stay constant').argParser(integerOption(1, 1000)).default(4))
    .addOption(new Option('--slack <x>', "a residual fails above slack × the law's tolerance").argParser(positiveNumber).default(2))
    .addOption(new Option('--growth <x>', "per-step growth of a map rollout's error bound (default: the map's own stretch)").argParser(nonNegative))
    .addOption(new Option('--law <id>', 'check only this law (id or rank); repeat for several').argParser((v, prev: string[] | undefined) => [...(prev ?? []), v]))
    .option('--path <path>', 'replay a reported failure: its path, with its --seed and --law')
    .option('--key <name>', 'the array to use in a file holding several (.npz member, HDF5 dataset, safetensors tensor); or write FILE:NAME')
    .option('--json', 'print the report as one JSON document on stdout')
    .option('--report <file>', 'also write an HTML report: one self-contained file that opens offline')
    .option('--emit-test', 'print a test file (node:test, or see --test-runner) asserting each law, instead of checking')
    .addOption(new Option('--test-runner <name>', 'test runner of --emit-test').choices(['node', 'vitest'] as const).default('node' as const))
    .action((...args: unknown[]) => runCommand(() => checkCommand(args[0] as string, args[1] as string | undefined, args[2] as CheckFlags), { laws: '--law' }));
}
