// From a command's options to a ready DataRobot client: endpoint and token (environment first,
// then drconfig.yaml), TLS options and the telemetry ids for the headers. A missing setting is
// an error that names the command that fixes it.
import type { DrConfig, DrPaths } from '@dr/shared';
import { type DataRobotSettings, loadUserConfig, resolveDataRobotSettings } from '../config/settings.ts';
import { DataRobotClient } from './client.ts';
import { type DataRobotEndpoint, endpointFromSetting } from './endpoint.ts';
import { endpointMissing, tokenMissing } from './errors.ts';
import type { TelemetryIds } from './request-headers.ts';
import type { TlsOptions } from './transport.ts';

export interface ConnectOptions {
  readonly configFlag: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly tls: TlsOptions;
  readonly telemetryIds: TelemetryIds | undefined;
  /** X-DataRobot-Api-Consumer-Trace of the command (apiConsumerTrace). */
  readonly apiConsumerTrace?: string;
}

export interface DataRobotAccess {
  readonly paths: DrPaths;
  readonly config: DrConfig;
  readonly settings: DataRobotSettings;
  /** Undefined when no URL is configured anywhere. */
  readonly endpoint: DataRobotEndpoint | undefined;
  readonly token: string | undefined;
}

/** The configured endpoint and token, without touching the network. */
export function resolveAccess(configFlag: string | undefined, env: NodeJS.ProcessEnv): DataRobotAccess {
  const { paths, config } = loadUserConfig(configFlag, env);
  const settings = resolveDataRobotSettings(config, env);
  const { value, origin } = settings.endpoint;
  const endpoint =
    value === undefined
      ? undefined
      : endpointFromSetting(
          value,
          settings.endpoint.source === 'environment' ? (origin ?? 'the environment') : paths.configFile,
        );
  return { paths, config, settings, endpoint, token: settings.token.value };
}

/** A client for the configured DataRobot, with its token; throws when either is missing. */
export async function connectToDataRobot(
  options: ConnectOptions,
): Promise<DataRobotAccess & { client: DataRobotClient; endpoint: DataRobotEndpoint; token: string }> {
  const access = resolveAccess(options.configFlag, options.env);
  if (access.endpoint === undefined) throw endpointMissing();
  if (access.token === undefined) throw tokenMissing();
  const client = await clientFor(access.endpoint, access.token, options);
  return { ...access, endpoint: access.endpoint, token: access.token, client };
}

export function clientFor(
  endpoint: DataRobotEndpoint,
  token: string | undefined,
  options: Pick<ConnectOptions, 'env' | 'tls' | 'telemetryIds' | 'apiConsumerTrace'>,
): Promise<DataRobotClient> {
  return DataRobotClient.create({
    endpoint,
    token,
    env: options.env,
    tls: options.tls,
    telemetry: options.telemetryIds,
    apiConsumerTrace: options.apiConsumerTrace,
  });
}
