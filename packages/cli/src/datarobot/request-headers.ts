// The headers every DataRobot API request carries (SPEC §4), built in this one place: who is
// calling (User-Agent, X-DataRobot-Api-Consumer, version, platform) and, only when telemetry is
// on, the telemetry session and device, so DataRobot can join its logs to the CLI's journeys.
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

export function dataRobotHeaders(telemetry?: TelemetryIds, facts: HeaderFacts = {}): Record<string, string> {
  const version = facts.version ?? buildInfo.version;
  const platform = cliPlatform(facts);
  const session = telemetry === undefined ? '' : `; session=${telemetry.sessionId}`;
  return {
    'User-Agent': `DataRobot CLI version: ${version} (${platform}${session})`,
    'X-DataRobot-Api-Consumer': 'cli',
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
