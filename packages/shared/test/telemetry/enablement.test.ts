import { describe, expect, it } from 'vitest';
import type { TelemetryConfig } from '../../src/config/config-file.ts';
import {
  consentChanges,
  decideTelemetry,
  goConfigOptsOut,
  isFalsyEnv,
  isTruthyEnv,
  type TelemetryDecision,
  type TelemetryDecisionInput,
  type TelemetryReason,
} from '../../src/telemetry/enablement.ts';
import { parsePolicyFile } from '../../src/telemetry/policy-file.ts';

const base: TelemetryDecisionInput = {
  flags: { disableTelemetry: false },
  env: {},
  policy: undefined,
  userConfig: undefined,
  isInteractive: true,
  isCI: false,
  apiKeyAvailable: true,
  promptVersion: 1,
};

type Overrides = Partial<Omit<TelemetryDecisionInput, 'flags'>> & { disableTelemetry?: boolean };

function decide(overrides: Overrides): TelemetryDecision {
  const { disableTelemetry, ...rest } = overrides;
  return decideTelemetry({ ...base, ...rest, flags: { disableTelemetry: disableTelemetry ?? false } });
}

const yes: TelemetryConfig = { enabled: true, last_prompt_version: 1 };
const no: TelemetryConfig = { enabled: false, last_prompt_version: 1 };

const ON = { enabled: true, recordThisRun: true, action: 'none' } as const;
const OFF = { enabled: false, recordThisRun: false, action: 'none' } as const;
const PROMPT = { enabled: false, recordThisRun: false, action: 'prompt' } as const;
const NOTICE = { enabled: true, recordThisRun: false, action: 'notice' } as const;

type Expected = { reason: TelemetryReason } & (typeof ON | typeof OFF | typeof PROMPT | typeof NOTICE);

// Each rule on its own, in SPEC §3 order.
const rules: [string, Overrides, Expected][] = [
  ['--disable-telemetry', { disableTelemetry: true }, { reason: 'flag', ...OFF }],
  ['DO_NOT_TRACK=1', { env: { DO_NOT_TRACK: '1' } }, { reason: 'do-not-track', ...OFF }],
  ['DO_NOT_TRACK=true', { env: { DO_NOT_TRACK: 'true' } }, { reason: 'do-not-track', ...OFF }],
  ['DO_NOT_TRACK=TRUE', { env: { DO_NOT_TRACK: 'TRUE' } }, { reason: 'do-not-track', ...OFF }],
  [
    'DO_NOT_TRACK=y (any non-false value opts out)',
    { env: { DO_NOT_TRACK: 'y' } },
    { reason: 'do-not-track', ...OFF },
  ],
  ['DO_NOT_TRACK=0 is no opt-out', { env: { DO_NOT_TRACK: '0' } }, { reason: 'first-run-prompt', ...PROMPT }],
  [
    'DO_NOT_TRACK= (empty) is no opt-out',
    { env: { DO_NOT_TRACK: '' } },
    { reason: 'first-run-prompt', ...PROMPT },
  ],
  [
    'DATAROBOT_CLI_DISABLE_TELEMETRY=true',
    { env: { DATAROBOT_CLI_DISABLE_TELEMETRY: 'true' } },
    { reason: 'dr-disable-env', ...OFF },
  ],
  [
    'DATAROBOT_CLI_DISABLE_TELEMETRY=1',
    { env: { DATAROBOT_CLI_DISABLE_TELEMETRY: '1' } },
    { reason: 'dr-disable-env', ...OFF },
  ],
  [
    'DATAROBOT_CLI_DISABLE_TELEMETRY=false is no opt-out',
    { env: { DATAROBOT_CLI_DISABLE_TELEMETRY: 'false' } },
    { reason: 'first-run-prompt', ...PROMPT },
  ],
  ['policy enabled: false', { policy: { enabled: false } }, { reason: 'policy', ...OFF }],
  [
    'policy enabled: true has no effect',
    { policy: { enabled: true } },
    { reason: 'first-run-prompt', ...PROMPT },
  ],
  [
    'policy without telemetry.enabled has no effect',
    { policy: {} },
    { reason: 'first-run-prompt', ...PROMPT },
  ],
  ['DR_TELEMETRY_ENABLED=true', { env: { DR_TELEMETRY_ENABLED: 'true' } }, { reason: 'env-enabled', ...ON }],
  ['DR_TELEMETRY_ENABLED=1', { env: { DR_TELEMETRY_ENABLED: '1' } }, { reason: 'env-enabled', ...ON }],
  [
    'DR_TELEMETRY_ENABLED=false',
    { env: { DR_TELEMETRY_ENABLED: 'false' } },
    { reason: 'env-disabled', ...OFF },
  ],
  ['DR_TELEMETRY_ENABLED=0', { env: { DR_TELEMETRY_ENABLED: '0' } }, { reason: 'env-disabled', ...OFF }],
  [
    'DR_TELEMETRY_ENABLED=maybe is ignored',
    { env: { DR_TELEMETRY_ENABLED: 'maybe' } },
    { reason: 'first-run-prompt', ...PROMPT },
  ],
  ['CI', { isCI: true }, { reason: 'ci', ...OFF }],
  ['config enabled', { userConfig: yes }, { reason: 'config-enabled', ...ON }],
  ['config disabled', { userConfig: no }, { reason: 'config-disabled', ...OFF }],
  ['first run, interactive', {}, { reason: 'first-run-prompt', ...PROMPT }],
  ['first run, not interactive', { isInteractive: false }, { reason: 'first-run-notice', ...NOTICE }],
  ['first run, no API key', { apiKeyAvailable: false }, { reason: 'no-api-key', ...OFF }],
];

// A higher rule beats a lower one.
const pairs: [string, Overrides, Expected][] = [
  [
    'flag beats DO_NOT_TRACK',
    { disableTelemetry: true, env: { DO_NOT_TRACK: '1' } },
    { reason: 'flag', ...OFF },
  ],
  [
    'DO_NOT_TRACK beats DATAROBOT_CLI_DISABLE_TELEMETRY',
    { env: { DO_NOT_TRACK: '1', DATAROBOT_CLI_DISABLE_TELEMETRY: '1' } },
    { reason: 'do-not-track', ...OFF },
  ],
  ['flag beats policy', { disableTelemetry: true, policy: { enabled: false } }, { reason: 'flag', ...OFF }],
  [
    'flag beats DR_TELEMETRY_ENABLED=1',
    { disableTelemetry: true, env: { DR_TELEMETRY_ENABLED: '1' } },
    { reason: 'flag', ...OFF },
  ],
  ['flag beats config enabled', { disableTelemetry: true, userConfig: yes }, { reason: 'flag', ...OFF }],
  [
    'DO_NOT_TRACK beats DR_TELEMETRY_ENABLED=1',
    { env: { DO_NOT_TRACK: '1', DR_TELEMETRY_ENABLED: '1' } },
    { reason: 'do-not-track', ...OFF },
  ],
  [
    'DATAROBOT_CLI_DISABLE_TELEMETRY beats DR_TELEMETRY_ENABLED=1',
    { env: { DATAROBOT_CLI_DISABLE_TELEMETRY: '1', DR_TELEMETRY_ENABLED: '1' } },
    { reason: 'dr-disable-env', ...OFF },
  ],
  [
    'DO_NOT_TRACK beats config enabled',
    { env: { DO_NOT_TRACK: '1' }, userConfig: yes },
    { reason: 'do-not-track', ...OFF },
  ],
  [
    'DO_NOT_TRACK beats policy',
    { env: { DO_NOT_TRACK: '1' }, policy: { enabled: false } },
    { reason: 'do-not-track', ...OFF },
  ],
  [
    'policy beats DR_TELEMETRY_ENABLED=1',
    { policy: { enabled: false }, env: { DR_TELEMETRY_ENABLED: '1' } },
    { reason: 'policy', ...OFF },
  ],
  [
    'policy beats config enabled',
    { policy: { enabled: false }, userConfig: yes },
    { reason: 'policy', ...OFF },
  ],
  ['policy beats the first-run prompt', { policy: { enabled: false } }, { reason: 'policy', ...OFF }],
  [
    'policy beats the first-run notice',
    { policy: { enabled: false }, isInteractive: false },
    { reason: 'policy', ...OFF },
  ],
  ['the Go dr config opt-out', { goConfigOptOut: true }, { reason: 'go-config-disabled', ...OFF }],
  [
    'policy beats the Go dr config opt-out',
    { policy: { enabled: false }, goConfigOptOut: true },
    { reason: 'policy', ...OFF },
  ],
  [
    'DR_TELEMETRY_ENABLED=1 beats the Go dr config opt-out',
    { goConfigOptOut: true, env: { DR_TELEMETRY_ENABLED: '1' } },
    { reason: 'env-enabled', ...ON },
  ],
  [
    'the Go dr opt-out beside config disabled reads as config disabled',
    { goConfigOptOut: true, userConfig: no },
    { reason: 'config-disabled', ...OFF },
  ],
  [
    'the Go dr config opt-out beats config enabled',
    { goConfigOptOut: true, userConfig: yes },
    { reason: 'go-config-disabled', ...OFF },
  ],
  [
    'the Go dr config opt-out beats the first-run notice',
    { goConfigOptOut: true, isInteractive: false },
    { reason: 'go-config-disabled', ...OFF },
  ],
  [
    'DR_TELEMETRY_ENABLED=1 beats CI',
    { env: { DR_TELEMETRY_ENABLED: '1' }, isCI: true },
    { reason: 'env-enabled', ...ON },
  ],
  [
    'DR_TELEMETRY_ENABLED=1 beats config disabled',
    { env: { DR_TELEMETRY_ENABLED: '1' }, userConfig: no },
    { reason: 'env-enabled', ...ON },
  ],
  [
    'DR_TELEMETRY_ENABLED=1 beats the first-run notice',
    { env: { DR_TELEMETRY_ENABLED: '1' }, isInteractive: false },
    { reason: 'env-enabled', ...ON },
  ],
  [
    'DR_TELEMETRY_ENABLED=0 beats config enabled',
    { env: { DR_TELEMETRY_ENABLED: '0' }, userConfig: yes },
    { reason: 'env-disabled', ...OFF },
  ],
  ['CI beats config enabled', { isCI: true, userConfig: yes }, { reason: 'ci', ...OFF }],
  ['CI beats the first-run notice', { isCI: true, isInteractive: false }, { reason: 'ci', ...OFF }],
  [
    'config enabled beats the first-run prompt',
    { userConfig: yes, isInteractive: true },
    { reason: 'config-enabled', ...ON },
  ],
  [
    'config disabled beats the first-run notice',
    { userConfig: no, isInteractive: false },
    { reason: 'config-disabled', ...OFF },
  ],
  // No API key sits after every rule that turns telemetry off and before every rule that turns it on.
  ['flag beats no API key', { disableTelemetry: true, apiKeyAvailable: false }, { reason: 'flag', ...OFF }],
  [
    'DO_NOT_TRACK beats no API key',
    { env: { DO_NOT_TRACK: '1' }, apiKeyAvailable: false },
    { reason: 'do-not-track', ...OFF },
  ],
  [
    'policy beats no API key',
    { policy: { enabled: false }, apiKeyAvailable: false },
    { reason: 'policy', ...OFF },
  ],
  [
    'DR_TELEMETRY_ENABLED=0 beats no API key',
    { env: { DR_TELEMETRY_ENABLED: '0' }, apiKeyAvailable: false },
    { reason: 'env-disabled', ...OFF },
  ],
  ['CI beats no API key', { isCI: true, apiKeyAvailable: false }, { reason: 'ci', ...OFF }],
  [
    'config disabled beats no API key',
    { userConfig: no, apiKeyAvailable: false },
    { reason: 'config-disabled', ...OFF },
  ],
  [
    'no API key beats DR_TELEMETRY_ENABLED=1',
    { env: { DR_TELEMETRY_ENABLED: '1' }, apiKeyAvailable: false },
    { reason: 'no-api-key', ...OFF },
  ],
  [
    'no API key beats config enabled',
    { userConfig: yes, apiKeyAvailable: false },
    { reason: 'no-api-key', ...OFF },
  ],
  [
    'no API key beats the first-run notice',
    { isInteractive: false, apiKeyAvailable: false },
    { reason: 'no-api-key', ...OFF },
  ],
];

// Stored choices against the prompt version.
const versions: [string, Overrides, Expected][] = [
  [
    'a yes to an older prompt is asked again',
    { userConfig: { enabled: true, last_prompt_version: 1 }, promptVersion: 2 },
    { reason: 'first-run-prompt', ...PROMPT },
  ],
  [
    'a yes without a prompt version is asked again',
    { userConfig: { enabled: true } },
    { reason: 'first-run-prompt', ...PROMPT },
  ],
  [
    'a yes to an older prompt, without a terminal, gets the notice again',
    { userConfig: { enabled: true, last_prompt_version: 1 }, promptVersion: 2, isInteractive: false },
    { reason: 'first-run-notice', ...NOTICE },
  ],
  [
    'a no to an older prompt stands',
    { userConfig: { enabled: false, last_prompt_version: 1 }, promptVersion: 2 },
    { reason: 'config-disabled', ...OFF },
  ],
  [
    'a no without a prompt version stands',
    { userConfig: { enabled: false } },
    { reason: 'config-disabled', ...OFF },
  ],
  [
    'a yes to a newer prompt (dr downgraded) stands',
    { userConfig: { enabled: true, last_prompt_version: 3 }, promptVersion: 2 },
    { reason: 'config-enabled', ...ON },
  ],
  [
    'a config without enabled is no decision',
    { userConfig: { device_id: 'x', last_prompt_version: 1 } },
    { reason: 'first-run-prompt', ...PROMPT },
  ],
];

describe('decideTelemetry', () => {
  it.each(rules)('rule: %s', (_name, overrides, expected) => {
    expect(decide(overrides)).toMatchObject(expected);
  });

  it.each(pairs)('precedence: %s', (_name, overrides, expected) => {
    expect(decide(overrides)).toMatchObject(expected);
  });

  it.each(versions)('prompt version: %s', (_name, overrides, expected) => {
    expect(decide(overrides)).toMatchObject(expected);
  });

  it('explains every decision in one sentence', () => {
    const reasons = new Set<TelemetryReason>();
    for (const [, overrides] of [...rules, ...pairs, ...versions]) {
      const { explanation, reason } = decide(overrides);
      reasons.add(reason);
      expect(explanation).toMatch(/^Telemetry [^\n]+\.$/);
    }
    expect(reasons.size).toBe(13);
  });

  it("reads the Go dr's disable-telemetry values: true and any non-false word opt out", () => {
    for (const value of [true, 1, 'true', 'yes', 'T', 'on', '1', 'y'])
      expect(goConfigOptsOut(value), String(value)).toBe(true);
    for (const value of [false, 0, 'false', 'no', 'off', '0', '', ' ', undefined, null, {}]) {
      expect(goConfigOptsOut(value), String(value)).toBe(false);
    }
  });

  it('says an administrator locked it, and why an unreadable policy file locks it', () => {
    expect(decide({ policy: { enabled: false } }).explanation).toContain('administrator');
    const unreadable = decide({ policy: { enabled: false, problem: 'is not valid YAML' } });
    expect(unreadable.reason).toBe('policy');
    expect(unreadable.explanation).toContain('is not valid YAML');
  });
});

describe('consentChanges', () => {
  const now = new Date('2025-01-02T03:04:05.000Z');

  function applied(config: TelemetryConfig, changes: ReturnType<typeof consentChanges>): TelemetryConfig {
    const next: Record<string, unknown> = { ...config };
    for (const { path, value } of changes) {
      expect(path[0]).toBe('telemetry');
      next[path[1]!] = value;
    }
    return next as TelemetryConfig;
  }

  it('stores a prompt answer so the next decision follows it and nobody is asked again', () => {
    const accepted = applied({}, consentChanges(true, 'prompt', now, 1));
    expect(accepted).toEqual({ enabled: true, last_prompt_version: 1, opt_in_timestamp: now.toISOString() });
    expect(decide({ userConfig: accepted })).toMatchObject({ reason: 'config-enabled', ...ON });

    const declined = applied({}, consentChanges(false, 'prompt', now, 1));
    expect(declined).toMatchObject({ enabled: false, last_prompt_version: 1 });
    expect(decide({ userConfig: declined })).toMatchObject({ reason: 'config-disabled', ...OFF });
  });

  it('turns telemetry on from the run after the notice, without a prompt', () => {
    const noticed = applied({}, consentChanges(true, 'notice', now, 1));
    expect(noticed).toEqual({ enabled: true, last_prompt_version: 1, notice_shown: true });
    expect(decide({ userConfig: noticed, isInteractive: true })).toMatchObject({
      reason: 'config-enabled',
      ...ON,
    });
  });

  it('keeps an explicit enable or disable from being asked again in this prompt version', () => {
    const enabled = applied({ enabled: false }, consentChanges(true, 'command', now, 1));
    expect(enabled.opt_in_timestamp).toBe(now.toISOString());
    expect(decide({ userConfig: enabled })).toMatchObject({ reason: 'config-enabled', ...ON });

    const disabled = applied(
      { enabled: true, opt_in_timestamp: 'earlier' },
      consentChanges(false, 'command', now, 1),
    );
    expect(disabled).toEqual({ enabled: false, last_prompt_version: 1, opt_in_timestamp: 'earlier' });
    expect(decide({ userConfig: disabled, promptVersion: 2 })).toMatchObject({
      reason: 'config-disabled',
      ...OFF,
    });
  });
});

describe('isTruthyEnv / isFalsyEnv', () => {
  it.each(['1', 'true', 'TRUE', 'True', 'yes', 'YES', 'on', ' true '])('%j is truthy, not falsy', (value) => {
    expect(isTruthyEnv(value)).toBe(true);
    expect(isFalsyEnv(value)).toBe(false);
  });
  it.each(['0', 'false', 'FALSE', 'no', 'No', 'off', ' 0 '])('%j is falsy, not truthy', (value) => {
    expect(isFalsyEnv(value)).toBe(true);
    expect(isTruthyEnv(value)).toBe(false);
  });
  it.each([undefined, '', ' ', 'maybe', '2', 'y', 'enabled'])('%j is neither', (value) => {
    expect(isTruthyEnv(value)).toBe(false);
    expect(isFalsyEnv(value)).toBe(false);
  });
});

describe('parsePolicyFile', () => {
  it.each([
    ['telemetry:\n  enabled: false\n', { enabled: false }],
    ['telemetry:\n  enabled: true\n', { enabled: true }],
    ['telemetry:\n  enabled: no\n', { enabled: false }],
    ['telemetry:\n  enabled: "off"\n', { enabled: false }],
    ['telemetry:\n  enabled: 0\n', { enabled: false }],
    ['# managed by IT\nendpoint: https://dr.example\ntelemetry:\n  enabled: false\n', { enabled: false }],
    ['telemetry:\n  other: 1\n', {}],
    ['telemetry:\n', {}],
    ['telemetry: false\n', { enabled: false }],
    ['telemetry: off\n', { enabled: false }],
  ])('reads %j', (text, expected) => {
    expect(parsePolicyFile(text)).toEqual(expected);
  });

  it.each(['', '# nothing\n', 'endpoint: x\n', '- a list\n'])('finds no telemetry policy in %j', (text) => {
    expect(parsePolicyFile(text)).toBeUndefined();
  });

  it.each([
    ['telemetry:\n  enabled: [false\n', 'is not valid YAML'],
    ['telemetry:\n  enabled: sometimes\n', 'neither true nor false'],
    ['telemetry:\n  enabled: {a: 1}\n', 'neither true nor false'],
  ])('locks telemetry off when it cannot understand %j', (text, problem) => {
    const policy = parsePolicyFile(text);
    expect(policy?.enabled).toBe(false);
    expect(policy?.problem).toContain(problem);
  });
});
