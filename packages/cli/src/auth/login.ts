// `dr auth login`: the Go dr's browser login. A listener waits on localhost:51164, the browser
// opens the developer tools page, DataRobot redirects back with `?key=`, the key is checked
// (`GET version/`), and only then are endpoint and key stored (mode 0600, the one config writer).
import { DrError, ExitCode, hostKind, updateConfig } from '@dr/shared';
import type { CommandIO } from '../datarobot/command-io.ts';
import { clientFor, resolveAccess } from '../datarobot/connect.ts';
import { type DataRobotEndpoint, endpointFromUserInput } from '../datarobot/endpoint.ts';
import { DataRobotError } from '../datarobot/errors.ts';
import { DEFAULT_LOGIN_PORT, DEFAULT_LOGIN_TIMEOUT_MS, startLoginListener } from './login-listener.ts';
import { openBrowser } from './open-browser.ts';
import { chooseEndpointInteractively } from './set-url.ts';
import { rememberDataRobotUser } from './user-identity.ts';

export interface LoginOptions {
  /** A URL or 1/2/3 to log in to instead of the configured installation. */
  readonly url: string | undefined;
  readonly noBrowser: boolean;
}

export function developerToolsUrl(endpoint: DataRobotEndpoint): string {
  return `${endpoint.baseUrl}/account/developer-tools?cliRedirect=true`;
}

export async function login(io: CommandIO, options: LoginOptions): Promise<number> {
  const access = resolveAccess(io.configFlag, io.env);
  const endpoint =
    options.url !== undefined
      ? endpointFromUserInput(options.url)
      : (access.endpoint ??
        (await chooseEndpointInteractively(
          io,
          'give the URL: `dr auth login <url>` (or 1, 2, 3 for the US, EU and Japan clouds)',
        )));
  if (endpoint === undefined) return ExitCode.failure;

  const host_kind = hostKind(endpoint.baseUrl);
  const started = Date.now();
  io.telemetry.record('auth_login_started', { host_kind });
  try {
    const key = await receiveKey(io, endpoint, options.noBrowser);
    const client = await clientFor(endpoint, key, io);
    try {
      await client.version();
    } catch (error) {
      if (error instanceof DataRobotError && error.status === 401) {
        throw new DrError(
          'LOGIN_KEY_REJECTED',
          `DataRobot at ${endpoint.baseUrl} rejected the key the browser handed over: run \`dr auth login\` again.`,
          { exitCode: ExitCode.auth, cause: error },
        );
      }
      throw error;
    }
    await updateConfig(access.paths.configFile, [
      { path: ['endpoint'], value: endpoint.apiUrl },
      { path: ['token'], value: key },
    ]);
    await rememberDataRobotUser(client, key, io);
    io.stderr.write(
      `Logged in to DataRobot at ${endpoint.baseUrl}; the API key is stored in ${access.paths.configFile}.\n`,
    );
    if (access.settings.token.source === 'environment') {
      io.stderr.write(
        'Note: DATAROBOT_API_TOKEN is set in your environment and is used instead of the stored key.\n',
      );
    }
    io.telemetry.record('auth_login_succeeded', { host_kind, duration_ms: Date.now() - started });
    return ExitCode.ok;
  } catch (error) {
    io.telemetry.record('auth_login_failed', {
      host_kind,
      duration_ms: Date.now() - started,
      error_type: error instanceof DrError ? error.code : 'UNEXPECTED',
    });
    throw error;
  }
}

async function receiveKey(io: CommandIO, endpoint: DataRobotEndpoint, noBrowser: boolean): Promise<string> {
  const listener = await startLoginListener(portFrom(io.env));
  try {
    // Waiting (and the Ctrl-C handler) starts before anything is printed: a Ctrl-C as soon as the
    // page or the port shows must cancel the login, not kill dr before its handler is there.
    const key = listener.waitForKey(timeoutFrom(io.env));
    key.catch(() => {});
    const page = developerToolsUrl(endpoint);
    io.stderr.write(
      'Open this page to connect your DataRobot credentials to the CLI (log in there if asked, then open it again):\n',
    );
    io.stdout.write(`${page}\n`);
    if (!noBrowser && !(await openBrowser(page, io.env))) {
      io.stderr.write('Could not open a browser: open the page above yourself.\n');
    }
    io.stderr.write(
      `Waiting for DataRobot to hand the API key to http://localhost:${listener.port}/ (up to ${Math.round(timeoutFrom(io.env) / 60_000) || 1} minutes; Ctrl-C to cancel)…\n`,
    );
    return await key;
  } finally {
    await listener.close();
  }
}

/** DR_LOGIN_PORT: the listener's port (tests use 0 for a free one); default 51164, as the Go dr. */
function portFrom(env: NodeJS.ProcessEnv): number {
  const port = Number(env.DR_LOGIN_PORT);
  return env.DR_LOGIN_PORT !== undefined && Number.isInteger(port) && port >= 0 && port < 65536
    ? port
    : DEFAULT_LOGIN_PORT;
}

/** DR_LOGIN_TIMEOUT_MS: how long to wait for the key (tests); default 5 minutes. */
function timeoutFrom(env: NodeJS.ProcessEnv): number {
  const ms = Number(env.DR_LOGIN_TIMEOUT_MS);
  return Number.isSafeInteger(ms) && ms > 0 ? ms : DEFAULT_LOGIN_TIMEOUT_MS;
}
