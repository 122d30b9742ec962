// What the tests of the DataRobot commands share: a fake DataRobot per test, a home whose
// drconfig.yaml points at it, dr started in the background (for flows a test takes part in,
// such as the login), and the check that a request carried the headers of SPEC §4.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { RecordedDataRobotRequest } from '@dr/testkit';
import { expect } from 'vitest';
import { DR_BIN, type DrHome, type DrResult } from '../support/run-dr.ts';

export function writeDrConfig(
  home: DrHome,
  settings: { endpoint?: string; token?: string; extra?: string },
): void {
  mkdirSync(dirname(home.configFile), { recursive: true });
  const lines = [
    ...(settings.endpoint === undefined ? [] : [`endpoint: ${settings.endpoint}`]),
    ...(settings.token === undefined ? [] : [`token: ${settings.token}`]),
    ...(settings.extra === undefined ? [] : [settings.extra]),
  ];
  writeFileSync(home.configFile, `${lines.join('\n')}\n`, { mode: 0o600 });
}

/**
 * Asserts the headers every DataRobot request carries (SPEC §4, and the Go dr's
 * X-DataRobot-Api-Consumer-Trace of a command), without the telemetry pair.
 */
export function expectDataRobotHeaders(request: RecordedDataRobotRequest, token = 'test-token'): void {
  const { headers } = request;
  expect(headers['user-agent']).toMatch(
    new RegExp(
      `^DataRobot CLI version: \\d+\\.\\d+\\.\\d+\\S* \\(${process.platform}/${process.arch}(; session=\\d+)?\\)$`,
    ),
  );
  expect(headers['x-datarobot-api-consumer']).toBe('cli');
  expect(headers['x-datarobot-api-consumer-trace']).toMatch(/^datarobot\.cli(\.[a-z-]+)+$/);
  expect(headers['x-datarobot-cli-version']).toMatch(/^\d+\.\d+\.\d+/);
  expect(headers['x-datarobot-cli-platform']).toBe(`${process.platform}/${process.arch}`);
  expect(headers.authorization).toBe(`Bearer ${token}`);
}

export interface RunningDr {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /**
   * Resolves with the first match of `pattern` in stderr (or stdout), or only in `stream`; rejects
   * after the timeout or once dr has ended without printing it. stdout and stderr are two pipes:
   * a line seen on one says nothing of what has arrived on the other, so wait for each.
   */
  waitForOutput(
    pattern: RegExp,
    options?: { readonly stream?: 'stdout' | 'stderr'; readonly timeoutMs?: number },
  ): Promise<RegExpMatchArray>;
  exited(): Promise<DrResult>;
}

/** Starts bin/dr without waiting for it, for flows the test takes part in. */
export function startDr(
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string },
): RunningDr {
  const child = spawn(process.execPath, [DR_BIN, ...args], {
    env: options.env,
    cwd: options.cwd ?? options.env.HOME,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdin!.end();
  // 'close', not 'exit': after 'exit' the pipes may still hold output not yet read.
  let closed = false;
  const exit = new Promise<DrResult>((resolve) => {
    child.on('close', (code) => {
      closed = true;
      resolve({ code, stdout, stderr });
    });
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  void exit.then(() => clearTimeout(killer));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    async waitForOutput(pattern, { stream, timeoutMs = 10_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const ended = closed;
        const match =
          stream === 'stdout'
            ? stdout.match(pattern)
            : stream === 'stderr'
              ? stderr.match(pattern)
              : (stderr.match(pattern) ?? stdout.match(pattern));
        if (match) return match;
        if (Date.now() > deadline || ended)
          throw new Error(`dr never printed ${pattern}.\nstdout: ${stdout}\nstderr: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    exited: () => exit,
  };
}

export interface TerminalAnswer {
  /** Wait until the output (after the previous answer) matches this. */
  readonly when: RegExp;
  /** Typed followed by Enter. */
  readonly type: string;
}

/**
 * Runs bin/dr on a pseudo-terminal (util-linux `script`), typing each answer once its prompt
 * shows, for the flows that only ever ask on a TTY. stdout and stderr arrive merged, as on a screen.
 */
export async function runDrOnTerminal(
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string; answers: readonly TerminalAnswer[]; timeoutMs?: number },
): Promise<{ code: number | null; output: string }> {
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const commandLine = [process.execPath, DR_BIN, ...args].map(quote).join(' ');
  const child = spawn('script', ['-qec', commandLine, '/dev/null'], {
    env: { ...options.env, TERM: 'dumb' },
    cwd: options.cwd ?? options.env.HOME,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
  });
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let seen = 0;
  try {
    for (const answer of options.answers) {
      for (;;) {
        const match = answer.when.exec(output.slice(seen));
        if (match) {
          seen += match.index + match[0].length;
          break;
        }
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(`No prompt ${answer.when}; output:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      child.stdin!.write(`${answer.type}\r`);
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), Math.max(0, deadline - Date.now()));
    const code = await exit;
    clearTimeout(timer);
    return { code, output };
  } finally {
    child.stdin!.end();
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}
