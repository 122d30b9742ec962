// The domain events of the DataRobot commands, end to end with telemetry on: bin/dr against the
// fake DataRobot, its events at the fake Amplitude. Each event carries exactly the declared
// properties with the values the command knew (never a URL, a name typed or a token); the
// DataRobot requests carry the run's session and device; after `dr auth check` the events carry
// the DataRobot user id.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DEFAULT_TEMPLATE_FILES,
  type FakeAmplitude,
  type FakeDataRobot,
  fakeTemplate,
  startFakeAmplitude,
  startFakeDataRobot,
} from '@dr/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONFIG_ENABLED,
  makeTelemetryHome,
  runDr,
  type SentEvent,
  sentEvents,
  sentEventsOfType,
  type TelemetryHome,
  waitUntil,
} from '../telemetry/support/telemetry-harness.ts';
import { startDr } from './fixtures.ts';

let amplitude: FakeAmplitude;
let datarobot: FakeDataRobot;
let home: TelemetryHome;
let env: NodeJS.ProcessEnv;
let app: string;

beforeAll(async () => {
  amplitude = await startFakeAmplitude();
  datarobot = await startFakeDataRobot({
    templates: [1, 2, 3].map((n) =>
      fakeTemplate({ url: `/r/${n}.git`, tag: 'v1' }, { id: `t${n}`, name: `T${n}` }),
    ),
  });
  home = makeTelemetryHome(amplitude);
  home.writeConfig(`${CONFIG_ENABLED}endpoint: ${datarobot.endpoint}\ntoken: test-token\n`);
  app = join(home.dir, 'app');
  mkdirSync(join(app, '.git'), { recursive: true });
  writeFileSync(join(app, '.env.template'), DEFAULT_TEMPLATE_FILES['.env.template']!);
  writeFileSync(join(app, 'Taskfile.yml'), "version: '3'\n");
  const bin = join(home.dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'task'), '#!/bin/sh\nexit 0\n');
  chmodSync(join(bin, 'task'), 0o755);
  env = { ...home.telemetryEnv, PATH: `${bin}:${home.telemetryEnv.PATH}` };
});
afterAll(async () => {
  home.cleanup();
  await datarobot.close();
  await amplitude.close();
});

const eventsOf = (type: string, count = 1) => sentEventsOfType(amplitude, type, count);

describe('domain events', () => {
  it('auth check: host kind and validity; the request carries the session and device of its events', async () => {
    const result = await runDr(['auth', 'check'], { env });
    expect(result.code, result.stderr).toBe(0);
    const [event] = await eventsOf('auth_check');
    expect(event!.event_properties).toEqual({ host_kind: 'custom', valid: true });
    const check = datarobot.requests.find((request) => request.path === '/api/v2/version/')!;
    expect(check.headers['x-datarobot-cli-session']).toBe(String(event!.session_id));
    expect(check.headers['x-datarobot-cli-device']).toBe(event!.device_id);
    expect(check.headers['user-agent']).toContain(`; session=${event!.session_id})`);
    expect(datarobot.requests.some((request) => request.path === '/api/v2/account/info/')).toBe(true);
  });

  it('templates list: count, result and duration, with the user id learned by auth check', async () => {
    expect((await runDr(['templates', 'list'], { env })).code).toBe(0);
    const [event] = await eventsOf('template_list');
    expect(event!.event_properties).toEqual({ count: 3, result: 'success', duration_ms: expect.any(Number) });
    expect(event!.user_id).toBe(datarobot.user.uid);
  });

  it('task run: a well-known task by name, any other as custom', async () => {
    expect((await runDr(['task', 'run', 'dev'], { env, cwd: app })).code).toBe(0);
    expect((await runDr(['task', 'run', 'my-private-task'], { env, cwd: app })).code).toBe(0);
    const runs = await eventsOf('task_run', 2);
    expect(runs.map((event) => event.event_properties)).toEqual([
      { task_name: 'dev' },
      { task_name: 'custom' },
    ]);
    const done = await eventsOf('task_success', 2);
    expect(done[0]!.event_properties).toEqual({
      task_name: 'dev',
      duration_ms: expect.any(Number),
      exit_code: 0,
    });
    expect(JSON.stringify(sentEvents(amplitude))).not.toContain('my-private-task');
  });

  it('dotenv validate: counts and the result, never a key or value', async () => {
    writeFileSync(join(app, '.env'), 'DATAROBOT_ENDPOINT=https://private.example.com/api/v2\nAPP_NAME=x\n');
    expect((await runDr(['dotenv', 'validate'], { env, cwd: app })).code).toBe(1);
    const [event] = await eventsOf('dotenv_validate');
    expect(event!.event_properties).toEqual({ keys_count: 2, missing_count: 2, result: 'failure' });
    expect(JSON.stringify(sentEvents(amplitude))).not.toContain('private.example.com');
  });

  it('dotenv setup failing: command_failed carries the error code, the user sees one line and exit 1', async () => {
    const folder = join(home.dir, 'broken-app');
    mkdirSync(join(folder, '.git'), { recursive: true });
    const noTemplate = await runDr(['dotenv', 'setup'], { env, cwd: folder });
    writeFileSync(join(folder, '.env.template'), DEFAULT_TEMPLATE_FILES['.env.template']!);
    mkdirSync(join(folder, '.env'));
    const unreadable = await runDr(['dotenv', 'setup'], { env, cwd: folder });
    for (const result of [noTemplate, unreadable]) {
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^Error: [^\n]+\n$/);
      expect(result.stderr).not.toContain('unexpected failure');
    }
    expect(unreadable.stderr).toContain(`Cannot read ${join(folder, '.env')}`);
    const failed = () =>
      (sentEvents(amplitude) as unknown as SentEvent[]).filter(
        (event) =>
          event.event_type === 'command_failed' && event.event_properties?.command === 'dotenv setup',
      );
    await waitUntil(() => failed().length >= 2, 'the two failed dotenv setup runs', 15_000);
    expect(failed().map((event) => event.event_properties)).toEqual([
      expect.objectContaining({ exit_code: 1, success: false, error_type: 'DOTENV_TEMPLATE_MISSING' }),
      expect.objectContaining({ exit_code: 1, success: false, error_type: 'DOTENV_UNREADABLE' }),
    ]);
  });

  it('auth set-url and login: host kinds, never the URL', async () => {
    expect((await runDr(['auth', 'set-url', '2'], { env })).code).toBe(0);
    const [setUrl] = await eventsOf('auth_set_url');
    expect(setUrl!.event_properties).toEqual({ host_kind: 'eu', interactive: false });

    const dr = startDr(['auth', 'login', datarobot.url, '--no-browser'], {
      env: { ...env, DR_LOGIN_PORT: '0' },
    });
    const [, port] = await dr.waitForOutput(/http:\/\/localhost:(\d+)\//);
    await fetch(`http://127.0.0.1:${port}/?key=test-token`);
    expect((await dr.exited()).code).toBe(0);
    const [started] = await eventsOf('auth_login_started');
    const [succeeded] = await eventsOf('auth_login_succeeded');
    expect(started!.event_properties).toEqual({ host_kind: 'custom' });
    expect(succeeded!.event_properties).toEqual({ host_kind: 'custom', duration_ms: expect.any(Number) });
    expect(JSON.stringify(sentEvents(amplitude))).not.toContain('127.0.0.1');
    expect(JSON.stringify(sentEvents(amplitude))).not.toContain('test-token');
  });
});
