// better-sqlite3's native objects (a Database, a Statement) are never left to the garbage
// collector: built against Node 24.19 or later headers, better-sqlite3 12's destructor asserts
// when a collection runs it with no Node environment current (inside the microtasks of a stream
// callback, say), and the process aborts with SIGABRT (nodejs/node#65446). So every one the spool
// makes is kept until the process ends: a few dozen small objects per open spool, as statements
// are cached per SQL text; close() still frees their SQLite resources.
import type Database from 'better-sqlite3';

const kept: object[] = [];

/** `native`, kept alive until the process ends. */
export function keptForProcess<T extends object>(native: T): T {
  kept.push(native);
  return native;
}

/** `PRAGMA <source>` through a kept statement (better-sqlite3's own pragma() drops its statement). */
export function pragma(db: Database.Database, source: string): unknown[] {
  const statement = keptForProcess(db.prepare(`PRAGMA ${source}`));
  if (statement.reader) return statement.all();
  statement.run();
  return [];
}

/** The single value `PRAGMA <source>` answers. */
export function pragmaValue(db: Database.Database, source: string): unknown {
  return keptForProcess(db.prepare(`PRAGMA ${source}`))
    .pluck()
    .get();
}
