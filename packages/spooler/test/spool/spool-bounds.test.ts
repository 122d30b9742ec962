// The three bounds: count, bytes and age. Past one, the oldest rows go first, pruning stops at a
// low-water mark 2% under the bound, every row dropped is counted exactly under its reason, and
// the bounds hold in the file itself (read by a second connection) whenever enqueue returns.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { buildDroppedReport } from '../../src/spool/dropped-report.ts';
import { Spool } from '../../src/spool/spool.ts';
import { sampleEvent, storedBytes, temporaryDirs } from './fixtures/spool-fixtures.ts';

const newDir = temporaryDirs();
const T0 = 1_800_000_000_000;

function fileTotals(dir: string): { events: number; bytes: number } {
  const db = new Database(join(dir, 'spool.db'), { readonly: true });
  try {
    return db.prepare('SELECT count(*) AS events, coalesce(sum(bytes), 0) AS bytes FROM events').get() as {
      events: number;
      bytes: number;
    };
  } finally {
    db.close();
  }
}

describe('the count bound', () => {
  it('drops the oldest down to 98% of maxEvents and counts each one', () => {
    const dir = newDir();
    const spool = Spool.open({ dir, maxEvents: 100 });
    for (let index = 0; index < 150; index += 1) {
      spool.enqueue(sampleEvent({ insertId: `e${index}` }));
      expect(fileTotals(dir).events).toBeLessThanOrEqual(100);
    }
    // 101 → 98 at the 101st insert, then every third insert: 150 inserts leave 99.
    const kept = spool.peek(1_000).map((row) => row.insertId);
    expect(kept).toEqual(Array.from({ length: 99 }, (_, index) => `e${index + 51}`));
    expect(spool.takeDroppedCounts()).toEqual({ max_events: 51 });
    spool.close();
  });

  it('keeps the newest event even when the bound is one', () => {
    const spool = Spool.open({ dir: newDir(), maxEvents: 1 });
    spool.enqueue(sampleEvent({ insertId: 'a' }));
    spool.enqueue(sampleEvent({ insertId: 'b' }));
    expect(spool.peek(10).map((row) => row.insertId)).toEqual(['b']);
    expect(spool.takeDroppedCounts()).toEqual({ max_events: 1 });
    spool.close();
  });

  it('holds at the default 10,000 with a batch per ~200 inserts', () => {
    const spool = Spool.open({ dir: newDir() });
    for (let index = 0; index < 10_250; index += 1) spool.enqueue(sampleEvent());
    const { events } = spool.depth();
    expect(events).toBeLessThanOrEqual(10_000);
    expect(events).toBeGreaterThanOrEqual(9_800);
    expect(spool.takeDroppedCounts()).toEqual({ max_events: 10_250 - events });
    spool.close();
  });
});

describe('a telemetry_dropped report pruned by a bound', () => {
  it('gives its counts back to the counters and is not counted as a drop itself', () => {
    const spool = Spool.open({ dir: newDir(), maxEvents: 10 });
    for (let index = 0; index < 20; index += 1) spool.enqueue(sampleEvent({ insertId: `a${index}` }));
    spool.drop(
      spool.peek(1).map((row) => row.id),
      'rejected',
    );
    const reported = spool.takeDroppedCounts();
    expect(reported.max_events).toBeGreaterThan(1);
    expect(reported.rejected).toBe(1);
    // Put the counts back as they were, then spool the report of them.
    const reportId = '00000000-0000-4000-8000-00000000d0d0';
    spool.drop(
      spool.peek(1).map((row) => row.id),
      'rejected',
    );
    const counted = { ...reported, rejected: 2 };
    expect(
      spool.enqueueDroppedReport((counts) => {
        expect(counts).toEqual({ rejected: 1 });
        return buildDroppedReport(sampleEvent(), counted, T0, reportId);
      }),
    ).toBe(true);
    const depthWithReport = spool.depth().events;
    let added = 0;
    while (spool.peek(100).some((row) => row.insertId === reportId)) {
      spool.enqueue(sampleEvent({ insertId: `b${added}` }));
      added += 1;
    }
    // Rows that went: the report and (depthWithReport + added - 1 - now) events. The report's
    // counts come back; the report itself is no event lost.
    const eventsPruned = depthWithReport + added - spool.depth().events - 1;
    expect(spool.takeDroppedCounts()).toEqual({
      max_events: (counted.max_events ?? 0) + eventsPruned,
      rejected: 2,
    });
    spool.close();
  });
});

describe('a telemetry_dropped report a bound reaches while a drainer has it', () => {
  const reportId = '00000000-0000-4000-8000-00000000d1d1';

  /** A spool whose oldest row is a report of one `rejected` drop, leased as a drainer does. */
  function leasedReport(options: { maxEvents?: number; maxAgeMs?: number }, clock: { now: number }) {
    const spool = Spool.open({ dir: newDir(), ...options, now: () => clock.now });
    spool.enqueue(sampleEvent({ insertId: 'refused' }));
    spool.drop(
      spool.peek(1).map((row) => row.id),
      'rejected',
    );
    expect(
      spool.enqueueDroppedReport((counts) => buildDroppedReport(sampleEvent(), counts, clock.now, reportId)),
    ).toBe(true);
    const [claimed] = spool.claimDue(1, 60_000);
    expect(claimed?.insertId).toBe(reportId);
    return { spool, id: claimed!.id };
  }

  const hasReport = (spool: Spool) => spool.peek(1_000).some((row) => row.insertId === reportId);

  it('stays while leased and, once delivered, its counts are not counted again', () => {
    const clock = { now: T0 };
    const { spool, id } = leasedReport({ maxEvents: 10 }, clock);
    for (let index = 0; index < 30; index += 1) spool.enqueue(sampleEvent({ insertId: `a${index}` }));
    expect(hasReport(spool)).toBe(true);
    expect(spool.depth().events).toBeLessThanOrEqual(10);
    spool.acknowledge([id]);
    // Delivered: the `rejected` drop it carried is not given back; only the events pruned count.
    const left = spool.depth().events;
    expect(spool.takeDroppedCounts()).toEqual({ max_events: 30 - left });
    spool.close();
  });

  it('stays past the age bound while leased, and is not counted when delivered', () => {
    const clock = { now: T0 };
    const { spool, id } = leasedReport({ maxAgeMs: 1_000 }, clock);
    clock.now = T0 + 5_000;
    spool.enqueue(sampleEvent({ insertId: 'young' }));
    expect(hasReport(spool)).toBe(true);
    spool.acknowledge([id]);
    expect(spool.takeDroppedCounts()).toEqual({});
    spool.close();
  });

  it('whose send fails, gives its counts back once, when pruned after it is due again', () => {
    const clock = { now: T0 };
    const { spool, id } = leasedReport({ maxEvents: 10 }, clock);
    for (let index = 0; index < 30; index += 1) spool.enqueue(sampleEvent({ insertId: `a${index}` }));
    spool.retryLater([id], clock.now + 30_000);
    for (let index = 0; index < 30; index += 1) spool.enqueue(sampleEvent({ insertId: `b${index}` }));
    expect(hasReport(spool)).toBe(true);
    // So far only events went (the report is one of the rows left).
    const before = spool.takeDroppedCounts();
    expect(before).toEqual({ max_events: 60 - (spool.depth().events - 1) });
    clock.now += 30_000;
    for (let index = 0; index < 10; index += 1) spool.enqueue(sampleEvent({ insertId: `c${index}` }));
    expect(hasReport(spool)).toBe(false);
    // Due again and pruned: its `rejected` drop is back, once, and it is no drop itself.
    const after = spool.takeDroppedCounts();
    expect(after).toEqual({ max_events: 70 - spool.depth().events - before.max_events!, rejected: 1 });
    spool.close();
  });

  it('whose lease ends unanswered (a killed drainer) gives its counts back when pruned', () => {
    const clock = { now: T0 };
    const { spool } = leasedReport({ maxEvents: 10 }, clock);
    clock.now += 60_000;
    for (let index = 0; index < 30; index += 1) spool.enqueue(sampleEvent({ insertId: `a${index}` }));
    expect(hasReport(spool)).toBe(false);
    const left = spool.depth().events;
    expect(spool.takeDroppedCounts()).toEqual({ max_events: 30 - left, rejected: 1 });
    spool.close();
  });
});

describe('the byte bound', () => {
  it('drops the oldest down to 98% of maxBytes and counts each one', () => {
    const dir = newDir();
    const size = storedBytes(sampleEvent({ insertId: 'e00', padding: 200 }));
    const maxBytes = 10 * size;
    const spool = Spool.open({ dir, maxBytes });
    for (let index = 0; index < 30; index += 1) {
      spool.enqueue(sampleEvent({ insertId: `e${String(index).padStart(2, '0')}`, padding: 200 }));
      expect(fileTotals(dir).bytes).toBeLessThanOrEqual(maxBytes);
    }
    // Each crossing (11 rows) frees at least size + 2%: two rows go, leaving 9.
    const kept = spool.peek(100).map((row) => row.insertId);
    expect(kept.length).toBeGreaterThanOrEqual(9);
    expect(kept.at(-1)).toBe('e29');
    expect(spool.depth().bytes).toBe(kept.length * size);
    expect(spool.takeDroppedCounts()).toEqual({ max_bytes: 30 - kept.length });
    spool.close();
  });

  it('refuses an event that could never fit, and counts it too_large', () => {
    const spool = Spool.open({ dir: newDir(), maxBytes: 2_000 });
    spool.enqueue(sampleEvent({ insertId: 'small' }));
    spool.enqueue(sampleEvent({ insertId: 'huge', padding: 5_000 }));
    expect(spool.peek(10).map((row) => row.insertId)).toEqual(['small']);
    expect(spool.takeDroppedCounts()).toEqual({ too_large: 1 });
    spool.close();
  });

  it('counts multi-byte characters by their UTF-8 length', () => {
    const spool = Spool.open({ dir: newDir() });
    const event = { ...sampleEvent(), event_properties: { command: 'dr é€😀' } };
    spool.enqueue(event);
    expect(spool.depth().bytes).toBe(Buffer.byteLength(JSON.stringify(event)));
    expect(spool.depth().bytes).toBeGreaterThan(JSON.stringify(event).length);
    spool.close();
  });
});

describe('the age bound', () => {
  it('drops rows older than maxAgeMs at the next write or read, and counts them', () => {
    const clock = { now: T0 };
    const spool = Spool.open({ dir: newDir(), maxAgeMs: 1_000, now: () => clock.now });
    spool.enqueue(sampleEvent({ insertId: 'old' }));
    clock.now += 500;
    spool.enqueue(sampleEvent({ insertId: 'young' }));

    clock.now = T0 + 1_000;
    expect(spool.peek(10).map((row) => row.insertId)).toEqual(['old', 'young']);
    clock.now = T0 + 1_001;
    expect(spool.claimDue(10, 60_000).map((row) => row.insertId)).toEqual(['young']);
    clock.now = T0 + 1_501;
    spool.enqueue(sampleEvent({ insertId: 'new' }));
    expect(spool.peek(10).map((row) => row.insertId)).toEqual(['new']);
    expect(spool.takeDroppedCounts()).toEqual({ max_age: 2 });
    spool.close();
  });

  it('hasDue only reads, and skips rows past the age bound', () => {
    const clock = { now: T0 };
    const dir = newDir();
    const spool = Spool.open({ dir, maxAgeMs: 1_000, now: () => clock.now });
    spool.enqueue(sampleEvent({ insertId: 'old' }));
    expect(spool.hasDue()).toBe(true);
    clock.now = T0 + 1_001;
    expect(spool.hasDue()).toBe(false);
    expect(fileTotals(dir).events).toBe(1);
    expect(spool.depth()).toMatchObject({ events: 0, due: 0, oldestCreatedAt: null });
    expect(spool.takeDroppedCounts()).toEqual({ max_age: 1 });
    spool.close();
  });

  it('counts each row under the first bound that takes it: count, then bytes', () => {
    const size = storedBytes(sampleEvent({ insertId: 'a' }));
    const spool = Spool.open({ dir: newDir(), maxEvents: 3, maxBytes: 5 * size });
    for (const insertId of ['a', 'b', 'c']) spool.enqueue(sampleEvent({ insertId }));
    // Four rows: a and b go for the count (down to 2); c and big are over the bytes: c goes.
    spool.enqueue(sampleEvent({ insertId: 'big', padding: Math.floor(3.5 * size) }));
    expect(spool.peek(10).map((row) => row.insertId)).toEqual(['big']);
    expect(spool.takeDroppedCounts()).toEqual({ max_events: 2, max_bytes: 1 });
    spool.close();
  });
});
