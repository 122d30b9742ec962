// SPEC §3: "Off means nothing at all happens: no spool file opened or created, no process
// spawned, no network, no notice." Each opt-out runs a handful of commands (succeeding and
// failing ones) with a key and a live collector configured; afterwards nothing may exist in the
// data folder, no drainer may have appeared in the process table while they ran, the collector
// heard nothing and stderr holds only what the commands themselves print. A control run with
// telemetry on shows the same probes do see a spool, a drainer and requests.
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type FakeAmplitude, startFakeAmplitude } from '@dr/testkit';
import { describe, expect, it, type TestContext } from 'vitest';
import {
  CONFIG_DISABLED,
  CONFIG_ENABLED,
  makeTelemetryHome,
  runDr,
  type TelemetryHome,
  watchDrainers,
} from './support/telemetry-harness.ts';

/** Commands, each with exactly what it prints on stderr by itself. */
const COMMANDS: readonly {
  args: string[];
  env?: NodeJS.ProcessEnv;
  code: number;
  stderr: string | RegExp;
}[] = [
  { args: ['self', 'version'], code: 0, stderr: '' },
  { args: ['self', 'version', '--output-format', 'json'], code: 0, stderr: '' },
  { args: ['self', 'config'], code: 0, stderr: '' },
  { args: ['self', 'telemetry', 'status'], code: 0, stderr: '' },
  { args: ['self', 'version', '--bogus'], code: 2, stderr: /^Unknown Syntax Error: Unsupported option name/ },
  // Fails inside the command: go-task is not on an empty PATH.
  {
    args: ['task', 'list'],
    env: { PATH: '' },
    code: 1,
    stderr: /^Error: The `task` binary \(go-task\) is not on your PATH/,
  },
];

interface OptOut {
  readonly name: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly args?: readonly string[];
  readonly config?: string;
  readonly policy?: string;
  readonly withoutKey?: boolean;
}

const OPT_OUTS: readonly OptOut[] = [
  { name: '--disable-telemetry', args: ['--disable-telemetry'], config: CONFIG_ENABLED },
  { name: 'DO_NOT_TRACK=1', env: { DO_NOT_TRACK: '1', DR_TELEMETRY_ENABLED: '1' } },
  { name: 'DATAROBOT_CLI_DISABLE_TELEMETRY=true', env: { DATAROBOT_CLI_DISABLE_TELEMETRY: 'true' } },
  { name: 'config disabled', config: CONFIG_DISABLED },
  // Words a YAML 1.1 reader (or a person) takes for "no"; the YAML 1.2 parser reads them as strings.
  { name: 'config enabled: no', config: 'telemetry:\n  enabled: no\n' },
  { name: 'config enabled: "false"', config: 'telemetry:\n  enabled: "false"\n  last_prompt_version: 1\n' },
  { name: 'config telemetry: false', config: 'telemetry: false\n' },
  // The Go dr's opt-out, in the drconfig.yaml both programs share: honoured over a stored yes.
  { name: 'Go dr config disable-telemetry: true', config: 'disable-telemetry: true\n' },
  { name: 'Go dr disable-telemetry beside enabled', config: `disable-telemetry: true\n${CONFIG_ENABLED}` },
  { name: 'Go dr disable-telemetry: "1"', config: 'disable-telemetry: "1"\n' },
  { name: 'Go dr disable-telemetry with CI=true', env: { CI: 'true' }, config: 'disable-telemetry: yes\n' },
  { name: 'CI=true', env: { CI: 'true' } },
  { name: 'CI=true with config enabled', env: { CI: 'true' }, config: CONFIG_ENABLED },
  { name: 'the policy file', policy: 'telemetry:\n  enabled: false\n', config: CONFIG_ENABLED },
  { name: 'DR_TELEMETRY_ENABLED=0', env: { DR_TELEMETRY_ENABLED: '0' }, config: CONFIG_ENABLED },
  { name: 'no API key', withoutKey: true, config: CONFIG_ENABLED },
];

async function setUp({ onTestFinished }: TestContext): Promise<{ fake: FakeAmplitude; home: TelemetryHome }> {
  // A slow collector keeps any drainer alive long enough to be seen in the process table.
  const fake = await startFakeAmplitude({ latencyMs: 1500 });
  const home = makeTelemetryHome(fake);
  onTestFinished(async () => {
    home.cleanup();
    await fake.close();
  });
  return { fake, home };
}

const dataFolder = (home: TelemetryHome) => dirname(home.spoolDir);

describe.concurrent('telemetry off means nothing at all', { timeout: 30_000 }, () => {
  for (const optOut of OPT_OUTS) {
    it(`${optOut.name}: no spool, no drainer, no request, no notice`, async (context) => {
      const { fake, home } = await setUp(context);
      if (optOut.config !== undefined) home.writeConfig(optOut.config);
      if (optOut.policy !== undefined) home.writePolicy(optOut.policy);
      const env = { ...home.telemetryEnv, ...optOut.env };
      if (optOut.withoutKey) delete env.DR_TELEMETRY_API_KEY;
      const stopWatching = watchDrainers(home.spoolDir);
      for (const command of COMMANDS) {
        const result = await runDr([...command.args, ...(optOut.args ?? [])], {
          env: { ...env, ...command.env },
        });
        const label = command.args.join(' ');
        expect(result.code, label).toBe(command.code);
        if (typeof command.stderr === 'string') expect(result.stderr, label).toBe(command.stderr);
        else expect(result.stderr, label).toMatch(command.stderr);
        expect(result.stderr, label).not.toMatch(/telemetry|usage data/i);
      }
      expect(stopWatching()).toEqual([]);
      expect(existsSync(dataFolder(home))).toBe(false);
      if (optOut.config === undefined) expect(existsSync(home.configFile)).toBe(false);
      else expect(home.readConfig()).toBe(optOut.config);
      expect(fake.requests).toHaveLength(0);
    });
  }

  it('a config copy written by an older dr (without the Go opt-out) is not trusted', async (context) => {
    const { fake, home } = await setUp(context);
    home.writeConfig(`disable-telemetry: true\n${CONFIG_ENABLED}`);
    // What dr wrote before it read the Go key: the path, the old identity, a view that says yes.
    const stat = statSync(home.configFile, { bigint: true });
    mkdirSync(home.spoolDir, { recursive: true, mode: 0o700 });
    const oldCopy = {
      configFile: home.configFile,
      key: `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}`,
      view: { telemetry: { enabled: true, last_prompt_version: 1 } },
    };
    writeFileSync(join(home.spoolDir, 'config-cache.json'), JSON.stringify(oldCopy));
    const result = await runDr(['self', 'version'], { env: home.telemetryEnv });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(existsSync(join(home.spoolDir, 'spool.db'))).toBe(false);
    expect(fake.requests).toHaveLength(0);
  });

  it('control: with telemetry on, the same probes see a spool, a drainer and requests', async (context) => {
    const { fake, home } = await setUp(context);
    home.writeConfig(CONFIG_ENABLED);
    const stopWatching = watchDrainers(home.spoolDir);
    const result = await runDr(['self', 'version'], { env: home.telemetryEnv });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    await fake.waitFor(() => fake.ingested.length > 0, { timeoutMs: 10_000, description: 'events' });
    expect(stopWatching().length).toBeGreaterThan(0);
    expect(existsSync(dataFolder(home))).toBe(true);
  });
});
