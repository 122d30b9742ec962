// How commands and the lingering drainer coordinate without a lock dance, through a claim file and
// the spool's meta.
//
// - the spawn claim (`drainer.spawned`, made with O_EXCL): one command of a burst spawns, the
//   rest see a fresh claim and do not; the drainer removes it once it holds the lock;
// - the stop request (a counter in the spool's meta): disable, reset and flush raise it, a
//   drainer that started under an older value stops sending and exits, and they wait for that;
// - the veto (another counter, raised by disable only): a drainer whose command began before
//   it exits unsent, so events recorded before a disable are never sent after it;
// - the drainer's state (meta): its pid and when it will exit if nothing more comes, for status.
import { closeSync, constants, lstatSync, openSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE } from '@dr/shared';
import type { Spool } from '../spool/spool.ts';
import { isDrainerLockHeld } from './drainer-lock.ts';

export const DRAINER_SPAWN_CLAIM_FILE = 'drainer.spawned';
/** A claim younger than this means a drainer is starting: no other command spawns one. */
export const SPAWN_CLAIM_FRESH_MS = 10_000;
export const DRAINER_STOP_META_KEY = 'drainer_stop';
export const DRAINER_STATE_META_KEY = 'drainer_state';
export const DRAINER_VETO_META_KEY = 'drainer_veto';
/** The veto the spawning command saw when it began recording, passed to the drainer it starts. */
export const VETO_ENV = 'DR_DRAINER_VETO';

export interface DrainerState {
  readonly pid: number;
  /** When it exits if no event comes meanwhile (ms since the epoch). */
  readonly exitsBy: number;
}

/**
 * True when this process may spawn the drainer: it made the claim, or took over a stale one.
 * False while another command's claim is fresh. Never follows a link planted at the path.
 */
export function claimDrainerSpawn(spoolDir: string, now: number = Date.now()): boolean {
  const path = join(spoolDir, DRAINER_SPAWN_CLAIM_FILE);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
      closeSync(openSync(path, flags, PRIVATE_FILE_MODE));
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return true;
    }
    try {
      const stats = lstatSync(path);
      if (stats.isFile() && stats.mtimeMs >= now - SPAWN_CLAIM_FRESH_MS && stats.mtimeMs <= now + 1_000) {
        return false;
      }
      unlinkSync(path);
    } catch {
      // Gone meanwhile (the drainer took the lock), or not removable: try once more, then spawn.
    }
  }
  return true;
}

/** The drainer holds the lock: the claim has done its job. */
export function clearDrainerSpawnClaim(spoolDir: string): void {
  try {
    unlinkSync(join(spoolDir, DRAINER_SPAWN_CLAIM_FILE));
  } catch {
    // Absent already.
  }
}

/** The current veto; a command reads it when it begins recording. */
export function drainerVeto(spool: Spool): string {
  return spool.getMeta(DRAINER_VETO_META_KEY) ?? '0';
}

/** The current stop request; a drainer remembers it when it starts. */
export function drainerStopRequest(spool: Spool): string {
  return spool.getMeta(DRAINER_STOP_META_KEY) ?? '0';
}

/**
 * Tells a running drainer to stop sending and exit, and waits (up to `timeoutMs`) until none
 * holds the lock. True when no drainer runs any more. A request in flight is aborted, its events
 * kept; one the collector already received cannot be recalled. `veto` (disable): drainers that
 * commands running now will spawn exit unsent too.
 */
export async function stopRunningDrainer(
  spoolDir: string,
  spool: Spool,
  timeoutMs = 5_000,
  { veto = false }: { readonly veto?: boolean } = {},
): Promise<boolean> {
  if (veto) spool.setMeta(DRAINER_VETO_META_KEY, String(Number(drainerVeto(spool)) + 1 || 1));
  spool.setMeta(DRAINER_STOP_META_KEY, String(Number(drainerStopRequest(spool)) + 1 || 1));
  const deadline = Date.now() + timeoutMs;
  while (isDrainerLockHeld(spoolDir)) {
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

export function readDrainerState(spool: Spool): DrainerState | undefined {
  try {
    const parsed = JSON.parse(spool.getMeta(DRAINER_STATE_META_KEY) ?? '') as Partial<DrainerState>;
    return Number.isSafeInteger(parsed.pid) && Number.isFinite(parsed.exitsBy)
      ? { pid: parsed.pid!, exitsBy: parsed.exitsBy! }
      : undefined;
  } catch {
    return undefined;
  }
}
