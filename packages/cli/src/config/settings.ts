// The settings dr runs with, each with where it came from: DATAROBOT_ENDPOINT (or
// DATAROBOT_API_ENDPOINT), DATAROBOT_API_TOKEN, then the Go dr's DATAROBOT_CLI_ENDPOINT and
// DATAROBOT_CLI_TOKEN win over drconfig.yaml. Commands never read those variables themselves.
import { type DrConfig, readConfig, resolvePaths } from '@dr/shared';

export type SettingSource = 'environment' | 'config' | 'default' | 'flag' | 'unset';

export interface Setting<T> {
  readonly value: T | undefined;
  readonly source: SettingSource;
  /** The variable or key it came from, for messages. */
  readonly origin?: string;
}

export interface DataRobotSettings {
  readonly endpoint: Setting<string>;
  readonly token: Setting<string>;
}

export function resolveDataRobotSettings(config: DrConfig, env: NodeJS.ProcessEnv): DataRobotSettings {
  return {
    endpoint: firstSetting(
      env,
      ['DATAROBOT_ENDPOINT', 'DATAROBOT_API_ENDPOINT', 'DATAROBOT_CLI_ENDPOINT'],
      config.endpoint,
      'endpoint',
    ),
    token: firstSetting(env, ['DATAROBOT_API_TOKEN', 'DATAROBOT_CLI_TOKEN'], config.token, 'token'),
  };
}

/** Reads the user's config file, named by --config, DATAROBOT_CLI_CONFIG or the default path. */
export function loadUserConfig(configFlag: string | undefined, env: NodeJS.ProcessEnv) {
  const paths = resolvePaths({ configFlag, env });
  return { paths, config: readConfig(paths.configFile) };
}

function firstSetting(
  env: NodeJS.ProcessEnv,
  names: readonly string[],
  configValue: unknown,
  configKey: string,
): Setting<string> {
  for (const name of names) {
    const value = env[name];
    if (value) return { value, source: 'environment', origin: name };
  }
  if (typeof configValue === 'string' && configValue !== '') {
    return { value: configValue, source: 'config', origin: configKey };
  }
  return { value: undefined, source: 'unset' };
}

/** Shows the start and end of a secret so a user can recognise it, never enough to use it. */
export function redactSecret(secret: string | undefined): string | undefined {
  if (secret === undefined) return undefined;
  if (secret.length <= 8) return '****';
  return `${secret.slice(0, 2)}…${secret.slice(-2)} (${secret.length} characters)`;
}
