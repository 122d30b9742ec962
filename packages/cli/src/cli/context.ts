// What every command receives besides its options: the standard streams and environment of
// this run (tests replace them), the telemetry recorder, and what the runner needs to learn
// back from the command.
import type { EventProperties, EventType } from '@dr/shared';
import type { BaseContext, CommandClass } from 'clipanion';

/**
 * Records the command's domain events (auth_*, template_*, …) with properties declared in the
 * shared event schema. Never throws and never waits: an event is one INSERT into the spool, or
 * nothing at all when telemetry is off.
 */
export interface CommandTelemetry {
  /**
   * The session and device ids of this run when telemetry records (for the X-DataRobot-CLI-*
   * headers of DataRobot requests); undefined when it is off.
   */
  readonly ids: { readonly sessionId: number; readonly deviceId: string } | undefined;
  record<T extends EventType>(eventType: T, properties: EventProperties<T>): void;
  /**
   * Records nothing more in this run and starts no drainer: for the commands that change
   * telemetry itself (disable, reset), so the user's choice holds from that moment.
   */
  stopRecording(): void;
}

/** The options every command takes (global-options.ts lists them). */
export interface GlobalOptions {
  readonly config: string | undefined;
  readonly debug: boolean;
  readonly verbose: boolean;
  readonly disableTelemetry: boolean;
  readonly skipCertificateCheck: boolean;
  readonly caCert: string | undefined;
  readonly skipAuth: boolean;
  readonly forceInteractive: boolean;
}

/** A command of dr: its paths (canonical first) and how to load its class (cli/command-tree.ts). */
export interface CommandEntry {
  readonly paths: readonly (readonly string[])[];
  readonly load: () => Promise<CommandClass<DrContext>>;
}

export interface DrContext extends BaseContext {
  readonly env: NodeJS.ProcessEnv;
  telemetry: CommandTelemetry;
  /** The error a command failed with, left here by DrCommand for the runner's telemetry. */
  failure?: unknown;
  /** The global options of this line, read and taken off it by the runner (see DrCommand). */
  globals?: GlobalOptions;
  /** Every command of dr, set by the runner for the commands that list them (completion). */
  commands?: readonly CommandEntry[];
}

/**
 * Whether a person can be asked something: stdin and stderr are both terminals (questions are
 * written to stderr, so stdout stays the command's output), and DATAROBOT_CLI_NON_INTERACTIVE
 * does not say otherwise (the Go dr's variable for automation: `1`, `true`, `yes`…). The one test
 * every prompt decision uses. stderr is asked first: reading a context's stdin creates it, which
 * costs milliseconds.
 */
export function isInteractive(streams: {
  readonly stdin: NodeJS.ReadableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: Readonly<Record<string, string | undefined>>;
}): boolean {
  return (
    !isNonInteractiveRun(streams.env) &&
    (streams.stderr as { isTTY?: boolean }).isTTY === true &&
    (streams.stdin as { isTTY?: boolean }).isTTY === true
  );
}

/** DATAROBOT_CLI_NON_INTERACTIVE is on: the words the Go dr takes (`1`, `t`, `true`, `y`, `yes`), any case. */
export function isNonInteractiveRun(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env.DATAROBOT_CLI_NON_INTERACTIVE?.trim().toLowerCase();
  return value !== undefined && ['1', 't', 'true', 'y', 'yes', 'on'].includes(value);
}
