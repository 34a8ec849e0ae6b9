/**
 * Large inputs on Linux: the fit runs in a child process whose malloc asks for transparent huge pages.
 * Where page faults are dear (about 10 µs a page on the virtual machine this was measured on), reading
 * a 207 MB file into 4 KB pages and first touching it took 0.8 s, and 0.05 s in 2 MB pages
 * (docs/performance.md#huge-pages-for-large-inputs). glibc reads its tunables only when a
 * process starts, hence a second process rather than a setting. Its main thread also takes the fit's
 * smaller young generation (engine/runtime/heap.ts), which V8 likewise reads only at start.
 */
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { constants } from 'node:os';
import { parseDataSpec } from '../data/source.js';
import { InputError } from '../errors.js';
import { YOUNG_GENERATION_FLAG } from '../engine/runtime/heap.js';

/** `auto` (the default): huge pages from {@link HUGE_PAGES_FROM_BYTES} of input; `1`: always; `0`: never. */
export const HUGE_PAGES_ENV = 'LATENT_LAWS_HUGE_PAGES';

/** Inputs from this size on gain more than a second process costs (about 0.1 s). */
export const HUGE_PAGES_FROM_BYTES = 64 * 2 ** 20;

/**
 * Huge pages for malloc, and freed memory kept for reuse rather than returned and faulted in again:
 * blocks below 32 MB (glibc's largest mmap threshold) come from its arenas, which are trimmed only
 * past 1 GB free.
 */
const TUNABLES = 'glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824';

/** What decides whether a fit runs again with huge pages. */
export interface HugePagesContext {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** The bracketed word of /sys/kernel/mm/transparent_hugepage/enabled, or null without the file. */
  transparentHugePages: string | null;
  /** Whether Node runs on glibc (the tunable means nothing to other C libraries). */
  glibc: boolean;
  /** Whether a debugger may attach (`--inspect…`, also in NODE_OPTIONS): it would attach to the process that does not fit. */
  debugging: boolean;
  inputBytes: number;
}

/**
 * Whether to run the fit again with huge pages: on Linux with glibc, where the kernel gives huge pages
 * to memory that asks for them (`madvise`, the only mode measured), for large inputs unless
 * LATENT_LAWS_HUGE_PAGES says otherwise, never under a debugger, and never twice.
 * @throws InputError when LATENT_LAWS_HUGE_PAGES is not 0, 1 or auto
 */
export function shouldRerunWithHugePages(c: HugePagesContext): boolean {
  const choice = c.env[HUGE_PAGES_ENV] ?? 'auto';
  if (!['0', '1', 'auto'].includes(choice)) throw new InputError(HUGE_PAGES_ENV, `is "${choice}"; use 0, 1 or auto`);
  if (choice === '0' || (choice === 'auto' && c.inputBytes < HUGE_PAGES_FROM_BYTES)) return false;
  if (c.platform !== 'linux' || c.debugging) return false;
  // A user who set the tunable either way has chosen.
  if (/(^|:)glibc\.malloc\.hugetlb=/.test(c.env.GLIBC_TUNABLES ?? '')) return false;
  return c.glibc && c.transparentHugePages === 'madvise';
}

/**
 * {@link HugePagesContext} of this process. The C library and the kernel's mode are read only when
 * asked for (a report and a file), which a small input never does.
 */
export function hugePagesContext(inputBytes: number): HugePagesContext {
  const options = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return {
    platform: process.platform,
    env: process.env,
    debugging: options.some((a) => a.startsWith('--inspect')),
    inputBytes,
    get glibc() {
      const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
      return typeof report.header?.glibcVersionRuntime === 'string';
    },
    get transparentHugePages() {
      try {
        return /\[(\w+)\]/.exec(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))?.[1] ?? null;
      } catch {
        return null; // a kernel without transparent huge pages
      }
    },
  };
}

/**
 * Run this command line again in a child process with huge pages, and wait for it. The child has a
 * session of its own, so a Ctrl-C at the terminal reaches it once, through this process; SIGINT,
 * SIGTERM and SIGHUP are passed on, and Ctrl-Z and `fg` stop and resume both.
 * @returns the child's exit code (128 + the signal's number if a signal ended it), or null when it
 *   could not be started (the fit then runs in this process)
 */
export function rerunWithHugePages(): Promise<number | null> {
  // The user's own tunables come last, so theirs win where both set one.
  const tunables = [TUNABLES, process.env.GLIBC_TUNABLES].filter(Boolean).join(':');
  // The user's own V8 flags come after ours, so theirs win where both set one.
  const child = spawn(process.execPath, [YOUNG_GENERATION_FLAG, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    // Never a third process, whatever the tunables say.
    env: { ...process.env, GLIBC_TUNABLES: tunables, [HUGE_PAGES_ENV]: '0' },
    detached: true,
  });
  return new Promise((resolve) => {
    child.on('error', () => resolve(null));
    child.on('spawn', () => {
      // This process's own Ctrl-C handling would count the child's first interrupt as its own.
      process.removeAllListeners('SIGINT');
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
      // Ctrl-Z stops both (the child, in its own session, would run on), and `fg` resumes both.
      process.on('SIGTSTP', () => {
        child.kill('SIGSTOP');
        process.kill(process.pid, 'SIGSTOP');
      });
      process.on('SIGCONT', () => child.kill('SIGCONT'));
    });
    child.on('exit', (code, signal) => {
      if (code !== null) return resolve(code);
      process.stderr.write(`latent-laws: the fit's process ended by ${signal}\n`);
      resolve(128 + (constants.signals[signal as NodeJS.Signals] ?? 0));
    });
  });
}

/** Size of the file an argument names (FILE or FILE:NAME), 0 if it names none. */
function fileBytes(arg: string): number {
  try {
    const stat = statSync(parseDataSpec(arg).file);
    return stat.isFile() ? stat.size : 0;
  } catch {
    return 0;
  }
}

/**
 * Run `latent-laws fit` again with huge pages where {@link shouldRerunWithHugePages} says so. Read
 * from the raw arguments before the command line loads: the input is the largest file an argument
 * after `fit` names.
 * @param args the command line's arguments after the script's name
 * @returns the child's exit code, or null to go on in this process
 */
export function rerunLargeFitWithHugePages(args: string[]): Promise<number | null> {
  if (args[0] !== 'fit') return Promise.resolve(null);
  const inputBytes = Math.max(0, ...args.slice(1).filter((a) => !a.startsWith('-')).map(fileBytes));
  return shouldRerunWithHugePages(hugePagesContext(inputBytes)) ? rerunWithHugePages() : Promise.resolve(null);
}
