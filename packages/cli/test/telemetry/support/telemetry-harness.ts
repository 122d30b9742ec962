// What the telemetry tests share: a throw-away home with telemetry pointed at a fake Amplitude,
// the config and policy files written as a user or administrator would, bin/dr run on a
// pseudo-terminal or interrupted, and looks at what telemetry left behind (the spool, request
// bodies, drainer processes). Every wait polls with a deadline.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { AmplitudeEvent } from '@dr/shared';
import { DRAINER_LOCK_FILE, Spool } from '@dr/spooler';
import type { FakeAmplitude } from '@dr/testkit';
import { DR_BIN, type DrHome, type DrResult, makeDrHome, runDr } from '../../support/run-dr.ts';

const PTY_RUN = resolve(dirname(fileURLToPath(import.meta.url)), 'pty-run.py');

/** The key every test uses; tests check it never shows up in what dr prints. */
export const TEST_API_KEY = 'test-amplitude-key-5f0c9e';

export interface TelemetryHome extends DrHome {
  /** The home's environment with the key and the fake's URL: telemetry can be on, not yet decided. */
  readonly telemetryEnv: NodeJS.ProcessEnv;
  readonly policyFile: string;
  writeConfig(yaml: string): void;
  readConfig(): string;
  writePolicy(yaml: string): void;
}

/**
 * A fresh home whose environment points telemetry at `fake` (no CI variables, no decision yet).
 * The drainer's deadline is kept short so a drainer facing a broken collector does not linger.
 */
export function makeTelemetryHome(fake: Pick<FakeAmplitude, 'url'> | undefined): TelemetryHome {
  const home = makeDrHome();
  const policyFile = home.env.DR_TELEMETRY_POLICY_FILE!;
  return {
    ...home,
    policyFile,
    telemetryEnv: {
      ...home.env,
      DR_TELEMETRY_API_KEY: TEST_API_KEY,
      ...(fake ? { DR_TELEMETRY_ENDPOINT: fake.url } : {}),
      DR_DRAINER_DEADLINE_MS: '8000',
      // Drainers exit once the spool is empty, as tests that wait for them expect; the tests of
      // lingering set their own window.
      DR_DRAINER_IDLE_SECONDS: '0',
    },
    writeConfig(yaml) {
      mkdirSync(dirname(home.configFile), { recursive: true });
      writeFileSync(home.configFile, yaml);
    },
    readConfig() {
      return readFileSync(home.configFile, 'utf8');
    },
    writePolicy(yaml) {
      writeFileSync(policyFile, yaml);
    },
    cleanup() {
      for (const pid of drainerPids(home.spoolDir)) killQuietly(pid);
      home.cleanup();
    },
  };
}

/** A config in which the user said yes to the current prompt. */
export const CONFIG_ENABLED = 'telemetry:\n  enabled: true\n  last_prompt_version: 1\n';
export const CONFIG_DISABLED = 'telemetry:\n  enabled: false\n  last_prompt_version: 1\n';

export { DR_BIN, type DrResult, runDr };

export interface StatusReport {
  readonly enabled: boolean;
  readonly recording: boolean;
  readonly reason: string;
  readonly explanation: string;
  readonly device_id: string | null;
  readonly session_id: number | null;
  readonly spool: {
    readonly path: string;
    readonly events: number;
    readonly due: number;
    readonly oldest_pending: string | null;
  };
  readonly last_successful_send: string | null;
  readonly endpoint: string | null;
  readonly api_key: string;
  readonly drainer_running: boolean;
}

/** `dr self telemetry status --output-format json`, parsed; fails the test on a non-zero exit. */
export async function statusOf(
  env: NodeJS.ProcessEnv,
  extraArgs: readonly string[] = [],
): Promise<StatusReport & { readonly raw: DrResult }> {
  const raw = await runDr(['self', 'telemetry', 'status', '--output-format', 'json', ...extraArgs], { env });
  if (raw.code !== 0) throw new Error(`status exited ${raw.code}: ${raw.stderr}`);
  return { ...(JSON.parse(raw.stdout) as StatusReport), raw };
}

/** Polls `condition` every 20 ms until it holds; throws after `timeoutMs` naming `description`. */
export async function waitUntil(
  condition: () => boolean,
  description: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 20));
  }
}

/** Every request body the fake received, as text (gunzipped when it was sent gzipped). */
export function requestBodies(fake: FakeAmplitude): string[] {
  return fake.requests.map((request) => {
    const body = request.body;
    return (body[0] === 0x1f && body[1] === 0x8b ? gunzipSync(body) : body).toString('utf8');
  });
}

/** Every event of every request body, exactly as dr sent it (repeats included). */
export function sentEvents(fake: FakeAmplitude): Record<string, unknown>[] {
  return requestBodies(fake).flatMap((body) => {
    try {
      return (JSON.parse(body) as { events?: Record<string, unknown>[] }).events ?? [];
    } catch {
      return [];
    }
  });
}

/** An event as the tests read it back from the fake. */
export interface SentEvent {
  event_type: string;
  event_properties?: Record<string, unknown>;
  user_id?: string;
  session_id: number;
  device_id: string;
}

/** The events of `type` at the fake, once at least `count` have arrived (15 s at most). */
export async function sentEventsOfType(fake: FakeAmplitude, type: string, count = 1): Promise<SentEvent[]> {
  const matching = () =>
    (sentEvents(fake) as unknown as SentEvent[]).filter((event) => event.event_type === type);
  await waitUntil(() => matching().length >= count, `${count} ${type} event(s) at the collector`, 15_000);
  return matching();
}

/** The events waiting in the spool, oldest first, parsed. */
export function spooledEvents(spoolDir: string): AmplitudeEvent[] {
  const spool = Spool.open({ dir: spoolDir });
  try {
    return spool.peek(100_000).map((row) => JSON.parse(row.json) as AmplitudeEvent);
  } finally {
    spool.close();
  }
}

/** The raw bytes of the spool's files (the database and its WAL), for leak checks. */
export function spoolFileBytes(spoolDir: string): Buffer {
  let names: string[];
  try {
    names = readdirSync(spoolDir).filter((name) => name.startsWith('spool.db'));
  } catch {
    return Buffer.alloc(0);
  }
  return Buffer.concat(names.map((name) => readFileSync(join(spoolDir, name))));
}

/**
 * Makes the spool look busy with a live drainer, so commands leave their events in the spool
 * instead of starting one: the lock's mtime is put an hour ahead, which both dr's check and
 * proper-lockfile read as fresh. Waits for a real drainer to finish first (it would remove the
 * lock on its way out). Returns the function that lets go.
 */
export async function holdDrainerLock(spoolDir: string): Promise<() => void> {
  await waitUntil(() => drainerPids(spoolDir).length === 0, 'running drainers to exit');
  const lock = join(spoolDir, DRAINER_LOCK_FILE);
  mkdirSync(lock, { recursive: true, mode: 0o700 });
  const inAnHour = new Date(Date.now() + 3_600_000);
  utimesSync(lock, inAnHour, inAnHour);
  return () => rmSync(lock, { recursive: true, force: true });
}

/**
 * Live drainer processes working on `spoolDir`: the drainer's environment names its spool folder
 * (DR_TELEMETRY_SPOOL_DIR), which lies inside the test's own home, so no other test's drainer
 * is counted.
 */
export function drainerPids(spoolDir: string): number[] {
  const wanted = `DR_TELEMETRY_SPOOL_DIR=${spoolDir}`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (environ.includes(wanted) && /drainer\.js|dr-telemetry-drain/.test(cmdline))
        pids.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return pids;
}

/** Samples the process table every 20 ms until stopped; returns every drainer pid seen for `spoolDir`. */
export function watchDrainers(spoolDir: string): () => number[] {
  const seen = new Set<number>();
  const timer = setInterval(() => {
    for (const pid of drainerPids(spoolDir)) seen.add(pid);
  }, 20);
  return () => {
    clearInterval(timer);
    for (const pid of drainerPids(spoolDir)) seen.add(pid);
    return [...seen];
  };
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** A running bin/dr, for tests that signal it before it ends. */
export interface RunningDr {
  readonly child: ChildProcess;
  readonly result: Promise<DrResult>;
  /** What it printed on stdout so far. */
  stdout(): string;
  /** Ctrl-C as a terminal sends it: to dr and its children (needs `processGroup`). */
  interruptGroup(): void;
}

export function startDr(
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; processGroup?: boolean },
): RunningDr {
  const child = spawn(process.execPath, [DR_BIN, ...args], {
    env: options.env,
    cwd: options.cwd ?? options.env.HOME,
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group, so a group signal reaches dr and its children and nothing else.
    detached: options.processGroup === true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const result = new Promise<DrResult>((resolveResult, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolveResult({ code: code ?? (signal ? -1 : null), stdout, stderr });
    });
  });
  return {
    child,
    result,
    stdout: () => stdout,
    interruptGroup: () => {
      if (options.processGroup !== true || child.pid === undefined) throw new Error('not a process group');
      process.kill(-child.pid, 'SIGINT');
    },
  };
}

export interface PtyOptions {
  readonly env: NodeJS.ProcessEnv;
  /** Type `answer` once `waitFor` has appeared on the terminal. */
  readonly waitFor?: string;
  readonly answer?: string;
  /** Only stdin is a terminal (stderr is a pipe). */
  readonly stdinOnly?: boolean;
  /** The program that runs dr; default this Node with the workspace's bin/dr. */
  readonly program?: readonly string[];
}

/** dr with stdin and stderr on a pseudo-terminal; `terminal` is what it showed there. */
export function runDrOnTerminal(
  args: readonly string[],
  options: PtyOptions,
): Promise<{ code: number | null; stdout: string; terminal: string }> {
  const ptyArgs = [
    PTY_RUN,
    ...(options.waitFor !== undefined && options.answer !== undefined
      ? ['--wait-for', options.waitFor, '--answer', options.answer]
      : []),
    ...(options.stdinOnly ? ['--stdin-only'] : []),
    '--',
    ...(options.program ?? [process.execPath, DR_BIN]),
    ...args,
  ];
  return new Promise((resolveRun, reject) => {
    const child = spawn('python3', ptyArgs, {
      env: options.env,
      cwd: options.env.HOME,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let terminal = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      terminal += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ code, stdout, terminal }));
  });
}
