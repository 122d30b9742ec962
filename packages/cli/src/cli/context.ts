// What every command receives besides its options: the standard streams and environment of
// this run (tests replace them), and what the runner needs to learn back from the command.
import type { BaseContext } from 'clipanion';

export interface DrContext extends BaseContext {
  readonly env: NodeJS.ProcessEnv;
  /** The error a command failed with, left here by DrCommand for the runner's telemetry. */
  failure?: unknown;
}
