// Bad local state never breaks a command (issue #6, item 5). For each state (a spool corrupt,
// truncated, of a newer schema or locked by another process; a spool on a read-only or full file
// system; a config that is not YAML or holds the wrong types; a home folder dr cannot write; a
// working folder deleted under dr) the same commands run with telemetry on and a fake collector,
// and must print exactly what they print in a clean home, exit the same way, show no stack trace,
// and under --debug say at most one line about telemetry. Events stored before are never lost:
// they stay in the spool (or reach the collector), or the file holding them is moved aside intact.
// States this machine cannot make (a mount without root, file modes under root) are skipped, and
// the test's name says why.

import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FIRST_RUN_NOTICE_TEXT } from '@dr/shared';
import { type FakeAmplitude, startFakeAmplitude } from '@dr/testkit';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrResult } from '../support/run-dr.ts';
import {
  drainerPids,
  makeTelemetryHome,
  type TelemetryHome,
  waitUntil,
} from '../telemetry/support/telemetry-harness.ts';
import {
  CONFIG_WITH_DEVICE,
  IS_ROOT,
  type LaunchOptions,
  launchDr,
  mountTmpfs,
  mountUnavailable,
  movedAside,
  prlimitUnavailable,
  remount,
  seedSpool,
  sha256Of,
  spooledInsertIds,
  stackLines,
  telemetryProblemLines,
  unmount,
} from './support-bad-state/bad-state-kit.ts';

/** The commands every state runs: a plain one, a JSON one, one that fails on its own, help. */
const COMMANDS: readonly (readonly string[])[] = [
  ['self', 'version'],
  ['self', 'version', '--output-format', 'json'],
  ['task', 'list'],
  ['--help'],
];
const DEBUG_COMMAND = ['self', 'version', '--debug'] as const;

const SEEDED = 12;

const scratch = mkdtempSync(join(tmpdir(), 'dr-bad-state-'));
const NO_MOUNT = mountUnavailable(mkdirIn(scratch, 'probe'));
const NO_PRLIMIT = prlimitUnavailable();
const MODES_IGNORED = IS_ROOT
  ? 'root ignores file modes, so chmod cannot make a folder unwritable'
  : undefined;

let fake: FakeAmplitude;
const baseline = new Map<string, DrResult>();

beforeAll(async () => {
  fake = await startFakeAmplitude();
  const home = makeTelemetryHome(fake);
  home.writeConfig(CONFIG_WITH_DEVICE);
  try {
    for (const args of [...COMMANDS, DEBUG_COMMAND]) {
      baseline.set(args.join(' '), await launchDr(args, { env: home.telemetryEnv }));
    }
    await waitUntil(() => drainerPids(home.spoolDir).length === 0, 'the baseline drainer to exit', 15_000);
  } finally {
    home.cleanup();
  }
});

afterAll(async () => {
  await fake?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** A state a home is put in, and what must hold once the runs are over. */
interface Entered {
  /** Added to the home's telemetry environment for every run. */
  readonly env?: NodeJS.ProcessEnv;
  /** How each run is launched (called per run: a deleted folder is needed afresh each time). */
  readonly launch?: () => Partial<LaunchOptions>;
  /** Undoes what can be undone (a lock, a read-only mount), before verify(). */
  readonly leave?: () => void;
  /** Nothing stored before was lost. */
  readonly verify: () => void;
  /** Where the spool is, when not where the home puts it. */
  readonly spoolDir?: string;
}

interface BadState {
  readonly name: string;
  /** The config holds no valid answer yet: the first run may show the one-time notice, once. */
  readonly mayShowNoticeOnce?: boolean;
  /** Why this machine cannot make the state, or undefined. */
  readonly unavailable?: string | undefined;
  enter(home: TelemetryHome, onCleanup: (undo: () => void) => void): Entered;
}

/** Every seeded event is still waiting in the spool or was delivered: none lost. */
function expectKept(spoolDir: string, insertIds: readonly string[]): void {
  const present = new Set([...spooledInsertIds(spoolDir), ...fake.ingestedByInsertId.keys()]);
  expect(insertIds.filter((id) => !present.has(id))).toEqual([]);
}

/** A spool file moved aside by dr holds exactly the bytes it held before. */
function expectMovedAsideIntact(spoolDir: string, reason: 'corrupt' | 'newer', sha: string): string {
  const aside = movedAside(spoolDir, reason);
  expect(aside, `one spool.db.${reason}-* file`).toHaveLength(1);
  expect(sha256Of(aside[0]!)).toBe(sha);
  return aside[0]!;
}

function insertIdsInCopyOf(file: string): string[] {
  const copy = join(mkdtempSync(join(scratch, 'copy-')), 'spool.db');
  copyFileSync(file, copy);
  const db = new Database(copy, { readonly: true });
  try {
    return db.prepare('SELECT insert_id FROM events ORDER BY id').pluck().all() as string[];
  } finally {
    db.close();
  }
}

function mkdirIn(parent: string, name: string): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

/** Mounts a tmpfs for the test, unmounted at cleanup (lazily: a drainer may still sit in it). */
function tmpfsFor(home: TelemetryHome, onCleanup: (undo: () => void) => void, sizeKiB: number): string {
  const dir = mkdirIn(home.dir, 'mnt');
  const failed = mountTmpfs(dir, { sizeKiB });
  if (failed !== undefined) throw new Error(`mount failed: ${failed}`);
  onCleanup(() => unmount(dir));
  return dir;
}

/** Fills the file system holding `dir` to the last byte it will take. */
function fillUp(dir: string): string {
  const filler = join(dir, 'filler');
  const fd = openSync(filler, 'w');
  try {
    for (const size of [65_536, 4096, 512, 1]) {
      const chunk = Buffer.alloc(size);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw error;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return filler;
}

/**
 * A config the user wrote by hand. One that cannot be read leaves telemetry off and the file
 * untouched; one that reads but holds no valid answer counts as undecided (the first run shows
 * the one-time notice and stores a valid answer, keeping the user's other keys and comments).
 */
function configState(name: string, yaml: string, readable: boolean): BadState {
  return {
    name,
    mayShowNoticeOnce: readable,
    enter(home) {
      home.writeConfig(yaml);
      const ids = seedSpool(home.spoolDir, SEEDED);
      return {
        verify: () => {
          expectKept(home.spoolDir, ids);
          const after = readFileSync(home.configFile, 'utf8');
          if (!readable) expect(after).toBe(yaml);
          else expect(after).toContain(USER_LINES);
        },
      };
    },
  };
}

/** Lines of the user's own in the configs above, which no rewrite may lose. */
const USER_LINES = '# my settings\nendpoint: https://app.datarobot.com/api/v2\n';

const STATES: readonly BadState[] = [
  {
    name: 'the spool file is random bytes',
    enter(home) {
      mkdirIn(home.spoolDir, '.');
      const file = join(home.spoolDir, 'spool.db');
      writeFileSync(file, randomBytes(16_384), { mode: 0o600 });
      const sha = sha256Of(file);
      return { verify: () => void expectMovedAsideIntact(home.spoolDir, 'corrupt', sha) };
    },
  },
  {
    name: 'the spool file is truncated',
    enter(home) {
      seedSpool(home.spoolDir, 400);
      const file = join(home.spoolDir, 'spool.db');
      truncateSync(file, Math.floor(statSync(file).size / 2));
      const sha = sha256Of(file);
      return { verify: () => void expectMovedAsideIntact(home.spoolDir, 'corrupt', sha) };
    },
  },
  {
    name: 'the spool was written by a newer dr',
    enter(home) {
      const ids = seedSpool(home.spoolDir, SEEDED);
      const file = join(home.spoolDir, 'spool.db');
      const db = new Database(file);
      db.pragma('user_version = 99');
      db.close();
      const sha = sha256Of(file);
      return {
        verify: () => {
          const aside = expectMovedAsideIntact(home.spoolDir, 'newer', sha);
          expect(insertIdsInCopyOf(aside)).toEqual(ids);
        },
      };
    },
  },
  {
    name: 'another process holds the spool in an exclusive transaction',
    enter(home, onCleanup) {
      const ids = seedSpool(home.spoolDir, SEEDED);
      const db = new Database(join(home.spoolDir, 'spool.db'));
      db.exec('BEGIN EXCLUSIVE');
      db.prepare('UPDATE events SET attempts = attempts WHERE id < 0').run();
      const leave = () => {
        if (db.open) {
          db.exec('ROLLBACK');
          db.close();
        }
      };
      onCleanup(leave);
      return { leave, verify: () => expectKept(home.spoolDir, ids) };
    },
  },
  {
    name: 'another process holds the spool in exclusive locking mode (no one else may even read)',
    enter(home, onCleanup) {
      const ids = seedSpool(home.spoolDir, SEEDED);
      const db = new Database(join(home.spoolDir, 'spool.db'));
      db.pragma('locking_mode = EXCLUSIVE');
      db.prepare('UPDATE events SET attempts = attempts WHERE id < 0').run();
      const leave = () => {
        if (db.open) db.close();
      };
      onCleanup(leave);
      return {
        leave,
        verify: () => {
          expect(movedAside(home.spoolDir, 'corrupt')).toEqual([]);
          expectKept(home.spoolDir, ids);
        },
      };
    },
  },
  {
    name: 'the spool is on a read-only file system',
    unavailable: NO_MOUNT,
    enter(home, onCleanup) {
      const spoolDir = join(tmpfsFor(home, onCleanup, 1024), 'telemetry');
      const ids = seedSpool(spoolDir, SEEDED);
      remount(dirname(spoolDir), 'ro');
      return {
        env: { DR_TELEMETRY_SPOOL_DIR: spoolDir },
        leave: () => remount(dirname(spoolDir), 'rw'),
        verify: () => expectKept(spoolDir, ids),
      };
    },
  },
  {
    name: 'the spool is on a full file system',
    unavailable: NO_MOUNT,
    enter(home, onCleanup) {
      const spoolDir = join(tmpfsFor(home, onCleanup, 2048), 'telemetry');
      const ids = seedSpool(spoolDir, SEEDED);
      const filler = fillUp(dirname(spoolDir));
      return {
        env: { DR_TELEMETRY_SPOOL_DIR: spoolDir },
        leave: () => rmSync(filler),
        verify: () => expectKept(spoolDir, ids),
      };
    },
  },
  {
    name: 'no file dr writes may grow past 1 KiB (RLIMIT_FSIZE: a full disk without root)',
    unavailable: NO_PRLIMIT,
    enter(home) {
      home.writeConfig(CONFIG_WITH_DEVICE);
      const ids = seedSpool(home.spoolDir, SEEDED);
      return { launch: () => ({ maxFileBytes: 1024 }), verify: () => expectKept(home.spoolDir, ids) };
    },
  },
  {
    name: 'the spool folder is read-only by its mode (0500)',
    unavailable: MODES_IGNORED,
    enter(home, onCleanup) {
      const ids = seedSpool(home.spoolDir, SEEDED);
      chmodSync(home.spoolDir, 0o500);
      const leave = () => chmodSync(home.spoolDir, 0o700);
      onCleanup(leave);
      return { leave, verify: () => expectKept(home.spoolDir, ids) };
    },
  },
  configState(
    'the config is not valid YAML',
    `${USER_LINES}telemetry:\n  enabled: [true\n  device_id: "x\n`,
    false,
  ),
  configState('the config is a YAML list, not a mapping', '- telemetry\n- enabled\n', false),
  configState(
    'the config says telemetry: "yes" (a string, not a section)',
    `${USER_LINES}telemetry: "yes"\n`,
    true,
  ),
  configState(
    'the config holds wrong types (enabled a list, device id a number, prompt version a word)',
    `${USER_LINES}telemetry:\n  enabled: [1, 2]\n  device_id: 12345\n  last_prompt_version: one\n  opt_in_timestamp: 7\n`,
    true,
  ),
  configState(
    'the config says yes with a device id that is a number and a prompt version of 2',
    `${USER_LINES}telemetry:\n  enabled: true\n  device_id: 12345\n  last_prompt_version: "2"\n`,
    true,
  ),
  configState(
    'the config says yes with a device id that is a mapping and a prompt version of 1e400',
    `${USER_LINES}telemetry:\n  enabled: true\n  device_id: {a: 1}\n  last_prompt_version: 1e400\n`,
    true,
  ),
  {
    name: 'the home folder is on a read-only file system',
    unavailable: NO_MOUNT,
    enter(home, onCleanup) {
      const mounted = tmpfsFor(home, onCleanup, 1024);
      const env = {
        HOME: mounted,
        XDG_CONFIG_HOME: join(mounted, '.config'),
        XDG_DATA_HOME: join(mounted, '.local/share'),
        XDG_CACHE_HOME: join(mounted, '.cache'),
        XDG_STATE_HOME: join(mounted, '.local/state'),
      };
      const spoolDir = join(mounted, '.local/share/datarobot/telemetry');
      mkdirSync(join(mounted, '.config/datarobot'), { recursive: true, mode: 0o700 });
      writeFileSync(join(mounted, '.config/datarobot/drconfig.yaml'), CONFIG_WITH_DEVICE, { mode: 0o600 });
      const ids = seedSpool(spoolDir, SEEDED);
      remount(mounted, 'ro');
      return {
        env,
        spoolDir,
        launch: () => ({ cwd: mounted }),
        leave: () => remount(mounted, 'rw'),
        verify: () => expectKept(spoolDir, ids),
      };
    },
  },
  {
    name: 'the home folder is unwritable by its mode (0500, no config yet)',
    unavailable: MODES_IGNORED,
    enter(home, onCleanup) {
      chmodSync(home.dir, 0o500);
      const leave = () => chmodSync(home.dir, 0o700);
      onCleanup(leave);
      return { env: { DR_TELEMETRY_ENABLED: 'true' }, leave, verify: () => {} };
    },
  },
  {
    name: 'the working folder is deleted under dr',
    enter(home) {
      const ids = seedSpool(home.spoolDir, SEEDED);
      return {
        launch: () => ({ cwd: mkdtempSync(join(home.dir, 'gone-')), removeCwd: true }),
        verify: () => expectKept(home.spoolDir, ids),
      };
    },
  },
];

describe.concurrent('bad local state', { timeout: 60_000 }, () => {
  for (const state of STATES) {
    const title =
      state.unavailable === undefined ? state.name : `${state.name} (skipped: ${state.unavailable})`;
    it.skipIf(state.unavailable !== undefined)(title, async ({ onTestFinished }) => {
      const home = makeTelemetryHome(fake);
      home.writeConfig(CONFIG_WITH_DEVICE);
      const undo: (() => void)[] = [];
      onTestFinished(() => {
        for (const step of undo.reverse()) step();
        home.cleanup();
      });
      const entered = state.enter(home, (step) => undo.push(step));
      const env = { ...home.telemetryEnv, ...entered.env };
      const run = (args: readonly string[]) => launchDr(args, { env, ...entered.launch?.() });

      if (state.mayShowNoticeOnce) {
        const clean = baseline.get('self version')!;
        const first = await run(['self', 'version']);
        expect({ code: first.code, stdout: first.stdout }).toEqual({
          code: clean.code,
          stdout: clean.stdout,
        });
        expect(['', `${FIRST_RUN_NOTICE_TEXT}\n`]).toContain(first.stderr);
      }

      for (const args of COMMANDS) {
        const clean = baseline.get(args.join(' '))!;
        const result = await run(args);
        expect({ code: result.code, stdout: result.stdout }, args.join(' ')).toEqual({
          code: clean.code,
          stdout: clean.stdout,
        });
        expect(result.stderr, args.join(' ')).toBe(clean.stderr);
        expect(stackLines(result.stderr), args.join(' ')).toEqual([]);
      }
      const clean = baseline.get(DEBUG_COMMAND.join(' '))!;
      const debug = await run(DEBUG_COMMAND);
      expect({ code: debug.code, stdout: debug.stdout }).toEqual({ code: clean.code, stdout: clean.stdout });
      expect(stackLines(debug.stderr)).toEqual([]);
      const problems = telemetryProblemLines(debug.stderr);
      for (const line of problems) expect(line).toMatch(/^\[telemetry\] .*[A-Za-z].*[.)]$/);
      expect(problems.length, problems.join('\n')).toBeLessThanOrEqual(1);

      // No need to wait for a drainer: an event leaves the spool only after the collector took it,
      // so reading the spool first and the collector second can never miss one.
      entered.leave?.();
      entered.verify();
    });
  }
});

describe.concurrent('the telemetry commands in bad local state', { timeout: 30_000 }, () => {
  it('flush with a spool folder that is a file fails in one clear line, not as an unexpected failure', async ({
    onTestFinished,
  }) => {
    const home = makeTelemetryHome(fake);
    onTestFinished(() => home.cleanup());
    home.writeConfig(CONFIG_WITH_DEVICE);
    const notAFolder = join(home.dir, 'not-a-folder');
    writeFileSync(notAFolder, 'a file');
    const flush = await launchDr(['self', 'telemetry', 'flush'], {
      env: { ...home.telemetryEnv, DR_TELEMETRY_SPOOL_DIR: notAFolder },
    });
    expect(flush.code).toBe(1);
    expect(flush.stdout).toBe('');
    expect(flush.stderr).toMatch(
      /^Error: Cannot lock or open the telemetry spool in .*not-a-folder \(E[A-Z]+\): /,
    );
    expect(flush.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('reset deletes the spool files moved aside (corrupt, newer): the events in them are forgotten too', async ({
    onTestFinished,
  }) => {
    const home = makeTelemetryHome(fake);
    onTestFinished(() => home.cleanup());
    home.writeConfig(CONFIG_WITH_DEVICE);
    const env = home.telemetryEnv;
    mkdirIn(home.spoolDir, '.');
    writeFileSync(join(home.spoolDir, 'spool.db'), randomBytes(8192), { mode: 0o600 });
    expect((await launchDr(['self', 'version'], { env })).code).toBe(0);
    await waitUntil(() => drainerPids(home.spoolDir).length === 0, 'the drainer to exit', 15_000);
    seedSpool(home.spoolDir, 3);
    const db = new Database(join(home.spoolDir, 'spool.db'));
    db.pragma('user_version = 99');
    db.close();
    expect((await launchDr(['self', 'version'], { env })).code).toBe(0);
    expect(movedAside(home.spoolDir, 'corrupt')).toHaveLength(1);
    expect(movedAside(home.spoolDir, 'newer')).toHaveLength(1);
    await waitUntil(() => drainerPids(home.spoolDir).length === 0, 'the drainer to exit', 15_000);

    const reset = await launchDr(['self', 'telemetry', 'reset'], { env });
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/2 set-aside spool file\(s\) removed/);
    expect(readdirSync(home.spoolDir).filter((name) => /\.(corrupt|newer|unsafe)-/.test(name))).toEqual([]);
  });
});
