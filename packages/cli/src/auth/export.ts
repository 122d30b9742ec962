// `dr auth export`: the endpoint and token dr uses, printed as statements that set
// DATAROBOT_ENDPOINT and DATAROBOT_API_TOKEN in the given or detected shell, in the Go dr's exact
// syntax, so `eval "$(dr auth export)"` works. Never calls DataRobot; the token goes to stdout only.
import { DrError, ExitCode, hostKind } from '@dr/shared';
import type { CommandIO } from '../datarobot/command-io.ts';
import { resolveAccess } from '../datarobot/connect.ts';
import { endpointMissing, tokenMissing } from '../datarobot/errors.ts';
import { chooseShell, type ShellName } from '../shell/shell-detection.ts';

export interface AuthExportOptions {
  /** --shell, as typed. */
  readonly shell: string | undefined;
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

/** PowerShell's literal string: single quotes, an embedded one doubled. */
function powerShellQuote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
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

export async function exportCredentials(io: CommandIO, options: AuthExportOptions): Promise<number> {
  // Detection never fails here: a shell dr cannot tell gets the POSIX syntax, as in the Go dr.
  const { shell, detected } = chooseShell(options.shell, io.env, () => 'bash');
  const access = resolveAccess(io.configFlag, io.env);
  const { endpoint: endpointSetting, token: tokenSetting } = access.settings;
  if (access.endpoint === undefined) throw endpointMissing();
  if (access.token === undefined) throw tokenMissing();
  if (endpointSetting.source === 'environment' && /^['"]/.test(endpointSetting.value ?? '')) {
    // `$(dr auth export)` without eval leaves the quotes in the value.
    throw new DrError(
      'DATAROBOT_ENDPOINT_INVALID',
      `${endpointSetting.origin} holds a quoted URL (from \`$(dr auth export)\`? use \`eval "$(dr auth export)"\`): unset ${ENDPOINT_VARIABLE} ${TOKEN_VARIABLE} and try again.`,
      { exitCode: ExitCode.config },
    );
  }
  const values = { [ENDPOINT_VARIABLE]: access.endpoint.apiUrl, [TOKEN_VARIABLE]: access.token };
  if (options.outputFormat === 'json') {
    // Where the values came from, in the Go dr's words (both from one place, except when mixed).
    const places = [endpointSetting, tokenSetting].map((setting) =>
      setting.source === 'environment' ? `${setting.origin} environment variable` : 'drconfig.yaml',
    );
    const source = endpointSetting.source === tokenSetting.source ? places[0] : places.join(' and ');
    // The Go dr's envelope, keys in its (sorted) order.
    const environment = {
      [TOKEN_VARIABLE]: values[TOKEN_VARIABLE],
      [ENDPOINT_VARIABLE]: values[ENDPOINT_VARIABLE],
    };
    io.stdout.write(`${JSON.stringify({ environment, source }, null, 2)}\n`);
  } else {
    io.stdout.write(
      `${Object.entries(values)
        .map(([name, value]) => assignment(shell, name, value))
        .join('\n')}\n`,
    );
  }
  io.telemetry.record('auth_export', {
    host_kind: hostKind(access.endpoint.baseUrl),
    shell,
    shell_detected: detected,
    output_format: options.outputFormat,
    from_environment: tokenSetting.source === 'environment',
  });
  return ExitCode.ok;
}
