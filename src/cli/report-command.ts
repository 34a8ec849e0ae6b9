/**
 * `latent-laws report <run-folder>`: an HTML report of an anneal run folder, of a sweep folder (it holds
 * `sweep.json`), of a fit result JSON (from `fit --out`) with the data it was fitted to, or of a check
 * result JSON (from `check --json`) with its laws file and the data it checked. This module stays light: the report modules, the
 * loaders and (for sample frames) TensorFlow.js are imported inside the action.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { Option, type Command } from '@commander-js/extra-typings';
import { parseDataSpec } from '../data/source.js';
import { InputError } from '../errors.js';
import { integerOption, positiveNumber } from './options.js';
import { runCommand } from './run.js';

interface ReportFlags {
  dt?: number;
  out?: string;
  data?: string;
  laws?: string;
  frames: number;
  maxTrajectories: number;
}

/** Register the `report` command on the program. */
export function registerReportCommand(program: Command<any, any, any>): void {
  program
    .command('report')
    .description('write an HTML report (one self-contained file) of an anneal run folder, a sweep folder, a fit result .json or a check result .json')
    .argument('<run>', 'anneal run folder, sweep folder (written by `sweep --out`), a fit result .json written by `fit --out`, or a check result .json printed by `check --json`')
    .option('--out <file>', 'HTML file to write (default: report.html in the run or sweep folder, or the .json name with .html)')
    .option('--data <file>', 'for a .json result: the trajectories it was fitted to or checked on (default: its recorded data file)')
    .option('--laws <file>', 'for a check result .json: the laws file it checked (default: its recorded laws file)')
    .addOption(new Option('--frames <n>', 'sample frames per row for anneal runs (0 = none; drawing them loads TensorFlow.js)').argParser(integerOption(0, 64)).default(8))
    .addOption(new Option('--max-trajectories <n>', 'trajectories drawn in each phase portrait').argParser(integerOption(1, 100000)).default(30))
    .addOption(new Option('--dt <x>', 'for a fit result: time between consecutive states, to state its linear laws in continuous time too').argParser(positiveNumber))
    .action((...args: unknown[]) => runCommand(() => reportCommand(args[0] as string, args[1] as ReportFlags)));
}

async function reportCommand(target: string, flags: ReportFlags): Promise<number> {
  if (!existsSync(target)) throw new InputError(target, 'does not exist');
  const limits = { maxTrajectories: flags.maxTrajectories };
  let html: string;
  let out: string;
  if (statSync(target).isFile()) {
    out = flags.out ?? join(dirname(target), `${basename(target, extname(target))}.html`);
    html = await resultReport(target, flags, limits);
  } else {
    if (flags.dt !== undefined) throw new InputError('--dt', `applies to a fit result; ${target} is an anneal run folder`);
    out = flags.out ?? join(target, 'report.html');
    const { isSweepFolder, readSweepFolder, buildSweepReport } = await import('../report/sweep-report.js');
    if (!isSweepFolder(target) && !existsSync(join(target, 'run.json')))
      throw new InputError(target, 'is not an anneal run folder (no run.json) nor a sweep folder (no sweep.json)');
    html = isSweepFolder(target) ? buildSweepReport(readSweepFolder(target)) : await annealReport(target, flags, limits);
  }
  const { writeOutput } = await import('./output.js');
  writeOutput(out, html);
  process.stdout.write(`wrote the report to ${out}\n`);
  return 0;
}

/** A recorded input file, or a one-line error telling which flag overrides it. */
function recordedFile(result: string, what: string, path: string | undefined, flag: string, hint: string): string {
  // A recorded data source may name one array of its file (`latents.h5:/z`): the file is what must exist.
  const file = path === undefined ? undefined : parseDataSpec(path).file;
  if (path === undefined || file === undefined || !(existsSync(file) && statSync(file).isFile()))
    throw new InputError(result, `its ${what} ${path === undefined ? 'is not recorded' : `"${path}" is not a file here`}; pass ${flag} <file> with ${hint}`);
  return path;
}

async function resultReport(file: string, flags: ReportFlags, limits: { maxTrajectories: number }): Promise<string> {
  const [{ readJson, asFitResult }, { isCheckResult }] = await Promise.all([import('../report/anneal-run.js'), import('../report/check-input.js')]);
  const parsed = readJson<unknown>(file);
  if (isCheckResult(parsed)) {
    if (flags.dt !== undefined) throw new InputError('--dt', `applies to a fit result; ${file} is a check result`);
    return checkResultReport(parsed, file, flags, limits);
  }
  const [{ buildFitReport }, { loadDatasetAsync }, { withTimeStep }] = await Promise.all([
    import('../report/fit-report.js'), import('../data/load.js'), import('../engine/output/continuous-time.js'),
  ]);
  const saved = asFitResult(parsed, file);
  const result = flags.dt === undefined ? saved : withTimeStep(saved, flags.dt);
  const dataPath = flags.data ?? recordedFile(file, 'data source', result.provenance.source, '--data', 'the trajectories it was fitted to');
  return buildFitReport(result, await loadDatasetAsync(dataPath), { limits, inputs: [['fit result', file]] });
}

async function checkResultReport(parsed: unknown, file: string, flags: ReportFlags, limits: { maxTrajectories: number }): Promise<string> {
  const [{ asCheckReport }, { buildCheckReport }, { readLawsFile }, { loadDatasetAsync }] = await Promise.all([
    import('../report/check-input.js'), import('../report/check-report.js'), import('../check/laws-file.js'), import('../data/load.js'),
  ]);
  const report = asCheckReport(parsed, file);
  const laws = readLawsFile(flags.laws ?? recordedFile(file, 'laws file', report.lawsFile, '--laws', 'the laws it checked'));
  const data = await loadDatasetAsync(flags.data ?? recordedFile(file, 'data file', report.source, '--data', 'the trajectories it checked'), { key: report.key });
  return buildCheckReport(report, laws, data, { limits, inputs: [['check result', file]] });
}

async function annealReport(dir: string, flags: ReportFlags, limits: { maxTrajectories: number }): Promise<string> {
  // Read (and validate) the folder before loading the report modules: a wrong path fails at once.
  const { readAnnealRun } = await import('../report/anneal-run.js');
  const run = readAnnealRun(dir);
  let frames;
  let framesNote: string | undefined;
  if (flags.frames === 0) framesNote = 'Sample frames not drawn (--frames 0).';
  else if (!run.hasModel) framesNote = 'No sample frames: the run has no trained model yet (model/ appears when the run finishes).';
  else {
    const { sampleFrames } = await import('../report/anneal-frames.js');
    try {
      frames = await sampleFrames(run, flags.frames);
    } catch (err) {
      // A moved frames file should not cost the whole report: say why the frames are missing.
      if (!(err instanceof InputError)) throw err;
      framesNote = `No sample frames: ${err.message}`;
    }
  }
  const { buildAnnealReport } = await import('../report/anneal-report.js');
  return buildAnnealReport(run, { frames, framesNote, limits });
}
