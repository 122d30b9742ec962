// The spool's files on disk: a 0700 folder holding spool.db (and SQLite's -wal and -shm) at 0600.
//
// Promises: nothing at those paths is followed unless it is a plain file of ours (a symlink, a
// folder, a hard link is moved aside and a fresh file made); a file found corrupt, or written by
// a newer dr, is moved aside with its -wal. A process that still has the old file open keeps
// writing there until it next opens the spool.
import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ensurePrivateDir, PRIVATE_FILE_MODE, SPOOL_FILE_NAME } from '@dr/shared';

/** Why a file was moved aside; the word appears in its new name (`spool.db.corrupt-<ms>`). */
export type AsideReason = 'corrupt' | 'newer' | 'unsafe';

/** Which file a connection was opened on, so that only that very file is ever moved aside. */
export interface SpoolFileIdentity {
  readonly dev: number;
  readonly ino: number;
}

/** Moved-aside generations kept for a post-mortem; older ones are deleted. */
const ASIDE_KEPT = 3;
const SIDE_FILES = ['-wal', '-shm'] as const;

export function spoolFilePath(dir: string): string {
  return join(dir, SPOOL_FILE_NAME);
}

/**
 * Makes `file` a plain 0600 file owned by this user, creating it (and its 0700 folder) if
 * missing, and returns its identity. Anything else found at the path or at its -wal/-shm paths
 * is moved aside first, never opened.
 */
export function preparePrivateFile(file: string): SpoolFileIdentity {
  ensurePrivateDir(dirname(file));
  if (!isOwnPlainFile(lstatOrUndefined(file))) moveAside(file, 'unsafe');
  for (const suffix of SIDE_FILES) {
    const side = `${file}${suffix}`;
    const stats = lstatOrUndefined(side);
    if (stats === undefined) continue;
    if (isOwnPlainFile(stats)) tightenMode(side, stats);
    else renameSync(side, asideName(side, 'unsafe'));
  }
  // O_NOFOLLOW closes the gap between the lstat above and this open.
  const fd = openSync(
    file,
    constants.O_RDWR | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0),
    PRIVATE_FILE_MODE,
  );
  try {
    const stats = fstatSync(fd);
    if ((stats.mode & 0o777) !== PRIVATE_FILE_MODE) fchmodSync(fd, PRIVATE_FILE_MODE);
    return { dev: stats.dev, ino: stats.ino };
  } finally {
    closeSync(fd);
  }
}

/**
 * Moves `file` and its -wal aside and deletes its -shm, but only if the path still holds the
 * file `identity` names: another process may already have replaced it with a fresh spool.
 * A stale -wal left beside a fresh file would be replayed into it, hence the pair moves together.
 */
export function moveAsideIfUnchanged(file: string, identity: SpoolFileIdentity, reason: AsideReason): void {
  const stats = lstatOrUndefined(file);
  if (stats === undefined || stats.dev !== identity.dev || stats.ino !== identity.ino) return;
  moveAside(file, reason);
}

function moveAside(file: string, reason: AsideReason): void {
  const target = asideName(file, reason);
  if (lstatOrUndefined(file) !== undefined) renameSync(file, target);
  if (lstatOrUndefined(`${file}-wal`) !== undefined) renameSync(`${file}-wal`, `${target}-wal`);
  rmSync(`${file}-shm`, { force: true });
  deleteOldAsideFiles(file);
}

function asideName(file: string, reason: AsideReason): string {
  const stamp = Date.now();
  for (let attempt = 0; ; attempt += 1) {
    const name = `${file}.${reason}-${stamp}${attempt === 0 ? '' : `.${attempt}`}`;
    if (lstatOrUndefined(name) === undefined) return name;
  }
}

function deleteOldAsideFiles(file: string): void {
  const prefix = `${basename(file)}.`;
  const pattern = /^(?:corrupt|newer|unsafe)-\d+(?:\.\d+)?$/;
  const generations = readdirSync(dirname(file))
    .filter((name) => name.startsWith(prefix) && pattern.test(name.slice(prefix.length)))
    .map((name) => ({ name, stamp: Number(/-(\d+)/.exec(name.slice(prefix.length))?.[1]) }))
    .sort((a, b) => b.stamp - a.stamp || b.name.localeCompare(a.name));
  for (const { name } of generations.slice(ASIDE_KEPT)) {
    // Never recursive: a folder once planted at the spool path is left for a human to look at.
    for (const path of [name, `${name}-wal`]) {
      try {
        rmSync(join(dirname(file), path), { force: true });
      } catch {
        // Best effort only.
      }
    }
  }
}

/** `spool.db.corrupt-<ms>`, `spool.db-wal.unsafe-<ms>.1`, … and the -wal moved along with one. */
const SET_ASIDE_NAME = /^spool\.db(?:-wal|-shm)?\.(?:corrupt|newer|unsafe)-\d+(?:\.\d+)?(?:-wal)?$/;

/**
 * Deletes every file moved aside in `dir` (they may hold events: `dr self telemetry reset`
 * forgets them too) and returns how many went. A folder planted at the spool path and moved
 * aside is left for a human to look at, and a symlink is removed, never followed.
 */
export function removeSetAsideFiles(dir: string): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names.filter((entry) => SET_ASIDE_NAME.test(entry))) {
    const path = join(dir, name);
    const stats = lstatOrUndefined(path);
    if (stats === undefined || stats.isDirectory()) continue;
    rmSync(path, { force: true });
    removed += 1;
  }
  return removed;
}

function isOwnPlainFile(stats: Stats | undefined): boolean {
  if (stats === undefined) return true;
  // root may keep using a user's spool (sudo with HOME kept); SQLite hands its side files back.
  const uid = process.getuid?.();
  return stats.isFile() && stats.nlink === 1 && (uid === undefined || uid === 0 || stats.uid === uid);
}

function tightenMode(file: string, stats: Stats): void {
  if ((stats.mode & 0o777) !== PRIVATE_FILE_MODE) chmodSync(file, PRIVATE_FILE_MODE);
}

function lstatOrUndefined(file: string): Stats | undefined {
  try {
    return lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
