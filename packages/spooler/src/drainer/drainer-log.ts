// The drainer's debug log: `<spoolDir>/drainer.log`, mode 0600, appended line by line, started
// afresh once it passes 1 MiB. Used only under DR_TELEMETRY_DEBUG; the drainer never writes to a
// terminal. Logging never throws: a log that cannot be written is skipped.
import { closeSync, constants, fchmodSync, fstatSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE } from '@dr/shared';

export const DRAINER_LOG_FILE = 'drainer.log';
const MAX_LOG_BYTES = 1024 * 1024;

/**
 * A `log` function for drain() that appends timestamped lines to the spool folder's log. The
 * file is opened once, never through a symlink (O_NOFOLLOW) and only if it is a plain file with
 * one name, and every change (mode, size) is made on that descriptor: a link or file planted at
 * the log's path is never written, truncated or chmod'ed.
 */
export function openDrainerLog(spoolDir: string): (line: string) => void {
  const fd = openLogFile(join(spoolDir, DRAINER_LOG_FILE));
  if (fd === undefined) return () => {};
  let closed = false;
  process.once('exit', () => {
    closed = true;
    closeSync(fd);
  });
  return (line) => {
    if (closed) return;
    try {
      writeSync(fd, `${new Date().toISOString()} [${process.pid}] ${line}\n`);
    } catch {
      // Nowhere else to say it.
    }
  };
}

function openLogFile(file: string): number | undefined {
  let fd: number;
  try {
    const flags =
      constants.O_WRONLY |
      constants.O_APPEND |
      constants.O_CREAT |
      (constants.O_NOFOLLOW ?? 0) |
      // A FIFO planted here must not block the open (it is then refused as not a plain file).
      (constants.O_NONBLOCK ?? 0);
    fd = openSync(file, flags, PRIVATE_FILE_MODE);
  } catch {
    return undefined;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.nlink !== 1) {
      closeSync(fd);
      return undefined;
    }
    fchmodSync(fd, PRIVATE_FILE_MODE);
    if (stats.size > MAX_LOG_BYTES) ftruncateSync(fd, 0);
    return fd;
  } catch {
    closeSync(fd);
    return undefined;
  }
}
