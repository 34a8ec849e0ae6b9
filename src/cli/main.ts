#!/usr/bin/env node
/**
 * Entry of the command line: a fit of a large input may first move to a process with huge pages
 * (huge-pages.ts), so this module imports nothing else before it knows.
 */
import { InputError } from '../errors.js';
import { rerunLargeFitWithHugePages } from './huge-pages.js';
import { EXIT, fail } from './run.js';

let rerun: number | null = null;
try {
  rerun = await rerunLargeFitWithHugePages(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof InputError)) throw err;
  fail(err.message, EXIT.input);
}
if (rerun === null) await import('./program.js');
else process.exitCode = rerun;
