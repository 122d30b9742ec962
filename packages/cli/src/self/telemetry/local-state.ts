// Read-only looks at telemetry's local files for the `dr self telemetry` commands: where they are,
// and the session file as it is (the spool is opened with @dr/spooler's withExistingSpool).
import { readFileSync } from 'node:fs';
import type { DrPaths } from '@dr/shared';
import { resolvePaths } from '@dr/shared/paths';
import type { CommandIO } from '../../datarobot/command-io.ts';

/** Where this run's files are: the config --config names, the spool, the policy file. */
export function pathsOf(io: CommandIO): DrPaths {
  return resolvePaths({ configFlag: io.configFlag, env: io.env });
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
