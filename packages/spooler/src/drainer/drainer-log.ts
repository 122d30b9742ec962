// The drainer's debug log: `<spoolDir>/drainer.log`, mode 0600, appended line by line, started
// afresh once it passes 1 MiB. Used only under DR_TELEMETRY_DEBUG; the drainer never writes to a
// terminal. Logging never throws: a log that cannot be written is skipped.
import { appendFileSync, chmodSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE } from '@dr/shared';

export const DRAINER_LOG_FILE = 'drainer.log';
const MAX_LOG_BYTES = 1024 * 1024;

/** A `log` function for drain() that appends timestamped lines to the spool folder's log. */
export function openDrainerLog(spoolDir: string): (line: string) => void {
  const file = join(spoolDir, DRAINER_LOG_FILE);
  try {
    if (statSync(file).size > MAX_LOG_BYTES) truncateSync(file, 0);
    chmodSync(file, PRIVATE_FILE_MODE);
  } catch {
    // No log yet: appendFileSync creates it 0600.
  }
  return (line) => {
    try {
      appendFileSync(file, `${new Date().toISOString()} [${process.pid}] ${line}\n`, {
        mode: PRIVATE_FILE_MODE,
      });
    } catch {
      // Nowhere else to say it.
    }
  };
}
