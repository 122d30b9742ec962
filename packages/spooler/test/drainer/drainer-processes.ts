// The set-up of the tests that run the drainer as the separate process the CLI starts: its entry
// bundled once per file, one fake Amplitude, a fresh spool folder per test, and the processes a
// test starts (killed after it). `fake`, `dir` and `script` are live: read them inside tests.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { DRAINER_ENV, DRAINER_NODE_FLAGS } from '../../src/drainer/spawn-drainer.ts';
import { API_KEY, bundleDrainerEntry, type FakeAmplitude, startFakeAmplitude, tempDir } from './fixtures.ts';

export let fake: FakeAmplitude;
export let dir: string;
export let script: string;

export interface DrainerRun {
  readonly child: ChildProcess;
  /** What it wrote to stdout and stderr so far. */
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

const children = new Set<ChildProcess>();
let baseEnv: Record<string, string> = {};

/** Registers the file's hooks; `env` is added to every drainer's environment. */
export function useDrainerProcesses(bundleName: string, env: Record<string, string> = {}): void {
  let removeBundle = () => {};
  let removeDir = () => {};
  baseEnv = env;
  beforeAll(async () => {
    ({ script, remove: removeBundle } = await bundleDrainerEntry(bundleName));
    fake = await startFakeAmplitude();
  });
  afterAll(async () => {
    killChildren();
    await fake.close();
    removeBundle();
  });
  beforeEach(async () => {
    await fake.setFault(null);
    fake.setLatency(0);
    fake.reset();
    ({ dir, remove: removeDir } = tempDir());
  });
  afterEach(() => {
    killChildren();
    removeDir();
  });
}

/** The drainer as the spawn helper starts it, on this test's folder and fake Amplitude. */
export function startDrainer(env: Record<string, string> = {}): DrainerRun {
  const child = spawn(process.execPath, [...DRAINER_NODE_FLAGS, script], {
    env: {
      ...DRAINER_ENV,
      DR_TELEMETRY_SPOOL_DIR: dir,
      DR_TELEMETRY_ENDPOINT: fake.url,
      DR_TELEMETRY_API_KEY: API_KEY,
      ...baseEnv,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = once(child, 'exit').then(([code]) => {
    children.delete(child);
    return code as number | null;
  });
  return { child, output: () => output, exited };
}

/** Polls `condition` every 20 ms; throws naming `what` after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function killChildren(): void {
  for (const child of children) child.kill('SIGKILL');
}
