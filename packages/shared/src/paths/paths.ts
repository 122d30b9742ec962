// Where dr keeps its files, by the contract: env-paths with the app name `datarobot` and no
// suffix, overridable by `--config` / DATAROBOT_CLI_CONFIG and DR_TELEMETRY_SPOOL_DIR.
// Not pure: env-paths reads the home folder once and its variables from process.env (ENV_PATHS_KEYS).
import { join } from 'node:path';
import envPaths from 'env-paths';

export interface DrPaths {
  /** The user's drconfig.yaml (the same path the Go dr uses). */
  readonly configFile: string;
  /** The folder holding the spool, its lock, the session state and the drainer log. */
  readonly spoolDir: string;
  /** The SQLite spool. */
  readonly spoolFile: string;
  /** The administrator's policy file. */
  readonly policyFile: string;
  /**
   * The folders among these that are dr's own, to be kept 0700: the config folder and the data
   * and spool folders, when they are the default ones. A folder the user named (through
   * `--config`, DATAROBOT_CLI_CONFIG or DR_TELEMETRY_SPOOL_DIR) is the user's, never changed.
   */
  readonly ownedFolders: readonly string[];
}

export interface PathOptions {
  /** The value of `--config`, if given. */
  readonly configFlag?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
}

export const SPOOL_FILE_NAME = 'spool.db';
export const DEFAULT_POLICY_FILE = '/etc/datarobot/drconfig.yaml';

export function resolvePaths(options: PathOptions = {}): DrPaths {
  const env = options.env ?? process.env;
  const base = withEnvPathsKeys(env, () => envPaths('datarobot', { suffix: '' }));
  const namedConfig = nonEmpty(options.configFlag) ?? nonEmpty(env.DATAROBOT_CLI_CONFIG);
  const namedSpoolDir = nonEmpty(env.DR_TELEMETRY_SPOOL_DIR);
  const spoolDir = namedSpoolDir ?? join(base.data, 'telemetry');
  return {
    configFile: namedConfig ?? join(base.config, 'drconfig.yaml'),
    spoolDir,
    spoolFile: join(spoolDir, SPOOL_FILE_NAME),
    policyFile: nonEmpty(env.DR_TELEMETRY_POLICY_FILE) ?? DEFAULT_POLICY_FILE,
    ownedFolders: [
      ...(namedConfig === undefined ? [base.config] : []),
      ...(namedSpoolDir === undefined ? [base.data, spoolDir] : []),
    ],
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** What env-paths reads from process.env when called (Linux; Windows). */
const ENV_PATHS_KEYS = [
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
  'XDG_CACHE_HOME',
  'XDG_STATE_HOME',
  'APPDATA',
  'LOCALAPPDATA',
] as const;

/**
 * Runs env-paths as if process.env held `env`'s values of ENV_PATHS_KEYS: when they differ (a
 * test's environment), they are set on process.env for the length of the call and put back.
 */
function withEnvPathsKeys<T>(env: NodeJS.ProcessEnv, run: () => T): T {
  if (ENV_PATHS_KEYS.every((key) => env[key] === process.env[key])) return run();
  const saved = ENV_PATHS_KEYS.map((key) => [key, process.env[key]] as const);
  for (const key of ENV_PATHS_KEYS) setOrDelete(key, env[key]);
  try {
    return run();
  } finally {
    for (const [key, value] of saved) setOrDelete(key, value);
  }
}

function setOrDelete(key: string, value: string | undefined): void {
  if (value === undefined) delete process.env[key];
  else process.env[key] = value;
}
