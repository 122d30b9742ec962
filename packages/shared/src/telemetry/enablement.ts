// Whether telemetry is on, and which rule said so: SPEC §3 as one pure function, so the middleware,
// the consent prompt and `dr self telemetry status` can never disagree. No I/O: the caller reads.
//
// Promises: a rule that turns telemetry off always beats every rule below it; with no API key,
// nothing is recorded and nobody is prompted, but `status` still names a stronger "off" rule.
import type { ConfigChange, TelemetryConfig } from '../config/config-file.ts';

/** The rule that decided, highest first. */
export type TelemetryReason =
  | 'flag'
  | 'do-not-track'
  | 'dr-disable-env'
  | 'policy'
  | 'go-config-disabled'
  | 'env-enabled'
  | 'env-disabled'
  | 'ci'
  | 'config-enabled'
  | 'config-disabled'
  | 'first-run-prompt'
  | 'first-run-notice'
  | 'no-api-key';

/** The telemetry section of the administrator's policy file. Only `enabled: false` has effect. */
export interface TelemetryPolicy {
  readonly enabled?: boolean;
  /** Why the file could not be understood (it then locks telemetry off: see parsePolicyFile). */
  readonly problem?: string;
}

export interface TelemetryDecisionInput {
  readonly flags: { readonly disableTelemetry: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly policy: TelemetryPolicy | undefined;
  readonly userConfig: TelemetryConfig | undefined;
  /**
   * The user's config holds the Go dr's opt-out, `disable-telemetry: true` (see goConfigOptsOut).
   * A config rule (5): it beats a stored yes and the first run, and yields to DR_TELEMETRY_ENABLED.
   */
  readonly goConfigOptOut?: boolean;
  /** stdin and stderr are both TTYs. */
  readonly isInteractive: boolean;
  /** ci-info's `isCI`. */
  readonly isCI: boolean;
  /** An Amplitude API key is compiled in or set in DR_TELEMETRY_API_KEY. */
  readonly apiKeyAvailable: boolean;
  /** CONSENT_PROMPT_VERSION. */
  readonly promptVersion: number;
}

export interface TelemetryDecision {
  /**
   * Telemetry is on without asking anything more: events are recorded in this run, or (after
   * the first-run notice) from the next one.
   */
  readonly enabled: boolean;
  /** This run may open the spool and record events. */
  readonly recordThisRun: boolean;
  readonly reason: TelemetryReason;
  /**
   * What the CLI must do first. 'prompt': ask (default Yes), store the answer with
   * `consentChanges(..., 'prompt')` and decide again; nothing is recorded before the answer.
   * 'notice': print FIRST_RUN_NOTICE_TEXT to stderr and store `consentChanges(..., 'notice')`.
   */
  readonly action: 'none' | 'prompt' | 'notice';
  /** One sentence for `dr self telemetry status`. */
  readonly explanation: string;
}

const ENV_WORDS_TRUE = new Set(['1', 'true', 'yes', 'on']);
const ENV_WORDS_FALSE = new Set(['0', 'false', 'no', 'off']);

/** `1`, `true`, `yes` or `on`, in any case, surrounding spaces ignored. */
export function isTruthyEnv(value: string | undefined): boolean {
  return value !== undefined && ENV_WORDS_TRUE.has(value.trim().toLowerCase());
}

/** `0`, `false`, `no` or `off`, in any case, surrounding spaces ignored. Unset or empty is neither. */
export function isFalsyEnv(value: string | undefined): boolean {
  return value !== undefined && ENV_WORDS_FALSE.has(value.trim().toLowerCase());
}

/**
 * An opt-out variable (DO_NOT_TRACK, DATAROBOT_CLI_DISABLE_TELEMETRY) counts when set to anything
 * but an empty or falsy value: a user who wrote `DO_NOT_TRACK=y` meant it.
 */
function optsOut(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '' && !isFalsyEnv(value);
}

/**
 * Whether a config value of the Go dr's top-level `disable-telemetry` key opts out: `true`, and
 * any word or number but an empty or falsy one (`yes`, `1`, `t`), as for the opt-out variables.
 */
export function goConfigOptsOut(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  return typeof value === 'string' && optsOut(value);
}

/**
 * The choice stored in the user's config, if it still stands. A refusal always stands. A yes
 * stands only if given to the current prompt version (or later): a new version means a new
 * promise about what is collected, so whoever said yes to the old one is asked again, while
 * whoever said no is never pestered. `dr self telemetry enable/disable` store the current
 * version too (see consentChanges), so an explicit choice is not asked again until the promise
 * changes.
 */
function standingChoice(config: TelemetryConfig | undefined, promptVersion: number): boolean | undefined {
  if (typeof config?.enabled !== 'boolean') return undefined;
  if (!config.enabled) return false;
  // Only a whole number names a prompt. Anything else (a word, `.inf`, 1e400) counts as no answer:
  // the cached JSON copy of the config turns non-finite numbers into null, and a value that read
  // as a yes from the YAML but as no answer from the copy would show the notice runs later.
  const version = config.last_prompt_version;
  return Number.isSafeInteger(version) && (version as number) >= promptVersion ? true : undefined;
}

/**
 * Rule 1 alone: the user's own opt-out for this run. Needs nothing but the flag and the
 * environment, so the CLI checks it before reading any file (an opted-out run opens none).
 */
export function userOptOut(
  disableTelemetry: boolean,
  env: Readonly<Record<string, string | undefined>>,
): 'flag' | 'do-not-track' | 'dr-disable-env' | undefined {
  if (disableTelemetry) return 'flag';
  if (optsOut(env.DO_NOT_TRACK)) return 'do-not-track';
  if (optsOut(env.DATAROBOT_CLI_DISABLE_TELEMETRY)) return 'dr-disable-env';
  return undefined;
}

/** Applies SPEC §3, highest rule first. Pure: the same input always gives the same decision. */
export function decideTelemetry(input: TelemetryDecisionInput): TelemetryDecision {
  const optOut = userOptOut(input.flags.disableTelemetry, input.env);
  if (optOut !== undefined) return off(optOut);
  if (input.policy?.enabled === false) return off('policy', input.policy.problem);

  const wanted = wantedDecision(input);
  // Rules that would turn telemetry on (or ask about it) yield to a missing key: nothing can be
  // sent, so nothing is recorded and nobody is asked. Rules that turn it off keep their reason.
  if (!input.apiKeyAvailable && (wanted.enabled || wanted.action !== 'none')) return off('no-api-key');
  return wanted;
}

/** Rules 3 to 6: what the environment, CI and the user want, ignoring the API key. */
function wantedDecision(input: TelemetryDecisionInput): TelemetryDecision {
  const setting = input.env.DR_TELEMETRY_ENABLED;
  if (isTruthyEnv(setting)) return on('env-enabled');
  if (isFalsyEnv(setting)) return off('env-disabled');
  if (input.isCI) return off('ci');
  if (input.goConfigOptOut === true) {
    return off(input.userConfig?.enabled === false ? 'config-disabled' : 'go-config-disabled');
  }
  const choice = standingChoice(input.userConfig, input.promptVersion);
  if (choice === true) return on('config-enabled');
  if (choice === false) return off('config-disabled');
  if (input.isInteractive) {
    return {
      enabled: false,
      recordThisRun: false,
      reason: 'first-run-prompt',
      action: 'prompt',
      explanation: EXPLANATIONS['first-run-prompt'],
    };
  }
  return {
    enabled: true,
    recordThisRun: false,
    reason: 'first-run-notice',
    action: 'notice',
    explanation: EXPLANATIONS['first-run-notice'],
  };
}

function on(reason: TelemetryReason): TelemetryDecision {
  return { enabled: true, recordThisRun: true, reason, action: 'none', explanation: EXPLANATIONS[reason] };
}

function off(reason: TelemetryReason, problem?: string): TelemetryDecision {
  const explanation =
    problem === undefined
      ? EXPLANATIONS[reason]
      : `Telemetry is off and locked by your administrator: the policy file ${problem}, so dr treats it as turning telemetry off.`;
  return { enabled: false, recordThisRun: false, reason, action: 'none', explanation };
}

const EXPLANATIONS: Readonly<Record<TelemetryReason, string>> = {
  flag: 'Telemetry is off for this command: --disable-telemetry was given.',
  'do-not-track': 'Telemetry is off: DO_NOT_TRACK is set in the environment.',
  'dr-disable-env': 'Telemetry is off: DATAROBOT_CLI_DISABLE_TELEMETRY is set in the environment.',
  policy: 'Telemetry is off and locked by your administrator: the policy file sets telemetry.enabled: false.',
  'go-config-disabled':
    "Telemetry is off: your config sets `disable-telemetry: true` (the Go dr's opt-out, honoured here too; `dr self telemetry enable` turns it on).",
  'env-enabled': 'Telemetry is on: DR_TELEMETRY_ENABLED turns it on, whatever your config or CI says.',
  'env-disabled': 'Telemetry is off: DR_TELEMETRY_ENABLED turns it off, whatever your config says.',
  ci: 'Telemetry is off: a CI environment was detected (set DR_TELEMETRY_ENABLED=1 to turn it on).',
  'config-enabled': 'Telemetry is on: you turned it on (`dr self telemetry disable` turns it off).',
  'config-disabled': 'Telemetry is off: you turned it off (`dr self telemetry enable` turns it on).',
  'first-run-prompt':
    'Telemetry is not decided yet: dr will ask you on this run; nothing is recorded before you answer.',
  'first-run-notice':
    'Telemetry is not decided yet: dr shows a one-time notice and records nothing in this run; it is on from the next run (`dr self telemetry disable` turns it off).',
  'no-api-key':
    'Telemetry is inactive: this build of dr has no Amplitude API key and DR_TELEMETRY_API_KEY is not set, so nothing is recorded.',
};

/** How a telemetry choice was made: by answering the prompt, by seeing the notice, or by a command. */
export type ConsentSource = 'prompt' | 'notice' | 'command';

/**
 * The config changes that store a choice so decideTelemetry reads it back: pass them to
 * updateConfig. Every source stamps `last_prompt_version` with the current version, so no
 * choice is asked about again until the prompt changes. `opt_in_timestamp` records when the
 * prompt was answered or telemetry was enabled by command; the notice sets `notice_shown` and
 * turns telemetry on from the next run. Keys not listed are left as they are.
 */
export function consentChanges(
  enabled: boolean,
  source: ConsentSource,
  now: Date,
  promptVersion: number,
): ConfigChange[] {
  const changes: ConfigChange[] = [
    { path: ['telemetry', 'enabled'], value: enabled },
    { path: ['telemetry', 'last_prompt_version'], value: promptVersion },
  ];
  if (source === 'prompt' || (source === 'command' && enabled)) {
    changes.push({ path: ['telemetry', 'opt_in_timestamp'], value: now.toISOString() });
  }
  if (source === 'notice') changes.push({ path: ['telemetry', 'notice_shown'], value: true });
  return changes;
}
