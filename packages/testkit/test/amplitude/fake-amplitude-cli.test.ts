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
