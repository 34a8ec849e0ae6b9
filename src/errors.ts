/**
 * Errors a user can act on. The CLI prints `message` as one line (no stack trace) and exits non-zero;
 * anything else that escapes is a bug and is reported as such.
 */
export class InputError extends Error {
  /** The file (or argument) at fault. */
  readonly file: string;
  constructor(file: string, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'InputError';
    this.file = file;
  }
}

/** Thrown by long work when the user interrupted it; callers keep what was found so far. */
export class Interrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'Interrupted';
  }
}

/** The message of anything thrown: an Error's `message`, else the value as a string. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
