// The one-drainer-at-a-time lock: a proper-lockfile folder `<spoolDir>/drainer.lock`, refreshed
// every second and stale after 5 s (a SIGKILLed drainer blocks the next for seconds only). Only a
// folder is a lock: the CLI's lstat never follows a link; anything else is moved aside first.
import { lstatSync, renameSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_LOCK_FS } from '@dr/shared';

export const DRAINER_LOCK_FILE = 'drainer.lock';
/** A lock whose mtime is older than this belongs to a dead drainer and may be taken over. */
export const DRAINER_LOCK_STALE_MS = 5_000;
export const DRAINER_LOCK_UPDATE_MS = 1_000;

export function drainerLockPath(spoolDir: string): string {
  return join(spoolDir, DRAINER_LOCK_FILE);
}

/** Releases the lock; resolves even if the lock was lost meanwhile. */
export type ReleaseDrainerLock = () => Promise<void>;

/** What stands at the lock's path: nothing, a live drainer's lock, a dead one's, or not a lock. */
export type DrainerLockState =
  | { readonly state: 'free' | 'held' | 'stale' }
  | { readonly state: 'foreign'; readonly kind: 'file' | 'symlink' | 'other'; readonly path: string };

/**
 * Takes the lock, or resolves undefined at once if a live drainer holds it. `onLost` runs if the
 * lock is lost while held (it could not be kept fresh, or another drainer took it over). Throws
 * if something that is not a lock stands at the path and cannot be moved aside.
 */
export async function acquireDrainerLock(
  spoolDir: string,
  onLost: (error: Error) => void,
): Promise<ReleaseDrainerLock | undefined> {
  const lockPath = drainerLockPath(spoolDir);
  const found = inspectDrainerLock(spoolDir);
  if (found.state === 'foreign') renameSync(lockPath, `${lockPath}.foreign-${Date.now()}`);
  const { default: lockfile } = await import('proper-lockfile');
  let lost = false;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(spoolDir, {
      lockfilePath: lockPath,
      // The lock is a folder: made 0700 whatever the umask, like everything in the spool folder.
      fs: PRIVATE_LOCK_FS,
      realpath: false,
      stale: DRAINER_LOCK_STALE_MS,
      update: DRAINER_LOCK_UPDATE_MS,
      retries: 0,
      onCompromised: (error) => {
        lost = true;
        onLost(error);
      },
    });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ELOCKED') return undefined;
    throw error;
  }
  return async () => {
    if (lost) return;
    await release().catch(() => undefined);
  };
}

/** True while a live drainer holds the lock: proper-lockfile's `checkSync` rule, in one lstat. */
export function isDrainerLockHeld(spoolDir: string, now: number = Date.now()): boolean {
  return lockStateOf(lstatOrUndefined(drainerLockPath(spoolDir)), now) === 'held';
}

/** The lock's state for `status` and `flush`, which say what to do about a foreign object. */
export function inspectDrainerLock(spoolDir: string, now: number = Date.now()): DrainerLockState {
  const path = drainerLockPath(spoolDir);
  const stats = lstatOrUndefined(path);
  const state = lockStateOf(stats, now);
  if (state !== 'foreign') return { state };
  return { state, kind: stats!.isSymbolicLink() ? 'symlink' : stats!.isFile() ? 'file' : 'other', path };
}

function lockStateOf(stats: Stats | undefined, now: number): DrainerLockState['state'] {
  if (stats === undefined) return 'free';
  if (!stats.isDirectory()) return 'foreign';
  return stats.mtimeMs >= now - DRAINER_LOCK_STALE_MS ? 'held' : 'stale';
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
