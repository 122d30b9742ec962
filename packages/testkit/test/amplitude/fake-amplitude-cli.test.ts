// The fake-amplitude command, run the way a person runs it: bundled (Node 20 cannot strip types),
// started as a child process, one request, one printed line, a clean stop on SIGTERM.

import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';

let folder: string;
let script: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'fake-amplitude-cli-'));
  script = join(folder, 'fake-amplitude.mjs');
  await build({
    entryPoints: [fileURLToPath(new URL('../../src/bin/fake-amplitude.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: script,
    logLevel: 'warning',
  });
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

it('prints its URL and a line per request, and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, [script, '--fault', '503', '--latency', '1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const waitForOutput = async (pattern: RegExp): Promise<RegExpMatchArray> => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const match = pattern.exec(output);
        if (match) return match;
        if (Date.now() > deadline) throw new Error(`No ${pattern} in the output:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const [, url] = await waitForOutput(/listening at (http:\/\/127\.0\.0\.1:\d+)/);
    const response = await fetch(`${url}/2/httpapi`, {
      method: 'POST',
      body: JSON.stringify({ api_key: 'k', events: [{ event_type: 'e', device_id: 'device-cli-01' }] }),
    });
    expect(response.status).toBe(503);
    await waitForOutput(/POST \/2\/httpapi -> 503 Service unavailable \(1 events, \d+ bytes\)/);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toMatch(/1 requests, 0 events ingested/);
  } finally {
    child.kill('SIGKILL');
  }
});

it('says which faults exist when given an unknown one', async () => {
  const child = spawn(process.execPath, [script, '--fault', 'teapot'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString('utf8');
  });
  const code = await new Promise<number | null>((resolve) =>
    child.once('exit', (exitCode) => resolve(exitCode)),
  );
  expect(code).toBe(2);
  expect(errors).toMatch(/Unknown fault "teapot": use one of none, reset, hang, refuse/);
});

/** Starts the command with `args`; resolves with its URL once it listens. */
async function startCli(args: string[]) {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const match = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
    if (match) return { child, url: match[1]!, output: () => output };
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`The fake did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Sends `count` one-event requests in turn; each gives its status, or 'reset'. */
async function statusesOf(url: string, count: number): Promise<(number | 'reset')[]> {
  const statuses: (number | 'reset')[] = [];
  for (let index = 0; index < count; index++) {
    const body = JSON.stringify({
      api_key: 'k',
      events: [{ event_type: 'e', device_id: 'device-cli-mix-01', insert_id: `mix-${index}` }],
    });
    statuses.push(
      await fetch(`${url}/2/httpapi`, { method: 'POST', body }).then(
        (response) => response.status,
        () => 'reset' as const,
      ),
    );
  }
  return statuses;
}

it('--fault-mix answers with a seeded mix of faults, the same again for the same seed', async () => {
  const args = ['--fault-mix', '7', '--mix-answers', '200=1,503=1,reset=1', '--mix-latency', '0-5'];
  const runs: (number | 'reset')[][] = [];
  for (const _run of [1, 2]) {
    const { child, url, output } = await startCli(args);
    try {
      runs.push(await statusesOf(url, 30));
      expect(output()).toContain('Fault mix: seed 7, answers none=1,503=1,reset=1, latency 0-5 ms');
      expect(output()).toMatch(/POST \/2\/httpapi -> 503 Service unavailable \(1 events/);
      expect(output()).toMatch(/POST \/2\/httpapi -> reset \(1 events/);
    } finally {
      child.kill('SIGKILL');
    }
  }
  const [first, second] = runs;
  for (const status of [200, 503, 'reset'] as const) expect(first).toContain(status);
  expect(second).toEqual(first);
});

it('refuses a bad --fault-mix, --mix-answers or --mix-latency with one line and exit 2', async () => {
  const cases: [string[], string][] = [
    [['--fault-mix', 'abc'], '--fault-mix takes a seed, a whole number from 0 to 4294967295, not "abc".'],
    [['--fault-mix=-1'], '--fault-mix takes a seed, a whole number from 0 to 4294967295, not "-1".'],
    [
      ['--fault-mix', '1', '--mix-answers', '503'],
      '--mix-answers takes FAULT=WEIGHT pairs separated by commas (e.g. 200=6,503=1), not "503".',
    ],
    [
      ['--fault-mix', '1', '--mix-answers', 'teapot=1'],
      '--mix-answers: Unknown fault "teapot": use one of none, reset, hang, refuse, 400, 403, 413, 429, 500, 502, 503, 504, or ingest-then-500/502/504.',
    ],
    [
      ['--fault-mix', '1', '--mix-answers', 'refuse=1'],
      '--mix-answers cannot draw "refuse" (it closes the port for good): use --fault refuse.',
    ],
    [
      ['--fault-mix', '1', '--mix-answers', '503=x'],
      '--mix-answers weights are numbers of at least 0, not "x" (in "503=x").',
    ],
    [
      ['--fault-mix', '1', '--mix-answers', '503=0'],
      '--mix-answers needs at least one answer with a weight above 0, not "503=0".',
    ],
    [
      ['--fault-mix', '1', '--mix-latency', '300-10'],
      '--mix-latency takes MIN-MAX in whole milliseconds with MIN <= MAX (e.g. 0-300), not "300-10".',
    ],
    [['--mix-answers', '503=1'], '--mix-answers needs --fault-mix SEED.'],
  ];
  await Promise.all(
    cases.map(async ([args, message]) => {
      const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let errors = '';
      child.stderr.on('data', (chunk: Buffer) => {
        errors += chunk.toString('utf8');
      });
      const code = await new Promise<number | null>((resolve) =>
        child.once('exit', (exitCode) => resolve(exitCode)),
      );
      expect(code, args.join(' ')).toBe(2);
      expect(errors.split('\n')[0]).toBe(message);
    }),
  );
});

it('--help explains the fault-mix flags', async () => {
  const child = spawn(process.execPath, [script, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
  for (const flag of ['--fault-mix SEED', '--mix-answers F=W,...', '--mix-latency MIN-MAX'])
    expect(output).toContain(flag);
});
