// The start of a run's telemetry: SPEC §3 (decideTelemetry) applied to this run, the first-run
// prompt or notice, then the ids every event carries. Loaded only when not opted out. Never
// throws (a fault is an inactive run); Ctrl-C at the prompt ends the process there.
import { readFileSync, statSync } from 'node:fs';
import {
  CONSENT_PROMPT_VERSION,
  consentChanges,
  type DrPaths,
  decideTelemetry,
  ExitCode,
  FIRST_RUN_NOTICE_TEXT,
  isCIEnvironment,
  isValidDeviceId,
  newDeviceId,
  resolveSession,
  type TelemetryDecision,
  type TelemetryPolicy,
  tightenOwnFolder,
  unsafeFolderReason,
} from '@dr/shared';
import { resolveEndpoint } from '@dr/spooler';
import { isInteractive } from '../cli/context.ts';
import { ActiveTelemetryRun } from './active-run.ts';
import {
  readTelemetryConfigView,
  saveTelemetryConfigView,
  type TelemetryConfigView,
  tokenFingerprint,
} from './config-view.ts';
import { askForConsent } from './consent-prompt.ts';
import { inactiveTelemetryRun, type TelemetryRun } from './telemetry-run.ts';
import { type TelemetrySettings, telemetrySettings } from './telemetry-settings.ts';
import { cachedUserId } from './user-identity.ts';

export interface TelemetryStartInput {
  readonly paths: DrPaths;
  readonly env: NodeJS.ProcessEnv;
  readonly disableFlag: boolean;
  /** stdin, created on first read (standard-streams.ts). */
  readonly stdin: () => NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Whether this command line may show the first-run prompt or notice (not for help, say). */
  readonly mayAsk: boolean;
  /** --debug: say why telemetry is off or failed, on stderr. */
  readonly debug: boolean;
}

/** What decides telemetry for this run, read without side effects (also for `status`). */
export interface TelemetryState {
  readonly settings: TelemetrySettings;
  readonly decision: TelemetryDecision;
  readonly view: TelemetryConfigView | undefined;
  /** Why the config could not be read, if so (telemetry then stays inactive). */
  readonly configProblem: string | undefined;
  /** Why the spool folder is refused (another user's, or writable by others), if so (inactive). */
  readonly spoolFolderProblem: string | undefined;
  /** The endpoint events go to, or why it is refused. */
  readonly endpoint: { readonly url: string } | { readonly problem: string };
  readonly viewFromCache: boolean;
  readonly viewKey: string | undefined;
}

export async function readTelemetryState(
  paths: DrPaths,
  env: NodeJS.ProcessEnv,
  disableFlag: boolean,
  /** A function when finding out costs something: asked only when no earlier rule decides. */
  onTerminal: boolean | (() => boolean),
): Promise<TelemetryState> {
  const settings = telemetrySettings(paths, env);
  // dr's own folders made earlier (by the Go dr, or another umask) are made 0700 here; a spool
  // folder the user named is only checked.
  for (const dir of paths.ownedFolders) tightenOwnFolder(dir);
  const unsafe = unsafeFolderReason(settings.spoolDir);
  const spoolFolderProblem = unsafe === undefined ? undefined : `spool folder refused: ${unsafe}`;
  const policy = await readPolicy(paths.policyFile);
  const configResult = await readTelemetryConfigView(paths.configFile, settings.configCacheFile);
  const view = configResult.ok ? configResult.view : undefined;
  const decision = decideTelemetry({
    flags: { disableTelemetry: disableFlag },
    env,
    policy,
    userConfig: view?.telemetry,
    goConfigOptOut: view?.goOptOut === true,
    get isInteractive() {
      return typeof onTerminal === 'function' ? onTerminal() : onTerminal;
    },
    isCI: isCIEnvironment(),
    apiKeyAvailable: settings.apiKey !== '',
    promptVersion: CONSENT_PROMPT_VERSION,
  });
  let endpoint: TelemetryState['endpoint'];
  try {
    endpoint = { url: resolveEndpoint(settings.endpointOverride) };
  } catch (error) {
    endpoint = { problem: error instanceof Error ? error.message : String(error) };
  }
  return {
    settings,
    decision,
    view,
    configProblem: configResult.ok ? undefined : configResult.problem,
    spoolFolderProblem,
    endpoint,
    viewFromCache: configResult.ok && configResult.fromCache,
    viewKey: configResult.ok ? configResult.key : undefined,
  };
}

export async function startTelemetry(input: TelemetryStartInput): Promise<TelemetryRun> {
  const debugLine = (line: string) => {
    if (input.debug) input.stderr.write(`[telemetry] ${line}\n`);
  };
  try {
    // Only asked when no choice is stored: it creates stdin.
    let interactive: boolean | undefined;
    const onTerminal = () => {
      interactive ??= isInteractive({
        get stdin() {
          return input.stdin();
        },
        stderr: input.stderr,
        env: input.env,
      });
      return interactive;
    };
    let state = await readTelemetryState(input.paths, input.env, input.disableFlag, onTerminal);
    const problem = state.configProblem ?? state.spoolFolderProblem;
    if (problem !== undefined) {
      debugLine(`off for this run: ${problem}`);
      return inactiveTelemetryRun;
    }
    const { decision } = state;
    if (decision.action === 'prompt' && input.mayAsk) {
      const answer = await askForConsent(input.stdin(), input.stderr);
      if (answer === 'interrupted') endAsInterrupted(input.stderr);
      if (answer === undefined) return inactiveTelemetryRun;
      await storeChoice(
        input.paths.configFile,
        consentChanges(answer, 'prompt', new Date(), CONSENT_PROMPT_VERSION),
      );
      state = await readTelemetryState(input.paths, input.env, input.disableFlag, onTerminal);
    } else if (decision.action === 'notice' && input.mayAsk) {
      input.stderr.write(`${FIRST_RUN_NOTICE_TEXT}\n`);
      await storeChoice(
        input.paths.configFile,
        consentChanges(true, 'notice', new Date(), CONSENT_PROMPT_VERSION),
      );
      return inactiveTelemetryRun;
    }
    if (!state.decision.recordThisRun) {
      debugLine(`off: ${state.decision.explanation}`);
      return inactiveTelemetryRun;
    }
    if ('problem' in state.endpoint) {
      debugLine(`off: ${state.endpoint.problem}`);
      return inactiveTelemetryRun;
    }
    const deviceId = await ensureDeviceId(input.paths.configFile, state.view);
    if (deviceId === undefined) return inactiveTelemetryRun;
    if (!state.viewFromCache && state.viewKey !== undefined && state.view !== undefined) {
      await saveTelemetryConfigView(state.settings.configCacheFile, state.viewKey, state.view);
    }
    const token = input.env.DATAROBOT_API_TOKEN;
    const fingerprint = token ? tokenFingerprint(token) : state.view?.tokenFingerprint;
    return new ActiveTelemetryRun({
      settings: state.settings,
      endpoint: state.endpoint.url,
      deviceId,
      sessionId: resolveSession(state.settings.sessionFile, Date.now()),
      userId: cachedUserId(state.settings.identityFile, fingerprint),
      drainerIdleSeconds: state.view?.telemetry?.drainer_idle_seconds,
      env: input.env,
      debugOutput: input.stderr,
      debug: state.settings.debug || input.debug,
    });
  } catch (error) {
    debugLine(`off for this run: ${error instanceof Error ? error.message : String(error)}`);
    return inactiveTelemetryRun;
  }
}

/**
 * Ctrl-C at the consent prompt ends dr as Ctrl-C ends any program: by SIGINT, so the shell sees
 * 130 and a script that ran dr stops too. Nothing is stored (the next run asks again) and
 * nothing is recorded: no spool was opened, no drainer started.
 */
function endAsInterrupted(stderr: NodeJS.WritableStream): never {
  stderr.write('\n');
  process.kill(process.pid, 'SIGINT');
  // Reached only when SIGINT is ignored (started with nohup, say) or handled by someone else.
  process.exit(ExitCode.interrupted);
}

async function readPolicy(policyFile: string): Promise<TelemetryPolicy | undefined> {
  // Most machines have no policy file: one stat says so without building an exception.
  if (statSync(policyFile, { throwIfNoEntry: false }) === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(policyFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // An administrator's file we cannot read still says an administrator meant to decide.
    return { enabled: false, problem: 'cannot be read' };
  }
  const { parsePolicyFile } = await import('@dr/shared/policy-file');
  return parsePolicyFile(text);
}

/**
 * The device id from the config, made and stored on the first enabled run. Made inside the
 * config lock, so two first runs at once agree on one id.
 */
async function ensureDeviceId(
  configFile: string,
  view: TelemetryConfigView | undefined,
): Promise<string | undefined> {
  const existing = view?.telemetry?.device_id;
  if (isValidDeviceId(existing)) return existing;
  try {
    const { updateConfig } = await import('@dr/shared/config-file');
    const written = await updateConfig(configFile, (current) =>
      isValidDeviceId(current.telemetry?.device_id)
        ? []
        : [{ path: ['telemetry', 'device_id'], value: newDeviceId() }],
    );
    const stored = written.telemetry?.device_id;
    return isValidDeviceId(stored) ? stored : undefined;
  } catch {
    // Without a stored id every run would look like a new install: record nothing instead.
    return undefined;
  }
}

async function storeChoice(
  configFile: string,
  changes: Parameters<typeof import('@dr/shared/config-file').updateConfig>[1],
) {
  try {
    const { updateConfig } = await import('@dr/shared/config-file');
    await updateConfig(configFile, changes);
  } catch {
    // The choice is asked again next time; the command itself goes on.
  }
}
