// The drainer that lingers (#14, #18), as the process the CLI starts: it sends what later commands
// enqueue without a new process, exits when its idle window passes, and stops at once, keeping the
// events, when disable, reset or flush ask. Plus the spawn claim and the lock only a folder holds.
import type { ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  claimDrainerSpawn,
  DRAINER_SPAWN_CLAIM_FILE,
  readDrainerState,
  SPAWN_CLAIM_FRESH_MS,
  stopRunningDrainer,
} from '../../src/drainer/drainer-control.ts';
import {
  DRAINER_LOCK_STALE_MS,
  drainerLockPath,
  inspectDrainerLock,
  isDrainerLockHeld,
} from '../../src/drainer/drainer-lock.ts';
import { spawnDrainerIfDue } from '../../src/drainer/spawn-drainer.ts';
import { Spool } from '../../src/spool/spool.ts';
import { dir, fake, script, startDrainer, useDrainerProcesses, waitUntil } from './drainer-processes.ts';
import { API_KEY, fillSpool, withSpool } from './fixtures.ts';

useDrainerProcesses('lingering-test');

const alive = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

describe('the lingering drainer', () => {
  it('sends what comes while it lingers, from one process, then exits when its window passes', async () => {
    const first = fillSpool(dir, 3);
    const drainer = startDrainer({ DR_DRAINER_IDLE_SECONDS: '2' });
    await waitUntil(() => fake.ingested.length === 3, 5_000, 'the first events');
    expect(alive(drainer.child)).toBe(true);
    expect(isDrainerLockHeld(dir)).toBe(true);
    // The state is written once the pass has ended, just after the collector took the events.
    const stateOf = () => withSpool(dir, (spool) => readDrainerState(spool));
    await waitUntil(() => stateOf() !== undefined, 2_000, 'the drainer state');
    const state = stateOf();
    expect(state?.pid).toBe(drainer.child.pid);
    expect(state!.exitsBy).toBeGreaterThan(Date.now());

    // As a command would: its own connection, one INSERT per event, no spawn.
    const later = fillSpool(dir, 2);
    await waitUntil(() => fake.ingested.length === 5, 3_000, 'the later events');
    expect(alive(drainer.child)).toBe(true);
    expect(fake.ingested.map((event) => event.insert_id)).toEqual(
      [...first, ...later].map((event) => event.insert_id),
    );

    const idleFrom = Date.now();
    expect(await drainer.exited).toBe(0);
    expect(Date.now() - idleFrom).toBeGreaterThan(1_000);
    expect(isDrainerLockHeld(dir)).toBe(false);
    expect(withSpool(dir, (spool) => spool.depth().events)).toBe(0);
  }, 15_000);

  it('idle 0: exits once the spool is empty', async () => {
    fillSpool(dir, 2);
    const drainer = startDrainer({ DR_DRAINER_IDLE_SECONDS: '0' });
    expect(await drainer.exited).toBe(0);
    expect(fake.ingested).toHaveLength(2);
  });

  it('stops at once when asked, while idle, and the asker waits for it', async () => {
    fillSpool(dir, 1);
    const drainer = startDrainer({ DR_DRAINER_IDLE_SECONDS: '60' });
    await waitUntil(() => fake.ingested.length === 1, 5_000, 'the event');
    const spool = Spool.open({ dir });
    try {
      expect(await stopRunningDrainer(dir, spool, 3_000)).toBe(true);
    } finally {
      spool.close();
    }
    expect(await drainer.exited).toBe(0);
    expect(isDrainerLockHeld(dir)).toBe(false);
  });

  it('stops in the middle of a request that never ends, keeping its events unsent', async () => {
    await fake.setFault('hang');
    fillSpool(dir, 4);
    const drainer = startDrainer({ DR_DRAINER_IDLE_SECONDS: '60' });
    await waitUntil(() => fake.stats.held > 0, 5_000, 'a held request');
    const spool = Spool.open({ dir });
    try {
      expect(await stopRunningDrainer(dir, spool, 3_000)).toBe(true);
      expect(await drainer.exited).toBe(0);
      await fake.setFault(null);
      expect(spool.depth()).toMatchObject({ events: 4, due: 4 });
    } finally {
      spool.close();
    }
    expect(fake.ingested).toHaveLength(0);
  });

  it('a drainer started after the stop request is not stopped by it', async () => {
    withSpool(dir, () => {});
    const spool = Spool.open({ dir });
    try {
      expect(await stopRunningDrainer(dir, spool, 100)).toBe(true);
    } finally {
      spool.close();
    }
    fillSpool(dir, 2);
    const drainer = startDrainer({ DR_DRAINER_IDLE_SECONDS: '1' });
    await waitUntil(() => fake.ingested.length === 2, 5_000, 'the events');
    expect(await drainer.exited).toBe(0);
  });

  it('a drainer spawned before a stop request, that takes the lock after it, exits unsent', async () => {
    fillSpool(dir, 2);
    const spool = Spool.open({ dir });
    try {
      // The command looked at the spool (stop request 0) ...
      const sawBefore = { hasDue: () => true, getMeta: () => '0' };
      // ... then disable raised the request while no drainer held the lock yet.
      expect(await stopRunningDrainer(dir, spool, 100, { veto: true })).toBe(true);
      const result = spawnDrainerIfDue({
        spoolDir: dir,
        drainerScript: script,
        env: { DR_TELEMETRY_ENDPOINT: fake.url, DR_TELEMETRY_API_KEY: API_KEY, DR_DRAINER_IDLE_SECONDS: '5' },
        spool: sawBefore,
      });
      expect(result.spawned).toBe(true);
      if (!result.spawned) return;
      await waitUntil(() => !pidAlive(result.pid), 5_000, 'the drainer to exit');
      expect(fake.requests).toHaveLength(0);
      expect(spool.depth().events).toBe(2);
    } finally {
      spool.close();
    }
  });
});

/** Whether a process (not a child of ours) still runs. */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
  } catch {
    return false;
  }
}

describe('the spawn claim', () => {
  it('lets one caller of a burst spawn; a stale claim is taken over; the drainer clears it', async () => {
    withSpool(dir, () => {});
    expect(claimDrainerSpawn(dir)).toBe(true);
    expect(claimDrainerSpawn(dir)).toBe(false);
    const claim = join(dir, DRAINER_SPAWN_CLAIM_FILE);
    const old = new Date(Date.now() - SPAWN_CLAIM_FRESH_MS - 1_000);
    utimesSync(claim, old, old);
    expect(claimDrainerSpawn(dir)).toBe(true);
    expect(claimDrainerSpawn(dir)).toBe(false);

    fillSpool(dir, 1);
    rmSync(claim);
    const options = {
      spoolDir: dir,
      drainerScript: script,
      env: { DR_TELEMETRY_ENDPOINT: fake.url, DR_TELEMETRY_API_KEY: API_KEY, DR_DRAINER_IDLE_SECONDS: '0' },
    };
    const results = Array.from({ length: 5 }, () => spawnDrainerIfDue(options));
    expect(results.filter((result) => result.spawned)).toHaveLength(1);
    expect(results.filter((result) => !result.spawned && result.reason === 'drainer-starting')).toHaveLength(
      4,
    );
    await waitUntil(() => fake.ingested.length === 1, 5_000, 'the event');
    await waitUntil(() => !existsSync(claim), 5_000, 'the claim to be cleared');
    for (const result of results) {
      if (result.spawned) await waitUntil(() => !pidAlive(result.pid), 5_000, 'the drainer to exit');
    }
  });

  it('a link planted at the claim is never followed', () => {
    withSpool(dir, () => {});
    const target = join(dir, 'target');
    writeFileSync(target, 'keep');
    symlinkSync(target, join(dir, DRAINER_SPAWN_CLAIM_FILE));
    expect(claimDrainerSpawn(dir)).toBe(true);
    expect(readFileSync(target, 'utf8')).toBe('keep');
  });
});

describe('a foreign object at drainer.lock (#18 item 2)', () => {
  for (const kind of ['file', 'symlink'] as const) {
    it(`a ${kind} there is no lock: commands spawn, the drainer moves it aside and delivers`, async () => {
      const events = fillSpool(dir, 2);
      const lock = drainerLockPath(dir);
      if (kind === 'file') {
        writeFileSync(lock, 'planted');
        const old = new Date(Date.now() - DRAINER_LOCK_STALE_MS - 60_000);
        utimesSync(lock, old, old);
      } else {
        // A fresh target: a check that followed the link would think a drainer runs.
        const target = join(dir, 'fresh-target');
        mkdirSync(target);
        symlinkSync(target, lock);
      }
      expect(inspectDrainerLock(dir)).toMatchObject({ state: 'foreign', kind });
      expect(isDrainerLockHeld(dir)).toBe(false);
      const result = spawnDrainerIfDue({
        spoolDir: dir,
        drainerScript: script,
        env: { DR_TELEMETRY_ENDPOINT: fake.url, DR_TELEMETRY_API_KEY: API_KEY, DR_DRAINER_IDLE_SECONDS: '0' },
      });
      expect(result.spawned).toBe(true);
      await waitUntil(() => fake.ingested.length === 2, 5_000, 'the events');
      expect(fake.ingested.map((event) => event.insert_id)).toEqual(events.map((event) => event.insert_id));
      expect(readdirSync(dir).some((name) => name.startsWith('drainer.lock.foreign-'))).toBe(true);
      if (kind === 'symlink') expect(existsSync(join(dir, 'fresh-target'))).toBe(true);
      if (result.spawned) await waitUntil(() => !pidAlive(result.pid), 5_000, 'the drainer to exit');
    });
  }
});

describe('the lifetime', () => {
  it('a steady stream of events does not keep one drainer past its lifetime; a last pass takes the rest', async () => {
    const { drainAndLinger } = await import('../../src/drainer/lingering-drainer.ts');
    withSpool(dir, () => {});
    let feeding = true;
    const feeder = (async () => {
      while (feeding) {
        fillSpool(dir, 1);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const started = performance.now();
    const summary = await drainAndLinger({
      spoolDir: dir,
      endpoint: fake.url,
      apiKey: API_KEY,
      passDeadlineMs: 5_000,
      idleMs: 60_000,
      maxLifetimeMs: 1_500,
      pollMs: 50,
    });
    const took = performance.now() - started;
    feeding = false;
    await feeder;
    expect(took).toBeLessThan(1_500 + 5_000);
    expect(summary.sent).toBeGreaterThan(0);
    expect(isDrainerLockHeld(dir)).toBe(false);
  }, 15_000);
});
