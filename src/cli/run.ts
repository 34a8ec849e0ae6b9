/**
 * How every command ends: results on stdout, one-line errors on stderr with a non-zero exit code and
 * no stack trace, and Ctrl-C turned into an abort signal so long work can stop and keep what it found.
 */
import { errorMessage, type FlagNames, flagOf, InputError, oneLine, OptionError } from '../errors.js';

/** Exit codes: 0 ok, 1 a check failed (used by `check`), 2 bad input or usage, 70 internal error, 130 interrupted twice. */
export const EXIT = { ok: 0, failed: 1, input: 2, internal: 70, interrupted: 130 } as const;

export function fail(message: string, code: number): never {
  process.stderr.write(`latent-laws: ${oneLine(message)}\n`);
  process.exit(code);
}

let controller: AbortController | null = null;

/**
 * An AbortSignal raised by the first Ctrl-C (the command finishes with what it has); a second Ctrl-C
 * exits at once. Installed when the CLI starts, so an early Ctrl-C is never lost to Node's default.
 */
export function interruptSignal(): AbortSignal {
  if (controller) return controller.signal;
  const c = new AbortController();
  controller = c;
  process.on('SIGINT', () => {
    if (c.signal.aborted) {
      process.stderr.write('\nlatent-laws: interrupted again, exiting now\n');
      process.exit(EXIT.interrupted);
    }
    process.stderr.write('\nlatent-laws: interrupted; finishing with what was found so far (Ctrl-C again to quit now)\n');
    c.abort();
  });
  return c.signal;
}


/**
 * Run a command body, mapping errors to one line and an exit code. The library names its options in
 * errors (`laws: …`); the user typed flags, so an option error is printed with them (`--law: …`).
 */
export async function runCommand(body: () => Promise<number | void>, flags: FlagNames = {}): Promise<void> {
  try {
    const code = await body();
    process.exitCode = code ?? EXIT.ok;
  } catch (err) {
    if (err instanceof OptionError) fail(err.messageNaming((option) => flagOf(option, flags)), EXIT.input);
    if (err instanceof InputError) fail(err.message, EXIT.input);
    const message = errorMessage(err);
    if (process.env.LATENT_LAWS_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
    fail(`internal error: ${message} (set LATENT_LAWS_DEBUG=1 for details)`, EXIT.internal);
  }
}
