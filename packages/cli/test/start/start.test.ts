// dr start (and its Go alias quickstart), as bin/dr against the fake DataRobot, cloning local
// template repositories offline: with --yes and no terminal, through the prompts on a
// pseudo-terminal (with the tui_interaction events the fake Amplitude receives), and inside a
// template's folder, where it runs the template's `task start` or quickstart script. The tools a
// template requires are fake scripts on PATH, and installs run a fake installer: nothing downloads.
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createTemplateRepository,
  DEFAULT_TEMPLATE_FILES,
  type FakeAmplitude,
  type FakeDataRobot,
  fakeTemplate,
  startFakeAmplitude,
  startFakeDataRobot,
  type TemplateRepository,
} from '@dr/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runDrOnTerminal, writeDrConfig } from '../datarobot/fixtures.ts';
import { type DrHome, makeDrHome, runDr } from '../support/run-dr.ts';
import {
  CONFIG_ENABLED,
  makeTelemetryHome,
  sentEvents,
  waitUntil,
} from '../telemetry/support/telemetry-harness.ts';

const QUICKSTART = '.datarobot/cli/bin/quickstart.sh';
/** Writes `started` in the folder it runs in, so a test sees that and where it ran. */
const QUICKSTART_SCRIPT = '#!/bin/sh\necho "quickstart ran"\necho started > started.txt\n';
const VERSIONS = '.datarobot/cli/versions.yaml';
/** The templates' required tools: drtest-ok, which tools() puts on PATH (so the check passes). */
const VERSIONS_YAML = requirementYaml('ok');

/** A versions.yaml entry for the fake tool drtest-<name>, installed by `drtest-install <name>`. */
function requirementYaml(name: string): string {
  const install = `drtest-install ${name}`;
  return `${name}:\n  name: ${name}\n  minimum-version: 1.0.0\n  command: drtest-${name} --version\n  url: https://example.com/${name}\n  install:\n    macos: ${install}\n    linux: ${install}\n    windows: ${install}\n`;
}

/** A template folder `dir`/app requiring the tools `versions`, with a quickstart script. */
function templateApp(dir: string, versions: string): string {
  const app = join(dir, 'app');
  writeVersions(app, versions);
  mkdirSync(join(app, '.datarobot', 'cli', 'bin'));
  writeFileSync(join(app, QUICKSTART), QUICKSTART_SCRIPT);
  chmodSync(join(app, QUICKSTART), 0o755);
  return app;
}

/** Requires drtest-ok (on PATH) and drtest-uv (not, until drtest-install puts it there). */
const UV_MISSING = `${VERSIONS_YAML}${requirementYaml('uv')}`;

function writeVersions(app: string, yaml: string): void {
  mkdirSync(join(app, '.datarobot', 'cli'), { recursive: true });
  writeFileSync(join(app, VERSIONS), yaml);
}

/**
 * A bin folder in `dir` with drtest-ok (version 1.2.0) and drtest-install, which logs its
 * arguments to `dir`/install.log and puts drtest-<name> (version 1.5.0) next to itself; the
 * environment `env` with that folder first on PATH.
 */
function tools(dir: string, env: NodeJS.ProcessEnv) {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const script = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  script('drtest-ok', 'echo "drtest-ok 1.2.0"');
  const log = join(dir, 'install.log');
  script(
    'drtest-install',
    `printf '%s\\n' "$*" >> "${log}"\nprintf '#!/bin/sh\\necho "v1.5.0"\\n' > "${bin}/drtest-$1"\nchmod +x "${bin}/drtest-$1"\necho "installed $1"`,
  );
  return {
    bin,
    env: { ...env, PATH: `${bin}:${env.PATH}` },
    installed: () => (existsSync(log) ? readFileSync(log, 'utf8') : ''),
  };
}

let talk: TemplateRepository;
let forecast: TemplateRepository;
let home: DrHome;
let fake: FakeDataRobot;

beforeAll(() => {
  talk = createTemplateRepository({
    name: 'talk-to-my-data',
    files: { ...DEFAULT_TEMPLATE_FILES, [QUICKSTART]: QUICKSTART_SCRIPT, [VERSIONS]: VERSIONS_YAML },
    executables: [QUICKSTART],
  });
  // Nothing required beyond the login: --yes can fill its .env without asking.
  forecast = createTemplateRepository({
    name: 'forecast-app',
    files: {
      '.env.template': 'DATAROBOT_ENDPOINT=\nDATAROBOT_API_TOKEN=\n# Port\nFRONTEND_PORT=8080\n',
      [QUICKSTART]: QUICKSTART_SCRIPT,
      [VERSIONS]: VERSIONS_YAML,
    },
    executables: [QUICKSTART],
  });
});
afterAll(() => {
  talk.cleanup();
  forecast.cleanup();
});

function templates() {
  return [
    fakeTemplate(talk, { id: '65f0000000000000000000a1', name: 'Talk to My Data', description: 'Chat' }),
    fakeTemplate(forecast, {
      id: '65f0000000000000000000a2',
      name: 'Forecast App',
      description: 'Forecasts',
    }),
  ];
}

describe('dr start without a terminal', () => {
  let env: NodeJS.ProcessEnv;
  let fakeTools: ReturnType<typeof tools>;
  beforeEach(async () => {
    home = makeDrHome();
    fakeTools = tools(home.dir, home.env);
    env = fakeTools.env;
    fake = await startFakeDataRobot({ templates: templates() });
    writeDrConfig(home, { endpoint: fake.endpoint, token: 'test-token' });
  });
  afterEach(async () => {
    await fake.close();
    home.cleanup();
  });

  it('--yes --template: checks the login, clones, fills .env and runs the quickstart script, saying each step', async () => {
    const result = await runDr(['start', '--yes', '--template', 'forecast app'], { env });
    expect(result.code, result.stderr).toBe(0);
    const app = join(home.dir, 'forecast-app');
    expect(result.stderr).toContain('→ Checking your DataRobot login…\n');
    expect(result.stderr).toContain(`  Logged in to ${fake.endpoint.replace(/\/api\/v2\/?$/, '')}.\n`);
    expect(result.stderr).toContain('→ Choosing an application template…\n');
    expect(result.stderr).toMatch(/Cloning \S+forecast-app\.git at v1\.0\.0…\n/);
    expect(result.stderr).toContain('→ Setting up .env…\n');
    expect(result.stderr).toContain(
      '→ Checking template prerequisites…\n  Every tool the template requires is installed.\n→ Finding the start command…\n',
    );
    expect(result.stderr).toContain(`→ Running ${QUICKSTART}…\n`);
    expect(result.stdout).toContain('quickstart ran\n');
    expect(readFileSync(join(app, 'started.txt'), 'utf8')).toBe('started\n');
    expect(readFileSync(join(app, '.env'), 'utf8')).toBe(
      `DATAROBOT_ENDPOINT=${fake.endpoint}\nDATAROBOT_API_TOKEN=test-token\n# Port\nFRONTEND_PORT=8080\n`,
    );
    expect(fake.requests.map((request) => request.path)).toEqual([
      '/api/v2/version/',
      '/api/v2/applicationTemplates/?limit=100',
    ]);
    expect(fake.requests[1]!.headers['x-datarobot-api-consumer-trace']).toBe('datarobot.cli.start');
  });

  it('run again where it cloned before, says to start that clone instead', async () => {
    expect((await runDr(['start', '-y', '--template', 'Forecast App'], { env })).code).toBe(0);
    const again = await runDr(['start', '-y', '--template', 'Forecast App'], { env });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(
      /\nError: The folder \S+forecast-app already exists and is not empty: to start it, run `cd forecast-app && dr start`; to clone the template again, `dr templates clone 65f0000000000000000000a2 <dir>`\.\n$/,
    );
  });

  it('takes DATAROBOT_CLI_NON_INTERACTIVE as --yes, as the Go dr', async () => {
    const result = await runDr(['start', '--template', '65f0000000000000000000a2'], {
      env: { ...env, DATAROBOT_CLI_NON_INTERACTIVE: 'true' },
    });
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(join(home.dir, 'forecast-app', 'started.txt'), 'utf8')).toBe('started\n');
  });

  it('--yes goes on past required .env keys still empty, naming them in a warning; without it, it stops there', async () => {
    const result = await runDr(['start', '-y', '--template', 'Talk to My Data'], { env });
    expect(result.code, result.stderr).toBe(0);
    const app = join(home.dir, 'talk-to-my-data');
    expect(result.stderr).toContain(
      `Warning: ${join(app, '.env')} still needs a value for OPENAI_API_KEY: set it with \`dr dotenv edit\`.\n`,
    );
    expect(readFileSync(join(app, 'started.txt'), 'utf8')).toBe('started\n');

    rmSync(join(app, 'started.txt'));
    const unasked = await runDr(['start'], { env, cwd: app });
    expect(unasked.code).toBe(1);
    expect(unasked.stderr).toContain(
      'still needs a value for OPENAI_API_KEY: run `dr dotenv setup` on a terminal',
    );
    expect(unasked.stderr).not.toContain('→ Finding the start command');
    expect(existsSync(join(app, 'started.txt'))).toBe(false);
  });

  it('asks nothing: says how to name the template, how to log in, and what a script needs', async () => {
    const noTemplate = await runDr(['start'], { env });
    expect(noTemplate.code).toBe(2);
    expect(noTemplate.stderr).toContain('Error: No terminal to ask on');
    expect(noTemplate.stderr).toContain('dr start --template <id|name>');

    writeDrConfig(home, { endpoint: fake.endpoint });
    const loggedOut = await runDr(['quickstart', '-y'], { env });
    expect(loggedOut.code).toBe(3);
    expect(loggedOut.stderr).toContain('Error: Not logged in to DataRobot: run `dr auth login`');

    writeDrConfig(home, { endpoint: fake.endpoint, token: 'test-token' });
    const cloned = await runDr(['templates', 'clone', 'Forecast App'], { env });
    expect(cloned.code).toBe(0);
    const app = join(home.dir, 'forecast-app');
    const unasked = await runDr(['start'], { env, cwd: app });
    expect(unasked.code).toBe(2);
    expect(unasked.stderr).toContain(`→ Using the application template in ${app}…`);
    expect(unasked.stderr).toContain('run `dr start --yes` to run it without asking');
    expect(existsSync(join(app, 'started.txt'))).toBe(false);
  });

  it("in a template's folder: runs its `task start` when the Taskfile has one, and skips a complete .env", async () => {
    const app = join(home.dir, 'app');
    mkdirSync(join(app, '.git'), { recursive: true });
    writeVersions(app, VERSIONS_YAML);
    writeFileSync(join(app, 'Taskfile.yml'), "version: '3'\n");
    writeFileSync(join(app, '.env.template'), 'DATAROBOT_ENDPOINT=\nDATAROBOT_API_TOKEN=\n');
    writeFileSync(
      join(app, '.env'),
      'DATAROBOT_ENDPOINT=https://app.datarobot.com/api/v2\nDATAROBOT_API_TOKEN=x\n',
    );
    const bin = join(home.dir, 'task-bin');
    mkdirSync(bin);
    // A go-task that lists one `start` task and records the arguments of every other call.
    writeFileSync(
      join(bin, 'task'),
      `#!/bin/sh\ncase "$1" in --list*) echo '{"tasks":[{"name":"start","desc":"Start"}]}';; *) echo "$@" > "${join(home.dir, 'task-args')}";; esac\n`,
    );
    chmodSync(join(bin, 'task'), 0o755);
    const result = await runDr(['start'], { env: { ...env, PATH: `${bin}:${env.PATH}` }, cwd: app });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Configuration already exists, skipping setup.\n');
    expect(result.stderr).toContain('→ Running `task start`…\n');
    expect(readFileSync(join(home.dir, 'task-args'), 'utf8')).toBe(
      `-t ${join(app, 'Taskfile.yml')} -C 2 start\n`,
    );
  });

  it('says what to run next when the template has neither `task start` nor a quickstart script', async () => {
    const app = join(home.dir, 'bare-app');
    mkdirSync(join(app, '.datarobot', 'answers'), { recursive: true });
    writeVersions(app, VERSIONS_YAML);
    const result = await runDr(['start'], { env, cwd: app });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('No `start` task or quickstart script found');
    expect(result.stderr).toContain('Next: dr task list\n');
  });

  it("finds the template's folder from one of its subfolders, outside git too, as the Go dr", async () => {
    const app = join(home.dir, 'unpacked-app');
    mkdirSync(join(app, '.datarobot', 'cli'), { recursive: true });
    writeFileSync(join(app, '.datarobot', 'cli', 'config.yaml'), '');
    mkdirSync(join(app, 'frontend', 'src'), { recursive: true });
    writeVersions(app, VERSIONS_YAML);
    const result = await runDr(['start'], { env, cwd: join(app, 'frontend', 'src') });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`→ Using the application template in ${app}…\n`);
    expect(result.stderr).toContain('Next: cd ../.. && dr task list\n');
  });

  describe('checking the template prerequisites (the tools in versions.yaml)', () => {
    const state = (app: string) => join(app, '.datarobot', 'cli', 'state.yaml');

    it('-y installs a missing tool, marks the check in state.yaml, then goes on to start', async () => {
      const app = templateApp(home.dir, UV_MISSING);
      const result = await runDr(['start', '-y'], { env, cwd: app });
      expect(result.code, result.stderr).toBe(0);
      expect(fakeTools.installed()).toBe('uv\n');
      expect(result.stderr).toContain(
        [
          '→ Checking template prerequisites…',
          'TOOL  REQUIRED  INSTALLED  STATUS',
          'ok    1.0.0     v1.2.0     ok',
          'uv    1.0.0     -          missing (https://example.com/uv)',
          'Required tools are not all installed (missing: uv).',
          'Will run, through sh -c:',
          '  uv: drtest-install uv',
          '→ Finding the start command…',
          '',
        ].join('\n'),
      );
      expect(result.stdout).toBe(
        '📦 Installing uv...\ninstalled uv\n✅ uv installed\n\n✅ All dependencies installed successfully.\nquickstart ran\n',
      );
      expect(readFileSync(join(app, 'started.txt'), 'utf8')).toBe('started\n');
      expect(readFileSync(state(app), 'utf8')).toMatch(/^last_success_deps_check: \d{4}-[\d-]+T[\d:.]+Z\n$/);
    });

    it('without a terminal and without --yes, stops before the start command, saying to run `dr dependency install`', async () => {
      const app = templateApp(home.dir, UV_MISSING);
      const result = await runDr(['start'], { env, cwd: app });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('uv    1.0.0     -          missing (https://example.com/uv)\n');
      expect(result.stderr).toMatch(
        /\nError: No terminal to ask on \(stdin and stderr must both be terminals\): run `dr dependency install` to install the missing tools, or `dr start --yes` to install them and go on\.\n$/,
      );
      expect(result.stderr).not.toContain('→ Finding the start command');
      expect(fakeTools.installed()).toBe('');
      expect(existsSync(join(app, 'started.txt'))).toBe(false);
      expect(existsSync(state(app))).toBe(false);
    });

    it('skips the check after a passing one recorded in state.yaml within 24 hours, as the Go dr; not after an older one', async () => {
      const app = templateApp(home.dir, UV_MISSING);
      // As the Go dr writes it (nanoseconds), among its other keys.
      const goStamp = (hoursAgo: number) =>
        new Date(Date.now() - hoursAgo * 3_600_000).toISOString().replace(/Z$/, '123456Z');
      writeFileSync(state(app), `cli_version: 0.2.50\nlast_success_deps_check: ${goStamp(23)}\n`);
      const recent = await runDr(['start', '-y'], { env, cwd: app });
      expect(recent.code, recent.stderr).toBe(0);
      expect(recent.stderr).toContain(
        '→ Checking template prerequisites…\n  Skipped: the tools passed a check in the last 24 hours (.datarobot/cli/state.yaml).\n→ Finding the start command…\n',
      );
      expect(recent.stderr).not.toContain('TOOL');
      expect(fakeTools.installed()).toBe('');
      expect(readFileSync(join(app, 'started.txt'), 'utf8')).toBe('started\n');

      writeFileSync(state(app), `cli_version: 0.2.50\nlast_success_deps_check: ${goStamp(25)}\n`);
      const stale = await runDr(['start', '-y'], { env, cwd: app });
      expect(stale.code, stale.stderr).toBe(0);
      expect(stale.stderr).not.toContain('Skipped');
      expect(fakeTools.installed()).toBe('uv\n');
    });

    it('with every tool in place, says so, goes on, and the next run skips the check', async () => {
      const app = templateApp(home.dir, VERSIONS_YAML);
      const result = await runDr(['start', '-y'], { env, cwd: app });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain(
        '→ Checking template prerequisites…\n  Every tool the template requires is installed.\n→ Finding the start command…\n',
      );
      expect(result.stdout).toBe('quickstart ran\n');
      expect(readFileSync(state(app), 'utf8')).toMatch(/^last_success_deps_check: /);
      const again = await runDr(['start', '-y'], { env, cwd: app });
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toContain('  Skipped: the tools passed a check in the last 24 hours');
      expect(fakeTools.installed()).toBe('');
    });
  });
});

describe('dr quickstart on a terminal, with telemetry on', () => {
  let amplitude: FakeAmplitude;
  let telemetryHome: ReturnType<typeof makeTelemetryHome>;
  let fakeTools: ReturnType<typeof tools>;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    amplitude = await startFakeAmplitude();
    fake = await startFakeDataRobot({ templates: templates() });
    telemetryHome = makeTelemetryHome(amplitude);
    fakeTools = tools(telemetryHome.dir, telemetryHome.telemetryEnv);
    env = fakeTools.env;
  });
  afterEach(async () => {
    telemetryHome.cleanup();
    await fake.close();
    await amplitude.close();
  });

  type Sent = { event_type: string; event_properties?: Record<string, unknown> };
  const sent = () => sentEvents(amplitude) as Sent[];
  const screens = () =>
    sent()
      .filter((event) => event.event_type === 'tui_interaction')
      .map((event) => event.event_properties);
  /** The run's quickstart event, once delivered: recorded after every screen, it is sent after them. */
  async function quickstartEvent(): Promise<Sent> {
    const find = () => sent().find((event) => event.event_type === 'quickstart');
    await waitUntil(() => find() !== undefined, 'the quickstart event', 15_000);
    return find()!;
  }

  it('picks, clones, asks for .env and confirms the script; tui_interaction names screens and actions only', async () => {
    telemetryHome.writeConfig(`${CONFIG_ENABLED}endpoint: ${fake.endpoint}\ntoken: test-token\n`);
    const result = await runDrOnTerminal(['quickstart'], {
      env,
      answers: [
        { when: /Pick a template \(1-2\): /, type: '1' },
        { when: /Folder to clone into \[talk-to-my-data\]: /, type: 'picked-app' },
        { when: /APP_NAME \(optional\) \[talk-to-my-data\]: /, type: '' },
        { when: /OPENAI_API_KEY: /, type: 'sk-typed-secret' },
        { when: /FRONTEND_PORT \(optional\) \[8080\]: /, type: '' },
        { when: /Run it now\? \(Y\/n\): /, type: 'y' },
      ],
    });
    expect(result.code, result.output).toBe(0);
    const app = join(telemetryHome.dir, 'picked-app');
    expect(readFileSync(join(app, 'started.txt'), 'utf8')).toBe('started\n');
    expect(readFileSync(join(app, '.env'), 'utf8')).toContain('OPENAI_API_KEY=sk-typed-secret\n');
    expect(result.output).not.toContain('sk-typed-secret');

    const quickstart = await quickstartEvent();
    expect(screens()).toEqual([
      { screen: 'template_gallery', action: 'open' },
      { screen: 'template_gallery', action: 'select' },
      { screen: 'template_setup', action: 'open' },
      { screen: 'template_setup', action: 'submit' },
      { screen: 'dotenv_wizard', action: 'open' },
      { screen: 'dotenv_wizard', action: 'submit' },
      { screen: 'quickstart', action: 'open' },
      { screen: 'quickstart', action: 'submit' },
    ]);
    expect(quickstart.event_properties).toEqual({
      result: 'success',
      duration_ms: expect.any(Number),
      in_template: false,
      cloned: true,
      start_kind: 'script',
      deps_check: 'passed',
      missing_count: 0,
      wrong_version_count: 0,
      invalid_entries_count: 0,
      missing_tools: [],
      wrong_version_tools: [],
      yes_flag: false,
      non_interactive: false,
      go_command: 'dr start',
    });
    const started = sent().find((event) => event.event_type === 'command_started')!;
    expect(started.event_properties).toMatchObject({ command: 'start', command_alias: 'quickstart' });
    const everything = JSON.stringify(sent());
    for (const typed of ['sk-typed-secret', 'picked-app', 'Talk to My Data'])
      expect(everything).not.toContain(typed);
  });

  it('offers the login when there is no token; a No ends it with how to log in (exit 3) and a cancel', async () => {
    telemetryHome.writeConfig(`${CONFIG_ENABLED}endpoint: ${fake.endpoint}\n`);
    const result = await runDrOnTerminal(['start'], {
      env,
      answers: [{ when: /Not logged in to DataRobot\. Log in now\? \(Y\/n\): /, type: 'n' }],
    });
    expect(result.code, result.output).toBe(3);
    expect(result.output).toContain('Error: Not logged in to DataRobot: run `dr auth login`');
    const quickstart = await quickstartEvent();
    expect(screens()).toEqual([
      { screen: 'auth_login', action: 'open' },
      { screen: 'auth_login', action: 'cancel' },
    ]);
    expect(quickstart.event_properties).toMatchObject({
      result: 'failure',
      cloned: false,
    });
  });

  it('with no URL either, the login asks for one first; Enter at that menu is a cancel (exit 5)', async () => {
    telemetryHome.writeConfig(CONFIG_ENABLED);
    const result = await runDrOnTerminal(['start'], {
      env,
      answers: [
        { when: /No DataRobot URL is configured\. Log in now\? \(Y\/n\): /, type: '' },
        { when: /Enter your choice: /, type: '' },
      ],
    });
    expect(result.code, result.output).toBe(5);
    expect(result.output).toContain('Error: No DataRobot URL is configured: run `dr auth set-url`');
    expect((await quickstartEvent()).event_properties?.result).toBe('failure');
    expect(screens()).toEqual([
      { screen: 'auth_login', action: 'open' },
      { screen: 'auth_login', action: 'submit' },
      { screen: 'auth_set_url', action: 'open' },
      { screen: 'auth_set_url', action: 'cancel' },
    ]);
  });
  it("in a template's folder, a No to the quickstart script runs nothing and says so", async () => {
    telemetryHome.writeConfig(`${CONFIG_ENABLED}endpoint: ${fake.endpoint}\ntoken: test-token\n`);
    expect((await runDr(['templates', 'clone', 'Forecast App'], { env })).code).toBe(0);
    const app = join(telemetryHome.dir, 'forecast-app');
    const result = await runDrOnTerminal(['start'], {
      env,
      cwd: app,
      answers: [
        { when: /FRONTEND_PORT \(optional\) \[8080\]: /, type: '' },
        { when: /Run it now\? \(Y\/n\): /, type: 'n' },
      ],
    });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain(`Not run. Run ${join(app, QUICKSTART)} when you are ready.`);
    expect(result.output).not.toContain('No `start` task');
    expect(existsSync(join(app, 'started.txt'))).toBe(false);
    expect((await quickstartEvent()).event_properties).toMatchObject({
      in_template: true,
      start_kind: 'none',
    });
    expect(screens()).toEqual([
      { screen: 'dotenv_wizard', action: 'open' },
      { screen: 'dotenv_wizard', action: 'submit' },
      { screen: 'quickstart', action: 'open' },
      { screen: 'quickstart', action: 'cancel' },
    ]);
  });

  it.each([
    ['y', 0, 'success', ['uv']],
    ['n', 1, 'cancelled', []],
  ])(
    'asks before installing missing tools; answering %s',
    async (answer, code, installResult, installedTools) => {
      telemetryHome.writeConfig(`${CONFIG_ENABLED}endpoint: ${fake.endpoint}\ntoken: test-token\n`);
      const app = templateApp(telemetryHome.dir, UV_MISSING);
      const result = await runDrOnTerminal(['start'], {
        env,
        cwd: app,
        answers: [
          { when: /Install uv now\? \(y\/N\): /, type: answer },
          ...(answer === 'y' ? [{ when: /Run it now\? \(Y\/n\): /, type: 'y' }] : []),
        ],
      });
      expect(result.code, result.output).toBe(code);
      expect(fakeTools.installed()).toBe(answer === 'y' ? 'uv\n' : '');
      expect(existsSync(join(app, 'started.txt'))).toBe(answer === 'y');
      if (answer === 'n') {
        expect(result.output).toContain(
          'Error: Nothing installed: run `dr dependency install` to install the missing tools, then `dr start` again.',
        );
      }
      expect((await quickstartEvent()).event_properties).toMatchObject({
        result: installResult === 'success' ? 'success' : 'cancelled',
        in_template: true,
        deps_check: 'failed',
        missing_count: 1,
        wrong_version_count: 0,
        missing_tools: ['uv'],
        install_result: installResult,
        installed_tools: installedTools,
      });
    },
  );
});
