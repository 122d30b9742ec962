// Typed errors for dr. Every error a user can meet has a stable `code` (for scripts and for the
// `error_type` telemetry property) and a one-line message that says what happened and what to do.
// Stacks are shown only under --debug; the CLI's error boundary decides that, not the thrower.

/** Exit codes scripts can rely on. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  /** The command line is wrong: an unknown command or option, a bad value. */
  usage: 2,
  /** Authentication missing or rejected by DataRobot. */
  auth: 3,
  /** DataRobot (or the network to it) failed. */
  network: 4,
  /** Local configuration is unreadable or invalid. */
  config: 5,
  interrupted: 130,
} as const;

export class DrError extends Error {
  readonly code: string;
  readonly exitCode: number;

  constructor(code: string, message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DrError';
    this.code = code;
    this.exitCode = options.exitCode ?? ExitCode.failure;
  }
}

/**
 * A configuration file that cannot be read or parsed (CONFIG_INVALID), or that cannot be
 * changed because something dr cannot use stands where its lock goes (CONFIG_LOCK_UNUSABLE).
 */
export type ConfigErrorCode = 'CONFIG_INVALID' | 'CONFIG_LOCK_UNUSABLE';

export class ConfigError extends DrError {
  declare readonly code: ConfigErrorCode;

  constructor(message: string, options: { cause?: unknown; code?: ConfigErrorCode } = {}) {
    const { code = 'CONFIG_INVALID', ...rest } = options;
    super(code, message, { exitCode: ExitCode.config, ...rest });
    this.name = 'ConfigError';
  }
}
