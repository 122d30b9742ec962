// One run's telemetry: each event built by @dr/shared, written with one INSERT (the spool opened
// at the first), and at the end the sending handed to a detached drainer. Promises: never throws
// into the command, never prints unless debug is on, never waits on the network.
import { homedir, release, userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  type AmplitudeEvent,
  buildEvent,
  buildInfo,
  type CommandAlias,
  type EventProperties,
  type EventType,
} from '@dr/shared';
import { drainerVeto, openSpoolSafely, type Spool, spawnDrainerIfDue } from '@dr/spooler';
import type { CommandFacts } from './command-facts.ts';
import type { TelemetryRun } from './telemetry-run.ts';
import type { TelemetrySettings } from './telemetry-settings.ts';

export interface ActiveRunOptions {
  readonly settings: TelemetrySettings;
  /** The base URL the drainer sends to. */
  readonly endpoint: string;
  readonly deviceId: string;
  readonly sessionId: number;
  readonly userId: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  /** `telemetry.drainer_idle_seconds` from the config, if set. */
  readonly drainerIdleSeconds: number | undefined;
  /** Where debug lines go (stderr). */
  readonly debugOutput: NodeJS.WritableStream;
  readonly debug: boolean;
}

export class ActiveTelemetryRun implements TelemetryRun {
  readonly active = true;
  readonly ids: { readonly sessionId: number; readonly deviceId: string };
  readonly #options: ActiveRunOptions;
  readonly #common;
  #spool: Spool | undefined | null = null;
  #stopped = false;
  #spoolFailed = false;
  /** The drainer veto (raised by disable) when this run opened the spool (see finish). */
  #vetoSeen: string | undefined;

  constructor(options: ActiveRunOptions) {
    this.#options = options;
    this.ids = { sessionId: options.sessionId, deviceId: options.deviceId };
    this.#common = {
      deviceId: options.deviceId,
      sessionId: options.sessionId,
      ...(options.userId === undefined ? {} : { userId: options.userId }),
      appVersion: buildInfo.version,
      osName: osName(),
      osVersion: release(),
      scrub: scrubContext(),
    };
  }

  record<T extends EventType>(eventType: T, properties: EventProperties<T>): void {
    if (this.#stopped || this.#spoolFailed) return;
    let event: AmplitudeEvent;
    try {
      event = buildEvent(eventType, properties, { ...this.#common, now: Date.now() });
    } catch (error) {
      this.#debug(`event ${eventType} not recorded: ${describe(error)}`);
      return;
    }
    if (this.#options.debug) this.#debug(`event ${JSON.stringify(event)}`);
    try {
      this.#openSpool()?.enqueue(event);
    } catch (error) {
      // A spool that failed once (busy past its timeout, a full disk) is not tried again in
      // this run: each try could wait as long again, and one line says it all.
      this.#spoolFailed = true;
      this.#debug(`event ${eventType} not recorded, nor any later event of this run: ${describe(error)}`);
    }
  }

  commandStarted(facts: CommandFacts): void {
    this.record('command_started', {
      command: facts.command,
      ...aliasOf(facts),
      args_count: facts.argsCount,
      flags: [...facts.flags],
    });
  }

  commandFinished(facts: CommandFacts, exitCode: number, failure: unknown): void {
    const base = {
      command: facts.command,
      ...aliasOf(facts),
      args_count: facts.argsCount,
      flags: [...facts.flags],
      // From the process's start, as the user waited: parsing a long line counts too.
      // process.uptime, not performance.now(): the global performance object loads perf_hooks.
      duration_ms: Math.round(process.uptime() * 1000),
      exit_code: exitCode,
    };
    if (exitCode === 0) {
      this.record('command_completed', { ...base, success: true });
      return;
    }
    const errorType = failure === undefined ? undefined : errorTypeOf(failure);
    this.record('command_failed', {
      ...base,
      success: false,
      ...(errorType ? { error_type: errorType } : {}),
    });
    if (errorType !== undefined) this.record('error', { error_type: errorType, command: facts.command });
  }

  stopRecording(): void {
    this.#stopped = true;
  }

  finish(): void {
    const spool = this.#spool ?? undefined;
    if (spool === undefined) return;
    try {
      if (this.#stopped) return;
      const result = spawnDrainerIfDue({
        spoolDir: this.#options.settings.spoolDir,
        drainerScript: drainerScriptPath(),
        env: {
          ...drainerIdleEnv(this.#options.drainerIdleSeconds),
          ...this.#options.env,
          DR_TELEMETRY_API_KEY: this.#options.settings.apiKey,
          DR_TELEMETRY_ENDPOINT: this.#options.endpoint,
        },
        spool,
        // As seen when recording began: a disable that came while the command ran raised it
        // since, and the drainer this run starts then exits without sending.
        ...(this.#vetoSeen === undefined ? {} : { vetoSeen: this.#vetoSeen }),
      });
      this.#debug(
        result.spawned ? `drainer started (pid ${result.pid})` : `drainer not started: ${result.reason}`,
      );
    } finally {
      spool.close();
      this.#spool = undefined;
    }
  }

  #openSpool(): Spool | undefined {
    if (this.#spool === null) {
      this.#spool = openSpoolSafely({ dir: this.#options.settings.spoolDir }, (error) =>
        this.#debug(`spool unavailable: ${error.code}: ${error.message}`),
      );
      try {
        if (this.#spool !== undefined) this.#vetoSeen = drainerVeto(this.#spool);
      } catch {
        // The drainer then takes the request it finds.
      }
    }
    return this.#spool;
  }

  /** One line per message: Node's own messages (an addon built for another Node) span several. */
  #debug(message: string): void {
    if (!this.#options.debug) return;
    try {
      this.#options.debugOutput.write(`[telemetry] ${message.replace(/\s*\n\s*/g, ' ')}\n`);
    } catch {
      // Debug output is best effort.
    }
  }
}

/** The config's idle window for the drainer; DR_DRAINER_IDLE_SECONDS in the environment wins. */
function drainerIdleEnv(seconds: number | undefined): NodeJS.ProcessEnv {
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0
    ? { DR_DRAINER_IDLE_SECONDS: String(seconds) }
    : {};
}

/** The drainer bundle sits beside the CLI's chunks in dist/. */
function drainerScriptPath(): string {
  return fileURLToPath(new URL('./drainer.js', import.meta.url));
}

/** A class name or a stable code, never a message (messages may hold paths or values). */
export function errorTypeOf(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,63}$/.test(code)) return code;
    const name = (error as { name?: unknown }).name;
    if (typeof name === 'string' && /^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(name)) return name;
  }
  return 'Error';
}

function osName(): string {
  return process.platform === 'win32'
    ? 'windows'
    : process.platform === 'darwin'
      ? 'macos'
      : process.platform;
}

function scrubContext(): { homeDir?: string; userName?: string } {
  try {
    return { homeDir: homedir(), userName: userInfo().username };
  } catch {
    return {};
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** `command_alias`, when the line named its command by a Go name or alias. */
function aliasOf(facts: CommandFacts): { command_alias?: CommandAlias } {
  return facts.commandAlias === undefined ? {} : { command_alias: facts.commandAlias as CommandAlias };
}
