// The drainer as the separate process the CLI starts: the entry script bundled the way it ships
// (esbuild, better-sqlite3 external), run with the spawn helper's Node flags and only its
// environment, killed with SIGKILL at random moments, and started by the spawn helper.
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import { drain } from '../../src/drainer/drainer.ts';
import { DRAINER_LOCK_STALE_MS, drainerLockPath, isDrainerLockHeld } from '../../src/drainer/drainer-lock.ts';
import {
  CHILD_ENV_KEYS,
  childEnv,
  DRAINER_NODE_FLAGS,
  spawnDrainerIfDue,
} from '../../src/drainer/spawn-drainer.ts';
import { startConnectProxy } from '../transport/fixtures/connect-proxy.ts';
import { dir, fake, script, startDrainer, useDrainerProcesses, waitUntil } from './drainer-processes.ts';
import { API_KEY, createTestCertificates, fillSpool, withSpool } from './fixtures.ts';

useDrainerProcesses('drainer-test', { DR_DRAINER_IDLE_SECONDS: '0' });

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Makes a lock left by a killed drainer look as old as a stale one, instead of waiting 5 s. */
function ageLock(): void {
  const past = new Date(Date.now() - DRAINER_LOCK_STALE_MS - 1_000);
  try {
    utimesSync(drainerLockPath(dir), past, past);
  } catch {
    // No lock left: the drainer was killed before taking it, or after giving it back.
  }
}

/** A small seeded generator, so a failing run can be replayed from the seed in its message. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('the drainer process', () => {
  it('drains, exits 0 and prints nothing; debug lines go to drainer.log (0600) only', async () => {
    const events = fillSpool(dir, 12);
    const quiet = startDrainer();
    expect(await quiet.exited).toBe(0);
    expect(quiet.output()).toBe('');
    expect(fake.ingested.map((event) => event.insert_id)).toEqual(events.map((event) => event.insert_id));
    expect(existsSync(join(dir, 'drainer.log'))).toBe(false);

    fillSpool(dir, 1);
    const debug = startDrainer({ DR_TELEMETRY_DEBUG: '1' });
    expect(await debug.exited).toBe(0);
    expect(debug.output()).toBe('');
    const log = join(dir, 'drainer.log');
    expect(statSync(log).mode & 0o777).toBe(0o600);
    expect(readFileSync(log, 'utf8')).toMatch(/pass: \{"sent":1,/);
  });

  it('names itself dr-telemetry-drain, and exits 0 at its deadline when the collector never answers', async () => {
    fillSpool(dir, 2);
    await fake.setFault('hang');
    const started = Date.now();
    const drainer = startDrainer({ DR_DRAINER_DEADLINE_MS: '1500' });
    await waitUntil(() => fake.stats.held > 0, 5_000, 'a held request');
    // Read at once from /proc (process.title rewrites the argv it shows), not by starting `ps`,
    // which a loaded machine may run only after the drainer's deadline has ended it.
    const args = readFileSync(`/proc/${drainer.child.pid}/cmdline`, 'utf8');
    expect(args).toContain('dr-telemetry-drain');
    expect(await drainer.exited).toBe(0);
    // Well under the 10 s a held request would take: the deadline ended it, not the timeout.
    expect(Date.now() - started).toBeLessThan(1_500 + 5_000);
    expect(withSpool(dir, (spool) => spool.hasDue())).toBe(true);
  });

  it('delivers over https through an HTTPS_PROXY tunnel, trusting NODE_EXTRA_CA_CERTS', async () => {
    const certs = createTestCertificates();
    const proxy = await startConnectProxy();
    // TLS in front of the fake, the way Amplitude is reached: https, through the proxy.
    const sockets = new Set<net.Socket>();
    const front = tls.createServer({ key: certs.key, cert: certs.cert }, (secure) => {
      const plain = net.connect(Number(new URL(fake.url).port), '127.0.0.1');
      for (const socket of [secure, plain]) {
        sockets.add(socket);
        socket.on('error', () => socket.destroy());
        socket.on('close', () => sockets.delete(socket));
      }
      secure.pipe(plain).pipe(secure);
    });
    front.listen(0, '127.0.0.1');
    await once(front, 'listening');
    const authority = `127.0.0.1:${(front.address() as net.AddressInfo).port}`;
    try {
      const events = fillSpool(dir, 5);
      const drainer = startDrainer({
        DR_TELEMETRY_ENDPOINT: `https://${authority}`,
        HTTPS_PROXY: proxy.url,
        NODE_EXTRA_CA_CERTS: certs.caFile,
      });
      expect(await drainer.exited).toBe(0);
      expect(drainer.output()).toBe('');
      expect(fake.ingested.map((event) => event.insert_id)).toEqual(events.map((event) => event.insert_id));
      expect(proxy.connects.map((connect) => connect.authority)).toEqual([authority]);
    } finally {
      for (const socket of sockets) socket.destroy();
      front.close();
      await proxy.close();
      certs.cleanup();
    }
  });

  it('exits 0 on a refused endpoint setting, logging why', async () => {
    fillSpool(dir, 1);
    const drainer = startDrainer({
      DR_TELEMETRY_ENDPOINT: 'http://collector.example.com',
      DR_TELEMETRY_DEBUG: 'true',
    });
    expect(await drainer.exited).toBe(0);
    expect(drainer.output()).toBe('');
    expect(readFileSync(join(dir, 'drainer.log'), 'utf8')).toContain('TelemetryEndpointError');
    expect(fake.stats.requests).toBe(0);
  });

  it('20 SIGKILLs at random moments lose nothing; every event is ingested once', async () => {
    const seed = Date.now() % 100_000;
    const next = random(seed);
    const events = fillSpool(dir, 2_000);
    fake.setLatency(25);
    for (let kill = 0; kill < 20; kill += 1) {
      events.push(...fillSpool(dir, 10));
      const drainer = startDrainer();
      await new Promise((resolve) => setTimeout(resolve, next() * 400));
      drainer.child.kill('SIGKILL');
      await drainer.exited;
      ageLock();
    }
    const last = startDrainer({ DR_DRAINER_DEADLINE_MS: '20000' });
    expect(await last.exited).toBe(0);
    // Rows leased in the instant between a claim and its in-flight note wait out their lease.
    await drain({
      spoolDir: dir,
      endpoint: fake.url,
      apiKey: API_KEY,
      deadlineMs: 20_000,
      now: () => Date.now() + 61_000,
    });

    const missing = events.filter((event) => !fake.ingestedByInsertId.has(event.insert_id));
    expect(missing.length, `seed ${seed}`).toBe(0);
    expect(fake.ingested.length, `seed ${seed}`).toBe(events.length);
    expect(fake.stats.throttled, `seed ${seed}`).toBe(0);
    expect(withSpool(dir, (spool) => spool.depth().events)).toBe(0);
  }, 60_000);

  it('a SIGKILLed drainer’s lock blocks the next one for a few seconds only', async () => {
    const events = fillSpool(dir, 3);
    await fake.setFault('hang');
    const killed = startDrainer();
    await waitUntil(() => fake.stats.held > 0, 5_000, 'a held request');
    killed.child.kill('SIGKILL');
    await killed.exited;
    await fake.setFault(null);

    const blocked = startDrainer({ DR_TELEMETRY_DEBUG: '1' });
    expect(await blocked.exited).toBe(0);
    expect(readFileSync(join(dir, 'drainer.log'), 'utf8')).toContain('another drainer holds the lock');
    expect(fake.ingested).toHaveLength(0);

    await waitUntil(() => !isDrainerLockHeld(dir), DRAINER_LOCK_STALE_MS + 2_000, 'the lock going stale');
    const taker = startDrainer();
    expect(await taker.exited).toBe(0);
    expect(fake.ingested.map((event) => event.insert_id).sort()).toEqual(
      events.map((event) => event.insert_id).sort(),
    );
  }, 20_000);
});

describe('spawnDrainerIfDue', () => {
  const options = (env: NodeJS.ProcessEnv = {}) => ({
    spoolDir: dir,
    drainerScript: script,
    env: { DR_TELEMETRY_ENDPOINT: fake.url, DR_TELEMETRY_API_KEY: API_KEY, ...env },
  });

  it('skips when nothing is due, asking an open spool or the file', () => {
    expect(spawnDrainerIfDue({ ...options(), spool: { hasDue: () => false } })).toEqual({
      spawned: false,
      reason: 'nothing-due',
    });
    withSpool(dir, () => {});
    expect(spawnDrainerIfDue(options())).toEqual({ spawned: false, reason: 'nothing-due' });
  });

  it('skips while a live drainer holds the lock', () => {
    mkdirSync(drainerLockPath(dir));
    expect(spawnDrainerIfDue({ ...options(), spool: { hasDue: () => true } })).toEqual({
      spawned: false,
      reason: 'drainer-running',
    });
  });

  it('starts a detached drainer with only its own environment, which delivers the events', async ({
    onTestFinished,
  }) => {
    const events = fillSpool(dir, 4);
    const result = spawnDrainerIfDue(
      options({ SECRET_TOKEN: 'do-not-pass', HTTPS_PROXY: '', NO_PROXY: '*' }),
    );
    expect(result.spawned).toBe(true);
    if (!result.spawned) return;
    onTestFinished(() => killQuietly(result.pid));
    // Both read from /proc at once, while the drainer is surely alive: spawn() returns after its
    // exec, and it cannot start Node and deliver within these microseconds. (The process group
    // was asked of `ps`, a process of its own: on a loaded machine the drainer could be done and
    // gone before it ran, which failed this test once.)
    const environ = readFileSync(`/proc/${result.pid}/environ`, 'utf8').split('\0').filter(Boolean);
    const stat = readFileSync(`/proc/${result.pid}/stat`, 'utf8');
    expect(environ.map((entry) => entry.split('=')[0]).sort()).toEqual(
      [
        'DR_DRAINER_VETO',
        'DR_TELEMETRY_API_KEY',
        'DR_TELEMETRY_ENDPOINT',
        'DR_TELEMETRY_SPOOL_DIR',
        'HTTPS_PROXY',
        'MALLOC_ARENA_MAX',
        'NO_PROXY',
      ].sort(),
    );
    // Detached: the leader of its own process group, so a terminal's signals do not reach it.
    // /proc/<pid>/stat: pid (comm) state ppid pgrp …; comm may hold spaces, so read after the ')'.
    const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    expect(pgrp).toBe(result.pid);
    // These events, by insert id: a drainer of an earlier test may still send to the same fake.
    const ingested = () => new Set(fake.ingested.map((event) => event.insert_id));
    await fake.waitFor(() => events.every((event) => ingested().has(event.insert_id)), {
      timeoutMs: 10_000,
    });
  });

  it('runs the script under DRAINER_NODE_FLAGS', async () => {
    // process.title overwrites the drainer's argv, so a stand-in script reports its own.
    const probe = join(dirname(script), 'report-exec-argv.mjs');
    writeFileSync(
      probe,
      "import { renameSync, writeFileSync } from 'node:fs';\n" +
        "const report = process.env.DR_TELEMETRY_SPOOL_DIR + '/exec-argv.json';\n" +
        "writeFileSync(report + '.tmp', JSON.stringify(process.execArgv));\n" +
        "renameSync(report + '.tmp', report);\n",
    );
    const result = spawnDrainerIfDue({ ...options(), drainerScript: probe, spool: { hasDue: () => true } });
    expect(result.spawned).toBe(true);
    const report = join(dir, 'exec-argv.json');
    await waitUntil(() => existsSync(report), 5_000, 'the report');
    expect(JSON.parse(readFileSync(report, 'utf8'))).toEqual(DRAINER_NODE_FLAGS);
  });

  it('never throws: a folder that vanished is a reason, not an error', () => {
    const result = spawnDrainerIfDue({
      ...options(),
      spoolDir: join(dir, 'gone'),
      spool: { hasDue: () => true },
    });
    expect(result).toMatchObject({ spawned: false, reason: 'spawn-failed' });
  });

  it('passes on only the allowlisted variables, and the spool folder', () => {
    const env = childEnv(
      { PATH: '/bin', HOME: '/home/x', NODE_OPTIONS: '--inspect', DR_TELEMETRY_DEBUG: '1' },
      dir,
    );
    expect(env).toEqual({ DR_TELEMETRY_DEBUG: '1', DR_TELEMETRY_SPOOL_DIR: dir, MALLOC_ARENA_MAX: '2' });
    expect(CHILD_ENV_KEYS).not.toContain('NODE_OPTIONS');
  });
});
