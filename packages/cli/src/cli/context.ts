// What every command receives besides its options: this run's streams and environment (tests
// replace them), the telemetry recorder, and what the runner learns back from the command.
import type { EventProperties, EventType } from '@dr/shared';
import type { BaseContext, CommandClass } from 'clipanion';
import { type GlobalOptions, TRUE_WORDS } from './global-options.ts';

/** Records the command's domain events (declared in the event schema); never throws nor waits. */
export interface CommandTelemetry {
  /** This run's session and device ids for the X-DataRobot-CLI-* headers; undefined when off. */
  readonly ids: { readonly sessionId: number; readonly deviceId: string } | undefined;
  record<T extends EventType>(eventType: T, properties: EventProperties<T>): void;
  /** Records nothing more and starts no drainer (disable, reset: the choice holds at once). */
  stopRecording(): void;
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
  /** DATAROBOT_CLI_OUTPUT_FORMAT when the line gives no --output-format (DrCommand applies it). */
  outputFormat?: 'text' | 'json';
  /** Every command of dr, set by the runner for the commands that list them (completion). */
  commands?: readonly CommandEntry[];
}

/**
 * Whether a person can be asked something (every prompt asks this): stderr and stdin are
 * terminals (stderr first: reading stdin creates it), and DATAROBOT_CLI_NON_INTERACTIVE is off.
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

/** DATAROBOT_CLI_NON_INTERACTIVE is on, in the Go dr's words (`1`, `true`, `yes`…, any case). */
export function isNonInteractiveRun(env: Readonly<Record<string, string | undefined>>): boolean {
  return TRUE_WORDS.includes(env.DATAROBOT_CLI_NON_INTERACTIVE?.trim().toLowerCase() ?? '');
}
