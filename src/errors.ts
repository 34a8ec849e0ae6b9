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

/** How a message names an option: the library by its own name (`epochs`), the command line by its flag. */
export type OptionNamer = (option: string) => string;

/**
 * An {@link InputError} about options the caller passed. Its `message` names them as the library does
 * (`epochs: must be a positive integer, got 0`); {@link OptionError.messageNaming} names them another
 * way, so that the command line can print its flags instead (`--epochs: …`).
 */
export class OptionError extends InputError {
  /** The option at fault, as the library names it. */
  readonly option: string;
  private readonly subject: string | undefined;
  private readonly detail: (name: OptionNamer) => string;

  /**
   * @param option the option at fault
   * @param detail what is wrong; a function of the namer when it names options itself
   * @param file the file at fault, when that is what the message is about (else the option is)
   */
  constructor(option: string, detail: string | ((name: OptionNamer) => string), file?: string) {
    const describe = typeof detail === 'string' ? () => detail : detail;
    super(file ?? option, describe((o) => o));
    this.name = 'OptionError';
    this.option = option;
    this.subject = file;
    this.detail = describe;
  }

  /** The message with every option named by `name`. */
  messageNaming(name: OptionNamer): string {
    return `${this.subject ?? name(this.option)}: ${this.detail(name)}`;
  }
}

/** The message of anything thrown: an Error's `message`, else the value as a string. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A command's flags for library options whose flag is not the option's name in kebab case (check's `laws` is `--law`). */
export type FlagNames = Readonly<Record<string, string>>;

/** The flag of a library option: `searchEvery` → `--search-every`, unless `flags` names it. */
export function flagOf(option: string, flags: FlagNames = {}): string {
  return Object.hasOwn(flags, option) ? flags[option] : `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** A message on one line, as the command line prints errors. */
export const oneLine = (message: string): string => message.replace(/\s*\n\s*/g, ' ');
