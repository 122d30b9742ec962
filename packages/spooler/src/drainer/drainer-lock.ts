// The one-drainer-at-a-time lock: a proper-lockfile lock at `<spoolDir>/drainer.lock`, kept fresh
// every second and stale after 5 s, so a drainer killed with SIGKILL blocks the next one for a few
// seconds only. The check the CLI runs at exit (isDrainerLockHeld) reads the lock the way
// proper-lockfile's own check does, with one stat and without loading proper-lockfile (about 8 ms).
import { statSync } from 'node:fs';
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

/**
 * Takes the lock, or resolves undefined at once if a live drainer holds it. `onLost` runs if the
 * lock is lost while held (it could not be kept fresh, or another drainer took it over).
 */
export async function acquireDrainerLock(
  spoolDir: string,
  onLost: (error: Error) => void,
): Promise<ReleaseDrainerLock | undefined> {
  const { default: lockfile } = await import('proper-lockfile');
  let lost = false;
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(spoolDir, {
      lockfilePath: drainerLockPath(spoolDir),
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

/** True while a live drainer holds the lock: proper-lockfile's `checkSync` rule, in one stat. */
export function isDrainerLockHeld(spoolDir: string, now: number = Date.now()): boolean {
  try {
    return statSync(drainerLockPath(spoolDir)).mtimeMs >= now - DRAINER_LOCK_STALE_MS;
  } catch {
    return false;
  }
}
