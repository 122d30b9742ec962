// What the bad-local-state and security tests share: dr started through launch-dr.mjs (a umask, a
// deleted working folder, an RLIMIT_FSIZE through util-linux's prlimit), spools seeded with known
// events and looked at byte for byte, and small file systems (tmpfs) mounted where the machine
// lets the test mount them. Every helper says why it cannot run instead of failing obscurely.
import { spawnSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AmplitudeEvent } from '@dr/shared';
import { Spool } from '@dr/spooler';
import { DR_BIN, type DrResult, runProgram } from '../../support/run-dr.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
export const LAUNCHER = join(HERE, 'launch-dr.mjs');

/** A user who said yes and already has a device id (so a run need not write the config). */
export const CONFIG_WITH_DEVICE =
  'telemetry:\n  enabled: true\n  last_prompt_version: 1\n  device_id: 1b4e28ba-2fa1-4d2b-8e3f-6c3d2e1a0b9c\n';

export interface LaunchOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Octal file-creation mask for dr and everything it starts, e.g. '000'. */
  readonly umask?: string;
  /** Delete `cwd` (an empty folder) inside the dr process before dr runs. */
  readonly removeCwd?: boolean;
  /** Largest file dr may write, in bytes (RLIMIT_FSIZE via prlimit): a disk that is "full". */
  readonly maxFileBytes?: number;
  /** Run through `node --import <file>` (a module that watches dr from inside). */
  readonly importFirst?: string;
  readonly timeoutMs?: number;
}

/** Runs the built dr the way launch-dr.mjs sets it up; resolves with what it printed. */
export function launchDr(args: readonly string[], options: LaunchOptions): Promise<DrResult> {
  const own = [
    ...(options.umask === undefined ? [] : ['--umask', options.umask]),
    ...(options.removeCwd ? ['--remove-cwd'] : []),
  ];
  const node = [
    process.execPath,
    ...(options.importFirst === undefined ? [] : ['--import', options.importFirst]),
    LAUNCHER,
    ...own,
    '--',
    DR_BIN,
    ...args,
  ];
  const argv =
    options.maxFileBytes === undefined ? node : ['prlimit', `--fsize=${options.maxFileBytes}`, '--', ...node];
  return runProgram(argv, options);
}

/** Spools `count` events as an earlier dr run would have, and returns their insert ids. */
export function seedSpool(spoolDir: string, count: number): string[] {
  const spool = Spool.open({ dir: spoolDir });
  const ids: string[] = [];
  try {
    for (let index = 0; index < count; index += 1) {
      const insertId = randomUUID();
      spool.enqueue(seededEvent(insertId));
      ids.push(insertId);
    }
  } finally {
    spool.close();
  }
  return ids;
}

function seededEvent(insertId: string): AmplitudeEvent {
  return {
    event_type: 'self_version',
    device_id: '7d3a2d8e-4c1b-4b7e-9a51-0c7f1e2d3b4a',
    session_id: Date.now(),
    time: Date.now(),
    insert_id: insertId,
    app_version: '0.1.0',
    platform: 'CLI',
    os_name: 'linux',
    os_version: '6.1',
    library: 'datarobot-cli-ts/0.1.0',
  };
}

/** The insert ids waiting in the spool (opened the way dr opens it). */
export function spooledInsertIds(spoolDir: string): string[] {
  const spool = Spool.open({ dir: spoolDir });
  try {
    return spool.peek(100_000).map((row) => row.insertId);
  } finally {
    spool.close();
  }
}

export function sha256Of(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/** Files beside spool.db that dr moved aside, e.g. `spool.db.corrupt-<ms>` (not their -wal). */
export function movedAside(spoolDir: string, reason: 'corrupt' | 'newer' | 'unsafe'): string[] {
  if (!existsSync(spoolDir)) return [];
  return readdirSync(spoolDir)
    .filter((name) => new RegExp(`^spool\\.db\\.${reason}-\\d+(\\.\\d+)?$`).test(name))
    .map((name) => join(spoolDir, name));
}

/** Lines of a JavaScript stack trace. */
export function stackLines(text: string): string[] {
  return text.split('\n').filter((line) => /^\s+at /.test(line));
}

/**
 * What telemetry said under --debug beyond the events it echoes and the drainer's ordinary
 * news (started, already running, nothing due): the lines that report a problem.
 */
export function telemetryProblemLines(stderr: string): string[] {
  const ordinary =
    /^\[telemetry\] (event \{|drainer started \(pid \d+\)$|drainer not started: (drainer-running|drainer-starting|nothing-due)$)/;
  return stderr.split('\n').filter((line) => line.startsWith('[telemetry] ') && !ordinary.test(line));
}

export const IS_ROOT = process.getuid?.() === 0;

/** Why prlimit cannot limit dr's file size here, or undefined when it can. */
export function prlimitUnavailable(): string | undefined {
  const probe = spawnSync('prlimit', ['--fsize=1048576', '--', process.execPath, '-e', '0'], {
    stdio: 'ignore',
  });
  if (probe.error) return `prlimit (util-linux) is not available: ${probe.error.message}`;
  return probe.status === 0 ? undefined : `prlimit --fsize failed with status ${probe.status}`;
}

/** Why a tmpfs cannot be mounted here (not root, no CAP_SYS_ADMIN, no mount), or undefined. */
export function mountUnavailable(probeDir: string): string | undefined {
  if (!IS_ROOT) return 'mounting a tmpfs needs root, and these tests do not run as root';
  const mounted = mountTmpfs(probeDir, { sizeKiB: 64 });
  if (mounted !== undefined) return `mount -t tmpfs failed: ${mounted}`;
  unmount(probeDir);
  return undefined;
}

/** Mounts a tmpfs of `sizeKiB` at `dir`; returns why it failed, or undefined. */
export function mountTmpfs(dir: string, options: { sizeKiB: number; mode?: string }): string | undefined {
  const result = spawnSync(
    'mount',
    ['-t', 'tmpfs', '-o', `size=${options.sizeKiB}k,mode=${options.mode ?? '0700'}`, 'tmpfs', dir],
    { encoding: 'utf8' },
  );
  if (result.error) return result.error.message;
  return result.status === 0 ? undefined : result.stderr.trim() || `status ${result.status}`;
}

/** Remounts the file system at `dir` read-only or read-write again; throws if it cannot. */
export function remount(dir: string, mode: 'ro' | 'rw'): void {
  const result = spawnSync('mount', ['-o', `remount,${mode}`, dir], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`mount -o remount,${mode} ${dir} failed: ${result.stderr}`);
}

/** Unmounts `dir` (lazily, so a process still inside cannot keep it mounted); never throws. */
export function unmount(dir: string): void {
  spawnSync('umount', ['-l', dir], { stdio: 'ignore' });
}
