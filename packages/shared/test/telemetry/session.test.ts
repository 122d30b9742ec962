import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveSession, SESSION_IDLE_MS, SESSION_TOUCH_INTERVAL_MS } from '../../src/telemetry/session.ts';

const T0 = 1_700_000_000_000;
const MINUTE = 60_000;

let dir: string;
let stateFile: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dr-session-'));
  stateFile = join(dir, 'telemetry', 'session.json');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function state(): unknown {
  return JSON.parse(readFileSync(stateFile, 'utf8'));
}

describe('resolveSession', () => {
  it('starts a session at the first run and records it in a private file', () => {
    expect(resolveSession(stateFile, T0)).toBe(T0);
    expect(state()).toEqual({ session_id: T0, last_seen: T0 });
    if (process.platform !== 'win32') expect(statSync(stateFile).mode & 0o777).toBe(0o600);
  });

  it('keeps the session while runs are less than 30 minutes apart', () => {
    resolveSession(stateFile, T0);
    expect(resolveSession(stateFile, T0 + 29 * MINUTE)).toBe(T0);
    expect(resolveSession(stateFile, T0 + 58 * MINUTE)).toBe(T0);
    expect(resolveSession(stateFile, T0 + 87 * MINUTE)).toBe(T0);
    expect(state()).toEqual({ session_id: T0, last_seen: T0 + 87 * MINUTE });
  });

  it('starts a new session after 30 minutes without a run', () => {
    resolveSession(stateFile, T0);
    expect(resolveSession(stateFile, T0 + SESSION_IDLE_MS - 1)).toBe(T0);
    const later = T0 + SESSION_IDLE_MS - 1 + SESSION_IDLE_MS;
    expect(resolveSession(stateFile, later)).toBe(later);
    expect(state()).toEqual({ session_id: later, last_seen: later });
  });

  it('treats a gap of exactly 30 minutes as a new session', () => {
    resolveSession(stateFile, T0);
    expect(resolveSession(stateFile, T0 + SESSION_IDLE_MS)).toBe(T0 + SESSION_IDLE_MS);
  });

  it('does not rewrite the file for runs in quick succession, and never loses the session for them', () => {
    resolveSession(stateFile, T0);
    expect(resolveSession(stateFile, T0 + 10_000)).toBe(T0);
    expect(state()).toEqual({ session_id: T0, last_seen: T0 });
    expect(resolveSession(stateFile, T0 + SESSION_TOUCH_INTERVAL_MS)).toBe(T0);
    expect(state()).toEqual({ session_id: T0, last_seen: T0 + SESSION_TOUCH_INTERVAL_MS });
    // A run every 59 s for three hours stays one session.
    for (let now = T0; now < T0 + 180 * MINUTE; now += 59_000) {
      expect(resolveSession(stateFile, now)).toBe(T0);
    }
  });

  it('starts a new session when the clock went backwards', () => {
    resolveSession(stateFile, T0);
    expect(resolveSession(stateFile, T0 - 1)).toBe(T0 - 1);
    expect(state()).toEqual({ session_id: T0 - 1, last_seen: T0 - 1 });
  });

  it.each([
    ['not JSON', 'garbage{'],
    ['empty', ''],
    ['null', 'null'],
    ['an array', '[1, 2]'],
    ['an empty object', '{}'],
    ['strings', '{"session_id": "1700000000000", "last_seen": "1700000000000"}'],
    ['fractions', `{"session_id": ${T0 + 0.5}, "last_seen": ${T0 + 0.5}}`],
    ['a session that starts after it was last seen', `{"session_id": ${T0}, "last_seen": ${T0 - 5}}`],
    ['a session id in seconds', `{"session_id": ${T0 / 1000}, "last_seen": ${T0}}`],
    ['a negative session id', `{"session_id": -1, "last_seen": ${T0}}`],
  ])('starts a new session over a corrupt state file (%s) and repairs it', (_name, content) => {
    mkdirSync(join(dir, 'telemetry'), { recursive: true });
    writeFileSync(stateFile, content);
    expect(resolveSession(stateFile, T0 + MINUTE)).toBe(T0 + MINUTE);
    expect(state()).toEqual({ session_id: T0 + MINUTE, last_seen: T0 + MINUTE });
  });

  it('still answers when the state file cannot be written', () => {
    writeFileSync(join(dir, 'telemetry'), 'a file where the folder should be');
    expect(resolveSession(stateFile, T0)).toBe(T0);
    expect(resolveSession(stateFile, T0 + MINUTE)).toBe(T0 + MINUTE);
  });
});
