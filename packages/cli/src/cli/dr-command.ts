// The base of every dr command: the global options, and the error boundary that turns any
// failure into one line on stderr and a stable exit code (the stack only under --debug).
// Subclasses implement `run()`, hand the work over with commandIO(this), and never exit.
import { DrError, ExitCode } from '@dr/shared';
import { Command, Option } from 'clipanion';
import { isEnum } from 'typanion';
import type { DrContext, GlobalOptions } from './context.ts';

const NO_GLOBAL_OPTIONS: GlobalOptions = {
  config: undefined,
  debug: false,
  verbose: false,
  disableTelemetry: false,
  skipCertificateCheck: false,
  caCert: undefined,
  skipAuth: false,
  forceInteractive: false,
};

export abstract class DrCommand extends Command<DrContext> {
  // The global options (global-options.ts) are read off the line by the runner, not declared.
  /** --config: the settings file this line names, if any. */
  get config(): string | undefined {
    return this.globalOptions.config;
  }

  /** --debug: show stacks and telemetry diagnostics. */
  get debug(): boolean {
    return this.globalOptions.debug;
  }

  /** --verbose: say more about what is being done. */
  get verbose(): boolean {
    return this.globalOptions.verbose;
  }

  /** --disable-telemetry: record nothing in this run. */
  get disableTelemetry(): boolean {
    return this.globalOptions.disableTelemetry;
  }

  /** -k, --skip-certificate-check: do not verify DataRobot's TLS certificate. */
  get skipCertificateCheck(): boolean {
    return this.globalOptions.skipCertificateCheck;
  }

  /** --ca-cert: a PEM file of CA certificates to trust too. */
  get caCert(): string | undefined {
    return this.globalOptions.caCert;
  }

  /** --skip-auth: the Go dr's "skip authentication checks"; `dr auth login` refuses under it. */
  get skipAuth(): boolean {
    return this.globalOptions.skipAuth;
  }

  /** --force-interactive: accepted as by the Go dr; dr keeps no wizard state, so it changes nothing. */
  get forceInteractive(): boolean {
    return this.globalOptions.forceInteractive;
  }

  private get globalOptions(): GlobalOptions {
    return this.context.globals ?? NO_GLOBAL_OPTIONS;
  }

  /** A command that handles Ctrl-C itself (task run waits for its task): the runner does not exit. */
  static handlesInterrupt = false;

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
