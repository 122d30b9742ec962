// The base of every dr command: the global options, and the error boundary that turns any
// failure into one line on stderr and a stable exit code (the stack only under --debug).
// Subclasses implement `run()`, hand the work over with commandIO(this), and never exit.
import { DrError, ExitCode } from '@dr/shared';
import { Command, Option } from 'clipanion';
import { isEnum } from 'typanion';
import type { DrContext } from './context.ts';
import { type GlobalOptions, NO_GLOBAL_OPTIONS, OUTPUT_FORMATS } from './global-options.ts';

export abstract class DrCommand extends Command<DrContext> {
  /** The global options (global-options.ts), read off the line by the runner. */
  get globals(): GlobalOptions {
    return this.context.globals ?? NO_GLOBAL_OPTIONS;
  }

  /** A command that handles Ctrl-C itself (task run waits for its task): the runner does not exit. */
  static handlesInterrupt = false;

  /** The command's work. Returns the exit code (0 when omitted). */
  protected abstract run(): Promise<number | undefined>;

  async execute(): Promise<number> {
    const { outputFormat } = this.context;
    if (outputFormat !== undefined && 'outputFormat' in this) Object.assign(this, { outputFormat });
    try {
      return (await this.run()) ?? ExitCode.ok;
    } catch (error) {
      return this.reportFailure(error);
    }
  }

  /** Writes one line for `error` (and its stack under --debug) and returns the exit code. */
  protected reportFailure(error: unknown): number {
    const { stderr } = this.context;
    const exitCode = error instanceof DrError ? error.exitCode : ExitCode.failure;
    this.context.failure = error;
    if (error instanceof DrError) {
      stderr.write(`Error: ${error.message}\n`);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      stderr.write(
        `Error: unexpected failure: ${message}${this.globals.debug ? '' : ' (run again with --debug for details)'}\n`,
      );
    }
    if (this.globals.debug && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
    return exitCode;
  }
}

/** The `--output-format` option, for commands whose output is data. */
export function outputFormatOption() {
  return Option.String('--output-format', 'text', {
    description: 'Print text for people or json for programs (text|json)',
    validator: isEnum(OUTPUT_FORMATS),
  });
}
