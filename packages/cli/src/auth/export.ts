// `dr auth export`: the endpoint and token dr uses, printed as statements that set
// DATAROBOT_ENDPOINT and DATAROBOT_API_TOKEN in the given or detected shell, in the Go dr's exact
// syntax, so `eval "$(dr auth export)"` works. Never calls DataRobot; the token goes to stdout only.
import { DrError, ExitCode, hostKind } from '@dr/shared';
import { loadUserConfig } from '../config/settings.ts';
import type { CommandIO } from '../datarobot/command-io.ts';
import { API_PATH } from '../datarobot/endpoint.ts';
import { DataRobotError } from '../datarobot/errors.ts';
import { chooseShell, type ShellName } from '../shell/shell-detection.ts';

export interface AuthExportOptions {
  /** --shell, as typed. */
  readonly shellName: string | undefined;
  readonly outputFormat: 'text' | 'json';
}

const ENDPOINT_VARIABLE = 'DATAROBOT_ENDPOINT';
const TOKEN_VARIABLE = 'DATAROBOT_API_TOKEN';

/** One word in sh, bash and zsh: single quotes, an embedded one written '\''. */
function posixQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * fish reads `\\` inside single quotes as one backslash (and `\'` as a quote), so a backslash is
 * doubled there too; otherwise the same as for sh (the Go dr's output when there is none).
 */
function fishQuote(value: string): string {
  return posixQuote(value.replaceAll('\\', '\\\\'));
}

/**
 * PowerShell's literal string: single quotes, an embedded one doubled. PowerShell also ends a
 * literal string at the typographic quotes ‘ ’ ‚ ‛, so those are doubled too (as its own
 * EscapeSingleQuotedStringContent does); the Go dr doubles only '.
 */
function powerShellQuote(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, '$&$&')}'`;
}

/** cmd.exe's `set NAME=value` has no quoting: its metacharacters are escaped with a caret. */
function cmdEscape(value: string): string {
  return value.replace(/[\^&<>|]/g, (character) => `^${character}`);
}

/** The statement that sets `name` to `value` in `shell` (the Go dr's syntax). */
export function assignment(shell: ShellName, name: string, value: string): string {
  switch (shell) {
    case 'fish':
      return `set -gx ${name} ${fishQuote(value)}`;
    case 'powershell':
      return `$env:${name} = ${powerShellQuote(value)}`;
    case 'cmd':
      return `set ${name}=${cmdEscape(value)}`;
    default:
      return `export ${name}=${posixQuote(value)}`;
  }
}

/** The pair to export and where it came from, in the Go dr's words (its JSON `source`). */
interface ExportedCredentials {
  readonly endpoint: string;
  readonly token: string;
  readonly fromEnvironment: boolean;
  /** The variable or file the endpoint came from, for an error message. */
  readonly origin: string;
}

const SOURCE_ENVIRONMENT = 'DATAROBOT_ENDPOINT environment variable';
const SOURCE_CONFIG = 'drconfig.yaml';

/**
 * As the Go dr's export decides: a complete pair in the environment (DATAROBOT_ENDPOINT or
 * DATAROBOT_API_ENDPOINT, and DATAROBOT_API_TOKEN), else both from drconfig.yaml's keys (which
 * DATAROBOT_CLI_ENDPOINT and DATAROBOT_CLI_TOKEN override, as viper does), never one of each.
 */
function credentialsToExport(io: CommandIO): ExportedCredentials {
  const endpointVariable = io.env.DATAROBOT_ENDPOINT ? 'DATAROBOT_ENDPOINT' : 'DATAROBOT_API_ENDPOINT';
  const environmentEndpoint = io.env[endpointVariable];
  const environmentToken = io.env[TOKEN_VARIABLE];
  if (environmentEndpoint && environmentToken) {
    return {
      endpoint: environmentEndpoint,
      token: environmentToken,
      fromEnvironment: true,
      origin: endpointVariable,
    };
  }
  const { paths, config } = loadUserConfig(io.configFlag, io.env);
  const configEndpoint = io.env.DATAROBOT_CLI_ENDPOINT || config.endpoint;
  const endpoint = typeof configEndpoint === 'string' ? configEndpoint.trim() : '';
  const configToken = io.env.DATAROBOT_CLI_TOKEN || config.token;
  const token = typeof configToken === 'string' ? configToken : '';
  const half = environmentEndpoint
    ? ` (${endpointVariable} is used only with DATAROBOT_API_TOKEN)`
    : environmentToken
      ? ' (DATAROBOT_API_TOKEN is used only with DATAROBOT_ENDPOINT)'
      : '';
  if (endpoint === '' && token === '') {
    throw new DataRobotError(
      'DATAROBOT_AUTH_MISSING',
      `No DataRobot credentials found${half}: run \`dr auth login\`, or set DATAROBOT_ENDPOINT and DATAROBOT_API_TOKEN.`,
      { exitCode: ExitCode.auth },
    );
  }
  if (endpoint === '') {
    throw new DataRobotError(
      'DATAROBOT_ENDPOINT_MISSING',
      `No DataRobot URL is configured${half}: run \`dr auth set-url\`.`,
      { exitCode: ExitCode.config },
    );
  }
  if (token === '') {
    throw new DataRobotError(
      'DATAROBOT_AUTH_MISSING',
      `Not logged in to DataRobot${half}: run \`dr auth login\`.`,
      { exitCode: ExitCode.auth },
    );
  }
  return { endpoint, token, fromEnvironment: false, origin: paths.configFile };
}

/**
 * The Go dr's canonical endpoint: https:// before a bare host name, the URL's path kept (an
 * installation serving the API under its own prefix) without trailing slashes, /api/v2 when it
 * has none, query and fragment dropped. Undefined when it is not an http(s) URL with a host.
 */
export function canonicalEndpoint(raw: string): { apiUrl: string; baseUrl: string } | undefined {
  const trimmed = raw.trim();
  if (trimmed === '' || /\s/.test(trimmed)) return undefined;
  let url: URL;
  try {
    url = new URL(trimmed.includes('://') ? trimmed : `https://${trimmed}`);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.hostname === '' || url.username !== '' || url.password !== '') return undefined;
  const path = url.pathname.replace(/\/+$/, '');
  return { apiUrl: `${url.origin}${path === '' ? API_PATH : path}`, baseUrl: url.origin };
}

function invalidEndpoint(credentials: ExportedCredentials): DrError {
  const fix = credentials.fromEnvironment
    ? `${/^['"]/.test(credentials.endpoint.trim()) ? ' (from `$(dr auth export)`? use `eval "$(dr auth export)"`)' : ''}: unset ${credentials.origin} ${TOKEN_VARIABLE} and try again.`
    : ': fix it with `dr auth set-url`.';
  return new DrError(
    'DATAROBOT_ENDPOINT_INVALID',
    `The DataRobot URL in ${credentials.origin} is not an http(s) URL${fix}`,
    { exitCode: ExitCode.config },
  );
}

export async function exportCredentials(io: CommandIO, options: AuthExportOptions): Promise<number> {
  // Detection never fails here: a shell dr cannot tell gets the POSIX syntax, as in the Go dr.
  const { name: shell, detected } = chooseShell(options.shellName, io.env, () => 'bash');
  const credentials = credentialsToExport(io);
  const endpoint = canonicalEndpoint(credentials.endpoint);
  if (endpoint === undefined) throw invalidEndpoint(credentials);
  const values = { [ENDPOINT_VARIABLE]: endpoint.apiUrl, [TOKEN_VARIABLE]: credentials.token };
  if (options.outputFormat === 'json') {
    // The Go dr's envelope, keys in its (sorted) order.
    const environment = {
      [TOKEN_VARIABLE]: values[TOKEN_VARIABLE],
      [ENDPOINT_VARIABLE]: values[ENDPOINT_VARIABLE],
    };
    const source = credentials.fromEnvironment ? SOURCE_ENVIRONMENT : SOURCE_CONFIG;
    io.stdout.write(`${JSON.stringify({ environment, source }, null, 2)}\n`);
  } else {
    if (shell === 'cmd' && Object.values(values).some((value) => /[\r\n]/.test(value))) {
      // A line break would end `set` and run the rest as a command: say so, never the value.
      throw new DrError(
        'AUTH_EXPORT_UNREPRESENTABLE',
        "The API token holds a line break, which cmd.exe's `set` cannot hold: use --shell powershell or --output-format json.",
        { exitCode: ExitCode.config },
      );
    }
    io.stdout.write(
      `${Object.entries(values)
        .map(([name, value]) => assignment(shell, name, value))
        .join('\n')}\n`,
    );
  }
  io.telemetry.record('auth_export', {
    host_kind: hostKind(endpoint.baseUrl),
    shell_name: shell,
    shell_detected: detected,
    output_format: options.outputFormat,
    from_environment: credentials.fromEnvironment,
  });
  return ExitCode.ok;
}
