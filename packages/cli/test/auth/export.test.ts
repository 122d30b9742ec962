// dr auth export, run as bin/dr with credentials stored for the fake DataRobot: the Go dr's syntax
// per shell, values that need quoting surviving a real bash `eval`, the shell detected from the
// parent process or $SHELL, a clear failure with nothing on stdout, and no request to DataRobot.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type FakeDataRobot, startFakeAmplitude, startFakeDataRobot } from '@dr/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DR_BIN, type DrHome, makeDrHome, onPath, runDr } from '../support/run-dr.ts';
import {
  CONFIG_ENABLED,
  makeTelemetryHome,
  requestBodies,
  sentEvents,
  spoolFileBytes,
  waitUntil,
} from '../telemetry/support/telemetry-harness.ts';

/** Every character a shell might take for syntax, a line break and PowerShell's other quotes. */
const AWKWARD_TOKEN = 'a\'b"c$d`e\\f !g&h|i;j<k>l^m%n*?~#(x)\nnext\u2019line\r';

let home: DrHome;
let fake: FakeDataRobot;

// One fake for the file: dr auth export must never send it a request.
beforeAll(async () => {
  fake = await startFakeDataRobot();
});
afterAll(() => fake.close());
beforeEach(() => {
  home = makeDrHome();
});
afterEach(() => home.cleanup());

/** drconfig.yaml with this endpoint and token, as JSON strings (valid YAML, any character). */
function storeCredentials(endpoint: string, token: string, where: DrHome = home, extra = ''): void {
  mkdirSync(dirname(where.configFile), { recursive: true });
  writeFileSync(
    where.configFile,
    `${extra}endpoint: ${JSON.stringify(endpoint)}\ntoken: ${JSON.stringify(token)}\n`,
    { mode: 0o600 },
  );
}

describe('dr auth export', () => {
  it("prints the Go dr's statements for each shell", async () => {
    storeCredentials(fake.endpoint, "a'b&c");
    const expected: Record<string, string[]> = {
      bash: [`export DATAROBOT_ENDPOINT='${fake.endpoint}'`, `export DATAROBOT_API_TOKEN='a'\\''b&c'`],
      zsh: [`export DATAROBOT_ENDPOINT='${fake.endpoint}'`, `export DATAROBOT_API_TOKEN='a'\\''b&c'`],
      fish: [`set -gx DATAROBOT_ENDPOINT '${fake.endpoint}'`, `set -gx DATAROBOT_API_TOKEN 'a'\\''b&c'`],
      powershell: [`$env:DATAROBOT_ENDPOINT = '${fake.endpoint}'`, `$env:DATAROBOT_API_TOKEN = 'a''b&c'`],
      cmd: [`set DATAROBOT_ENDPOINT=${fake.endpoint}`, "set DATAROBOT_API_TOKEN=a'b^&c"],
      // Another spelling of a known shell, in any case.
      PWSH: [`$env:DATAROBOT_ENDPOINT = '${fake.endpoint}'`, `$env:DATAROBOT_API_TOKEN = 'a''b&c'`],
    };
    for (const [shell, lines] of Object.entries(expected)) {
      const result = await runDr(['auth', 'export', '--shell', shell], { env: home.env });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(`${lines.join('\n')}\n`);
      expect(result.stderr).toBe('');
    }
  });

  it("doubles PowerShell's typographic quotes, refuses a line break for cmd, and reads an empty --shell as none", async () => {
    storeCredentials(fake.endpoint, "a\u2018b\u2019c\u201Ad\u201Be'f");
    const powershell = await runDr(['auth', 'export', '--shell', 'powershell'], { env: home.env });
    expect(powershell.stdout.split('\n')[1]).toBe(
      "$env:DATAROBOT_API_TOKEN = 'a\u2018\u2018b\u2019\u2019c\u201A\u201Ad\u201B\u201Be''f'",
    );

    storeCredentials(fake.endpoint, 'secret-value-77\r\necho owned');
    const cmd = await runDr(['auth', 'export', '--shell', 'cmd'], { env: home.env });
    expect(cmd).toMatchObject({ code: 5, stdout: '' });
    expect(cmd.stderr).toBe(
      "Error: The API token holds a line break, which cmd.exe's `set` cannot hold: use --shell powershell or --output-format json.\n",
    );

    const unnamed = await runDr(['auth', 'export', '--shell', ''], {
      env: { ...home.env, SHELL: '/usr/bin/fish' },
    });
    expect(unnamed.code, unnamed.stderr).toBe(0);
    expect(unnamed.stdout).toMatch(/^set -gx DATAROBOT_ENDPOINT /);
  });

  it.each(['bash', 'zsh'].filter(onPath))(
    'gives %s back exactly the stored values through eval',
    async (shell) => {
      storeCredentials(fake.url, `${AWKWARD_TOKEN}\\`);
      const script = `eval "$("${process.execPath}" "${DR_BIN}" auth export)" && printf '%s\\n%s' "$DATAROBOT_ENDPOINT" "$DATAROBOT_API_TOKEN"`;
      // $SHELL names fish, but the shell that ran dr is this one: the parent process wins, as in the Go dr.
      const output = execFileSync(shell, ['-f', '-c', script], {
        env: { ...home.env, SHELL: '/usr/bin/fish' },
        encoding: 'utf8',
      });
      expect(output).toBe(`${fake.endpoint}\n${AWKWARD_TOKEN}\\`);
    },
  );

  it.skipIf(!onPath('fish'))('gives fish back exactly the stored values through source', async () => {
    storeCredentials(fake.url, `${AWKWARD_TOKEN}\\`);
    const script = `"${process.execPath}" "${DR_BIN}" auth export | source; and printf '%s\\n%s' "$DATAROBOT_ENDPOINT" "$DATAROBOT_API_TOKEN"`;
    const output = execFileSync('fish', ['--no-config', '-c', script], { env: home.env, encoding: 'utf8' });
    expect(output).toBe(`${fake.endpoint}\n${AWKWARD_TOKEN}\\`);
  });

  it('writes for the shell in $SHELL when dr was not run by a shell, POSIX when it names none', async () => {
    storeCredentials(fake.endpoint, 'tok');
    const fish = await runDr(['auth', 'export'], { env: { ...home.env, SHELL: '/opt/homebrew/bin/fish' } });
    expect(fish.stdout).toBe(
      `set -gx DATAROBOT_ENDPOINT '${fake.endpoint}'\nset -gx DATAROBOT_API_TOKEN 'tok'\n`,
    );
    const dash = await runDr(['auth', 'export'], { env: { ...home.env, SHELL: '/bin/dash' } });
    expect(dash.stdout).toBe(
      `export DATAROBOT_ENDPOINT='${fake.endpoint}'\nexport DATAROBOT_API_TOKEN='tok'\n`,
    );
  });

  it("prints the Go dr's JSON envelope with --output-format json", async () => {
    storeCredentials(fake.url, AWKWARD_TOKEN);
    const result = await runDr(['auth', 'export', '--output-format', 'json'], { env: home.env });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      environment: { DATAROBOT_API_TOKEN: AWKWARD_TOKEN, DATAROBOT_ENDPOINT: fake.endpoint },
      source: 'drconfig.yaml',
    });
    const fromEnvironment = await runDr(['auth', 'export', '--output-format', 'json'], {
      env: { ...home.env, DATAROBOT_ENDPOINT: fake.url, DATAROBOT_API_TOKEN: 'env-token' },
    });
    expect(JSON.parse(fromEnvironment.stdout)).toEqual({
      environment: { DATAROBOT_API_TOKEN: 'env-token', DATAROBOT_ENDPOINT: fake.endpoint },
      source: 'DATAROBOT_ENDPOINT environment variable',
    });
  });

  it('exports the environment pair only when both are set, else both from drconfig.yaml, as the Go dr', async () => {
    storeCredentials(fake.url, 'stored-token');
    const elsewhere = 'https://other.example.com/api/v2';
    for (const half of [
      { DATAROBOT_API_TOKEN: 'env-token' },
      { DATAROBOT_ENDPOINT: elsewhere },
      { DATAROBOT_API_ENDPOINT: elsewhere },
    ]) {
      const result = await runDr(['auth', 'export', '--output-format', 'json'], {
        env: { ...home.env, ...half },
      });
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual({
        environment: { DATAROBOT_API_TOKEN: 'stored-token', DATAROBOT_ENDPOINT: fake.endpoint },
        source: 'drconfig.yaml',
      });
    }
    const pair = await runDr(['auth', 'export', '--shell', 'bash'], {
      env: { ...home.env, DATAROBOT_API_ENDPOINT: elsewhere, DATAROBOT_API_TOKEN: 'env-token' },
    });
    expect(pair.stdout).toBe(
      `export DATAROBOT_ENDPOINT='${elsewhere}'\nexport DATAROBOT_API_TOKEN='env-token'\n`,
    );

    const nothingStored = await runDr(['auth', 'export'], {
      env: { ...home.env, XDG_CONFIG_HOME: `${home.dir}/none`, DATAROBOT_API_TOKEN: 'env-token' },
    });
    expect(nothingStored).toMatchObject({ code: 3, stdout: '' });
    expect(nothingStored.stderr).toBe(
      'Error: No DataRobot credentials found (DATAROBOT_API_TOKEN is used only with DATAROBOT_ENDPOINT): run `dr auth login`, or set DATAROBOT_ENDPOINT and DATAROBOT_API_TOKEN.\n',
    );
  });

  it("prints the endpoint as the Go dr does: a path of the URL's own kept, /api/v2 when none", async () => {
    const cases: Record<string, string> = {
      'app.datarobot.com': 'https://app.datarobot.com/api/v2',
      'https://app.datarobot.com/': 'https://app.datarobot.com/api/v2',
      '  https://app.datarobot.com/api/v2?x=1#top  ': 'https://app.datarobot.com/api/v2',
      'https://dr.corp.example:8443/dr/api/v2/': 'https://dr.corp.example:8443/dr/api/v2',
      'http://dr.corp.example/custom': 'http://dr.corp.example/custom',
    };
    for (const [stored, printed] of Object.entries(cases)) {
      storeCredentials(stored, 'tok');
      const result = await runDr(['auth', 'export', '--shell', 'bash'], { env: home.env });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(
        `export DATAROBOT_ENDPOINT='${printed}'\nexport DATAROBOT_API_TOKEN='tok'\n`,
      );
    }
    storeCredentials(`'${fake.endpoint}'`, 'secret-value-77');
    const quoted = await runDr(['auth', 'export'], { env: home.env });
    expect(quoted).toMatchObject({ code: 5, stdout: '' });
    expect(quoted.stderr).toBe(
      `Error: The DataRobot URL in ${home.configFile} is not an http(s) URL: fix it with \`dr auth set-url\`.\n`,
    );
  });

  it('fails with one line on stderr and nothing to evaluate when not logged in or the shell is unknown', async () => {
    storeCredentials(fake.endpoint, '');
    const notLoggedIn = await runDr(['auth', 'export'], { env: home.env });
    expect(notLoggedIn).toMatchObject({ code: 3, stdout: '' });
    expect(notLoggedIn.stderr).toBe('Error: Not logged in to DataRobot: run `dr auth login`.\n');

    storeCredentials('', 'secret-value-77');
    const noUrl = await runDr(['auth', 'export'], { env: home.env });
    expect(noUrl).toMatchObject({ code: 5, stdout: '' });
    expect(noUrl.stderr).toBe('Error: No DataRobot URL is configured: run `dr auth set-url`.\n');

    storeCredentials(fake.endpoint, 'secret-value-77');
    const unknown = await runDr(['auth', 'export', '--shell', 'nushell'], { env: home.env });
    expect(unknown).toMatchObject({ code: 2, stdout: '' });
    expect(unknown.stderr).toBe(
      'Error: Unsupported shell "nushell": use one of bash, zsh, fish, powershell, cmd.\n',
    );
  });

  it('says to use eval when DATAROBOT_ENDPOINT holds the quotes of `$(dr auth export)`', async () => {
    const result = await runDr(['auth', 'export'], {
      env: { ...home.env, DATAROBOT_ENDPOINT: `'${fake.endpoint}'`, DATAROBOT_API_TOKEN: 'secret-value-77' },
    });
    expect(result).toMatchObject({ code: 5, stdout: '' });
    expect(result.stderr).toContain('eval "$(dr auth export)"');
    expect(result.stderr).toContain('unset DATAROBOT_ENDPOINT DATAROBOT_API_TOKEN');
    expect(result.stderr).not.toContain('secret-value-77');
  });
});

describe('dr auth export with telemetry on', () => {
  it('records the shell and format, and the token nowhere but stdout', async () => {
    const canary = 'canary-token-Q7zX41';
    const amplitude = await startFakeAmplitude();
    const telemetryHome = makeTelemetryHome(amplitude);
    try {
      storeCredentials(fake.endpoint, canary, telemetryHome, CONFIG_ENABLED);
      const env = { ...telemetryHome.telemetryEnv, DR_TELEMETRY_DEBUG: '1', SHELL: '/bin/zsh' };
      const runs = [
        await runDr(['auth', 'export', '--debug'], { env }),
        await runDr(['auth', 'export', '--shell', 'fish', '--output-format', 'json'], { env }),
        // A failure after the token was read: its message and events must not carry it either.
        await runDr(['auth', 'export', '--shell', 'tcsh', '--debug'], { env }),
      ];
      expect(runs.map((run) => run.code)).toEqual([0, 0, 2]);
      expect(runs[0]!.stdout).toContain(canary);
      const exports = () => sentEvents(amplitude).filter((event) => event.event_type === 'auth_export');
      await waitUntil(
        () => exports().length === 2 && sentEvents(amplitude).some((e) => e.event_type === 'command_failed'),
        'the auth_export and command_failed events at the collector',
        15_000,
      );
      expect(exports().map((event) => event.event_properties)).toEqual([
        {
          host_kind: 'custom',
          shell_name: 'zsh',
          shell_detected: true,
          output_format: 'text',
          from_environment: false,
        },
        {
          host_kind: 'custom',
          shell_name: 'fish',
          shell_detected: false,
          output_format: 'json',
          from_environment: false,
        },
      ]);
      for (const run of runs) expect(run.stderr).not.toContain(canary);
      expect(runs[0]!.stderr).toContain('auth_export');
      expect(requestBodies(amplitude).join('\n')).not.toContain(canary);
      expect(spoolFileBytes(telemetryHome.spoolDir).includes(canary)).toBe(false);
      expect(spoolFileBytes(telemetryHome.spoolDir).length).toBeGreaterThan(0);
    } finally {
      telemetryHome.cleanup();
      await amplitude.close();
    }
  });
});

describe('dr auth export, after all the runs above', () => {
  it('sent DataRobot no request', () => {
    expect(fake.requests).toEqual([]);
  });
});
