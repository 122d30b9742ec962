// `dr auth set-url [url]`: which DataRobot installation dr talks to (1, 2, 3: the US, EU and Japan
// clouds; else an http(s) URL, stored as `<origin>/api/v2`). Asks only on a terminal. Moving to
// another installation removes the stored token, so it is never sent elsewhere.
import { ExitCode, hostKind, updateConfig } from '@dr/shared';
import type { CommandIO } from '../datarobot/command-io.ts';
import { resolveAccess } from '../datarobot/connect.ts';
import { CLOUD_URLS, type DataRobotEndpoint, endpointFromUserInput } from '../datarobot/endpoint.ts';
import { onScreen, TerminalPrompt } from '../dotenv/terminal-prompt.ts';

const MENU = [
  'Choose your DataRobot environment:',
  `  [1] US cloud      ${CLOUD_URLS['1']}`,
  `  [2] EU cloud      ${CLOUD_URLS['2']}`,
  `  [3] Japan cloud   ${CLOUD_URLS['3']}`,
  '      or the URL of your own installation, e.g. https://datarobot.example.com',
  'Not sure? Use the address of the page you log in to DataRobot on.',
].join('\n');

export async function setUrl(io: CommandIO, url: string | undefined): Promise<number> {
  const access = resolveAccess(io.configFlag, io.env);
  const interactive = url === undefined;
  let endpoint: DataRobotEndpoint | undefined;
  if (url !== undefined) {
    endpoint = endpointFromUserInput(url);
  } else {
    const instead = 'give the URL: `dr auth set-url <url>` (or 1, 2, 3 for the US, EU and Japan clouds).';
    const prompt = TerminalPrompt.open(io, instead);
    try {
      const current = access.config.endpoint;
      if (typeof current === 'string' && current !== '') {
        if (!(await prompt.confirm(`A DataRobot URL of ${current} is already set; overwrite it?`))) {
          io.stderr.write('Kept the DataRobot URL as it is.\n');
          return ExitCode.ok;
        }
      }
      endpoint = await askForEndpoint(io, prompt);
    } finally {
      prompt.close();
    }
    if (endpoint === undefined) {
      io.stderr.write('Exiting without changing the DataRobot URL.\n');
      return ExitCode.ok;
    }
  }
  await storeEndpoint(io, endpoint);
  io.telemetry.record('auth_set_url', { host_kind: hostKind(endpoint.baseUrl), interactive });
  return ExitCode.ok;
}

/** Asks for an endpoint on a terminal (the flow `dr auth login` uses when none is configured). */
export async function chooseEndpointInteractively(
  io: CommandIO,
  instead: string,
): Promise<DataRobotEndpoint | undefined> {
  const prompt = TerminalPrompt.open(io, `no DataRobot URL is configured; ${instead}.`);
  try {
    const endpoint = await askForEndpoint(io, prompt);
    if (endpoint === undefined) {
      io.stderr.write('Exiting without a DataRobot URL.\n');
      return undefined;
    }
    await storeEndpoint(io, endpoint);
    io.telemetry.record('auth_set_url', { host_kind: hostKind(endpoint.baseUrl), interactive: true });
    return endpoint;
  } finally {
    prompt.close();
  }
}

/** The endpoint chosen from the menu, or undefined when the person pressed Enter to stop. */
function askForEndpoint(io: CommandIO, prompt: TerminalPrompt): Promise<DataRobotEndpoint | undefined> {
  return onScreen(
    io.telemetry,
    'auth_set_url',
    () => endpointFromMenu(prompt),
    (endpoint) => (endpoint === undefined ? 'cancel' : 'select'),
  );
}

async function endpointFromMenu(prompt: TerminalPrompt): Promise<DataRobotEndpoint | undefined> {
  prompt.say(MENU);
  for (;;) {
    const answer = await prompt.ask('Enter your choice');
    if (answer === '') return undefined;
    try {
      return endpointFromUserInput(answer);
    } catch {
      prompt.say('Invalid URL: check it and try again (or press Enter to stop).');
    }
  }
}

async function storeEndpoint(io: CommandIO, endpoint: DataRobotEndpoint): Promise<void> {
  const access = resolveAccess(io.configFlag, io.env);
  const previous = typeof access.config.endpoint === 'string' ? access.config.endpoint : undefined;
  const storedToken = typeof access.config.token === 'string' && access.config.token !== '';
  const moved = previous !== undefined && originOf(previous) !== endpoint.baseUrl;
  await updateConfig(access.paths.configFile, [
    { path: ['endpoint'], value: endpoint.apiUrl },
    ...(moved && storedToken ? [{ path: ['token'], value: undefined }] : []),
  ]);
  io.stderr.write(
    `DataRobot URL set to ${endpoint.baseUrl} (stored as ${endpoint.apiUrl} in ${access.paths.configFile}).\n`,
  );
  if (moved && storedToken) {
    io.stderr.write(
      `The stored API token was issued by ${originOf(previous)} and is removed: run \`dr auth login\` to log in.\n`,
    );
  } else if (!storedToken) {
    io.stderr.write('Next: run `dr auth login` to log in.\n');
  }
  if (access.settings.endpoint.source === 'environment') {
    io.stderr.write(
      `Note: ${access.settings.endpoint.origin} is set in your environment and is used instead.\n`,
    );
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
