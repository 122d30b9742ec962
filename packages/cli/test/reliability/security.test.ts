// Security checks (issue #6, item 6), each built to fail if the promise breaks:
// - every file dr or its drainer creates is 0600 and every folder 0700, whatever the umask;
// - a symlink planted where dr keeps a file (spool, its -wal, session, caches, locks) is never
//   followed: whatever it points at is left exactly as it was;
// - events never go to a plain http:// endpoint unless it is this machine (loopback);
// - the API key never shows in output, debug output, the drainer's log, or any file dr writes;
// - the drainer is started with no argument built from user input, and no shell is involved
//   anywhere: not at run time (every child process dr starts is recorded) and not in the source
//   or the shipped bundle (a static check, which is itself shown to catch a violation).
import {
  chmodSync,
  chownSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { updateConfig } from '@dr/shared';
import { CHILD_ENV_KEYS, DRAINER_ENV, DRAINER_NODE_FLAGS } from '@dr/spooler';
import { type FakeAmplitude, startFakeAmplitude, startFakeDataRobot } from '@dr/testkit';
import { describe, expect, it, type TestContext } from 'vitest';
import type { DrResult } from '../support/run-dr.ts';
import {
  CONFIG_ENABLED,
  drainerPids,
  makeTelemetryHome,
  runDr,
  statusOf,
  TEST_API_KEY,
  type TelemetryHome,
  waitUntil,
} from '../telemetry/support/telemetry-harness.ts';
import {
  CONFIG_WITH_DEVICE,
  launchDr,
  movedAside,
  seedSpool,
  spooledInsertIds,
} from './support-bad-state/bad-state-kit.ts';
import { auditBundle, auditChildProcessUse } from './support-bad-state/child-process-audit.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '../../../..');
const RECORD_SPAWNS = join(HERE, 'support-bad-state/record-spawns.mjs');

async function setUp(
  { onTestFinished }: TestContext,
  options?: Parameters<typeof startFakeAmplitude>[0],
): Promise<{ fake: FakeAmplitude; home: TelemetryHome }> {
  const fake = await startFakeAmplitude(options);
  const home = makeTelemetryHome(fake);
  onTestFinished(async () => {
    home.cleanup();
    await fake.close();
  });
  return { fake, home };
}

/** Every entry under `dir` (symlinks not followed), as paths relative to it. */
function walk(dir: string, under = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    const here = relative(under, path);
    return entry.isDirectory() ? [here, ...walk(path, under)] : [here];
  });
}

const modeOf = (path: string) => lstatSync(path).mode & 0o777;

describe.concurrent('file modes', { timeout: 60_000 }, () => {
  it('every file dr and its drainer create is 0600 and every folder 0700, even under umask 000', async (context) => {
    const { fake, home } = await setUp(context);
    const dataRobot = await startFakeDataRobot();
    context.onTestFinished(() => dataRobot.close());
    const env = {
      ...home.telemetryEnv,
      DR_TELEMETRY_DEBUG: '1',
      DATAROBOT_ENDPOINT: dataRobot.endpoint,
      DATAROBOT_API_TOKEN: 'test-token',
    };
    const run = (...args: string[]) => launchDr(args, { env, umask: '000' });
    expect((await run('self', 'telemetry', 'enable')).code).toBe(0);
    expect((await run('auth', 'check')).code).toBe(0);
    expect((await run('self', 'version')).code).toBe(0);
    await fake.waitFor(() => fake.ingested.some((event) => event.event_type === 'self_version'), {
      timeoutMs: 15_000,
    });
    await waitUntil(() => drainerPids(home.spoolDir).length === 0, 'the drainer to exit', 15_000);
    expect((await run('self', 'telemetry', 'flush')).code).toBe(0);

    const entries = walk(home.dir);
    // What the runs above must have made, so the check below cannot pass on an empty home.
    for (const made of [
      '.config/datarobot/drconfig.yaml',
      '.local/share/datarobot/telemetry/spool.db',
      '.local/share/datarobot/telemetry/session.json',
      '.local/share/datarobot/telemetry/config-cache.json',
      '.local/share/datarobot/telemetry/identity.json',
      '.local/share/datarobot/telemetry/drainer.log',
    ]) {
      expect(entries).toContain(made);
    }
    const wrong = entries
      .map((entry) => ({
        entry,
        mode: modeOf(join(home.dir, entry)),
        dir: statSync(join(home.dir, entry)).isDirectory(),
      }))
      .filter(({ mode, dir }) => mode !== (dir ? 0o700 : 0o600))
      .map(({ entry, mode }) => `${entry} ${mode.toString(8)}`);
    expect(wrong).toEqual([]);
  });

  it("the drainer's lock folder is 0700 while it is held, even under umask 000", async (context) => {
    // A collector that never answers keeps the drainer, and so its lock, alive.
    const { home } = await setUp(context, { fault: 'hang' });
    home.writeConfig(CONFIG_ENABLED);
    expect((await launchDr(['self', 'version'], { env: home.telemetryEnv, umask: '000' })).code).toBe(0);
    const lock = join(home.spoolDir, 'drainer.lock');
    await waitUntil(
      () => statSync(lock, { throwIfNoEntry: false }) !== undefined,
      'the drainer lock',
      15_000,
    );
    expect(modeOf(lock).toString(8)).toBe('700');
  });

  it('the config lock folder is 0700 while it is held', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dr-config-lock-'));
    const file = join(dir, 'drconfig.yaml');
    let lockMode: number | undefined;
    await updateConfig(file, () => {
      lockMode = modeOf(`${file}.lock`);
      return [];
    });
    expect(lockMode?.toString(8)).toBe('700');
  });
});

describe.concurrent('folders made earlier, and spool folders of others', { timeout: 60_000 }, () => {
  it("makes dr's own folders 0700 when they exist with a wider mode, and never a folder the user named", async (context) => {
    const { home } = await setUp(context);
    home.writeConfig(CONFIG_ENABLED);
    // As the Go dr (and a umask of 022) leave them.
    const owned = ['.config/datarobot', '.local/share/datarobot', '.local/share/datarobot/telemetry'];
    for (const dir of owned) {
      mkdirSync(join(home.dir, dir), { recursive: true });
      chmodSync(join(home.dir, dir), 0o755);
    }
    // `--config ./drconfig.yaml` names a file in the working folder: that folder is the user's.
    const work = join(home.dir, 'work');
    mkdirSync(work);
    chmodSync(work, 0o755);
    writeFileSync(join(work, 'drconfig.yaml'), CONFIG_ENABLED);
    const named = await runDr(['--config', './drconfig.yaml', 'self', 'version'], {
      env: home.telemetryEnv,
      cwd: work,
    });
    expect(named.code).toBe(0);
    expect(modeOf(work).toString(8)).toBe('755');
    expect(modeOf(join(home.dir, '.config/datarobot')).toString(8)).toBe('755');
    expect((await runDr(['self', 'version'], { env: home.telemetryEnv })).code).toBe(0);
    for (const dir of owned) expect(modeOf(join(home.dir, dir)).toString(8), dir).toBe('700');
    await waitUntil(() => drainerPids(home.spoolDir).length === 0, 'the drainer to exit', 15_000);
  });

  const refused = [
    {
      name: 'writable by every user (0777)',
      mode: 0o777,
      reason: /can be written by every user \(mode 0777\)/,
    },
    {
      name: 'a shared /tmp-like folder (1777)',
      mode: 0o1777,
      reason: /can be written by every user \(mode 1777\)/,
    },
    {
      name: 'writable by its group (0770)',
      mode: 0o770,
      reason: /can be written by its group \(mode 0770\)/,
    },
    {
      name: "another user's (0700, uid 4242)",
      mode: 0o700,
      owner: 4242,
      reason: /belongs to another user \(uid 4242\)/,
    },
  ];
  for (const { name, mode, owner, reason } of refused) {
    it(`refuses a DR_TELEMETRY_SPOOL_DIR ${name}: nothing written there, output unchanged, one debug line, status says why`, async (context) => {
      const { fake, home } = await setUp(context);
      home.writeConfig(CONFIG_ENABLED);
      const spoolDir = join(home.dir, 'shared-spool');
      mkdirSync(spoolDir);
      chmodSync(spoolDir, mode);
      if (owner !== undefined) chownSync(spoolDir, owner, owner);
      const env = { ...home.telemetryEnv, DR_TELEMETRY_SPOOL_DIR: spoolDir };
      const off = await runDr(['self', 'version'], { env: { ...env, DO_NOT_TRACK: '1' } });
      const on = await runDr(['self', 'version'], { env });
      expect({ code: on.code, stdout: on.stdout, stderr: on.stderr }).toEqual({
        code: off.code,
        stdout: off.stdout,
        stderr: off.stderr,
      });
      const debug = await runDr(['--debug', 'self', 'version'], { env });
      expect(debug.code).toBe(0);
      expect(debug.stdout).toBe(off.stdout);
      const lines = debug.stderr.split('\n').filter((line) => line !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^\[telemetry\] off for this run: spool folder refused: the folder /);
      expect(lines[0]).toMatch(reason);
      const status = await statusOf(env);
      expect(status).toMatchObject({ enabled: false, recording: false, reason: 'spool-folder-refused' });
      expect(status.explanation).toMatch(reason);
      expect(readdirSync(spoolDir)).toEqual([]);
      expect(lstatSync(spoolDir).mode & 0o7777).toBe(mode);
      expect(fake.requests).toHaveLength(0);
    });
  }
});

/** Something a planted symlink points at, and a check that it is exactly as it was. */
function victim(root: string, name: string, kind: 'file' | 'folder') {
  const path = join(root, 'victims', name);
  mkdirSync(dirname(path), { recursive: true });
  if (kind === 'file') writeFileSync(path, `precious ${name}\n`, { mode: 0o644 });
  else mkdirSync(path, { mode: 0o755 });
  // An hour old: a lock pointing here looks stale, which tempts a lock library to remove it.
  const anHourAgo = new Date(Date.now() - 3_600_000);
  utimesSync(path, anHourAgo, anHourAgo);
  const before = lstatSync(path);
  return {
    path,
    expectUntouched() {
      const after = lstatSync(path);
      expect({ mode: after.mode, mtimeMs: after.mtimeMs, size: after.size }, path).toEqual({
        mode: before.mode,
        mtimeMs: before.mtimeMs,
        size: before.size,
      });
      if (kind === 'file') expect(readFileSync(path, 'utf8')).toBe(`precious ${name}\n`);
      else expect(readdirSync(path)).toEqual([]);
    },
  };
}

describe.concurrent('planted symlinks', { timeout: 60_000 }, () => {
  it('at the spool, its -wal, the session and the caches: never followed; dr goes on working', async (context) => {
    const { fake, home } = await setUp(context);
    home.writeConfig(CONFIG_ENABLED);
    mkdirSync(home.spoolDir, { recursive: true, mode: 0o700 });
    const victims = ['spool.db', 'spool.db-wal', 'session.json', 'config-cache.json', 'identity.json'].map(
      (name) => {
        const target = victim(home.dir, name, 'file');
        symlinkSync(target.path, join(home.spoolDir, name));
        return target;
      },
    );
    const env = home.telemetryEnv;
    for (const args of [
      ['self', 'version'],
      ['self', 'telemetry', 'status'],
      ['self', 'version'],
    ]) {
      expect((await runDr(args, { env })).code).toBe(0);
    }
    await fake.waitFor(() => fake.ingested.some((event) => event.event_type === 'self_version'), {
      timeoutMs: 15_000,
    });
    await waitUntil(() => drainerPids(home.spoolDir).length === 0, 'the drainer to exit', 15_000);
    for (const target of victims) target.expectUntouched();
    // The links were moved aside or replaced, never written through.
    expect(lstatSync(join(home.spoolDir, 'spool.db')).isFile()).toBe(true);
    expect(lstatSync(join(home.spoolDir, 'session.json')).isFile()).toBe(true);
    const [aside] = movedAside(home.spoolDir, 'unsafe');
    expect(readlinkSync(aside!)).toBe(victims[0]!.path);

    // reset forgets the links moved aside, without touching what they point at.
    const reset = await runDr(['self', 'telemetry', 'reset'], { env });
    expect(reset.code).toBe(0);
    expect(movedAside(home.spoolDir, 'unsafe')).toEqual([]);
    expect(readdirSync(home.spoolDir).filter((name) => name.includes('.unsafe-'))).toEqual([]);
    for (const target of victims) target.expectUntouched();
  });

  it("at the drainer's debug log: never written, truncated or chmod'ed through", async (context) => {
    const { fake, home } = await setUp(context);
    home.writeConfig(CONFIG_ENABLED);
    mkdirSync(home.spoolDir, { recursive: true, mode: 0o700 });
    const log = victim(home.dir, 'drainer.log', 'file');
    symlinkSync(log.path, join(home.spoolDir, 'drainer.log'));
    const env = { ...home.telemetryEnv, DR_TELEMETRY_DEBUG: '1' };
    expect((await runDr(['self', 'version'], { env })).code).toBe(0);
    await fake.waitFor(() => fake.ingested.some((event) => event.event_type === 'self_version'), {
      timeoutMs: 15_000,
    });
    await waitUntil(() => drainerPids(home.spoolDir).length === 0, 'the drainer to exit', 15_000);
    log.expectUntouched();
    expect(lstatSync(join(home.spoolDir, 'drainer.log')).isSymbolicLink()).toBe(true);
  });

  it('at the drainer lock: never followed, never removed through, moved aside; output unchanged, all delivered', async (context) => {
    const { fake, home } = await setUp(context);
    home.writeConfig(CONFIG_WITH_DEVICE);
    const clean = await runDr(['self', 'version'], { env: { ...home.telemetryEnv, DO_NOT_TRACK: '1' } });
    mkdirSync(home.spoolDir, { recursive: true, mode: 0o700 });
    const drainerLock = victim(home.dir, 'drainer-lock', 'folder');
    symlinkSync(drainerLock.path, join(home.spoolDir, 'drainer.lock'));
    const ids = seedSpool(home.spoolDir, 5);
    const status = await runDr(['self', 'telemetry', 'status'], { env: home.telemetryEnv });
    expect(status.stdout).toMatch(
      /^drainer +not running: .*drainer\.lock is a symlink, not dr's lock folder: .*remove it\.$/m,
    );
    expect(await runDr(['self', 'version'], { env: home.telemetryEnv })).toEqual(clean);
    await fake.waitFor(() => ids.every((id) => fake.ingested.some((event) => event.insert_id === id)), {
      timeoutMs: 15_000,
      description: 'the seeded events',
    });
    await waitUntil(() => drainerPids(home.spoolDir).length === 0, 'drainers to exit', 15_000);
    const flush = await runDr(['self', 'telemetry', 'flush'], { env: home.telemetryEnv });
    expect(flush.code).toBe(0);

    drainerLock.expectUntouched();
    // The link was moved aside (never followed), and a lock folder can be made in its place.
    expect(existsSync(join(home.spoolDir, 'drainer.lock'))).toBe(false);
    const [aside] = readdirSync(home.spoolDir).filter((name) => name.startsWith('drainer.lock.foreign-'));
    expect(readlinkSync(join(home.spoolDir, aside!))).toBe(drainerLock.path);
    const left = spooledInsertIds(home.spoolDir);
    expect(ids.filter((id) => left.includes(id))).toEqual([]);
  });
});

/** An address of this machine that is not loopback, if it has one. */
function externalIPv4(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((address) => address?.family === 'IPv4' && !address.internal)?.address;
}

const EXTERNAL_IP = externalIPv4();

describe('endpoint', { timeout: 60_000 }, () => {
  it.skipIf(EXTERNAL_IP === undefined)(
    `sends nothing to a plain http:// endpoint that is not loopback (${EXTERNAL_IP === undefined ? 'skipped: this machine has no non-loopback IPv4 address' : 'a collector listening on this machine’s own external address'})`,
    async (context) => {
      const { fake, home } = await setUp(context, { host: '0.0.0.0' });
      home.writeConfig(CONFIG_ENABLED);
      const ids = seedSpool(home.spoolDir, 3);
      const outside = { ...home.telemetryEnv, DR_TELEMETRY_ENDPOINT: `http://${EXTERNAL_IP}:${fake.port}` };
      const clean = await runDr(['self', 'version'], { env: { ...outside, DO_NOT_TRACK: '1' } });
      for (let run = 0; run < 3; run += 1) {
        expect(await runDr(['self', 'version'], { env: outside })).toEqual(clean);
      }
      const debug = await runDr(['self', 'version', '--debug'], { env: outside });
      expect(debug.stderr).toMatch(/^\[telemetry\] off: DR_TELEMETRY_ENDPOINT must start with https:\/\//m);
      const status = JSON.parse(
        (await runDr(['self', 'telemetry', 'status', '--output-format', 'json'], { env: outside })).stdout,
      );
      expect(status).toMatchObject({ recording: false, endpoint: null });
      expect(status.endpoint_problem).toMatch(/https:\/\//);
      const flush = await runDr(['self', 'telemetry', 'flush'], { env: outside });
      expect(flush.code).toBe(1);
      expect(flush.stderr).toMatch(
        /Nothing sent \(3 event\(s\) wait in the spool\): DR_TELEMETRY_ENDPOINT must start/,
      );
      expect(drainerPids(home.spoolDir)).toEqual([]);
      expect(fake.requests).toHaveLength(0);
      expect(spooledInsertIds(home.spoolDir)).toEqual(ids);

      // The same collector at a loopback name takes them: the check above could have seen a send.
      const loopback = { ...home.telemetryEnv, DR_TELEMETRY_ENDPOINT: `http://127.0.0.1:${fake.port}` };
      expect((await runDr(['self', 'telemetry', 'flush'], { env: loopback })).code).toBe(0);
      expect([...fake.ingestedByInsertId.keys()]).toEqual(expect.arrayContaining(ids));
    },
  );
});

describe.concurrent('the API key', { timeout: 60_000 }, () => {
  for (const answer of ['accepted', 'refused as invalid'] as const) {
    it(`never shows in output, debug output, the drainer log or any file (key ${answer})`, async (context) => {
      const { fake, home } = await setUp(
        context,
        answer === 'accepted' ? {} : { validApiKeys: ['another-key'] },
      );
      home.writeConfig(CONFIG_ENABLED);
      const env = { ...home.telemetryEnv, DR_TELEMETRY_DEBUG: '1' };
      const results: DrResult[] = [];
      for (const args of [
        ['self', 'version', '--debug'],
        ['self', 'telemetry', 'status'],
        ['self', 'telemetry', 'status', '--output-format', 'json', '--debug'],
        ['self', 'telemetry', 'info'],
        ['self', 'telemetry', 'info', '--output-format', 'json'],
        ['self', 'config'],
        ['self', 'version', '--bogus'],
      ]) {
        results.push(await runDr(args, { env }));
      }
      await fake.waitFor(() => fake.requests.length > 0, { timeoutMs: 15_000 });
      await waitUntil(() => drainerPids(home.spoolDir).length === 0, 'the drainer to exit', 15_000);
      results.push(await runDr(['self', 'telemetry', 'flush', '--debug'], { env }));
      results.push(await runDr(['self', 'telemetry', 'flush', '--output-format', 'json'], { env }));

      const log = readFileSync(join(home.spoolDir, 'drainer.log'), 'utf8');
      expect(log).toMatch(answer === 'accepted' ? /pass: / : /rejected/);
      const printed = results.map((result) => `${result.stdout}\n${result.stderr}`).join('\n');
      expect(printed).toMatch(/\[telemetry\] event \{/);
      expect(printed).toContain('from DR_TELEMETRY_API_KEY');
      expect(printed).not.toContain(TEST_API_KEY);
      expect(log).not.toContain(TEST_API_KEY);
      for (const entry of walk(home.dir)) {
        const path = join(home.dir, entry);
        if (lstatSync(path).isFile()) expect(readFileSync(path).includes(TEST_API_KEY), entry).toBe(false);
      }
    });
  }
});

describe('child processes', { timeout: 60_000 }, () => {
  it('the drainer gets no argument or variable built from user input, and no shell is ever asked for', async (context) => {
    const { fake, home } = await setUp(context, { latencyMs: 1000 });
    home.writeConfig(CONFIG_ENABLED);
    const canary = 'zq7canary';
    const cwd = join(home.dir, `work-${canary}`);
    mkdirSync(cwd);
    const record = join(home.dir, 'spawns.jsonl');
    const env = {
      ...home.telemetryEnv,
      DR_TEST_SPAWN_RECORD: record,
      DATAROBOT_API_TOKEN: `token-${canary}`,
      [`VAR_${canary}`]: canary,
      PATH: `${join(home.dir, `bin-${canary}`)}:${home.telemetryEnv.PATH}`,
    };
    const lines = [
      ['self', 'version', `--bogus=${canary}`],
      ['task', 'run', canary, `--dir=${canary}`],
      ['self', 'version', '--output-format', 'json'],
    ];
    let seenLive = 0;
    for (const args of lines) {
      await launchDr(args, { env, cwd, importFirst: RECORD_SPAWNS });
      // The collector waits a second before each answer, so the drainer is still there to look at.
      for (const pid of drainerPids(home.spoolDir)) {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
        expect(`${cmdline}\n${environ}`).not.toContain(canary);
        seenLive += 1;
      }
      await waitUntil(() => drainerPids(home.spoolDir).length === 0, 'the drainer to exit', 15_000);
    }
    expect(seenLive).toBeGreaterThan(0);
    const spawns = readFileSync(record, 'utf8')
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            call: string;
            file: string;
            args: string[];
            shell: unknown;
            cwd: string | null;
            env: Record<string, string> | null;
          },
      );
    const drainers = spawns.filter((spawn) => spawn.args.some((arg) => arg.endsWith('drainer.js')));
    expect(drainers.length).toBeGreaterThanOrEqual(lines.length);
    for (const drainer of drainers) {
      expect(drainer.call).toBe('spawn');
      expect(drainer.file).toBe(process.execPath);
      expect(drainer.args.slice(0, -1)).toEqual([...DRAINER_NODE_FLAGS]);
      expect(drainer.cwd).toBe(home.spoolDir);
      expect(Object.keys(drainer.env ?? {}).sort()).toEqual(
        expect.arrayContaining(['DR_TELEMETRY_SPOOL_DIR', ...Object.keys(DRAINER_ENV)]),
      );
      for (const key of Object.keys(drainer.env ?? {})) {
        // DR_DRAINER_VETO: a counter from the spool's meta, the veto (raised by disable) its command saw.
        expect([
          ...CHILD_ENV_KEYS,
          ...Object.keys(DRAINER_ENV),
          'DR_TELEMETRY_SPOOL_DIR',
          'DR_DRAINER_VETO',
        ]).toContain(key);
      }
      expect(JSON.stringify(drainer)).not.toContain(canary);
    }
    for (const spawn of spawns) {
      expect(['spawn', 'spawnSync', 'execFile', 'execFileSync']).toContain(spawn.call);
      expect(spawn.shell ?? false, JSON.stringify(spawn)).toBe(false);
    }
    expect(fake.requests.length).toBeGreaterThan(0);
  });
});

/** Every .ts file under packages/<name>/src, relative to the repository. */
function sourceFiles(): string[] {
  const packages = join(REPO, 'packages');
  return readdirSync(packages).flatMap((name) => {
    const src = join(packages, name, 'src');
    try {
      return walk(src)
        .filter((entry) => entry.endsWith('.ts'))
        .map((entry) => relative(REPO, join(src, entry)));
    } catch {
      return [];
    }
  });
}

describe('no shell anywhere (static)', () => {
  it('no source file imports exec or execSync, passes a shell option, or spawns without an argument array', () => {
    const files = sourceFiles();
    expect(files).toContain('packages/spooler/src/drainer/spawn-drainer.ts');
    const findings = files.flatMap((file) =>
      auditChildProcessUse(file, readFileSync(join(REPO, file), 'utf8')),
    );
    expect(findings).toEqual([]);
    // The check sees the calls that are there (so it is not passing by reading nothing).
    const spawning = files.filter((file) =>
      /from 'node:child_process'|getBuiltinModule\('node:child_process'\)/.test(
        readFileSync(join(REPO, file), 'utf8'),
      ),
    );
    expect(spawning).toContain('packages/spooler/src/drainer/spawn-drainer.ts');
  });

  it('the shipped bundle (dependencies included) uses only spawn-like calls and never a shell option', () => {
    const dist = join(REPO, 'packages/cli/dist');
    const bundles = readdirSync(dist).filter((name) => name.endsWith('.js'));
    expect(bundles).toContain('drainer.js');
    const texts = bundles.map((name) => ({ name, text: readFileSync(join(dist, name), 'utf8') }));
    expect(texts.filter(({ text }) => text.includes('child_process')).length).toBeGreaterThan(0);
    expect(texts.flatMap(({ name, text }) => auditBundle(name, text))).toEqual([]);
  });

  it('the checks catch each way a shell could come in', () => {
    const bad: Record<string, string> = {
      exec: "import { exec } from 'node:child_process';\nexec('ls');\n",
      execSync: "import { execSync as run } from 'child_process';\n",
      namespace: "import * as cp from 'node:child_process';\ncp.spawn('ls', []);\n",
      dynamic: "const cp = await import('node:child_process');\n",
      shellOption: "import { spawn } from 'node:child_process';\nspawn('ls', ['-l'], { shell: true });\n",
      // (The $ and the brace are apart only so the linter does not take this for a mistake.)
      noArray:
        "import { spawn } from 'node:child_process';\nspawn(`ls $" + "{dir}`, { stdio: 'inherit' });\n",
      stringArgs: "import { execFile } from 'node:child_process';\nexecFile('sh', '-c ls');\n",
      builtinWhole: "const cp = process.getBuiltinModule('node:child_process');\ncp.exec('ls');\n",
      builtinExec: "const { exec } = process.getBuiltinModule('child_process');\nexec('ls');\n",
      builtinShell:
        "const { spawn } = process.getBuiltinModule('node:child_process');\nspawn('ls', [], { shell: true });\n",
    };
    for (const [name, source] of Object.entries(bad)) {
      expect(auditChildProcessUse(`${name}.ts`, source), name).not.toEqual([]);
    }
    const fine =
      "// exec( in a comment\nimport { spawn, type ChildProcess } from 'node:child_process';\n" +
      "const text = 'exec( and shell: true in a string';\n/x/.exec(text);\ndb.exec('BEGIN');\n" +
      'spawn(process.execPath, [...flags, `$' +
      "{script}`], { stdio: 'ignore' });\n";
    expect(auditChildProcessUse('fine.ts', fine)).toEqual([]);
    const fineBuiltin =
      "const { spawn } = process.getBuiltinModule('node:child_process');\nspawn(process.execPath, [script], {});\n";
    expect(auditChildProcessUse('fine-builtin.ts', fineBuiltin)).toEqual([]);
    expect(auditBundle('a.js', 'var f=require("node:child_process");f.execSync("ls")')).not.toEqual([]);
    expect(auditBundle('b.js', 'import{exec as x}from"node:child_process";')).not.toEqual([]);
    expect(auditBundle('c.js', 'G("sh",[],{stdio:"ignore",shell:!0})')).not.toEqual([]);
    expect(auditBundle('d.js', 'var f=require("node:child_process");(0,f.spawn)(a,[b])')).toEqual([]);
  });
});
