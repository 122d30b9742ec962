// SPEC §3's precedence table, row by row, as `dr self telemetry status` reports it from the built
// program: which rule decided (reason) and whether telemetry is on, for each rule alone and for
// pairs where a higher rule must beat a lower one.
import { describe, expect, it, type TestContext } from 'vitest';
import {
  CONFIG_DISABLED,
  CONFIG_ENABLED,
  makeTelemetryHome,
  runDr,
  statusOf,
  type TelemetryHome,
} from './support/telemetry-harness.ts';

// No fake is needed: status never sends. The endpoint is still a loopback one, so nothing could
// reach the real Amplitude even if a row were wrong.
function newHome({ onTestFinished }: TestContext): TelemetryHome {
  const home = makeTelemetryHome({ url: 'http://127.0.0.1:9' });
  onTestFinished(() => home.cleanup());
  return home;
}

interface Row {
  readonly name: string;
  readonly config?: string;
  readonly policy?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly args?: readonly string[];
  readonly withoutKey?: boolean;
  readonly reason: string;
  readonly enabled: boolean;
  /** Whether this very run records; the same as `enabled` unless said otherwise. */
  readonly recording?: boolean;
}

const POLICY_OFF = 'telemetry:\n  enabled: false\n';

// Each row states the lower rules it must beat in its own setting, where there are any.
const rows: readonly Row[] = [
  // Rule 1: the user's own opt-out, against everything that would turn telemetry on.
  {
    name: '--disable-telemetry beats DR_TELEMETRY_ENABLED=1 and config enabled',
    args: ['--disable-telemetry'],
    env: { DR_TELEMETRY_ENABLED: '1' },
    config: CONFIG_ENABLED,
    reason: 'flag',
    enabled: false,
  },
  {
    name: 'DO_NOT_TRACK=1 beats DR_TELEMETRY_ENABLED=1',
    env: { DO_NOT_TRACK: '1', DR_TELEMETRY_ENABLED: '1' },
    config: CONFIG_ENABLED,
    reason: 'do-not-track',
    enabled: false,
  },
  {
    name: 'DATAROBOT_CLI_DISABLE_TELEMETRY=true beats DR_TELEMETRY_ENABLED=1',
    env: { DATAROBOT_CLI_DISABLE_TELEMETRY: 'true', DR_TELEMETRY_ENABLED: '1' },
    config: CONFIG_ENABLED,
    reason: 'dr-disable-env',
    enabled: false,
  },
  {
    name: 'the flag beats the policy file (both off, the higher rule is named)',
    args: ['--disable-telemetry'],
    policy: POLICY_OFF,
    reason: 'flag',
    enabled: false,
  },
  {
    name: 'DO_NOT_TRACK beats the policy file',
    env: { DO_NOT_TRACK: '1' },
    policy: POLICY_OFF,
    reason: 'do-not-track',
    enabled: false,
  },
  {
    name: 'DATAROBOT_CLI_DISABLE_TELEMETRY beats no API key',
    env: { DATAROBOT_CLI_DISABLE_TELEMETRY: 'true' },
    withoutKey: true,
    reason: 'dr-disable-env',
    enabled: false,
  },
  // Rule 2: the administrator's policy.
  {
    name: 'a policy with telemetry.enabled false beats DR_TELEMETRY_ENABLED=1 and config enabled',
    policy: POLICY_OFF,
    env: { DR_TELEMETRY_ENABLED: '1' },
    config: CONFIG_ENABLED,
    reason: 'policy',
    enabled: false,
  },
  {
    name: 'a policy with telemetry.enabled true decides nothing (config rules)',
    policy: 'telemetry:\n  enabled: true\n',
    config: CONFIG_DISABLED,
    reason: 'config-disabled',
    enabled: false,
  },
  // Rule 3: DR_TELEMETRY_ENABLED.
  {
    name: 'DR_TELEMETRY_ENABLED=1 beats CI=true and config disabled',
    env: { DR_TELEMETRY_ENABLED: '1', CI: 'true' },
    config: CONFIG_DISABLED,
    reason: 'env-enabled',
    enabled: true,
  },
  {
    name: 'DR_TELEMETRY_ENABLED=0 beats config enabled',
    env: { DR_TELEMETRY_ENABLED: '0' },
    config: CONFIG_ENABLED,
    reason: 'env-disabled',
    enabled: false,
  },
  {
    name: 'DR_TELEMETRY_ENABLED=1 with no config at all needs no first-run notice',
    env: { DR_TELEMETRY_ENABLED: '1' },
    reason: 'env-enabled',
    enabled: true,
  },
  // Rule 4: CI.
  {
    name: 'CI=true beats config enabled',
    env: { CI: 'true' },
    config: CONFIG_ENABLED,
    reason: 'ci',
    enabled: false,
  },
  {
    name: 'CI=true beats the first-run notice',
    env: { CI: 'true' },
    reason: 'ci',
    enabled: false,
  },
  {
    name: 'GITHUB_ACTIONS=true is CI too (ci-info)',
    env: { GITHUB_ACTIONS: 'true' },
    config: CONFIG_ENABLED,
    reason: 'ci',
    enabled: false,
  },
  // Rule 5: the user's config.
  { name: 'config enabled', config: CONFIG_ENABLED, reason: 'config-enabled', enabled: true },
  { name: 'config disabled', config: CONFIG_DISABLED, reason: 'config-disabled', enabled: false },
  // The user's config is read as leniently as the policy file: words count, and a value that is
  // neither yes nor no never counts as a yes.
  {
    name: 'config enabled: off',
    config: 'telemetry:\n  enabled: off\n',
    reason: 'config-disabled',
    enabled: false,
  },
  { name: 'config telemetry: no', config: 'telemetry: no\n', reason: 'config-disabled', enabled: false },
  {
    name: 'config enabled: maybe',
    config: 'telemetry:\n  enabled: maybe\n',
    reason: 'config-disabled',
    enabled: false,
  },
  {
    name: 'config enabled: "yes" with the current prompt version',
    config: 'telemetry:\n  enabled: "yes"\n  last_prompt_version: 1\n',
    reason: 'config-enabled',
    enabled: true,
  },
  // Rule 6: first run, off a terminal.
  // On from the next run; this one only shows the notice and records nothing.
  { name: 'first run without a TTY', reason: 'first-run-notice', enabled: true, recording: false },
  // No key: whatever would turn telemetry on yields.
  {
    name: 'no API key, config enabled',
    config: CONFIG_ENABLED,
    withoutKey: true,
    reason: 'no-api-key',
    enabled: false,
  },
  {
    name: 'no API key beats DR_TELEMETRY_ENABLED=1',
    env: { DR_TELEMETRY_ENABLED: '1' },
    withoutKey: true,
    reason: 'no-api-key',
    enabled: false,
  },
  { name: 'no API key on a first run', withoutKey: true, reason: 'no-api-key', enabled: false },
  {
    name: 'config disabled keeps its reason without a key',
    config: CONFIG_DISABLED,
    withoutKey: true,
    reason: 'config-disabled',
    enabled: false,
  },
];

describe.concurrent('the precedence table, through `dr self telemetry status`', { timeout: 30_000 }, () => {
  for (const row of rows) {
    it(row.name, async (context) => {
      const home = newHome(context);
      if (row.config !== undefined) home.writeConfig(row.config);
      if (row.policy !== undefined) home.writePolicy(row.policy);
      const env = { ...home.telemetryEnv, ...row.env };
      if (row.withoutKey) delete env.DR_TELEMETRY_API_KEY;
      const status = await statusOf(env, row.args);
      expect({ reason: status.reason, enabled: status.enabled }).toEqual({
        reason: row.reason,
        enabled: row.enabled,
      });
      expect(status.recording).toBe(row.recording ?? row.enabled);
      expect(status.raw.stderr).toBe('');
    });
  }
});

describe('an administrator lock', { timeout: 30_000 }, () => {
  it('refuses `dr self telemetry enable`, exits non-zero and leaves the config alone', async (context) => {
    const home = newHome(context);
    home.writeConfig(CONFIG_DISABLED);
    home.writePolicy('telemetry:\n  enabled: false\n');
    const enable = await runDr(['self', 'telemetry', 'enable'], { env: home.telemetryEnv });
    expect(enable.code).not.toBe(0);
    expect(enable.stderr).toMatch(/locked.*administrator|administrator.*locked/i);
    expect(enable.stderr).toContain(home.policyFile);
    expect(home.readConfig()).toBe(CONFIG_DISABLED);
    const status = await statusOf(home.telemetryEnv);
    expect(status.reason).toBe('policy');
  });

  it('is named by `enable` even when DO_NOT_TRACK or DATAROBOT_CLI_DISABLE_TELEMETRY is set too', async (context) => {
    const home = newHome(context);
    home.writeConfig(CONFIG_DISABLED);
    home.writePolicy('telemetry:\n  enabled: false\n');
    for (const optOut of [{ DO_NOT_TRACK: '1' }, { DATAROBOT_CLI_DISABLE_TELEMETRY: 'true' }]) {
      const enable = await runDr(['self', 'telemetry', 'enable'], {
        env: { ...home.telemetryEnv, ...optOut },
      });
      expect(enable.code, JSON.stringify(optOut)).not.toBe(0);
      expect(enable.stderr).toMatch(/locked.*administrator|administrator.*locked/i);
      expect(home.readConfig()).toBe(CONFIG_DISABLED);
    }
  });

  it('locks telemetry off when the policy file cannot be parsed', async (context) => {
    const home = newHome(context);
    home.writeConfig(CONFIG_ENABLED);
    home.writePolicy('telemetry: [unclosed\n');
    const status = await statusOf(home.telemetryEnv);
    expect(status).toMatchObject({ reason: 'policy', enabled: false });
  });
});
