// The events of the commands the Go dr has and dr gained for issue #16 (task compose,
// dependency check and install), end to end with telemetry on: bin/dr with fake tools on PATH,
// its events at the fake Amplitude. Each carries the Go dr's event type as go_command, counts,
// and tool names only from the fixed list, never a version, command, URL or path.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FakeAmplitude, startFakeAmplitude } from '@dr/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONFIG_ENABLED,
  makeTelemetryHome,
  runDr,
  sentEvents,
  sentEventsOfType,
  type TelemetryHome,
} from '../telemetry/support/telemetry-harness.ts';

let amplitude: FakeAmplitude;
let home: TelemetryHome;
let env: NodeJS.ProcessEnv;
let app: string;

const VERSIONS_YAML = `
python:
  name: Python
  minimum-version: 3.12.5
  command: drtest-python --version
  url: https://www.python.org/downloads/
  install: {macos: drtest-install python, linux: drtest-install python}
secret-internal-tool:
  name: Secret Internal Tool
  minimum-version: 1.0.0
  command: drtest-secret --version
  url: https://private.example.com/tool
  install: {macos: drtest-install secret, linux: drtest-install secret}
uv:
  name: uv
  minimum-version: 0.11.20
  command: drtest-uv --version
  url: https://docs.astral.sh/uv/
  install: {macos: drtest-install uv, linux: drtest-install uv}
`;

beforeAll(async () => {
  amplitude = await startFakeAmplitude();
  home = makeTelemetryHome(amplitude);
  home.writeConfig(CONFIG_ENABLED);
  app = join(home.dir, 'app');
  mkdirSync(join(app, '.datarobot', 'cli'), { recursive: true });
  writeFileSync(join(app, '.datarobot', 'cli', 'versions.yaml'), VERSIONS_YAML);
  mkdirSync(join(app, 'web'));
  writeFileSync(join(app, 'web', 'Taskfile.yaml'), "version: '3'\n");
  const bin = join(home.dir, 'bin');
  mkdirSync(bin);
  const tool = (name: string, script: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${script}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  tool('drtest-python', 'echo "Python 3.9.1"');
  tool('drtest-uv', 'echo "uv 0.11.20"');
  tool('drtest-install', '[ "$1" = secret ] && exit 3; exit 0');
  tool('task', `echo '{"tasks":[{"name":"dev","aliases":[]}]}'`);
  env = { ...home.telemetryEnv, PATH: `${bin}:${home.telemetryEnv.PATH}` };
});
afterAll(async () => {
  home.cleanup();
  await amplitude.close();
});

const eventsOf = (type: string, count = 1) => sentEventsOfType(amplitude, type, count);

describe('events of task compose and dependency check|install', () => {
  it('task compose: the Go event type, components, template and .gitignore', async () => {
    expect((await runDr(['task', 'compose'], { env, cwd: app })).code).toBe(0);
    const [event] = await eventsOf('task_compose');
    expect(event!.event_properties).toEqual({
      go_command: 'dr task compose',
      result: 'success',
      components_count: 1,
      template: 'builtin',
      gitignore_updated: true,
    });
  });

  it('dependency check by the Go alias: counts and listed tool names, any other tool as other', async () => {
    expect((await runDr(['deps', 'check'], { env, cwd: app })).code).toBe(1);
    const [event] = await eventsOf('dependency_check');
    expect(event!.event_properties).toEqual({
      go_command: 'dr dependency check',
      source: 'versions_file',
      tools_count: 3,
      missing_count: 1,
      wrong_version_count: 1,
      invalid_entries_count: 0,
      missing_tools: ['other'],
      wrong_version_tools: ['python'],
    });
    const [completed] = (await eventsOf('command_failed')).filter(
      (sent) => sent.event_properties?.command === 'dependency check',
    );
    expect(completed!.event_properties).toMatchObject({ command_alias: 'deps check', exit_code: 1 });
  });

  it('dependency install: what was installed, which tool failed, and a refusal to ask', async () => {
    expect((await runDr(['dependency', 'install', '--yes'], { env, cwd: app })).code).toBe(1);
    const [event] = await eventsOf('dependency_install');
    expect(event!.event_properties).toEqual({
      go_command: 'dr dependency install',
      result: 'failure',
      tools_count: 2,
      installed_tools: ['python'],
      failed_tool: 'other',
      yes_flag: true,
      non_interactive: false,
      dry_run: false,
      duration_ms: expect.any(Number),
    });
    // No terminal and no --yes: nothing runs.
    const refused = await runDr(['deps', 'install'], { env, cwd: app });
    expect(refused.code).toBe(2);
    const cancelled = (await eventsOf('dependency_install', 2)).find(
      (sent) => sent.event_properties?.result === 'cancelled',
    );
    expect(cancelled!.event_properties).toMatchObject({
      installed_tools: [],
      yes_flag: false,
      non_interactive: false,
      dry_run: false,
    });
    const sent = JSON.stringify(sentEvents(amplitude));
    for (const secret of [
      'Secret Internal Tool',
      'secret-internal-tool',
      'private.example.com',
      '3.9.1',
      'drtest',
    ]) {
      expect(sent).not.toContain(secret);
    }
  });
});
