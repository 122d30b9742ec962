// The spool's schema, versioned with SQLite's `user_version`, and its forward migrations, each run
// in one IMMEDIATE transaction so concurrent openers apply it once. A file of a version this code
// does not know (a newer dr's) is never migrated nor written to: the caller moves it aside.
import type Database from 'better-sqlite3';
import { keptForProcess, pragma, pragmaValue } from './native-objects.ts';

export const SPOOL_SCHEMA_VERSION = 1;

/** `MIGRATIONS[n]` takes a file from version n to n + 1. Append only; never edit a shipped one. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE events (
    -- AUTOINCREMENT: an id is never reused, so a late acknowledge cannot delete a newer row.
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    insert_id TEXT NOT NULL UNIQUE,
    device_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    json TEXT NOT NULL
  );
  -- No index on created_at: the spool keeps created_at non-decreasing in id order (see spool.ts),
  -- so the oldest row by id is the oldest by time, and one index fewer is written per INSERT.
  CREATE INDEX events_by_next_attempt ON events (next_attempt_at);

  -- Running totals kept by triggers, so the bounds are checked without counting rows.
  CREATE TABLE totals (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    events INTEGER NOT NULL,
    bytes INTEGER NOT NULL
  );
  INSERT INTO totals (singleton, events, bytes) VALUES (1, 0, 0);
  CREATE TRIGGER events_counted_in AFTER INSERT ON events BEGIN
    UPDATE totals SET events = events + 1, bytes = bytes + NEW.bytes WHERE singleton = 1;
  END;
  CREATE TRIGGER events_counted_out AFTER DELETE ON events BEGIN
    UPDATE totals SET events = events - 1, bytes = bytes - OLD.bytes WHERE singleton = 1;
  END;

  CREATE TABLE dropped (reason TEXT PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  `,
];

/** Thrown when the file cannot be used as a spool at all; the caller moves it aside. */
export class UnusableSpoolFile extends Error {
  constructor(readonly reason: 'corrupt' | 'newer') {
    super(reason === 'newer' ? 'the spool was written by a newer dr' : 'the file is not a dr spool');
    this.name = 'UnusableSpoolFile';
  }
}

/**
 * Brings the open database to SPOOL_SCHEMA_VERSION. `firstId` seeds the id sequence of a new
 * file: ids of a fresh spool then never collide with ids a drainer took from a file that was
 * moved aside.
 */
export function migrateSpoolSchema(db: Database.Database, firstId: number): void {
  if (schemaVersion(db) === SPOOL_SCHEMA_VERSION) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    const from = schemaVersion(db);
    if (from > SPOOL_SCHEMA_VERSION) throw new UnusableSpoolFile('newer');
    if (
      from === 0 &&
      keptForProcess(db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table'")).pluck().get() !==
        0
    ) {
      throw new UnusableSpoolFile('corrupt');
    }
    for (let version = from; version < SPOOL_SCHEMA_VERSION; version += 1) db.exec(MIGRATIONS[version]!);
    if (from === 0) {
      keptForProcess(db.prepare("INSERT INTO sqlite_sequence (name, seq) VALUES ('events', ?)")).run(firstId);
    }
    pragma(db, `user_version = ${SPOOL_SCHEMA_VERSION}`);
    db.exec('COMMIT');
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
}

function schemaVersion(db: Database.Database): number {
  const version = pragmaValue(db, 'user_version');
  if (typeof version !== 'number') throw new UnusableSpoolFile('corrupt');
  if (version > SPOOL_SCHEMA_VERSION) throw new UnusableSpoolFile('newer');
  return version;
}
