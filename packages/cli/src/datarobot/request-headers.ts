// The headers every DataRobot API request carries (SPEC §4), built in this one place: User-Agent,
// the Go dr's API consumer tracking headers (off under DATAROBOT_API_CONSUMER_TRACKING_ENABLED
// =false) and, only when telemetry is on, its session and device ids.
import { buildInfo } from '@dr/shared';

/** The telemetry ids of this run; given only when telemetry is on. */
export interface TelemetryIds {
  readonly sessionId: number;
  readonly deviceId: string;
}

export interface HeaderFacts {
  readonly version?: string;
  readonly platform?: string;
  readonly arch?: string;
}

/** `linux/x64`, `darwin/arm64`, `win32/x64`: Node's names, as the telemetry events use them. */
export function cliPlatform(facts: HeaderFacts = {}): string {
  return `${facts.platform ?? process.platform}/${facts.arch ?? process.arch}`;
}

/** The API consumer tracking of a run: which command calls, and whether to say so. */
export interface ApiConsumer {
  /** The X-DataRobot-Api-Consumer-Trace value (apiConsumerTrace); `datarobot.cli` when not given. */
  readonly trace?: string;
  /** False when DATAROBOT_API_CONSUMER_TRACKING_ENABLED turns the tracking headers off. */
  readonly tracking: boolean;
}

/** The trace of the token check, whatever the command: the Go dr's fixed value for it. */
export const TOKEN_CHECK_TRACE = 'datarobot.cli.auth.verify';

/**
 * The Go dr's X-DataRobot-Api-Consumer-Trace for a command path in its names:
 * `template list` is `datarobot.cli.template.list`.
 */
export function apiConsumerTrace(goPath: readonly string[]): string {
  return ['datarobot.cli', ...goPath].join('.');
}

/**
 * Whether DATAROBOT_API_CONSUMER_TRACKING_ENABLED leaves the tracking headers on, read as the Go
 * dr reads it (viper's GetBool): unset or empty is on; `1`, `t`, `true` (any case) on; anything
 * else, `false` and `0` as much as a typo, off.
 */
export function apiConsumerTrackingEnabled(env: Readonly<Record<string, string | undefined>>): boolean {
  const value = env.DATAROBOT_API_CONSUMER_TRACKING_ENABLED?.trim().toLowerCase();
  return value === undefined || value === '' || ['1', 't', 'true'].includes(value);
}

export function dataRobotHeaders(
  telemetry?: TelemetryIds,
  facts: HeaderFacts = {},
  consumer: ApiConsumer = { tracking: true },
): Record<string, string> {
  const version = facts.version ?? buildInfo.version;
  const platform = cliPlatform(facts);
  const session = telemetry === undefined ? '' : `; session=${telemetry.sessionId}`;
  return {
    'User-Agent': `DataRobot CLI version: ${version} (${platform}${session})`,
    ...(consumer.tracking
      ? {
          'X-DataRobot-Api-Consumer': 'cli',
          'X-DataRobot-Api-Consumer-Trace': consumer.trace ?? 'datarobot.cli',
        }
      : {}),
    'X-DataRobot-CLI-Version': version,
    'X-DataRobot-CLI-Platform': platform,
    ...(telemetry === undefined
      ? {}
      : {
          'X-DataRobot-CLI-Session': String(telemetry.sessionId),
          'X-DataRobot-CLI-Device': telemetry.deviceId,
        }),
  };
}
