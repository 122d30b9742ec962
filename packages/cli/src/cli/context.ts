// What every command receives besides its options: the standard streams and environment of
// this run (tests replace them), the telemetry recorder, and what the runner needs to learn
// back from the command.
import type { EventPropertyValue } from '@dr/shared';
import type { BaseContext } from 'clipanion';

/** Records the command's domain events (auth_*, template_*, …). Never throws, never blocks on I/O beyond the spool. */
export interface CommandTelemetry {
  record(eventType: string, properties?: Readonly<Record<string, EventPropertyValue>>): void;
}

export interface DrContext extends BaseContext {
  readonly env: NodeJS.ProcessEnv;
  readonly telemetry: CommandTelemetry;
  /** The error a command failed with, left here by DrCommand for the runner's telemetry. */
  failure?: unknown;
}
