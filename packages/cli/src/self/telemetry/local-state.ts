// Read-only looks at telemetry's local files for the `dr self telemetry` commands: the spool is
// opened only if it already exists (looking never creates it), the session file is read as is.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type DrPaths, SPOOL_FILE_NAME } from '@dr/shared';
import { resolvePaths } from '@dr/shared/paths';
import { openSpoolSafely, type Spool } from '@dr/spooler';
import type { CommandIO } from '../../datarobot/command-io.ts';

/** Where this run's files are: the config --config names, the spool, the policy file. */
export function pathsOf(io: CommandIO): DrPaths {
  return resolvePaths({ configFlag: io.configFlag, env: io.env });
}

/**
 * Runs `use` on the spool if one exists (awaiting it, so the spool stays open while it waits);
 * undefined when there is none or it cannot be opened.
 */
export async function withExistingSpool<T>(
  spoolDir: string,
  use: (spool: Spool) => T | Promise<T>,
): Promise<T | undefined> {
  if (!existsSync(join(spoolDir, SPOOL_FILE_NAME))) return undefined;
  const spool = openSpoolSafely({ dir: spoolDir });
  if (spool === undefined) return undefined;
  try {
    return await use(spool);
  } finally {
    spool.close();
  }
}

export interface SessionInfo {
  readonly sessionId: number;
  readonly lastSeen: number;
}

export function readSessionInfo(sessionFile: string): SessionInfo | undefined {
  try {
    const parsed = JSON.parse(readFileSync(sessionFile, 'utf8')) as {
      session_id?: unknown;
      last_seen?: unknown;
    };
    if (typeof parsed.session_id !== 'number' || typeof parsed.last_seen !== 'number') return undefined;
    return { sessionId: parsed.session_id, lastSeen: parsed.last_seen };
  } catch {
    return undefined;
  }
}

export function isoOrNull(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString();
}
