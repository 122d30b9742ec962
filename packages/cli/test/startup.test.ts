// How dr starts, checked by what it loads rather than by timing (the figures are in
// bench/RESULTS.md): the start-up costs that docs/architecture.md keeps off each path must stay
// off it. Each Node built-in loaded is recorded by a probe preloaded with `node --require`; the
// code cache the build recorded must be accepted by this Node, and not used for a changed file.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFakeAmplitude } from '@dr/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DR_BIN, makeDrHome, runProgram } from './support/run-dr.ts';
import {
  CONFIG_ENABLED,
  drainerPids,
  holdDrainerLock,
  makeTelemetryHome,
  waitUntil,
} from './telemetry/support/telemetry-harness.ts';

const DIST = resolve(dirname(fileURLToPath(import.meta.url)), '../dist');
const scratch = mkdtempSync(join(tmpdir(), 'dr-startup-'));
const PROBE = join(scratch, 'record-builtins.cjs');
// The built-ins loaded after the probe itself, written at exit to the file DR_TEST_BUILTINS names.
writeFileSync(
  PROBE,
  `'use strict';
const before = new Set(process.moduleLoadList);
process.on('exit', () => {
  const loaded = process.moduleLoadList
    .filter((entry) => !before.has(entry) && entry.startsWith('NativeModule '))
    .map((entry) => entry.slice('NativeModule '.length));
  require('node:fs').writeFileSync(process.env.DR_TEST_BUILTINS, JSON.stringify(loaded));
});
`,
);

/** Public built-ins and internals that each cost a millisecond or more to load at start. */
const HEAVY = [
  'tty',
  'net',
  'stream',
  'crypto',
  'child_process',
  'readline',
  'module',
  'internal/modules/esm/loader',
  'perf_hooks',
  'fs/promises',
  'internal/fs/promises',
];

/** A copy of the built program (bin and dist) to damage or edit; run with `run(args)`. */
function copyOfProgram(home: { env: NodeJS.ProcessEnv }) {
  const root = mkdtempSync(join(tmpdir(), 'dr-copy-'));
  cpSync(dirname(DR_BIN), join(root, 'bin'), { recursive: true });
  cpSync(DIST, join(root, 'dist'), { recursive: true });
  return {
    dist: join(root, 'dist'),
    run: (args: readonly string[]) =>
      spawnSync(process.execPath, [join(root, 'bin', 'dr'), ...args], { env: home.env, encoding: 'utf8' }),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** The built file that holds `self version`. */
function versionFile(): string {
  const files = readdirSync(DIST).filter(
    (name) =>
      name.endsWith('.js') &&
      readFileSync(join(DIST, name), 'utf8').includes('Show the version of dr and where it runs'),
  );
  expect(files).toHaveLength(1);
  return files[0]!;
}

async function builtinsLoadedBy(args: readonly string[], env: NodeJS.ProcessEnv): Promise<string[]> {
  const record = join(scratch, `builtins-${Math.random().toString(36).slice(2)}.json`);
  const result = await runProgram([process.execPath, '--require', PROBE, DR_BIN, ...args], {
    env: { ...env, DR_TEST_BUILTINS: record },
  });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(readFileSync(record, 'utf8')) as string[];
}

let fake: Awaited<ReturnType<typeof startFakeAmplitude>>;
beforeAll(async () => {
  fake = await startFakeAmplitude();
});
afterAll(async () => {
  await fake.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('what a command loads at start', () => {
  it('with telemetry off: none of the heavy built-ins', async () => {
    const home = makeTelemetryHome(fake);
    try {
      const loaded = await builtinsLoadedBy(['self', 'version'], { ...home.telemetryEnv, DO_NOT_TRACK: '1' });
      expect(loaded.filter((name) => HEAVY.includes(name))).toEqual([]);
    } finally {
      home.cleanup();
    }
  });

  it('recording its events with a drainer already running: none of them either', async () => {
    const home = makeTelemetryHome(fake);
    try {
      home.writeConfig(CONFIG_ENABLED);
      const release = await holdDrainerLock(home.spoolDir);
      try {
        // The first run makes the device id and the spool; the second is any later command.
        await builtinsLoadedBy(['self', 'version'], home.telemetryEnv);
        const loaded = await builtinsLoadedBy(['self', 'version'], home.telemetryEnv);
        expect(loaded.filter((name) => HEAVY.includes(name))).toEqual([]);
      } finally {
        release();
      }
    } finally {
      home.cleanup();
    }
  });

  it('starting the drainer: child_process (and what it needs), nothing else heavy', async () => {
    const home = makeTelemetryHome(fake);
    try {
      home.writeConfig(CONFIG_ENABLED);
      // The first run stores the device id (a locked config write); later ones only read.
      await builtinsLoadedBy(['self', 'version'], home.telemetryEnv);
      await waitUntil(() => drainerPids(home.spoolDir).length === 0, 'the first drainer to exit');
      const loaded = await builtinsLoadedBy(['self', 'version'], home.telemetryEnv);
      expect(loaded).toContain('child_process');
      // child_process itself loads net and stream; nothing else on the list may come in.
      expect(
        loaded.filter((name) => HEAVY.includes(name) && !['child_process', 'net', 'stream'].includes(name)),
      ).toEqual([]);
    } finally {
      home.cleanup();
    }
  });
});

describe('the code cache the build recorded', () => {
  it('is accepted by this Node for the start-up pack and every file it was recorded for', () => {
    const check = `
const { readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');
const { readCodeCache } = require(${JSON.stringify(DR_BIN)});
const dist = ${JSON.stringify(DIST)};
const Module = module.constructor;
const rejected = [];
const caches = readdirSync(dist).filter((name) => name.endsWith('.js.cache'));
for (const cache of caches) {
  const file = cache.slice(0, -'.cache'.length);
  const bytes = readFileSync(join(dist, file));
  const code = file === 'startup-pack.js' ? bytes.toString() : Module.wrap(bytes.toString());
  const cachedData = readCodeCache(join(dist, file), bytes);
  const script = new Script(code, { filename: join(dist, file), cachedData });
  if (cachedData === undefined || script.cachedDataRejected) rejected.push(file);
}
process.stdout.write(JSON.stringify({ caches, rejected }));
`;
    const result = spawnSync(process.execPath, ['-e', check], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    const { caches, rejected } = JSON.parse(result.stdout) as { caches: string[]; rejected: string[] };
    expect(caches).toContain('startup-pack.js.cache');
    expect(caches.length).toBeGreaterThan(3);
    expect(rejected).toEqual([]);
  });

  it('is not used for a file changed after the build, even to the same length', () => {
    // A copy of the built program, with two texts changed in place (same lengths): one in the
    // start-up pack, one in the file of `self version`.
    const home = makeDrHome();
    const copy = copyOfProgram(home);
    try {
      const edit = (file: string, from: string, to: string) => {
        const path = join(copy.dist, file);
        const text = readFileSync(path, 'utf8');
        expect(text, file).toContain(from);
        writeFileSync(path, text.replace(from, to));
      };
      edit('startup-pack.js', 'Unknown command: dr', 'UNKNOWN COMMAND: dr');
      edit(versionFile(), 'Node.js ${', 'NODE.JS ${');
      const { run } = copy;
      expect(run(['self', 'nosuch']).stderr).toContain('UNKNOWN COMMAND: dr self nosuch');
      expect(run(['self', 'version']).stdout).toContain('NODE.JS ');
    } finally {
      home.cleanup();
      copy.remove();
    }
  });
});

describe('a damaged install', () => {
  it('says in one line that a command could not be loaded, and the other commands still run', () => {
    // A copy of the built program without the file of `self version`.
    const home = makeDrHome();
    const copy = copyOfProgram(home);
    try {
      rmSync(join(copy.dist, versionFile()));
      const { run } = copy;

      // The command itself, and the lines that list it (every command, its group).
      for (const args of [
        ['self', 'version'],
        ['self', 'version', '--debug'],
        ['--help'],
        ['self'],
        ['self', '--debug'],
      ]) {
        const broken = run(args);
        expect(broken.status, broken.stderr).toBe(1);
        expect(broken.stdout).toBe('');
        // (--debug adds a line saying whether telemetry records.)
        const [first, ...rest] = broken.stderr
          .trimEnd()
          .split('\n')
          .filter((line) => !line.startsWith('[telemetry]'));
        expect(first).toMatch(
          /^Error: dr could not load its commands: .*version-\w+\.js.* \(reinstall dr\)$/,
        );
        // The stack only under --debug; never Node's unhandled-rejection report.
        if (args.includes('--debug')) expect(rest.join('\n')).toMatch(/^\s+at /m);
        else expect(rest).toEqual([]);
        expect(broken.stderr).not.toContain('triggerUncaughtException');
      }

      const other = run(['auth', 'check']);
      expect(other.stderr).toContain('No DataRobot URL is configured');
      expect(other.status).toBe(5);
      expect(run(['--version']).stdout).toMatch(/^\d+\.\d+\.\d+/);
    } finally {
      home.cleanup();
      copy.remove();
    }
  });
});
