// Several processes on one spool file, as several `dr` commands and a drainer are: writers at
// once lose nothing, claimers never take the same row, and a writer killed with SIGKILL at any
// moment leaves every event it reported as spooled, in a consistent file.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporaryDirs } from './fixtures/spool-fixtures.ts';

const newDir = temporaryDirs();
let childScript: string;
let bundleDir: string;

beforeAll(async () => {
  // Node 20 cannot run .ts: bundle the child (and the spool) into one .mjs, importing the real
  // better-sqlite3 of this package by absolute URL so the bundle may live in a temp folder.
  bundleDir = mkdtempSync(join(tmpdir(), 'dr-spool-child-'));
  childScript = join(bundleDir, 'spool-child.mjs');
  const betterSqlite3 = pathToFileURL(createRequire(import.meta.url).resolve('better-sqlite3')).href;
  await build({
    entryPoints: [fileURLToPath(new URL('./fixtures/spool-child.ts', import.meta.url))],
    outfile: childScript,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'silent',
    plugins: [
      {
        name: 'external-better-sqlite3',
        setup(plugin) {
          plugin.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: betterSqlite3, external: true }));
        },
      },
    ],
  });
});

afterAll(() => {
  rmSync(bundleDir, { recursive: true, force: true });
});

interface Child {
  readonly process: ChildProcess;
  /** Complete lines printed so far. */
  readonly lines: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

function runChild(...args: string[]): Child {
  const child = spawn(process.execPath, [childScript, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    const pieces = (partial + chunk).split('\n');
    partial = pieces.pop() ?? '';
    lines.push(...pieces);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>(
    (resolve) => {
      child.on('close', (code, signal) => resolve({ code, signal, stderr }));
    },
  );
  return { process: child, lines, exited };
}

async function waitFor(condition: () => boolean, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the child processes');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function valuesOf(lines: readonly string[], prefix: string): string[] {
  return lines.filter((line) => line.startsWith(`${prefix} `)).map((line) => line.slice(prefix.length + 1));
}

function readFile(dir: string): {
  insertIds: string[];
  totals: { events: number; bytes: number };
  sums: unknown;
} {
  const db = new Database(join(dir, 'spool.db'));
  try {
    return {
      insertIds: db.prepare('SELECT insert_id FROM events ORDER BY id').pluck().all() as string[],
      totals: db.prepare('SELECT events, bytes FROM totals').get() as { events: number; bytes: number },
      sums: db.prepare('SELECT count(*) AS events, coalesce(sum(bytes), 0) AS bytes FROM events').get(),
    };
  } finally {
    db.close();
  }
}

describe('several processes on one spool', () => {
  it('loses nothing with four writers and two claimers at once, and claims each row once', async () => {
    const dir = newDir();
    const stopFile = join(dir, 'stop');
    const goFile = join(dir, 'go');
    const claimers = [runChild('claim', dir, stopFile), runChild('claim', dir, stopFile)];
    const writers = ['a', 'b', 'c', 'd'].map((tag) => runChild('write', dir, tag, '1000', goFile));
    await waitFor(() => writers.every((writer) => writer.lines.includes('ready')), 20_000);
    writeFileSync(goFile, '');

    for (const writer of writers) expect(await writer.exited).toMatchObject({ code: 0, stderr: '' });
    writeFileSync(stopFile, '');
    for (const claimer of claimers) expect(await claimer.exited).toMatchObject({ code: 0, stderr: '' });

    const written = writers.flatMap((writer) => valuesOf(writer.lines, 'ok'));
    const claimed = claimers.flatMap((claimer) => valuesOf(claimer.lines, 'claimed'));
    expect(written).toHaveLength(4_000);
    expect(claimed).toHaveLength(4_000);
    expect(new Set(claimed)).toEqual(new Set(written));
    expect(readFile(dir).insertIds).toEqual([]);
  }, 60_000);

  it('keeps every event a writer reported before it was killed with SIGKILL', async () => {
    const dir = newDir();
    const reported: string[] = [];
    for (let round = 0; round < 3; round += 1) {
      const writer = runChild('write', dir, `round${round}`, 'forever');
      const target = 100 + Math.floor(Math.random() * 400);
      await waitFor(() => writer.lines.length >= target, 20_000);
      writer.process.kill('SIGKILL');
      expect(await writer.exited).toMatchObject({ signal: 'SIGKILL' });
      reported.push(...valuesOf(writer.lines, 'ok'));
    }
    const file = readFile(dir);
    const stored = new Set(file.insertIds);
    expect(reported.filter((insertId) => !stored.has(insertId))).toEqual([]);
    // Triggers and rows committed together: the running totals match the rows exactly.
    expect(file.totals).toEqual(file.sums);
  }, 60_000);
});
