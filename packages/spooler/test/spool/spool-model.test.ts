// Model-based test: random sequences of spool calls, crashes (files copied mid-life without -shm,
// then reopened) and clock jumps, run against the spool and an in-memory model of its contract;
// after every step the file holds exactly the model's rows and dropped counts, within small bounds.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DropReason, Spool, type SpooledEvent } from '../../src/spool/spool.ts';
import { sampleEvent } from './fixtures/spool-fixtures.ts';

interface Limits {
  maxEvents: number;
  maxBytes: number;
  maxAgeMs: number;
  maxDeferMs: number;
}

interface ModelRow extends SpooledEvent {
  bytes: number;
}

type Counts = Partial<Record<DropReason, number>>;

/** The contract, written as plainly as possible: arrays, filters, no SQL. */
class SpoolModel {
  rows: ModelRow[] = [];
  dropped: Counts = {};

  constructor(
    readonly limits: Limits,
    public now: number,
  ) {}

  /** Pruning stops 2% (1/50) under a crossed bound; at least one event stays under a bound >= 1. */
  static mark(bound: number, floor: number): number {
    return bound === 0 ? 0 : Math.max(Math.min(floor, bound), bound - Math.ceil(bound / 50));
  }

  enqueue(row: Omit<ModelRow, 'id' | 'createdAt' | 'attempts' | 'nextAttemptAt'>, idOf: () => number): void {
    if (row.bytes > SpoolModel.mark(this.limits.maxBytes, 0)) {
      this.count('too_large', 1);
      return;
    }
    this.prune();
    if (!this.rows.some((existing) => existing.insertId === row.insertId)) {
      this.rows.push({ ...row, id: idOf(), createdAt: this.now, attempts: 0, nextAttemptAt: this.now });
    }
    this.prune();
  }

  claim(limit: number, leaseMs: number): SpooledEvent[] {
    if (limit < 1) return [];
    this.prune();
    const until = this.now + Math.min(Math.max(leaseMs, 0), this.limits.maxDeferMs);
    const due = this.rows.filter((row) => row.nextAttemptAt <= this.now).slice(0, limit);
    for (const row of due) row.nextAttemptAt = until;
    return due.map(publicRow);
  }

  acknowledge(ids: readonly number[]): void {
    this.rows = this.rows.filter((row) => !ids.includes(row.id));
  }

  drop(ids: readonly number[], reason: DropReason): void {
    const before = this.rows.length;
    this.acknowledge(ids);
    this.count(reason, before - this.rows.length);
  }

  retryLater(ids: readonly number[], at: number): void {
    const clamped = Math.min(Math.max(at, 0), this.now + this.limits.maxDeferMs);
    for (const row of this.rows.filter((candidate) => ids.includes(candidate.id))) {
      row.attempts += 1;
      row.nextAttemptAt = clamped;
    }
  }

  release(ids: readonly number[]): void {
    for (const row of this.rows.filter((candidate) => ids.includes(candidate.id)))
      row.nextAttemptAt = this.now;
  }

  peek(limit: number): SpooledEvent[] {
    if (limit < 1) return [];
    this.prune();
    return this.rows.slice(0, limit).map(publicRow);
  }

  depth() {
    this.prune();
    const nextAttempts = this.rows.map((row) => row.nextAttemptAt);
    return {
      events: this.rows.length,
      bytes: this.bytes(),
      due: this.rows.filter((row) => row.nextAttemptAt <= this.now).length,
      oldestCreatedAt: this.rows[0]?.createdAt ?? null,
      nextAttemptAt: nextAttempts.length === 0 ? null : Math.min(...nextAttempts),
    };
  }

  hasDue(): boolean {
    const { maxAgeMs, maxDeferMs } = this.limits;
    return this.rows.some(
      (row) =>
        (row.nextAttemptAt <= this.now || row.nextAttemptAt > this.now + maxDeferMs) &&
        row.createdAt >= this.now - maxAgeMs,
    );
  }

  takeDropped(): Counts {
    const counts = this.dropped;
    this.dropped = {};
    return counts;
  }

  clear(): void {
    this.rows = [];
    this.dropped = {};
  }

  bytes(): number {
    return this.rows.reduce((sum, row) => sum + row.bytes, 0);
  }

  private prune(): void {
    const { maxEvents, maxBytes, maxAgeMs, maxDeferMs } = this.limits;
    for (const row of this.rows) {
      if (row.createdAt > this.now) row.createdAt = this.now;
      if (row.nextAttemptAt > this.now + maxDeferMs) row.nextAttemptAt = this.now;
    }
    const young = this.rows.filter((row) => row.createdAt >= this.now - maxAgeMs);
    this.count('max_age', this.rows.length - young.length);
    this.rows = young;
    if (this.rows.length > maxEvents) {
      const excess = this.rows.length - SpoolModel.mark(maxEvents, 1);
      this.rows.splice(0, excess);
      this.count('max_events', excess);
    }
    if (this.bytes() > maxBytes) {
      let dropped = 0;
      while (this.bytes() > SpoolModel.mark(maxBytes, 0)) {
        this.rows.shift();
        dropped += 1;
      }
      this.count('max_bytes', dropped);
    }
  }

  private count(reason: DropReason, count: number): void {
    if (count > 0) this.dropped[reason] = (this.dropped[reason] ?? 0) + count;
  }
}

function publicRow({ bytes: _bytes, ...row }: ModelRow): SpooledEvent {
  return { ...row };
}

type Step =
  | { kind: 'enqueue'; reuse: number | null; padding: number; device: number }
  | { kind: 'claim'; limit: number; leaseMs: number }
  | { kind: 'acknowledge'; pick: number[] }
  | { kind: 'drop'; pick: number[]; reason: DropReason }
  | { kind: 'retryLater'; pick: number[]; delayMs: number }
  | { kind: 'release'; pick: number[] }
  | { kind: 'crash' }
  | { kind: 'clock'; deltaMs: number }
  | { kind: 'peek'; limit: number }
  | { kind: 'depth' }
  | { kind: 'hasDue' }
  | { kind: 'takeDropped' }
  | { kind: 'report'; accept: boolean }
  | { kind: 'clear' };

const pick = fc.array(fc.nat(), { maxLength: 4 });
const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant('enqueue' as const),
      reuse: fc.option(fc.nat(), { freq: 5 }),
      padding: fc.constantFrom(0, 0, 0, 40, 300, 1_500, 9_000),
      device: fc.nat(2),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('claim' as const),
      limit: fc.integer({ min: 0, max: 8 }),
      leaseMs: fc.integer({ min: -10, max: 50_000 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('acknowledge' as const), pick }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('drop' as const),
      pick,
      reason: fc.constantFrom<DropReason>('rejected', 'too_large', 'over_quota'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('retryLater' as const),
      pick,
      delayMs: fc.integer({ min: -5_000, max: 60_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('crash' as const) }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('clock' as const),
      deltaMs: fc.oneof(fc.integer({ min: -2_000, max: 5_000 }), fc.integer({ min: -100_000, max: 100_000 })),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('peek' as const), limit: fc.integer({ min: 0, max: 30 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('depth' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('hasDue' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('takeDropped' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('report' as const), accept: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'clear' as const }) },
);

const limits: fc.Arbitrary<Limits> = fc.record({
  maxEvents: fc.integer({ min: 1, max: 25 }),
  maxBytes: fc.integer({ min: 600, max: 8_000 }),
  maxAgeMs: fc.integer({ min: 1_000, max: 60_000 }),
  maxDeferMs: fc.integer({ min: 500, max: 40_000 }),
});

interface FileState {
  rows: ModelRow[];
  dropped: Counts;
  totals: { events: number; bytes: number };
}

function readFileState(db: Database.Database): FileState {
  const rows = db
    .prepare(
      'SELECT id, insert_id AS insertId, device_id AS deviceId, created_at AS createdAt, attempts, ' +
        'next_attempt_at AS nextAttemptAt, json, bytes FROM events ORDER BY id',
    )
    .all() as ModelRow[];
  const dropped: Counts = {};
  for (const { reason, count } of db.prepare('SELECT reason, count FROM dropped WHERE count > 0').all() as {
    reason: DropReason;
    count: number;
  }[]) {
    dropped[reason] = count;
  }
  const totals = db.prepare('SELECT events, bytes FROM totals').get() as { events: number; bytes: number };
  return { rows, dropped, totals };
}

function runScenario(bounds: Limits, steps: readonly Step[]): void {
  const root = mkdtempSync(join(tmpdir(), 'dr-spool-model-'));
  const model = new SpoolModel(bounds, 1_800_000_000_000);
  const clock = () => model.now;
  let generation = 0;
  let dir = join(root, `gen-${generation}`);
  let spool = Spool.open({ dir, ...bounds, now: clock });
  let file = new Database(join(dir, 'spool.db'), { readonly: true });
  let held: number[] = [];
  const insertIds: string[] = [];
  let highestId = 0;
  let made = 0;

  const chosen = (indexes: readonly number[]) =>
    held.length === 0 ? [] : [...new Set(indexes.map((index) => held[index % held.length]!))];
  const forget = (ids: readonly number[]) => {
    held = held.filter((id) => !ids.includes(id));
  };
  const idOf = (insertId: string) => () => {
    const id = file.prepare('SELECT id FROM events WHERE insert_id = ?').pluck().get(insertId) as number;
    expect(id, 'a new row gets an id never used before').toBeGreaterThan(highestId);
    highestId = id;
    return id;
  };
  const enqueueBoth = (event: ReturnType<typeof sampleEvent>, spoolCall: () => void) => {
    spoolCall();
    const json = JSON.stringify(event);
    model.enqueue(
      { insertId: event.insert_id, deviceId: event.device_id, json, bytes: Buffer.byteLength(json) },
      idOf(event.insert_id),
    );
  };

  try {
    for (const [index, current] of steps.entries()) {
      const where = `step ${index} (${current.kind})`;
      switch (current.kind) {
        case 'enqueue': {
          const reused = current.reuse !== null && insertIds.length > 0;
          const insertId = reused ? insertIds[current.reuse! % insertIds.length]! : `m${made++}`;
          if (!reused) insertIds.push(insertId);
          const event = sampleEvent({
            insertId,
            padding: current.padding,
            deviceId: `device-${current.device}`,
          });
          enqueueBoth(event, () => spool.enqueue(event));
          break;
        }
        case 'claim': {
          const claimed = spool.claimDue(current.limit, current.leaseMs);
          expect(claimed, where).toEqual(model.claim(current.limit, current.leaseMs));
          held = [...new Set([...held, ...claimed.map((row) => row.id)])];
          break;
        }
        case 'acknowledge': {
          const ids = chosen(current.pick);
          spool.acknowledge(ids);
          model.acknowledge(ids);
          forget(ids);
          break;
        }
        case 'drop': {
          const ids = chosen(current.pick);
          spool.drop(ids, current.reason);
          model.drop(ids, current.reason);
          forget(ids);
          break;
        }
        case 'retryLater': {
          const ids = chosen(current.pick);
          spool.retryLater(ids, model.now + current.delayMs);
          model.retryLater(ids, model.now + current.delayMs);
          forget(ids);
          break;
        }
        case 'release': {
          const ids = chosen(current.pick);
          spool.release(ids);
          model.release(ids);
          forget(ids);
          break;
        }
        case 'crash': {
          // What a killed process leaves: the database and its WAL as they are, no -shm, no
          // checkpoint. The old connection is closed only after the copy.
          generation += 1;
          const next = join(root, `gen-${generation}`);
          mkdirSync(next, { mode: 0o700 });
          copyFileSync(join(dir, 'spool.db'), join(next, 'spool.db'));
          if (existsSync(join(dir, 'spool.db-wal'))) {
            copyFileSync(join(dir, 'spool.db-wal'), join(next, 'spool.db-wal'));
          }
          spool.close();
          file.close();
          dir = next;
          spool = Spool.open({ dir, ...bounds, now: clock });
          file = new Database(join(dir, 'spool.db'), { readonly: true });
          held = [];
          break;
        }
        case 'clock':
          model.now += current.deltaMs;
          break;
        case 'peek':
          expect(spool.peek(current.limit), where).toEqual(model.peek(current.limit));
          break;
        case 'depth':
          expect(spool.depth(), where).toEqual(model.depth());
          break;
        case 'hasDue':
          expect(spool.hasDue(), where).toBe(model.hasDue());
          break;
        case 'takeDropped':
          expect(spool.takeDroppedCounts(), where).toEqual(model.takeDropped());
          break;
        case 'report': {
          const expected = { ...model.dropped };
          const event = sampleEvent({ insertId: `report-${made++}` });
          let asked: Counts | undefined;
          const spooled = spool.enqueueDroppedReport((counts) => {
            asked = counts;
            return current.accept ? event : null;
          });
          if (Object.keys(expected).length === 0) {
            expect(asked, `${where}: no builder call without drops`).toBeUndefined();
            expect(spooled).toBe(false);
          } else {
            expect(asked, where).toEqual(expected);
            expect(spooled, where).toBe(current.accept);
            if (current.accept) {
              model.dropped = {};
              const json = JSON.stringify(event);
              model.enqueue(
                {
                  insertId: event.insert_id,
                  deviceId: event.device_id,
                  json,
                  bytes: Buffer.byteLength(json),
                },
                idOf(event.insert_id),
              );
            }
          }
          break;
        }
        case 'clear':
          spool.clear();
          model.clear();
          break;
      }

      const state = readFileState(file);
      expect(state.rows, `${where}: rows`).toEqual(model.rows);
      expect(state.dropped, `${where}: dropped counts`).toEqual(model.dropped);
      expect(state.totals, `${where}: running totals`).toEqual({
        events: model.rows.length,
        bytes: model.bytes(),
      });
      expect(state.rows.length, `${where}: count bound`).toBeLessThanOrEqual(bounds.maxEvents);
      expect(model.bytes(), `${where}: byte bound`).toBeLessThanOrEqual(bounds.maxBytes);
      const created = state.rows.map((row) => row.createdAt);
      expect(created, `${where}: created_at never decreases along ids`).toEqual(
        [...created].sort((a, b) => a - b),
      );
      const pruned =
        current.kind === 'depth' ||
        ((current.kind === 'claim' || current.kind === 'peek') && current.limit > 0);
      if (pruned) {
        expect(
          state.rows.every(
            (row) => row.createdAt >= model.now - bounds.maxAgeMs && row.createdAt <= model.now,
          ),
          `${where}: age bound`,
        ).toBe(true);
      }
    }
  } finally {
    spool.close();
    file.close();
    rmSync(root, { recursive: true, force: true });
  }
}

describe('the spool against its model', () => {
  it('matches the model after every step of random call sequences, crashes and clock jumps', () => {
    fc.assert(
      fc.property(limits, fc.array(step, { minLength: 1, maxLength: 60 }), (bounds, steps) => {
        runScenario(bounds, steps);
      }),
      { numRuns: 150 },
    );
  }, 120_000);

  it('holds through a long, busy run at small bounds', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 200, maxLength: 400 }), (steps) => {
        runScenario({ maxEvents: 20, maxBytes: 4_000, maxAgeMs: 30_000, maxDeferMs: 10_000 }, steps);
      }),
      { numRuns: 10 },
    );
  }, 120_000);
});
