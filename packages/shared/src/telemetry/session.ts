// Sessions that span invocations: runs less than 30 minutes apart share a session_id (the start
// time of the first, in ms), so Amplitude can show a user's journey across commands.
//
// State is a tiny JSON file `{session_id, last_seen}` replaced by atomic rename, without a lock:
// two processes racing may each start a session in the same instant, and the last writer's
// session is the one that continues. That costs one split journey, never a wrong event.
// A missing, unreadable or corrupt file, or a clock that went backwards, starts a new session.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../fs/private-files.ts';

/** Runs further apart than this start a new session. */
export const SESSION_IDLE_MS = 30 * 60 * 1000;

/**
 * `last_seen` is rewritten only when it is at least this old (or the session is new): most
 * commands then cost one small read and no fsync, and a session may end up to this much
 * earlier than SESSION_IDLE_MS after the last run.
 */
export const SESSION_TOUCH_INTERVAL_MS = 60 * 1000;

interface SessionState {
  session_id: number;
  last_seen: number;
}

/**
 * Returns the session id for a run starting at `now` (ms since the epoch), continuing the
 * session in `stateFile` when its last run was less than SESSION_IDLE_MS ago, and records the
 * run. Never throws: a state file that cannot be written only means the next run starts anew.
 */
export function resolveSession(stateFile: string, now: number): number {
  const state = readState(stateFile);
  const gap = state === undefined ? -1 : now - state.last_seen;
  const continues = state !== undefined && gap >= 0 && gap < SESSION_IDLE_MS;
  const sessionId = continues ? state.session_id : now;
  if (!continues || gap >= SESSION_TOUCH_INTERVAL_MS) {
    try {
      writeFileAtomic(
        stateFile,
        JSON.stringify({ session_id: sessionId, last_seen: now } satisfies SessionState),
        // Losing the session file in a crash only starts a new session: no fsync on the hot path.
        { durable: false },
      );
    } catch {
      // Telemetry never fails a command; the next run starts a new session instead.
    }
  }
  return sessionId;
}

function readState(stateFile: string): SessionState | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(stateFile, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { session_id, last_seen } = parsed as Record<string, unknown>;
  if (!Number.isSafeInteger(session_id) || !Number.isSafeInteger(last_seen)) return undefined;
  // A session cannot start after it was last seen, nor before 2001: such a file is corrupt.
  if ((session_id as number) < 1e12 || (session_id as number) > (last_seen as number)) return undefined;
  return { session_id: session_id as number, last_seen: last_seen as number };
}
