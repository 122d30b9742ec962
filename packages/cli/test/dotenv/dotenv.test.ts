// dr dotenv setup, validate, update and edit, run as bin/dr in an application folder made from
// the template repository's files, against the fake DataRobot.
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_TEMPLATE_FILES,
  type FakeDataRobot,
  startFakeAmplitude,
  startFakeDataRobot,
} from '@dr/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectDataRobotHeaders, runDrOnTerminal, writeDrConfig } from '../datarobot/fixtures.ts';
import { type DrHome, makeDrHome, runDr } from '../support/run-dr.ts';
import {
  CONFIG_ENABLED,
  makeTelemetryHome,
  sentEvents,
  waitUntil,
} from '../telemetry/support/telemetry-harness.ts';

let home: DrHome;
let fake: FakeDataRobot;
let app: string;

beforeEach(async () => {
  home = makeDrHome();
  fake = await startFakeDataRobot();
  app = join(home.dir, 'app');
  mkdirSync(join(app, 'src'), { recursive: true });
  mkdirSync(join(app, '.git'));
  writeFileSync(join(app, '.env.template'), DEFAULT_TEMPLATE_FILES['.env.template']!);
});
afterEach(async () => {
  await fake.close();
  home.cleanup();
});

const dotenv = () => readFileSync(join(app, '.env'), 'utf8');

describe('dr dotenv setup', () => {
  it('fills .env from the template and the login without a terminal, and names what is still missing', async () => {
    writeDrConfig(home, { endpoint: fake.endpoint, token: 'test-token' });
    const result = await runDr(['dotenv', 'setup'], { env: home.env, cwd: join(app, 'src') });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('still needs a value for OPENAI_API_KEY');
    const text = dotenv();
    expect(text).toContain(`DATAROBOT_ENDPOINT=${fake.endpoint}\n`);
    expect(text).toContain('DATAROBOT_API_TOKEN=test-token\n');
    expect(text).toContain('APP_NAME=talk-to-my-data\n');
    expect(text).toContain('# Key of the LLM provider.\nOPENAI_API_KEY=\n');
    expect(statSync(join(app, '.env')).mode & 0o777).toBe(0o600);
    expect(fake.requests).toHaveLength(0);
  });

  it('keeps the values and lines already in .env, and succeeds when nothing is missing', async () => {
    writeDrConfig(home, { endpoint: fake.endpoint, token: 'test-token' });
    writeFileSync(join(app, '.env'), '# my settings\nOPENAI_API_KEY="sk-mine"\nAPP_NAME=my-app\nEXTRA=1\n');
    const result = await runDr(['dotenv', 'setup'], { env: home.env, cwd: app });
    expect(result.code).toBe(0);
    const text = dotenv();
    expect(text.startsWith('# my settings\nOPENAI_API_KEY="sk-mine"\nAPP_NAME=my-app\nEXTRA=1\n')).toBe(true);
    expect(text).toContain('DATAROBOT_API_TOKEN=test-token');
    expect(text).toContain('FRONTEND_PORT=8080');
  });

  it('fails clearly without a .env.template', async () => {
    const empty = join(home.dir, 'empty');
    mkdirSync(empty);
    const result = await runDr(['dotenv', 'setup'], { env: home.env, cwd: empty });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `Error: No .env.template in ${empty}: run this in an application template's folder (see \`dr templates clone\`).`,
    );
  });
});

describe('dr dotenv setup flags (as the Go dr)', () => {
  const COMPLETE =
    'DATAROBOT_ENDPOINT=https://app.datarobot.com/api/v2\nDATAROBOT_API_TOKEN=t\nAPP_NAME=a\nOPENAI_API_KEY=k\nFRONTEND_PORT=1\n';

  it('--if-needed changes nothing when .env sets every key of the template', async () => {
    writeFileSync(join(app, '.env'), COMPLETE);
    const result = await runDr(['dotenv', 'setup', '--if-needed'], { env: home.env, cwd: app });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('Configuration already exists, skipping setup.\n');
    expect(dotenv()).toBe(COMPLETE);
  });

  it('--if-needed sets up a .env that lacks a key with a default, or whose required key only the environment has', async () => {
    writeDrConfig(home, { endpoint: fake.endpoint, token: 'test-token' });
    writeFileSync(join(app, '.env'), COMPLETE.replace('FRONTEND_PORT=1\n', ''));
    const lacking = await runDr(['dotenv', 'setup', '--if-needed'], { env: home.env, cwd: app });
    expect(lacking.code, lacking.stderr).toBe(0);
    expect(lacking.stdout).toBe('');
    expect(dotenv()).toContain('FRONTEND_PORT=8080\n');
    writeFileSync(join(app, '.env'), COMPLETE.replace('OPENAI_API_KEY=k', 'OPENAI_API_KEY='));
    const fromEnvironment = await runDr(['dotenv', 'setup', '--if-needed'], {
      env: { ...home.env, OPENAI_API_KEY: 'in-the-environment' },
      cwd: app,
    });
    expect(fromEnvironment.code).toBe(1);
    expect(fromEnvironment.stderr).toContain('still needs a value for OPENAI_API_KEY');
  });

  it('--yes asks nothing on a terminal and takes the defaults', async () => {
    writeDrConfig(home, { endpoint: fake.endpoint, token: 'test-token' });
    writeFileSync(join(app, '.env'), 'OPENAI_API_KEY=sk-mine\n');
    const result = await runDrOnTerminal(['dotenv', 'setup', '-y'], { env: home.env, cwd: app, answers: [] });
    expect(result.code, result.output).toBe(0);
    expect(result.output).not.toContain('Setting up');
    expect(dotenv()).toBe(
      `OPENAI_API_KEY=sk-mine\nDATAROBOT_ENDPOINT=${fake.endpoint}\nDATAROBOT_API_TOKEN=test-token\nAPP_NAME=talk-to-my-data\nFRONTEND_PORT=8080\n`,
    );
  });

  it('--yes writes .env with required keys still empty, warns in one line naming them (never a value), and exits 0, as the Go dr', async () => {
    writeDrConfig(home, { endpoint: fake.endpoint, token: 'test-token' });
    writeFileSync(
      join(app, '.env.template'),
      'DATAROBOT_ENDPOINT=\nDATAROBOT_API_TOKEN=\nOPENAI_API_KEY=\nDB_PASSWORD=\n',
    );
    const result = await runDr(['dotenv', 'setup', '--yes'], { env: home.env, cwd: app });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe(
      `Wrote ${join(app, '.env')} (4 settings).\n` +
        `Warning: ${join(app, '.env')} still needs a value for OPENAI_API_KEY, DB_PASSWORD: set them with \`dr dotenv edit\`.\n`,
    );
    expect(dotenv()).toBe(
      `DATAROBOT_ENDPOINT=${fake.endpoint}\nDATAROBOT_API_TOKEN=test-token\nOPENAI_API_KEY=\nDB_PASSWORD=\n`,
    );
  });

  it('DATAROBOT_CLI_NON_INTERACTIVE is --yes (exit 0 with the warning), and overrides --all, as the Go dr', async () => {
    writeDrConfig(home, { endpoint: fake.endpoint, token: 'test-token' });
    const env = { ...home.env, DATAROBOT_CLI_NON_INTERACTIVE: 'true' };
    const result = await runDr(['dotenv', 'setup'], { env, cwd: app });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /\nWarning: \S+ still needs a value for OPENAI_API_KEY: set it with `dr dotenv edit`\.\n$/,
    );
    expect(dotenv()).toContain('APP_NAME=talk-to-my-data\n');
    writeFileSync(join(app, '.env'), 'APP_NAME=mine\n');
    const all = await runDr(['dotenv', 'setup', '--all'], { env, cwd: app });
    expect(all.code, all.stderr).toBe(0);
    expect(all.stderr).toContain('Warning: ');
    expect(dotenv()).toBe(
      `APP_NAME=mine\nDATAROBOT_ENDPOINT=${fake.endpoint}\nDATAROBOT_API_TOKEN=test-token\nOPENAI_API_KEY=\nFRONTEND_PORT=8080\n`,
    );
  });

  it('--all asks for every key, offering the current value, and keeps a secret on Enter', async () => {
    writeDrConfig(home, { endpoint: fake.endpoint, token: 'test-token' });
    writeFileSync(join(app, '.env'), COMPLETE);
    const result = await runDrOnTerminal(['dotenv', 'setup', '--all'], {
      env: home.env,
      cwd: app,
      answers: [
        { when: /DATAROBOT_ENDPOINT \[https:\/\/app\.datarobot\.com\/api\/v2\]: /, type: '' },
        { when: /DATAROBOT_API_TOKEN \[keep current\]: /, type: '' },
        { when: /APP_NAME \(optional\) \[a\]: /, type: 'renamed' },
        { when: /OPENAI_API_KEY \[keep current\]: /, type: '' },
        { when: /FRONTEND_PORT \(optional\) \[1\]: /, type: '' },
      ],
    });
    expect(result.code, result.output).toBe(0);
    expect(dotenv()).toBe(COMPLETE.replace('APP_NAME=a', 'APP_NAME=renamed'));
  });

  it('--all needs a terminal, and cannot go with --yes', async () => {
    const noTerminal = await runDr(['dotenv', 'setup', '--all'], { env: home.env, cwd: app });
    expect(noTerminal.code).toBe(2);
    expect(noTerminal.stderr).toMatch(/^Error: No terminal to ask on[^\n]+without --all[^\n]+\n$/);
    const both = await runDr(['dotenv', 'setup', '--all', '--yes'], { env: home.env, cwd: app });
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('Error: --all asks for every key and --yes asks nothing: give one of them.\n');
  });

  it("--output writes .env in another folder from the application folder's template", async () => {
    writeDrConfig(home, { endpoint: fake.endpoint, token: 'test-token' });
    const result = await runDr(['dotenv', 'setup', '--yes', '--output', 'deploy/staging'], {
      env: home.env,
      cwd: app,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      `Warning: ${join(app, 'deploy/staging/.env')} still needs a value for OPENAI_API_KEY`,
    );
    expect(readFileSync(join(app, 'deploy/staging/.env'), 'utf8')).toContain(
      'DATAROBOT_API_TOKEN=test-token\n',
    );
    expect(() => dotenv()).toThrow(/ENOENT/);
    const onFile = await runDr(['dotenv', 'setup', '-o', '.env.template'], { env: home.env, cwd: app });
    expect(onFile.code).toBe(2);
    expect(onFile.stderr).toContain('--output names the folder to write .env in');
  });
});

describe('dr dotenv setup on a terminal, with telemetry on', () => {
  it('end of input at a question is a cancel: dotenv_setup says cancelled, tui_interaction cancel', async () => {
    const amplitude = await startFakeAmplitude();
    const telemetryHome = makeTelemetryHome(amplitude);
    try {
      telemetryHome.writeConfig(`${CONFIG_ENABLED}endpoint: ${fake.endpoint}\ntoken: test-token\n`);
      const folder = join(telemetryHome.dir, 'app');
      mkdirSync(join(folder, '.git'), { recursive: true });
      writeFileSync(join(folder, '.env.template'), DEFAULT_TEMPLATE_FILES['.env.template']!);
      const result = await runDrOnTerminal(['dotenv', 'setup'], {
        env: telemetryHome.telemetryEnv,
        cwd: folder,
        answers: [{ when: /APP_NAME \(optional\) \[talk-to-my-data\]: /, type: '\x04' }],
      });
      expect(result.code, result.output).toBe(1);
      expect(result.output).toContain('Error: Cancelled: no answer was given.');
      type Sent = { event_type: string; event_properties?: Record<string, unknown> };
      const sent = () => sentEvents(amplitude) as Sent[];
      await waitUntil(
        () => sent().some((event) => event.event_type === 'command_failed'),
        'the command_failed event, recorded after the others',
        15_000,
      );
      expect(sent().find((event) => event.event_type === 'dotenv_setup')?.event_properties).toEqual({
        result: 'cancelled',
        go_command: 'dr dotenv setup',
      });
      expect(
        sent()
          .filter((event) => event.event_type === 'tui_interaction')
          .map((event) => event.event_properties),
      ).toEqual([
        { screen: 'dotenv_wizard', action: 'open' },
        { screen: 'dotenv_wizard', action: 'cancel' },
      ]);
    } finally {
      telemetryHome.cleanup();
      await amplitude.close();
    }
  });
});

describe('dr dotenv validate', () => {
  it('passes when every required key is set, without printing values', async () => {
    writeFileSync(
      join(app, '.env'),
      `DATAROBOT_ENDPOINT=${fake.endpoint}\nDATAROBOT_API_TOKEN=secret-token-value\nOPENAI_API_KEY=sk-1\n`,
    );
    const result = await runDr(['dotenv', 'validate'], { env: home.env, cwd: app });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ OPENAI_API_KEY');
    expect(result.stdout).toContain('Validation passed');
    expect(result.stdout).not.toContain('secret-token-value');
  });

  it('names each missing key and exits 1; the environment counts', async () => {
    writeFileSync(join(app, '.env'), 'DATAROBOT_ENDPOINT=\nAPP_NAME=x\n');
    const result = await runDr(['dotenv', 'validate'], { env: home.env, cwd: app });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✗ DATAROBOT_ENDPOINT is not set');
    expect(result.stdout).toContain('✗ OPENAI_API_KEY is not set (Key of the LLM provider.)');
    expect(result.stderr).toContain(
      '3 required variables are not set: DATAROBOT_ENDPOINT, DATAROBOT_API_TOKEN, OPENAI_API_KEY',
    );
    const fromEnv = await runDr(['dotenv', 'validate'], {
      env: {
        ...home.env,
        DATAROBOT_ENDPOINT: 'https://x/api/v2',
        DATAROBOT_API_TOKEN: 't',
        OPENAI_API_KEY: 'k',
      },
      cwd: app,
    });
    expect(fromEnv.code).toBe(0);
  });

  it('fails clearly without .env or without .env.template', async () => {
    const noEnv = await runDr(['dotenv', 'validate'], { env: home.env, cwd: app });
    expect(noEnv.code).toBe(1);
    expect(noEnv.stderr).toContain('run `dr dotenv setup` to create it');
    const empty = join(home.dir, 'empty');
    mkdirSync(empty);
    const noTemplate = await runDr(['dotenv', 'validate'], { env: home.env, cwd: empty });
    expect(noTemplate.code).toBe(1);
    expect(noTemplate.stderr).toContain('No .env.template');
  });
});

describe('dr dotenv update', () => {
  it('checks the login with DataRobot, then refreshes only the DataRobot pair', async () => {
    writeDrConfig(home, { endpoint: fake.endpoint, token: 'test-token' });
    writeFileSync(join(app, '.env'), '# keep me\nDATAROBOT_API_TOKEN=old\nOPENAI_API_KEY=sk-1 # inline\n');
    const result = await runDr(['dotenv', 'update'], { env: home.env, cwd: app });
    expect(result.code).toBe(0);
    expect(dotenv()).toBe(
      `# keep me\nDATAROBOT_API_TOKEN=test-token\nOPENAI_API_KEY=sk-1 # inline\nDATAROBOT_ENDPOINT=${fake.endpoint}\n`,
    );
    expectDataRobotHeaders(fake.requests[0]!);
  });

  it('leaves .env alone when the token is rejected (exit 3) or there is no .env', async () => {
    writeDrConfig(home, { endpoint: fake.endpoint, token: 'expired' });
    writeFileSync(join(app, '.env'), 'DATAROBOT_API_TOKEN=old\n');
    const rejected = await runDr(['dotenv', 'update'], { env: home.env, cwd: app });
    expect(rejected.code).toBe(3);
    expect(dotenv()).toBe('DATAROBOT_API_TOKEN=old\n');
    const empty = join(home.dir, 'empty');
    mkdirSync(empty);
    const missing = await runDr(['dotenv', 'update'], { env: home.env, cwd: empty });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('dr dotenv setup');
  });
});

describe('dr dotenv edit', () => {
  it('opens .env in $EDITOR (split on spaces, no shell)', async () => {
    const editor = join(home.dir, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\n[ "$1" = "--wait" ] && shift\necho "EDITED=1" >> "$1"\n');
    chmodSync(editor, 0o755);
    writeFileSync(join(app, '.env'), 'A=1\n');
    const result = await runDr(['dotenv', 'edit'], {
      env: { ...home.env, EDITOR: `${editor} --wait` },
      cwd: app,
    });
    expect(result.code).toBe(0);
    expect(dotenv()).toBe('A=1\nEDITED=1\n');
  });

  it('says what to do when the editor cannot start or .env is missing', async () => {
    writeFileSync(join(app, '.env'), 'A=1\n');
    const noEditor = await runDr(['dotenv', 'edit'], {
      env: { ...home.env, EDITOR: 'no-such-editor-xyz' },
      cwd: app,
    });
    expect(noEditor.code).toBe(1);
    expect(noEditor.stderr).toContain('set $VISUAL or $EDITOR');
    const empty = join(home.dir, 'empty');
    mkdirSync(empty);
    const noEnv = await runDr(['dotenv', 'edit'], { env: { ...home.env, EDITOR: 'true' }, cwd: empty });
    expect(noEnv.code).toBe(1);
    expect(noEnv.stderr).toContain('dr dotenv setup');
  });
});
