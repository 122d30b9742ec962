// The base of every dr command: the global options, and the error boundary that turns any
// failure into one clear line on stderr and a stable exit code (the stack only under --debug).
// Subclasses implement `run()`; they never write errors themselves and never call process.exit.
import { DrError, type DrPaths, ExitCode } from '@dr/shared';
import { Command, Option } from 'clipanion';
import { isEnum } from 'typanion';
import type { DrContext } from './context.ts';
import { globalOptionDescription } from './global-options.ts';

export abstract class DrCommand extends Command<DrContext> {
  config = Option.String('--config', {
    description: globalOptionDescription('--config'),
    hidden: true,
  });
  debug = Option.Boolean('--debug', false, {
    description: globalOptionDescription('--debug'),
    hidden: true,
  });
  verbose = Option.Boolean('--verbose', false, {
    description: globalOptionDescription('--verbose'),
    hidden: true,
  });
  disableTelemetry = Option.Boolean('--disable-telemetry', false, {
    description: globalOptionDescription('--disable-telemetry'),
    hidden: true,
  });

  /**
   * True for a command that handles Ctrl-C itself and ends in its own way (task run waits for
   * its task): the runner then records the interruption without ending the process early.
   */
  static handlesInterrupt = false;

  /**
   * Where this run's files are: the config named by --config, the spool, the policy file.
   * Loaded when asked for (env-paths loads node:os): most commands never need it.
   */
  protected async filePaths(): Promise<DrPaths> {
    const { resolvePaths } = await import('@dr/shared/paths');
    return resolvePaths({ configFlag: this.config, env: this.context.env });
  }

  /** The command's work. Returns the exit code (0 when omitted). */
  protected abstract run(): Promise<number | undefined>;

  async execute(): Promise<number> {
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
        `Error: unexpected failure: ${message}${this.debug ? '' : ' (run again with --debug for details)'}\n`,
      );
    }
    if (this.debug && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
    return exitCode;
  }
}

/** The `--output-format` option, for commands whose output is data. */
export function outputFormatOption() {
  return Option.String('--output-format', 'text', {
    description: 'Print text for people or json for programs (text|json)',
    validator: isEnum(['text', 'json'] as const),
  });
}
