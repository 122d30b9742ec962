// Where telemetry goes and with which key, from the environment and the build: the one place
// that reads DR_TELEMETRY_API_KEY, DR_TELEMETRY_ENDPOINT and DR_TELEMETRY_DEBUG in the CLI.
import { join } from 'node:path';
import { buildInfo, type DrPaths, isTruthyEnv } from '@dr/shared';

export interface TelemetrySettings {
  /** DR_TELEMETRY_API_KEY, else the key compiled in at build time; '' when there is none. */
  readonly apiKey: string;
  /** DR_TELEMETRY_ENDPOINT as given (validated by the spooler's resolveEndpoint), if set. */
  readonly endpointOverride: string | undefined;
  readonly debug: boolean;
  readonly spoolDir: string;
  /** Session continuity across runs (SPEC §4). */
  readonly sessionFile: string;
  /** A JSON copy of the telemetry part of drconfig.yaml, so runs need not parse YAML. */
  readonly configCacheFile: string;
  /** DataRobot user ids by token fingerprint (never the token). */
  readonly identityFile: string;
}

export function telemetrySettings(paths: DrPaths, env: NodeJS.ProcessEnv): TelemetrySettings {
  const { spoolDir } = paths;
  return {
    apiKey: env.DR_TELEMETRY_API_KEY || buildInfo.amplitudeApiKey,
    endpointOverride: env.DR_TELEMETRY_ENDPOINT || undefined,
    debug: isTruthyEnv(env.DR_TELEMETRY_DEBUG),
    spoolDir,
    sessionFile: join(spoolDir, 'session.json'),
    configCacheFile: join(spoolDir, 'config-cache.json'),
    identityFile: join(spoolDir, 'identity.json'),
  };
}
