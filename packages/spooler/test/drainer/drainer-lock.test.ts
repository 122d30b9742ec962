// The drainer lock: one holder at a time, stale after a few seconds, and the CLI's one-stat check
// agreeing with proper-lockfile's own.
import { mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  acquireDrainerLock,
  DRAINER_LOCK_STALE_MS,
  drainerLockPath,
  isDrainerLockHeld,
} from '../../src/drainer/drainer-lock.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dr-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const properCheck = () =>
  lockfile.checkSync(dir, {
    lockfilePath: drainerLockPath(dir),
    realpath: false,
    stale: DRAINER_LOCK_STALE_MS,
  });

describe('drainer lock', () => {
  it('admits one holder; a second gets undefined at once; release frees it', async () => {
    const release = await acquireDrainerLock(dir, () => {});
    expect(release).toBeTypeOf('function');
    expect(await acquireDrainerLock(dir, () => {})).toBeUndefined();
    expect(isDrainerLockHeld(dir)).toBe(true);
    expect(properCheck()).toBe(true);
    await release!();
    expect(isDrainerLockHeld(dir)).toBe(false);
    expect(properCheck()).toBe(false);
    const again = await acquireDrainerLock(dir, () => {});
    expect(again).toBeTypeOf('function');
    await again!();
  });

  it('takes over a lock left by a dead drainer once it is stale, and the check agrees', async () => {
    mkdirSync(drainerLockPath(dir));
    expect(isDrainerLockHeld(dir)).toBe(true);
    expect(await acquireDrainerLock(dir, () => {})).toBeUndefined();
    const past = new Date(Date.now() - DRAINER_LOCK_STALE_MS - 1_000);
    utimesSync(drainerLockPath(dir), past, past);
    expect(isDrainerLockHeld(dir)).toBe(false);
    expect(properCheck()).toBe(false);
    const release = await acquireDrainerLock(dir, () => {});
    expect(release).toBeTypeOf('function');
    expect(isDrainerLockHeld(dir)).toBe(true);
    await release!();
  });

  it('no lock file is not held', () => {
    expect(isDrainerLockHeld(join(dir, 'missing'))).toBe(false);
  });
});
