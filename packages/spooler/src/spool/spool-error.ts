// The one error type the spool throws, with a stable `code` the CLI can switch on (and swallow:
// recording never fails a command). Every SQLite or file-system failure is translated here; a full
// disk reaching us as SQLITE_IOERR_* (no errno exposed) is told by the folder's free space.
import { statfsSync } from 'node:fs';
import { DrError } from '@dr/shared';

export type SpoolErrorCode =
  /** Another process held the write lock past the busy timeout. Try again later. */
  | 'SPOOL_BUSY'
  /** The folder, the file or the file system is read-only or not ours to write. */
  | 'SPOOL_NOT_WRITABLE'
  /** The disk (or the quota) is full. */
  | 'SPOOL_DISK_FULL'
  /** The file stayed unreadable even after being moved aside and recreated. */
  | 'SPOOL_CORRUPT'
  /** The operating system reported an input/output error, or the file could not be opened. */
  | 'SPOOL_IO'
  /** The spool was used after `close()`. */
  | 'SPOOL_CLOSED'
  /** Anything else (a bug, an event that cannot be serialised). */
  | 'SPOOL_FAILED';

export class SpoolError extends DrError {
  declare readonly code: SpoolErrorCode;

  constructor(code: SpoolErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
    this.name = 'SpoolError';
  }
}

const ADVICE: Record<SpoolErrorCode, string> = {
  SPOOL_BUSY: 'the telemetry spool is busy; the event was not recorded',
  SPOOL_NOT_WRITABLE: 'the telemetry spool is not writable; check the permissions of its folder',
  SPOOL_DISK_FULL: 'the disk holding the telemetry spool is full; free some space',
  SPOOL_CORRUPT: 'the telemetry spool is unreadable; run `dr self telemetry reset`',
  SPOOL_IO: 'the telemetry spool could not be read or written; check its folder and disk',
  SPOOL_CLOSED: 'the telemetry spool was used after it was closed',
  SPOOL_FAILED: 'the telemetry spool failed',
};

/** A file system's free space, as fs.statfsSync reports it (injectable for tests). */
export type FreeSpaceProbe = (path: string) => { bavail: number; bsize: number };

/** Where the error happened, to tell a full disk from another I/O error. */
export interface SpoolErrorContext {
  /** The spool's folder. */
  readonly dir: string;
  /** Default fs.statfsSync. */
  readonly statfs?: FreeSpaceProbe;
}

/**
 * Under this many free bytes an SQLite write fails for want of room: a commit appends a WAL
 * frame (a 4 KiB page and a header) per page it changes, and the -shm index grows by 32 KiB.
 */
export const NEARLY_FULL_BYTES = 64 * 1024;

/**
 * Translates anything thrown by better-sqlite3 or node:fs into a SpoolError (kept as `cause`).
 * With `context`, an SQLite I/O error on a file system that is (nearly) full is SPOOL_DISK_FULL.
 */
export function toSpoolError(error: unknown, context?: SpoolErrorContext): SpoolError {
  if (error instanceof SpoolError) return error;
  let code = spoolErrorCode(error);
  if (code === 'SPOOL_IO' && context !== undefined && codeOf(error).startsWith('SQLITE_IOERR')) {
    if (isNearlyFull(context)) code = 'SPOOL_DISK_FULL';
  }
  const detail = error instanceof Error ? ` (${error.message})` : '';
  return new SpoolError(code, `${capitalise(ADVICE[code])}${detail}.`, { cause: error });
}

/** True when the file system holding `dir` has less than NEARLY_FULL_BYTES free for us. */
function isNearlyFull({ dir, statfs = statfsSync }: SpoolErrorContext): boolean {
  try {
    const { bavail, bsize } = statfs(dir);
    return bavail === 0 || bavail * bsize < NEARLY_FULL_BYTES;
  } catch {
    // The folder is gone or cannot be examined: nothing says the disk is full.
    return false;
  }
}

/** True for the SQLite answers that mean the file is not a (sound) SQLite database. */
export function isCorruption(error: unknown): boolean {
  const code = codeOf(error);
  return code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB');
}

function spoolErrorCode(error: unknown): SpoolErrorCode {
  const code = codeOf(error);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'SPOOL_BUSY';
  if (
    code.startsWith('SQLITE_READONLY') ||
    code.startsWith('SQLITE_PERM') ||
    code.startsWith('SQLITE_AUTH')
  ) {
    return 'SPOOL_NOT_WRITABLE';
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'SPOOL_NOT_WRITABLE';
  if (code.startsWith('SQLITE_FULL') || code === 'ENOSPC' || code === 'EDQUOT') return 'SPOOL_DISK_FULL';
  if (isCorruption(error)) return 'SPOOL_CORRUPT';
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN') || /^E[A-Z]+$/.test(code)) {
    return 'SPOOL_IO';
  }
  return 'SPOOL_FAILED';
}

function codeOf(error: unknown): string {
  if (typeof error !== 'object' || error === null || !('code' in error)) return '';
  return typeof error.code === 'string' ? error.code : '';
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
