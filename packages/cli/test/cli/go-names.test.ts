// The names, flags and variables of the Go dr (issue #16), as bin/dr answers them: `-v` is
// --verbose and `-V` the version, the Go group `template` beside `templates`, `self version
// --short`, the global flags every command takes, the DATAROBOT_CLI_<KEY> variables, and what
// telemetry records when a line used a Go name (the canonical path, and the name as an enum).

import { COMMAND_ALIASES } from '@dr/shared';
import {
  type FakeAmplitude,
  type FakeDataRobot,
  fakeTemplate,
  startFakeAmplitude,
  startFakeDataRobot,
} from '@dr/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandTree } from '../../src/cli/command-tree.ts';
import { writeDrConfig } from '../datarobot/fixtures.ts';
import { type DrHome, makeDrHome, runDr } from '../support/run-dr.ts';
import {
  CONFIG_ENABLED,
  makeTelemetryHome,
  sentEvents,
  type TelemetryHome,
  waitUntil,
} from '../telemetry/support/telemetry-harness.ts';

let home: DrHome;
let datarobot: FakeDataRobot;
beforeAll(async () => {
  home = makeDrHome();
  datarobot = await startFakeDataRobot({
    templates: [fakeTemplate({ url: '/r/1.git', tag: 'v1' }, { id: 't1', name: 'T1' })],
  });
  writeDrConfig(home, { endpoint: datarobot.endpoint, token: 'test-token' });
});
afterAll(async () => {
  await datarobot.close();
  home.cleanup();
});

const dr = (args: readonly string[], env: NodeJS.ProcessEnv = {}) =>
  runDr(args, { env: { ...home.env, ...env } });

/** The version of the built dr, as `dr self version` reports it. */
async function builtVersion(): Promise<string> {
  return JSON.parse((await dr(['self', 'version', '--output-format', 'json'])).stdout).version;
}

describe('version and verbose', () => {
  it('prints the version for -V and --version; -v is --verbose, as in the Go dr', async () => {
    const version = await builtVersion();
    for (const flag of ['-V', '--version']) {
      const result = await dr([flag]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(`${version}\n`);
    }
    const verbose = await dr(['-v', 'self', 'version', '--short']);
    expect(verbose.code, verbose.stderr).toBe(0);
    expect(verbose.stdout).toBe(`${version}\n`);
    // `dr -v` alone is `dr --verbose` alone: the list of commands.
    const alone = await dr(['-v']);
    expect(alone.code).toBe(0);
    expect(alone.stdout).toContain('dr self version');
  });

  it('dr self version --short (-s) prints only the version; --output-format json wins', async () => {
    const version = await builtVersion();
    for (const flag of ['--short', '-s']) {
      const result = await dr(['self', 'version', flag]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(`${version}\n`);
    }
    const json = await dr(['self', 'version', '--short', '--output-format', 'json']);
    expect(JSON.parse(json.stdout).version).toBe(version);
  });
});

describe('names', () => {
  it('dr template list is dr templates list; dr template lists the group', async () => {
    const plural = await dr(['templates', 'list']);
    const singular = await dr(['template', 'list']);
    expect(singular.code, singular.stderr).toBe(0);
    expect(singular.stdout).toBe(plural.stdout);
    expect(singular.stdout).toContain('T1');
    const json = await dr(['template', 'list', '--output-format', 'json']);
    expect(JSON.parse(json.stdout).templates).toHaveLength(1);
    const group = await dr(['template']);
    expect(group.code).toBe(0);
    expect(group.stdout).toContain('dr templates list');
    expect(group.stdout).not.toContain('dr auth login');
  });

  it('every Go name of the command tree is a value of command_alias, and no other', () => {
    const aliases = commandTree.flatMap((entry) => entry.paths.slice(1).map((path) => path.join(' ')));
    expect([...COMMAND_ALIASES].sort()).toEqual(aliases.sort());
  });

  it('help shows the Go names in the examples', async () => {
    expect((await dr(['template', 'list', '--help'])).stdout).toContain('dr template list');
    expect((await dr(['run', '--help'])).stdout).toContain('dr run dev');
    expect((await dr(['task', 'l', '--help'])).stdout).toContain('dr task l');
    expect((await dr(['self', 'version', '--help'])).stdout).toContain('dr self version --short');
  });
});

describe('global flags of the Go dr', () => {
  it('--output-format is accepted by a command without json output, which keeps text', async () => {
    const text = await dr(['self', 'completion', 'bash']);
    for (const line of [
      ['self', 'completion', 'bash', '--output-format', 'json'],
      ['--output-format=json', 'self', 'completion', 'bash'],
    ]) {
      const result = await dr(line);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(text.stdout);
    }
  });

  it('says what is wrong with a bad --output-format in one line, exit 2, no stack', async () => {
    for (const line of [
      ['auth', 'check', '--output-format', 'xml'],
      ['--output-format', 'xml'],
      ['template', 'list', '--output-format', 'xml'],
    ]) {
      const result = await dr(line);
      expect(result.code, line.join(' ')).toBe(2);
      expect(result.stderr.split('\n')[0]).toBe(
        'Usage Error: Invalid value for --output-format: expected one of "text" or "json" (got "xml")',
      );
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
    const missing = await dr(['auth', 'check', '--output-format']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Not enough arguments to option --output-format.');
  });

  it('--skip-auth (or DATAROBOT_CLI_SKIP_AUTH) makes dr auth login refuse, as the Go dr', async () => {
    for (const [args, env] of [
      [['auth', 'login', '--skip-auth'], {}],
      [['--skip-auth', 'auth', 'login'], {}],
      [['auth', 'login'], { DATAROBOT_CLI_SKIP_AUTH: 'true' }],
    ] as const) {
      const result = await dr(args, env);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toBe(
        "Error: Login has been disabled via the '--skip-auth' flag (or DATAROBOT_CLI_SKIP_AUTH): run without it to log in.\n",
      );
    }
  });

  it('--skip-auth and --force-interactive are accepted by every command', async () => {
    for (const flag of ['--skip-auth', '--force-interactive']) {
      const result = await dr(['templates', 'list', flag]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain('T1');
    }
  });
});

describe('DATAROBOT_CLI_<KEY> variables', () => {
  it('DATAROBOT_CLI_DEBUG shows the stack of a failure, as --debug; --no-debug wins', async () => {
    const line = ['self', 'version', '--frobnicate'];
    expect((await dr(line)).stderr).not.toMatch(/\n\s+at /);
    const debug = await dr(line, { DATAROBOT_CLI_DEBUG: 'true' });
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/\n\s+at /);
    expect((await dr([...line, '--no-debug'], { DATAROBOT_CLI_DEBUG: '1' })).stderr).not.toMatch(/\n\s+at /);
  });

  it('a boolean variable that is no boolean is said in one line, exit 2', async () => {
    const result = await dr(['self', 'version'], { DATAROBOT_CLI_VERBOSE: 'maybe' });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'Error: DATAROBOT_CLI_VERBOSE="maybe" is not a boolean: set it to true or false, or unset it.\n',
    );
    expect((await dr(['self', 'version'], { DATAROBOT_CLI_VERBOSE: '' })).code).toBe(0);
  });

  it('DATAROBOT_CLI_OUTPUT_FORMAT is the default --output-format; the flag on the line wins', async () => {
    const json = await dr(['self', 'version'], { DATAROBOT_CLI_OUTPUT_FORMAT: 'json' });
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ version: expect.any(String) });
    const text = await dr(['self', 'version', '--output-format', 'text'], {
      DATAROBOT_CLI_OUTPUT_FORMAT: 'json',
    });
    expect(text.stdout).toMatch(/^dr \d/);
    // A command without json output keeps text, as with the flag.
    const logout = await dr(['auth', 'logout', '--help'], { DATAROBOT_CLI_OUTPUT_FORMAT: 'json' });
    expect(logout.code).toBe(0);
    const bad = await dr(['self', 'version'], { DATAROBOT_CLI_OUTPUT_FORMAT: 'xml' });
    expect({ code: bad.code, stderr: bad.stderr }).toEqual({
      code: 2,
      stderr:
        'Error: DATAROBOT_CLI_OUTPUT_FORMAT="xml" is not one of text, json: set it to text or json, or unset it.\n',
    });
  });
});

describe('telemetry of a Go name', () => {
  let amplitude: FakeAmplitude;
  let telemetryHome: TelemetryHome;
  beforeAll(async () => {
    amplitude = await startFakeAmplitude();
    telemetryHome = makeTelemetryHome(amplitude);
    telemetryHome.writeConfig(`${CONFIG_ENABLED}endpoint: ${datarobot.endpoint}\ntoken: test-token\n`);
  });
  afterAll(async () => {
    telemetryHome.cleanup();
    await amplitude.close();
  });

  it('records the canonical command, and the Go name typed as command_alias', async () => {
    const env = telemetryHome.telemetryEnv;
    for (const args of [
      ['template', 'list', '--output-format', 'json'],
      ['templates', 'list'],
      ['-v', 'self', 'version'],
    ]) {
      const result = await runDr(args, { env });
      expect(result.code, result.stderr).toBe(0);
    }
    type Sent = { event_type: string; event_properties?: Record<string, unknown> };
    const completed = () =>
      (sentEvents(amplitude) as Sent[]).filter((event) => event.event_type === 'command_completed');
    await waitUntil(() => completed().length >= 3, 'three command_completed events', 15_000);
    const properties = completed().map(({ event_properties: p }) => ({
      command: p?.command,
      command_alias: p?.command_alias,
      flags: p?.flags,
    }));
    expect(properties).toEqual(
      expect.arrayContaining([
        { command: 'templates list', command_alias: 'template list', flags: ['output-format'] },
        { command: 'templates list', command_alias: undefined, flags: [] },
        { command: 'self version', command_alias: undefined, flags: ['verbose'] },
      ]),
    );
  });
});
