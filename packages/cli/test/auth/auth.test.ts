// dr auth login, logout, check and set-url, run as bin/dr against the fake DataRobot. The test
// plays the browser in the login flow: it takes the listener's port from what dr prints and
// sends the redirect DataRobot would send.
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readConfig as readConfigFile } from '@dr/shared';
import { type FakeDataRobot, startFakeDataRobot } from '@dr/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectDataRobotHeaders, runDrOnTerminal, startDr, writeDrConfig } from '../datarobot/fixtures.ts';
import { type DrHome, makeDrHome, runDr } from '../support/run-dr.ts';

const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;

let home: DrHome;
let fake: FakeDataRobot;

beforeEach(async () => {
  home = makeDrHome();
  fake = await startFakeDataRobot();
});
afterEach(async () => {
  await fake.close();
  home.cleanup();
});

function readConfig(): Record<string, unknown> {
  return readConfigFile(home.configFile);
}

describe('dr auth login', () => {
  it('waits for the key from the browser, checks it with DataRobot and stores it 0600', async () => {
    writeDrConfig(home, { endpoint: fake.endpoint });
    const dr = startDr(['auth', 'login', '--no-browser'], { env: { ...home.env, DR_LOGIN_PORT: '0' } });
    const [, port] = await dr.waitForOutput(/http:\/\/localhost:(\d+)\//);
    // The link is on stdout, a pipe of its own: the line above on stderr may come first.
    const [link] = await dr.waitForOutput(/\S*\/account\/developer-tools\?cliRedirect=true\S*/, {
      stream: 'stdout',
    });
    expect(link).toContain(`${fake.url}/account/developer-tools?cliRedirect=true`);

    const page = await fetch(`http://127.0.0.1:${port}/?key=test-token`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('You are logged in to the DataRobot CLI');

    const result = await dr.exited();
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Logged in to DataRobot at ${fake.url}`);
    expect(readConfig()).toMatchObject({ endpoint: fake.endpoint, token: 'test-token' });
    expect(statSync(home.configFile).mode & 0o777).toBe(0o600);
    const version = fake.requests.find((request) => request.path === '/api/v2/version/');
    expect(version?.status).toBe(200);
    expectDataRobotHeaders(version!);
    // Telemetry is off here: the account (for user_id) is not even asked for.
    expect(fake.requests.some((request) => request.path === '/api/v2/account/info/')).toBe(false);
  });

  it('logs in to the URL given as an argument, ignoring links without a key', async () => {
    const dr = startDr(['auth', 'login', fake.url, '--no-browser'], {
      env: { ...home.env, DR_LOGIN_PORT: '0' },
    });
    const [, port] = await dr.waitForOutput(/http:\/\/localhost:(\d+)\//);
    expect((await fetch(`http://127.0.0.1:${port}/favicon.ico`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${port}/?key=`)).status).toBe(400);
    await fetch(`http://127.0.0.1:${port}/?key=test-token`);
    expect((await dr.exited()).code).toBe(0);
    expect(readConfig()).toMatchObject({ endpoint: fake.endpoint, token: 'test-token' });
  });

  it('refuses a key DataRobot rejects, stores nothing and exits 3', async () => {
    writeDrConfig(home, { endpoint: fake.endpoint });
    const dr = startDr(['auth', 'login', '--no-browser'], { env: { ...home.env, DR_LOGIN_PORT: '0' } });
    const [, port] = await dr.waitForOutput(/http:\/\/localhost:(\d+)\//);
    await fetch(`http://127.0.0.1:${port}/?key=not-a-valid-key`);
    const result = await dr.exited();
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('rejected the key');
    expect(readConfig().token).toBeUndefined();
  });

  it('falls back to printing the URL when no browser can be opened', async () => {
    const bin = join(home.dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'xdg-open'), '#!/bin/sh\nexit 3\n');
    chmodSync(join(bin, 'xdg-open'), 0o755);
    writeDrConfig(home, { endpoint: fake.endpoint });
    const env = { ...home.env, PATH: `${bin}:${home.env.PATH}`, DR_LOGIN_PORT: '0' };
    const dr = startDr(['auth', 'login'], { env });
    await dr.waitForOutput(/Could not open a browser: open the page above yourself/);
    const [, port] = await dr.waitForOutput(/http:\/\/localhost:(\d+)\//);
    await fetch(`http://127.0.0.1:${port}/?key=test-token`);
    expect((await dr.exited()).code).toBe(0);
  });

  it('gives up after the time limit with a clear message', async () => {
    writeDrConfig(home, { endpoint: fake.endpoint });
    const result = await runDr(['auth', 'login', '--no-browser'], {
      env: { ...home.env, DR_LOGIN_PORT: '0', DR_LOGIN_TIMEOUT_MS: '300' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('No API key arrived within');
    expect(result.stderr).not.toMatch(STACK_LINE);
  });

  it('stops on Ctrl-C with exit 130, storing nothing', async () => {
    writeDrConfig(home, { endpoint: fake.endpoint });
    const dr = startDr(['auth', 'login', '--no-browser'], { env: { ...home.env, DR_LOGIN_PORT: '0' } });
    const [, port] = await dr.waitForOutput(/http:\/\/localhost:(\d+)\//);
    dr.child.kill('SIGINT');
    const result = await dr.exited();
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('Login cancelled');
    expect(readConfig().token).toBeUndefined();
    await expect(fetch(`http://127.0.0.1:${port}/?key=late`)).rejects.toThrow();
  });

  it('asks for a URL only on a terminal, and says how to give one otherwise', async () => {
    const result = await runDr(['auth', 'login', '--no-browser'], { env: home.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('dr auth login <url>');
  });
});

describe('dr auth check', () => {
  it('accepts valid credentials and sends the DataRobot headers', async () => {
    writeDrConfig(home, { endpoint: fake.endpoint, token: 'test-token' });
    const result = await runDr(['auth', 'check'], { env: home.env });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Authenticated with DataRobot at ${fake.url}`);
    expectDataRobotHeaders(fake.requests[0]!);
  });

  it('prefers DATAROBOT_ENDPOINT and DATAROBOT_API_TOKEN over the config file', async () => {
    writeDrConfig(home, { endpoint: 'https://app.eu.datarobot.com/api/v2', token: 'stale' });
    const result = await runDr(['auth', 'check'], {
      env: { ...home.env, DATAROBOT_ENDPOINT: fake.endpoint, DATAROBOT_API_TOKEN: 'test-token' },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('DATAROBOT_API_TOKEN');
  });

  it("reads the Go dr's DATAROBOT_CLI_ENDPOINT and DATAROBOT_CLI_TOKEN over the config file", async () => {
    writeDrConfig(home, { endpoint: 'https://app.eu.datarobot.com/api/v2', token: 'stale' });
    const env = { ...home.env, DATAROBOT_CLI_ENDPOINT: fake.endpoint, DATAROBOT_CLI_TOKEN: 'test-token' };
    const result = await runDr(['auth', 'check'], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Authenticated with DataRobot at ${fake.url}`);
    const exported = await runDr(['auth', 'export', '--shell', 'bash'], { env });
    expect(exported.stdout).toContain("export DATAROBOT_API_TOKEN='test-token'");
  });

  it('exits 3 with `dr auth login` when the token is rejected (401 or 403)', async () => {
    writeDrConfig(home, { endpoint: fake.endpoint, token: 'expired' });
    const rejected = await runDr(['auth', 'check'], { env: home.env });
    expect(rejected.code).toBe(3);
    expect(rejected.stderr.trim()).toMatch(
      /^Error: .*rejected the API token \(401 Unauthorized\).*`dr auth login`/,
    );
    fake.enqueueAnswers(403);
    writeDrConfig(home, { endpoint: fake.endpoint, token: 'test-token' });
    const forbidden = await runDr(['auth', 'check'], { env: home.env });
    expect(forbidden.code).toBe(3);
    expect(forbidden.stderr).toContain('403 Forbidden');
  });

  it('exits 3 without a token and 5 without a URL, naming the command that fixes it', async () => {
    const noUrl = await runDr(['auth', 'check'], { env: home.env });
    expect(noUrl.code).toBe(5);
    expect(noUrl.stderr).toContain('dr auth set-url');
    writeDrConfig(home, { endpoint: fake.endpoint });
    const noToken = await runDr(['auth', 'check'], { env: home.env });
    expect(noToken.code).toBe(3);
    expect(noToken.stderr).toContain('dr auth login');
  });

  it('exits 4 on a server error, a timeout and an unreachable host, in one line without a stack', async () => {
    writeDrConfig(home, { endpoint: fake.endpoint, token: 'test-token' });
    fake.enqueueAnswers(503);
    const serverError = await runDr(['auth', 'check'], { env: home.env });
    expect(serverError.code).toBe(4);
    expect(serverError.stderr).toContain('503 Service Unavailable');

    await fake.setFault('hang');
    const timeout = await runDr(['auth', 'check'], { env: { ...home.env, DR_HTTP_TIMEOUT_MS: '300' } });
    expect(timeout.code).toBe(4);
    expect(timeout.stderr).toContain('did not answer within 0.3 s');

    await fake.setFault('refuse');
    const unreachable = await runDr(['auth', 'check'], { env: home.env });
    expect(unreachable.code).toBe(4);
    expect(unreachable.stderr).toContain(`Cannot reach DataRobot at ${fake.url} (ECONNREFUSED)`);
    for (const result of [serverError, timeout, unreachable]) {
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).not.toMatch(STACK_LINE);
    }
    const debug = await runDr(['auth', 'check', '--debug'], { env: home.env });
    expect(debug.stderr).toMatch(STACK_LINE);
  });

  it('says 404 means a wrong URL', async () => {
    writeDrConfig(home, { endpoint: `${fake.url}/api/v2`, token: 'test-token' });
    fake.enqueueAnswers(404);
    const result = await runDr(['auth', 'check'], { env: home.env });
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('404 Not Found');
    expect(result.stderr).toContain('dr auth set-url');
  });
});

describe('dr auth logout', () => {
  it('removes the token and keeps the endpoint and the rest of the file', async () => {
    writeDrConfig(home, {
      endpoint: fake.endpoint,
      token: 'test-token',
      extra: '# mine\ntelemetry:\n  enabled: false',
    });
    const result = await runDr(['auth', 'logout'], { env: home.env });
    expect(result.code).toBe(0);
    const text = readFileSync(home.configFile, 'utf8');
    expect(text).not.toContain('test-token');
    expect(text).toContain('# mine');
    expect(readConfig()).toMatchObject({ endpoint: fake.endpoint, telemetry: { enabled: false } });
    const again = await runDr(['auth', 'logout'], { env: home.env });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('No API token was stored');
  });
});

describe('dr auth set-url', () => {
  it.each([
    ['1', 'https://app.datarobot.com/api/v2'],
    ['2', 'https://app.eu.datarobot.com/api/v2'],
    ['3', 'https://app.jp.datarobot.com/api/v2'],
    ['https://datarobot.example.com/some/page?x=1', 'https://datarobot.example.com/api/v2'],
    ['datarobot.example.com:8443', 'https://datarobot.example.com:8443/api/v2'],
  ])('stores %s as %s', async (input, stored) => {
    const result = await runDr(['auth', 'set-url', input], { env: home.env });
    expect(result.code).toBe(0);
    expect(readConfig().endpoint).toBe(stored);
  });

  it.each(['ftp://example.com', 'not a url', 'https://user:pass@example.com', 'https://'])(
    'rejects %s with a usage error',
    async (input) => {
      const result = await runDr(['auth', 'set-url', input], { env: home.env });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('Invalid DataRobot URL');
    },
  );

  it('removes a token issued by another installation, so it is never sent there', async () => {
    writeDrConfig(home, { endpoint: 'https://app.datarobot.com/api/v2', token: 'us-token' });
    const result = await runDr(['auth', 'set-url', '2'], { env: home.env });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('is removed');
    expect(readConfig()).toEqual({ endpoint: 'https://app.eu.datarobot.com/api/v2' });
    writeDrConfig(home, { endpoint: 'https://app.eu.datarobot.com/api/v2', token: 'eu-token' });
    await runDr(['auth', 'set-url', 'https://app.eu.datarobot.com'], { env: home.env });
    expect(readConfig().token).toBe('eu-token');
  });

  it('asks on a terminal: overwrite?, then the menu until the answer is valid', async () => {
    writeDrConfig(home, { endpoint: 'https://app.datarobot.com/api/v2' });
    const result = await runDrOnTerminal(['auth', 'set-url'], {
      env: home.env,
      answers: [
        { when: /already set; overwrite it\? \(y\/N\): /, type: 'y' },
        { when: /\[3\] Japan cloud[\s\S]*Enter your choice: /, type: 'ftp://nope' },
        { when: /Invalid URL[\s\S]*Enter your choice: /, type: '3' },
      ],
    });
    expect(result.code, result.output).toBe(0);
    expect(readConfig().endpoint).toBe('https://app.jp.datarobot.com/api/v2');
  });

  it('keeps the URL when the terminal answer is no', async () => {
    writeDrConfig(home, { endpoint: 'https://app.datarobot.com/api/v2' });
    const result = await runDrOnTerminal(['auth', 'set-url'], {
      env: home.env,
      answers: [{ when: /overwrite it\? \(y\/N\): /, type: '' }],
    });
    expect(result.code).toBe(0);
    expect(readConfig().endpoint).toBe('https://app.datarobot.com/api/v2');
  });

  it('never prompts without a terminal', async () => {
    const result = await runDr(['auth', 'set-url'], { env: home.env, input: '1\n' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No terminal to ask on');
  });
});
