// Private files: every folder dr creates is 0700 and every file 0600, and a file is replaced
// atomically (write a temp file beside it, fsync, rename), so a reader never sees half a file
// and a crash leaves either the old content or the new one.
import {
  chmodSync,
  closeSync,
  fchownSync,
  fsyncSync,
  mkdir,
  mkdirSync,
  openSync,
  realpath,
  renameSync,
  rmdir,
  rmdirSync,
  rmSync,
  stat,
  utimes,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates `dir` (and missing parents) with mode 0700. An existing folder keeps its mode. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * The file system to hand proper-lockfile (its `fs` option): its lock is a folder made with
 * mkdir, which would otherwise get the umask's mode (0755, or 0777 under umask 000). The calls
 * listed are all proper-lockfile makes.
 */
export const PRIVATE_LOCK_FS = {
  mkdir: (path: string, callback: (error: NodeJS.ErrnoException | null) => void) =>
    mkdir(path, { mode: PRIVATE_DIR_MODE }, (error) => callback(error)),
  realpath,
  rmdir,
  rmdirSync,
  stat,
  utimes,
} as const;

export interface AtomicWriteOptions {
  /**
   * fsync before the rename (default true), so a power cut leaves the old or the new content.
   * State that may be lost in a crash (the session file) skips it: it costs a disk flush.
   */
  readonly durable?: boolean;
  /**
   * The new file's mode (default 0600). For a file of the user's own that dr edits in place
   * (a shell start-up file), pass the mode it had, so the edit keeps it.
   */
  readonly mode?: number;
  /**
   * The new file's owner: the one the replaced file had, so that root editing a user's file
   * (`sudo dr ...`) does not leave it root's. Ignored on Windows.
   */
  readonly owner?: { readonly uid: number; readonly gid: number };
}

let tempCounter = 0;

/** Replaces `file` with `content` atomically, mode 0600 (or `mode`), creating its folder 0700 if needed. */
export function writeFileAtomic(
  file: string,
  content: string | Uint8Array,
  options: AtomicWriteOptions = {},
): void {
  ensurePrivateDir(dirname(file));
  // Unique to this process and moment (no random bytes: node:crypto costs milliseconds to load).
  const temp = `${file}.${process.pid}.${(tempCounter++).toString(36)}${process.hrtime.bigint().toString(36)}.tmp`;
  // 'wx' refuses to follow or reuse anything already planted at the temp path.
  const mode = options.mode ?? PRIVATE_FILE_MODE;
  const fd = openSync(temp, 'wx', mode);
  try {
    writeSync(fd, typeof content === 'string' ? Buffer.from(content) : content);
    if (options.owner !== undefined && process.platform !== 'win32') {
      fchownSync(fd, options.owner.uid, options.owner.gid);
    }
    if (options.durable !== false) fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    chmodSync(temp, mode);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
