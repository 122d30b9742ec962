// One run's telemetry as the runner sees it: the events of the command's life, and the end of
// the run. An inactive run (telemetry off, or any fault) does nothing at all; the active one
// lives in active-run.ts, loaded only when telemetry is on.
import type { CommandTelemetry } from '../cli/context.ts';
import type { CommandFacts } from './command-facts.ts';

export interface TelemetryRun extends CommandTelemetry {
  /** Whether this run records events. */
  readonly active: boolean;
  commandStarted(facts: CommandFacts): void;
  commandFinished(facts: CommandFacts, exitCode: number, failure: unknown): void;
  /** Closes the spool and starts a drainer if one is needed. Call once, last. */
  finish(): void;
}

/** The run of a process whose telemetry is off: does nothing at all. */
export const inactiveTelemetryRun: TelemetryRun = {
  active: false,
  ids: undefined,
  record: () => {},
  stopRecording: () => {},
  commandStarted: () => {},
  commandFinished: () => {},
  finish: () => {},
};
