// better-sqlite3's native objects are never left to the garbage collector: on Node 24.19 and later
// its destructor can abort the process (nodejs/node#65446; docs/architecture.md, The npm package).
// Every one the spool makes is kept until the process ends; close() still frees SQLite's resources.
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
