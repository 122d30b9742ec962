// Runs the built bin/dr as a child process in a throw-away home, the way a user runs it.
// Every test gets its own HOME and XDG folders, so nothing touches the real user's files.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DR_BIN = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/dr');

export interface DrResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface DrHome {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly configFile: string;
  readonly spoolDir: string;
  cleanup(): void;
}

/** A fresh home folder with the environment dr should see in it (no CI, no telemetry key). */
export function makeDrHome(): DrHome {
  const dir = mkdtempSync(join(tmpdir(), 'dr-home-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, '.config'),
    XDG_DATA_HOME: join(dir, '.local/share'),
    XDG_CACHE_HOME: join(dir, '.cache'),
    XDG_STATE_HOME: join(dir, '.local/state'),
    DR_TELEMETRY_POLICY_FILE: join(dir, 'no-policy.yaml'),
    NO_COLOR: '1',
  };
  return {
    dir,
    env,
    configFile: join(dir, '.config/datarobot/drconfig.yaml'),
    spoolDir: join(dir, '.local/share/datarobot/telemetry'),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function runDr(
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number },
): Promise<DrResult> {
  return runProgram([process.execPath, DR_BIN, ...args], options);
}

/**
 * Runs `argv` (no shell) to its end with `input` on stdin, in `cwd` (the home by default);
 * killed after `timeoutMs` (20 s). Resolves with its exit code (null when a signal ended it) and output.
 */
export function runProgram(
  argv: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; input?: string; timeoutMs?: number },
): Promise<DrResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      env: options.env,
      cwd: options.cwd ?? options.env.HOME,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** Whether a program is on PATH (zsh and fish are not on every machine that runs the tests). */
export function onPath(program: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${program}`]).status === 0;
}
