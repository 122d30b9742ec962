// The spool: dr's durable, bounded queue of Amplitude events, one SQLite file (better-sqlite3,
// WAL) shared by every dr process of the user. Commands append with enqueue(); the drainer
// claims due rows, sends them, then acknowledges, drops or retries them.
//
// Invariants (test/spool is built to break exactly these):
// - Durable when: enqueue() has returned. Each write is one IMMEDIATE transaction, committed
//   to the WAL with synchronous=NORMAL: a process killed at any later moment keeps the event;
//   only a power loss or kernel crash may roll back the last commits (SQLite's NORMAL trade).
//   A crash inside a write leaves all of it or none of it.
// - Never lost: a row leaves only by acknowledge() (Amplitude took it), drop() (refused, counted
//   by reason), a bound (oldest first, counted), or clear(). The count is written in the same
//   transaction as the delete, so dropped counts are exact; enqueueDroppedReport() spools the
//   report and zeroes the counters in one transaction, so a crash neither loses nor doubles it.
// - Drop reports count each drop once: a spooled telemetry_dropped report holds counts taken
//   from the counters. A bound that prunes a report that is due (no drainer has it) puts its
//   counts back into the counters, for the next report, and does not count it as a drop. A
//   report that is not due (leased to a drainer sending it, or waiting for a retry) is passed
//   over by the bounds, younger rows going in its place: it leaves by acknowledge() (delivered,
//   its counts not put back), or it becomes due again and is sent or pruned then. The one way to
//   report drops twice is a lease that ends before its send is acknowledged (a killed drainer,
//   or a send that outlives the lease) followed by a prune: as with any row, a crash may repeat.
// - A crash may repeat: a claimed row comes back when its lease ends (or on release()), so a
//   killed drainer's rows are sent again. insert_id never changes; Amplitude drops the repeat.
// - Never claimed twice at once: claimDue() picks and leases rows in one IMMEDIATE transaction.
// - Ids are never reused (AUTOINCREMENT, seeded from the clock in every new file, including one
//   created after a corrupt file was moved aside), so an id acts only on the row it was given.
//
// Bounds (maxEvents, maxBytes, maxAgeMs) hold whenever the spool is observed, by any process;
// past one, the oldest rows (lowest ids) go first and each is counted under its reason. (The
// exception: a drop report that is not due may outlive maxAgeMs until it is due, see above;
// meanwhile every write checks the bounds again, a few statements more.)
// How, cheaply (enqueue p50 <= 50 us, p99 <= 1 ms at 10k rows):
// - Triggers keep running totals (events, bytes) in a one-row table; created_at never decreases
//   along ids (below), so oldest/newest are the first/last row. enqueue() runs its INSERT and
//   that O(log n) snapshot in one transaction, and prunes only when the snapshot crosses a bound.
// - Count and bytes prune down to a low-water mark 2% under the bound, so a full spool pays for
//   one batched DELETE per ~200 inserts instead of a DELETE per insert. An event larger than
//   that mark can never fit: it is not stored and counted `too_large`.
// - Age passes without writes, so every reading call (claimDue, peek, depth) takes the same
//   snapshot first and prunes before it answers; hasDue() only reads and skips rows past it.
// - Order: age, then count, then bytes (which decides the reason a row is counted under).
// - Checkpoints: writers leave the WAL to grow to 10,000 pages before checkpointing themselves;
//   claimDue() (the drainer) checkpoints passively, so a command's enqueue rarely pays a fsync.
//   (SQLite also checkpoints when the last connection closes: close() may take a fsync.)
//
// Clock: `now` may jump back. Before any insert, created_at values in the future are pulled
// back to now, which keeps created_at non-decreasing along ids and lets age end; a
// next_attempt_at more than maxDeferMs ahead (a lease or retry set while the clock was ahead)
// is treated as due now; retryLater() and leases never defer past maxDeferMs.
//
// Trouble: a corrupt file, a truncated one, or one of a newer schema is moved aside
// (spool.db.corrupt-<ms>, spool.db.newer-<ms>) and a fresh spool takes its place, at open or
// at the first operation that meets it (which is then retried once). Every other failure is
// thrown as a SpoolError with a stable code (an SQLite I/O error while the spool's file system
// has under 64 KiB free is SPOOL_DISK_FULL, see spool-error.ts); openSpoolSafely() never throws.

import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AmplitudeEvent } from '@dr/shared';
import Database from 'better-sqlite3';
import {
  DROPPED_REPORT_PATTERN,
  type DroppedCounts,
  type DropReason,
  reportedCounts,
} from './dropped-report.ts';
import { keptForProcess, pragma, pragmaValue } from './native-objects.ts';
import { migrateSpoolSchema, UnusableSpoolFile } from './schema.ts';
import { isCorruption, SpoolError, toSpoolError } from './spool-error.ts';
import {
  moveAsideIfUnchanged,
  preparePrivateFile,
  removeSetAsideFiles,
  type SpoolFileIdentity,
  spoolFilePath,
} from './spool-file.ts';

export { SPOOL_SCHEMA_VERSION } from './schema.ts';
export { SpoolError, type SpoolErrorCode } from './spool-error.ts';

export interface SpoolOptions {
  /** The spool's folder, created 0700; the file inside is spool.db, 0600. */
  dir: string;
  /** Most events kept; past it the oldest go (reason `max_events`). Default 10,000. */
  maxEvents?: number;
  /** Most bytes kept (sum of the stored JSON's UTF-8 lengths); reason `max_bytes`. Default 10 MiB. */
  maxBytes?: number;
  /** Oldest event kept, by the time it was spooled; reason `max_age`. Default 30 days. */
  maxAgeMs?: number;
  /** Longest a write waits for another process's lock before SPOOL_BUSY. Default 100 ms. */
  busyTimeoutMs?: number;
  /** Furthest ahead a lease or a retry may put a row; anything beyond is due now. Default 1 day. */
  maxDeferMs?: number;
  /** Milliseconds since the epoch; injectable for tests. May go backwards. Default Date.now. */
  now?: () => number;
}

export interface SpooledEvent {
  /** The row id: unique for the life of the spool folder, never reused. */
  id: number;
  insertId: string;
  deviceId: string;
  /** When it was spooled (spool clock), pulled back to now if the clock jumped back. */
  createdAt: number;
  /** Failed sends so far (retryLater calls). */
  attempts: number;
  /** When it is due; for rows returned by claimDue, the end of their lease. */
  nextAttemptAt: number;
  /** The event exactly as enqueued, ready to send. */
  json: string;
}

export type { DroppedCounts, DropReason };

export interface SpoolDepth {
  events: number;
  bytes: number;
  /** Rows due now (claimed rows are not due until their lease ends). */
  due: number;
  oldestCreatedAt: number | null;
  /** The earliest next_attempt_at of any row. */
  nextAttemptAt: number | null;
}

const DEFAULTS = {
  maxEvents: 10_000,
  maxBytes: 10 * 1024 * 1024,
  maxAgeMs: 30 * 24 * 60 * 60 * 1000,
  busyTimeoutMs: 100,
  maxDeferMs: 24 * 60 * 60 * 1000,
} as const;

/** WAL pages a writer lets pile up before checkpointing itself (claimDue checkpoints sooner). */
const WRITER_CHECKPOINT_PAGES = 10_000;
/** What the WAL file is cut back to after a checkpoint. */
const WAL_SIZE_LIMIT_BYTES = 4 * 1024 * 1024;
/** Ids handed out per millisecond of clock before two files' id ranges could meet. */
const IDS_PER_MS = 1000;

interface Settings {
  readonly maxEvents: number;
  readonly maxBytes: number;
  readonly maxAgeMs: number;
  readonly busyTimeoutMs: number;
  readonly maxDeferMs: number;
  readonly now: () => number;
}

interface Snapshot {
  events: number;
  bytes: number;
  oldestCreated: number | null;
  newestCreated: number | null;
  latestAttempt: number | null;
}

const ROW_COLUMNS =
  'id, insert_id AS insertId, device_id AS deviceId, created_at AS createdAt, attempts, ' +
  'next_attempt_at AS nextAttemptAt, json';
/** Binds a list of ids as one parameter, whatever its length. */
const ID_LIST = 'SELECT value FROM json_each(?)';

export class Spool {
  /** The SQLite file (spool.db inside `dir`). */
  readonly file: string;
  readonly #settings: Settings;
  #db: Database.Database | undefined;
  #identity: SpoolFileIdentity;
  readonly #statements = new Map<string, Database.Statement>();
  /** Calls in progress on this instance (> 1 when a report builder reads the spool). */
  #depth = 0;

  /**
   * Deletes the files of earlier spools that were moved aside in `dir` (corrupt, of a newer
   * schema, or found unsafe), which may still hold events; returns how many. Never throws.
   */
  static removeSetAside(dir: string): number {
    try {
      return removeSetAsideFiles(dir);
    } catch {
      return 0;
    }
  }

  static open(options: SpoolOptions): Spool {
    const settings = resolveSettings(options);
    const file = spoolFilePath(options.dir);
    const { db, identity } = connect(file, settings);
    return new Spool(file, settings, db, identity);
  }

  private constructor(file: string, settings: Settings, db: Database.Database, identity: SpoolFileIdentity) {
    this.file = file;
    this.#settings = settings;
    this.#db = db;
    this.#identity = identity;
  }

  /** Spools one event (one INSERT; prunes only past a bound). Throws only SpoolError. */
  enqueue(event: AmplitudeEvent): void {
    this.#guard(() => {
      const row = serialise(event);
      const now = this.#now();
      this.#write(() => this.#insert(row, now));
    });
  }

  /**
   * Leases up to `limit` of the oldest due rows for `leaseMs`: until then no other claimer, in
   * any process, gets them. Give each back with acknowledge, drop, retryLater or release.
   */
  claimDue(limit: number, leaseMs: number): SpooledEvent[] {
    const count = Math.floor(limit);
    if (!(count > 0)) return [];
    return this.#guard(() => {
      const now = this.#now();
      const until = now + clamp(leaseMs, 0, this.#settings.maxDeferMs);
      const rows = this.#write(() => {
        this.#enforceBounds(now);
        return this.#sql<SpooledEvent>(
          'UPDATE events SET next_attempt_at = ? WHERE id IN ' +
            '(SELECT id FROM events WHERE next_attempt_at <= ? ORDER BY id LIMIT ?) ' +
            `RETURNING ${ROW_COLUMNS}`,
        ).all(until, now, count);
      });
      this.#checkpointPassively();
      return rows.sort((a, b) => a.id - b.id);
    });
  }

  /** Amplitude accepted these: delete them. */
  acknowledge(ids: readonly number[]): void {
    if (ids.length === 0) return;
    this.#guard(() => {
      this.#sql(`DELETE FROM events WHERE id IN (${ID_LIST})`).run(JSON.stringify(ids));
    });
  }

  /** Delete these and count them under `reason` (only rows still present are counted). */
  drop(ids: readonly number[], reason: DropReason): void {
    if (ids.length === 0) return;
    this.#guard(() =>
      this.#write(() => {
        const { changes } = this.#sql(`DELETE FROM events WHERE id IN (${ID_LIST})`).run(JSON.stringify(ids));
        this.#countDropped(reason, changes);
      }),
    );
  }

  /** A failed send: one more attempt counted, due again at `nextAttemptAt` (at most maxDeferMs on). */
  retryLater(ids: readonly number[], nextAttemptAt: number): void {
    if (ids.length === 0) return;
    this.#guard(() => {
      const now = this.#now();
      const at = clamp(nextAttemptAt, 0, now + this.#settings.maxDeferMs);
      this.#sql(
        `UPDATE events SET attempts = attempts + 1, next_attempt_at = ? WHERE id IN (${ID_LIST})`,
      ).run(Math.trunc(at), JSON.stringify(ids));
    });
  }

  /** Gives claimed rows back untouched: due now, attempts unchanged. */
  release(ids: readonly number[]): void {
    if (ids.length === 0) return;
    this.#guard(() => {
      this.#sql(`UPDATE events SET next_attempt_at = ? WHERE id IN (${ID_LIST})`).run(
        this.#now(),
        JSON.stringify(ids),
      );
    });
  }

  /**
   * Makes every row waiting for a later attempt due now, except rows of `heldDevices` (devices
   * Amplitude throttled, whose hold still runs): a manual flush sends regardless of backoff.
   * Attempts are kept. Returns how many rows were made due.
   */
  releaseWaiting(heldDevices: readonly string[] = []): number {
    return this.#guard(() => {
      const now = this.#now();
      return this.#sql(
        `UPDATE events SET next_attempt_at = ? WHERE next_attempt_at > ? AND device_id NOT IN (${ID_LIST})`,
      ).run(now, now, JSON.stringify(heldDevices)).changes;
    });
  }

  depth(): SpoolDepth {
    return this.#guard(() => {
      const now = this.#now();
      this.#pruneBeforeReading(now);
      return this.#sql<SpoolDepth>(
        'SELECT t.events AS events, t.bytes AS bytes, ' +
          '(SELECT count(*) FROM events WHERE next_attempt_at <= ?) AS due, ' +
          '(SELECT created_at FROM events ORDER BY id LIMIT 1) AS oldestCreatedAt, ' +
          '(SELECT min(next_attempt_at) FROM events) AS nextAttemptAt ' +
          'FROM totals t WHERE t.singleton = 1',
      ).get(now)!;
    });
  }

  /** The oldest rows, claimed or not, without claiming them. */
  peek(limit: number): SpooledEvent[] {
    const count = Math.floor(limit);
    if (!(count > 0)) return [];
    return this.#guard(() => {
      this.#pruneBeforeReading(this.#now());
      return this.#sql<SpooledEvent>(`SELECT ${ROW_COLUMNS} FROM events ORDER BY id LIMIT ?`).all(count);
    });
  }

  /** Is any row due now? Reads only (two index probes); never writes. */
  hasDue(): boolean {
    return this.#guard(() => {
      const now = this.#now();
      const due = this.#sql(
        'SELECT EXISTS (SELECT 1 FROM events WHERE (next_attempt_at <= ? OR next_attempt_at > ?) ' +
          'AND created_at >= ?)',
      )
        .pluck()
        .get(now, now + this.#settings.maxDeferMs, now - this.#settings.maxAgeMs);
      return due === 1;
    });
  }

  /**
   * SQLite's data_version: a number that changes when another connection (another process)
   * commits to the spool, and never for this connection's own writes. One cheap read: the
   * lingering drainer polls it to learn that a command enqueued something.
   */
  dataVersion(): number {
    return this.#guard(() => this.#connection().pragma('data_version', { simple: true }) as number);
  }

  /** Returns the dropped counters and zeroes them, in one transaction. */
  takeDroppedCounts(): DroppedCounts {
    return this.#guard(() =>
      this.#write(() => {
        const counts = this.#droppedCounts();
        this.#sql('DELETE FROM dropped').run();
        return counts;
      }),
    );
  }

  /**
   * In one transaction: reads the dropped counters, spools the event `build` makes of them and
   * zeroes them. `build` is called only when some counter is above zero; returning null leaves
   * the counters as they are. True when a report was spooled.
   */
  enqueueDroppedReport(build: (counts: DroppedCounts) => AmplitudeEvent | null): boolean {
    return this.#guard(() => {
      const now = this.#now();
      return this.#write(() => {
        const counts = this.#droppedCounts();
        if (Object.keys(counts).length === 0) return false;
        const event = build(counts);
        if (event === null) return false;
        this.#sql('DELETE FROM dropped').run();
        this.#insert(serialise(event), now);
        return true;
      });
    });
  }

  getMeta(key: string): string | undefined {
    return this.#guard(() => this.#sql<string>('SELECT value FROM meta WHERE key = ?').pluck().get(key));
  }

  setMeta(key: string, value: string): void {
    this.#guard(() => {
      this.#sql(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ).run(key, value);
    });
  }

  /** Deletes every event and every dropped counter (`dr self telemetry reset`); meta stays. */
  clear(): void {
    this.#guard(() =>
      this.#write(() => {
        this.#sql('DELETE FROM events').run();
        this.#sql('DELETE FROM dropped').run();
      }),
    );
  }

  /** Closes the connection; idempotent. Later calls throw SPOOL_CLOSED. */
  close(): void {
    const db = this.#db;
    this.#db = undefined;
    this.#statements.clear();
    try {
      db?.close();
    } catch {
      // Closing can only fail on a connection already broken; nothing is left to save.
    }
  }

  #insert(row: SerialisedEvent, now: number): void {
    const { insertId, deviceId, json, bytes } = row;
    if (bytes > lowWaterMark(this.#settings.maxBytes, 0)) {
      this.#countDropped('too_large', 1);
      return;
    }
    let before = this.#snapshot();
    if (this.#crossesBound(before, now)) {
      // Rows aged out, or the clock went back: settle that first, so that created_at stays
      // non-decreasing and an insert_id whose old row is past its age is stored anew.
      this.#enforceBounds(now);
      before = this.#snapshot();
    }
    // OR IGNORE: an insert_id already spooled is the same event; keep the first copy.
    this.#sql(
      'INSERT OR IGNORE INTO events (insert_id, device_id, created_at, next_attempt_at, bytes, json) ' +
        'VALUES (?, ?, ?, ?, ?, ?)',
    ).run(insertId, deviceId, now, now, bytes, json);
    // The snapshot after the insert, foreseen rather than read again (never an underestimate).
    const after: Snapshot = {
      events: before.events + 1,
      bytes: before.bytes + bytes,
      oldestCreated: before.oldestCreated ?? now,
      newestCreated: now,
      latestAttempt: Math.max(before.latestAttempt ?? now, now),
    };
    if (this.#crossesBound(after, now)) this.#enforceBounds(now);
  }

  /** Reading calls prune first, and take the write lock only when there is something to prune. */
  #pruneBeforeReading(now: number): void {
    if (this.#crossesBound(this.#snapshot(), now)) this.#write(() => this.#enforceBounds(now));
  }

  /** Inside a write transaction: brings the spool back within every bound, counting each drop. */
  #enforceBounds(now: number): void {
    const snapshot = this.#snapshot();
    if (!this.#crossesBound(snapshot, now)) return;
    const { maxAgeMs, maxDeferMs } = this.#settings;
    if (snapshot.newestCreated !== null && snapshot.newestCreated > now) {
      // The clock went back: rare, hence a scan rather than an index written on every insert.
      this.#sql('UPDATE events SET created_at = ? WHERE created_at > ?').run(now, now);
    }
    if (snapshot.latestAttempt !== null && snapshot.latestAttempt > now + maxDeferMs) {
      this.#sql('UPDATE events SET next_attempt_at = ? WHERE next_attempt_at > ?').run(now, now + maxDeferMs);
    }
    if (snapshot.oldestCreated !== null && snapshot.oldestCreated < now - maxAgeMs) {
      const cutoff = now - maxAgeMs;
      this.#dropOldest('max_age', now, (row) => row.createdAt < cutoff);
    }
    const totals = this.#totals();
    if (totals.events > this.#settings.maxEvents) {
      let excess = totals.events - lowWaterMark(this.#settings.maxEvents, 1);
      this.#dropOldest('max_events', now, () => excess-- > 0);
    }
    const { bytes } = this.#totals();
    if (bytes > this.#settings.maxBytes) {
      let excess = bytes - lowWaterMark(this.#settings.maxBytes, 0);
      this.#dropOldest('max_bytes', now, (row) => {
        if (excess <= 0) return false;
        excess -= row.bytes;
        return true;
      });
    }
  }

  /**
   * Deletes the oldest rows for as long as `take` says yes (a prefix of ids), counting them. A
   * pending telemetry_dropped report that is not due (leased to a drainer sending it, or waiting
   * for a retry) is passed over: neither taken nor deleted, and the rows after it go in its place.
   */
  #dropOldest(
    reason: DropReason,
    now: number,
    take: (row: { id: number; createdAt: number; bytes: number }) => boolean,
  ): void {
    let lastId: number | undefined;
    const kept: number[] = [];
    const rows = this.#sql<{ id: number; createdAt: number; bytes: number; heldReport: 0 | 1 }>(
      'SELECT id, created_at AS createdAt, bytes, ' +
        '(next_attempt_at > ? AND json LIKE ?) AS heldReport FROM events ORDER BY id',
    );
    for (const row of rows.iterate(now, DROPPED_REPORT_PATTERN)) {
      if (row.heldReport === 1) {
        kept.push(row.id);
        continue;
      }
      if (!take(row)) break;
      lastId = row.id;
    }
    if (lastId === undefined) return;
    const keptIds = JSON.stringify(kept);
    // A due telemetry_dropped report pruned here is not lost news: no drainer is sending it, so
    // its counts go back into the counters (the next report carries them) and it is not counted
    // as a drop itself.
    const reports = this.#sql<{ json: string }>(
      `SELECT json FROM events WHERE id <= ? AND id NOT IN (${ID_LIST}) AND json LIKE ?`,
    )
      .all(lastId, keptIds, DROPPED_REPORT_PATTERN)
      .map((row) => reportedCounts(row.json))
      .filter((counts) => counts !== undefined);
    const { changes } = this.#sql(`DELETE FROM events WHERE id <= ? AND id NOT IN (${ID_LIST})`).run(
      lastId,
      keptIds,
    );
    for (const counts of reports) {
      for (const [carried, count] of Object.entries(counts)) this.#countDropped(carried as DropReason, count);
    }
    this.#countDropped(reason, changes - reports.length);
  }

  #crossesBound(snapshot: Snapshot, now: number): boolean {
    const { maxEvents, maxBytes, maxAgeMs, maxDeferMs } = this.#settings;
    return (
      snapshot.events > maxEvents ||
      snapshot.bytes > maxBytes ||
      (snapshot.oldestCreated !== null && snapshot.oldestCreated < now - maxAgeMs) ||
      (snapshot.newestCreated !== null && snapshot.newestCreated > now) ||
      (snapshot.latestAttempt !== null && snapshot.latestAttempt > now + maxDeferMs)
    );
  }

  #snapshot(): Snapshot {
    return this.#sql<Snapshot>(
      'SELECT t.events AS events, t.bytes AS bytes, ' +
        '(SELECT created_at FROM events ORDER BY id LIMIT 1) AS oldestCreated, ' +
        '(SELECT created_at FROM events ORDER BY id DESC LIMIT 1) AS newestCreated, ' +
        '(SELECT max(next_attempt_at) FROM events) AS latestAttempt ' +
        'FROM totals t WHERE t.singleton = 1',
    ).get()!;
  }

  #totals(): { events: number; bytes: number } {
    return this.#sql<{ events: number; bytes: number }>(
      'SELECT events, bytes FROM totals WHERE singleton = 1',
    ).get()!;
  }

  #countDropped(reason: DropReason, count: number): void {
    if (count <= 0) return;
    this.#sql(
      'INSERT INTO dropped (reason, count) VALUES (?, ?) ' +
        'ON CONFLICT (reason) DO UPDATE SET count = count + excluded.count',
    ).run(reason, count);
  }

  #droppedCounts(): DroppedCounts {
    const counts: DroppedCounts = {};
    const rows = this.#sql<{ reason: DropReason; count: number }>(
      'SELECT reason, count FROM dropped WHERE count > 0 ORDER BY reason',
    ).all();
    for (const { reason, count } of rows) counts[reason] = count;
    return counts;
  }

  /** Copies the WAL into the file without waiting on anyone; the drainer pays this, not commands. */
  #checkpointPassively(): void {
    const db = this.#connection();
    if (db.inTransaction) return;
    try {
      this.#sql('PRAGMA wal_checkpoint(PASSIVE)').all();
    } catch (error) {
      // Busy: a writer or another checkpoint is at it; the next claim tries again.
      if (toSpoolError(error).code !== 'SPOOL_BUSY') throw error;
    }
  }

  /** Runs `work` in one IMMEDIATE transaction (or inside the one already open). */
  #write<T>(work: () => T): T {
    const db = this.#connection();
    if (db.inTransaction) return work();
    this.#sql('BEGIN IMMEDIATE').run();
    try {
      const result = work();
      this.#sql('COMMIT').run();
      return result;
    } catch (error) {
      if (db.inTransaction) this.#sql('ROLLBACK').run();
      throw error;
    }
  }

  /**
   * Every public call runs here: errors leave as SpoolError, and a file found corrupt is moved
   * aside, replaced by a fresh spool, and the call retried once on it.
   */
  #guard<T>(operation: () => T): T {
    this.#connection();
    if (this.#depth > 0) return operation();
    this.#depth += 1;
    try {
      return operation();
    } catch (error) {
      if (!isCorruption(error)) throw spoolError(error, this.file);
      this.#replaceCorruptFile();
      try {
        return operation();
      } catch (again) {
        throw spoolError(again, this.file);
      }
    } finally {
      this.#depth -= 1;
    }
  }

  #replaceCorruptFile(): void {
    this.close();
    try {
      moveAsideIfUnchanged(this.file, this.#identity, 'corrupt');
      const { db, identity } = connect(this.file, this.#settings);
      this.#db = db;
      this.#identity = identity;
    } catch (error) {
      throw spoolError(error, this.file);
    }
  }

  #connection(): Database.Database {
    if (this.#db === undefined) throw new SpoolError('SPOOL_CLOSED', 'The telemetry spool is closed.');
    return this.#db;
  }

  #sql<Row = unknown>(source: string): Database.Statement<unknown[], Row> {
    let statement = this.#statements.get(source);
    if (statement === undefined) {
      statement = keptForProcess(this.#connection().prepare(source));
      this.#statements.set(source, statement);
    }
    return statement as Database.Statement<unknown[], Row>;
  }

  #now(): number {
    return Math.trunc(this.#settings.now());
  }
}

/**
 * Opens the spool, or returns undefined if it cannot be used at all (read-only disk, a folder
 * that cannot be created, ...). Never throws: telemetry must never fail a command.
 */
export function openSpoolSafely(
  options: SpoolOptions,
  onError?: (error: SpoolError) => void,
): Spool | undefined {
  try {
    return Spool.open(options);
  } catch (error) {
    try {
      onError?.(toSpoolError(error, { dir: options.dir }));
    } catch {
      // A failing logger must not turn into a failing command.
    }
    return undefined;
  }
}

/**
 * `use(spool)` on the spool in `spoolDir` if there is one, closing it after (after the promise
 * settles, when `use` returns one); undefined when there is no spool file or it cannot be opened.
 * Never creates a spool: for readers (status, flush, the drainer's last look).
 */
export function withExistingSpool<T>(spoolDir: string, use: (spool: Spool) => T): T | undefined {
  if (!existsSync(spoolFilePath(spoolDir))) return undefined;
  const spool = openSpoolSafely({ dir: spoolDir });
  if (spool === undefined) return undefined;
  let result: T;
  try {
    result = use(spool);
  } catch (error) {
    spool.close();
    throw error;
  }
  if (result instanceof Promise) return result.finally(() => spool.close()) as T;
  spool.close();
  return result;
}

/** Opens `file`, moving it aside once (and starting afresh) if it is corrupt or too new. */
function connect(file: string, settings: Settings): { db: Database.Database; identity: SpoolFileIdentity } {
  for (let attempt = 0; ; attempt += 1) {
    let identity: SpoolFileIdentity | undefined;
    let db: Database.Database | undefined;
    try {
      identity = preparePrivateFile(file);
      db = keptForProcess(
        new Database(file, { timeout: settings.busyTimeoutMs, nativeBinding: nativeBinding() }),
      );
      if (pragmaValue(db, 'journal_mode') !== 'wal') pragma(db, 'journal_mode = WAL');
      pragma(db, 'synchronous = NORMAL');
      // SQLite's own default (2 MB); better-sqlite3 builds with 16 MB, which the drainer would fill.
      pragma(db, 'cache_size = -2000');
      pragma(db, `wal_autocheckpoint = ${WRITER_CHECKPOINT_PAGES}`);
      pragma(db, `journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
      migrateSpoolSchema(db, Date.now() * IDS_PER_MS);
      return { db, identity };
    } catch (error) {
      db?.close();
      const reason =
        error instanceof UnusableSpoolFile ? error.reason : isCorruption(error) ? 'corrupt' : undefined;
      if (reason === undefined || identity === undefined) throw spoolError(error, file);
      if (attempt > 0) {
        throw new SpoolError('SPOOL_CORRUPT', 'The telemetry spool stays unreadable after being replaced.', {
          cause: error,
        });
      }
      try {
        moveAsideIfUnchanged(file, identity, reason);
      } catch (moveError) {
        throw spoolError(moveError, file);
      }
    }
  }
}

/** toSpoolError, told the spool's folder so that an I/O error on a full disk says so. */
function spoolError(error: unknown, file: string): SpoolError {
  return toSpoolError(error, { dir: dirname(file) });
}

function resolveSettings(options: SpoolOptions): Settings {
  return {
    maxEvents: nonNegative(options.maxEvents, DEFAULTS.maxEvents),
    maxBytes: nonNegative(options.maxBytes, DEFAULTS.maxBytes),
    maxAgeMs: nonNegative(options.maxAgeMs, DEFAULTS.maxAgeMs),
    busyTimeoutMs: nonNegative(options.busyTimeoutMs, DEFAULTS.busyTimeoutMs),
    maxDeferMs: nonNegative(options.maxDeferMs, DEFAULTS.maxDeferMs),
    now: options.now ?? Date.now,
  };
}

interface SerialisedEvent {
  readonly insertId: string;
  readonly deviceId: string;
  readonly json: string;
  /** UTF-8 length of `json`: what the byte bound counts. */
  readonly bytes: number;
}

function serialise(event: AmplitudeEvent): SerialisedEvent {
  let json: string;
  try {
    json = JSON.stringify(event);
  } catch (error) {
    throw new SpoolError('SPOOL_FAILED', 'The event cannot be serialised as JSON.', { cause: error });
  }
  return { insertId: event.insert_id, deviceId: event.device_id, json, bytes: Buffer.byteLength(json) };
}

/**
 * Where pruning stops once `bound` is crossed: 2% under it, so a full spool prunes in batches.
 * `floor` keeps at least one row under a bound of one or more events.
 */
function lowWaterMark(bound: number, floor: number): number {
  if (bound === 0) return 0;
  return Math.max(Math.min(floor, bound), bound - Math.ceil(bound / 50));
}

function nonNegative(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? Math.trunc(value) : fallback;
}

function clamp(value: number, low: number, high: number): number {
  return Number.isNaN(value) ? low : Math.min(Math.max(value, low), high);
}

let nativeBindingPath: string | undefined | null = null;

/**
 * The path of better-sqlite3's compiled addon, handed to it directly: its default lookup (the
 * `bindings` package) probes a dozen paths and loads two more modules at every CLI start.
 * Undefined (the default lookup) when the addon is not where a from-source build puts it.
 */
function nativeBinding(): string | undefined {
  if (nativeBindingPath === null) {
    nativeBindingPath = addonBesideBundle() ?? resolvedAddon();
  }
  return nativeBindingPath;
}

const ADDON = join('build', 'Release', 'better_sqlite3.node');

/**
 * Where the built dr finds it first (dist/../node_modules/better-sqlite3, as pnpm and npm
 * install @datarobot/cli's own dependencies): one stat instead of a module resolution.
 */
function addonBesideBundle(): string | undefined {
  try {
    const addon = join(
      dirname(fileURLToPath(import.meta.url)),
      '..',
      'node_modules',
      'better-sqlite3',
      ADDON,
    );
    return existsSync(addon) ? addon : undefined;
  } catch {
    return undefined;
  }
}

function resolvedAddon(): string | undefined {
  try {
    // node:module only here: loading it loads parts of the ES module loader (a millisecond or two).
    const { createRequire } = process.getBuiltinModule('node:module');
    const addon = join(dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), ADDON);
    return existsSync(addon) ? addon : undefined;
  } catch {
    return undefined;
  }
}
