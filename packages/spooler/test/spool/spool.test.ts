// The spool's contract, call by call: what enqueue stores, how claims, leases and their endings
// behave, the dropped counters and their report, and the clock going backwards.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Spool, SpoolError, type SpoolOptions, withExistingSpool } from '../../src/spool/spool.ts';
import { sampleEvent, storedBytes, temporaryDirs } from './fixtures/spool-fixtures.ts';

const newDir = temporaryDirs();
const T0 = 1_800_000_000_000;

function openWithClock(options: Partial<SpoolOptions> = {}) {
  const clock = { now: T0 };
  const dir = options.dir ?? newDir();
  const spool = Spool.open({ ...options, dir, now: () => clock.now });
  return { spool, clock, dir };
}

describe('enqueue', () => {
  it('stores the event as JSON, due now, with no attempts', () => {
    const { spool } = openWithClock();
    const event = sampleEvent({ insertId: 'insert-a', deviceId: 'device-a' });
    spool.enqueue(event);
    const [row] = spool.peek(10);
    expect(row).toMatchObject({
      insertId: 'insert-a',
      deviceId: 'device-a',
      createdAt: T0,
      attempts: 0,
      nextAttemptAt: T0,
    });
    expect(JSON.parse(row!.json)).toEqual(event);
    expect(spool.depth()).toEqual({
      events: 1,
      bytes: storedBytes(event),
      due: 1,
      oldestCreatedAt: T0,
      nextAttemptAt: T0,
    });
    spool.close();
  });

  it('keeps the first copy of an insert_id spooled twice', () => {
    const { spool, clock } = openWithClock();
    spool.enqueue(sampleEvent({ insertId: 'same', padding: 1 }));
    clock.now += 5;
    spool.enqueue(sampleEvent({ insertId: 'same', padding: 2 }));
    const rows = spool.peek(10);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.createdAt).toBe(T0);
    spool.close();
  });

  it('is durable once it returns: another connection sees it at once', () => {
    const { spool, dir } = openWithClock();
    spool.enqueue(sampleEvent({ insertId: 'seen' }));
    const other = new Database(join(dir, 'spool.db'), { readonly: true });
    expect(other.prepare('SELECT insert_id FROM events').pluck().all()).toEqual(['seen']);
    other.close();
    spool.close();
  });

  it('throws SPOOL_CLOSED after close, and close is idempotent', () => {
    const { spool } = openWithClock();
    spool.close();
    spool.close();
    expect(() => spool.enqueue(sampleEvent())).toThrow(expect.objectContaining({ code: 'SPOOL_CLOSED' }));
  });
});

describe('claims', () => {
  it('claims the oldest due rows and hides them until the lease ends', () => {
    const { spool, clock } = openWithClock();
    for (let index = 0; index < 5; index += 1) spool.enqueue(sampleEvent({ insertId: `e${index}` }));
    const claimed = spool.claimDue(3, 60_000);
    expect(claimed.map((row) => row.insertId)).toEqual(['e0', 'e1', 'e2']);
    expect(claimed.every((row) => row.nextAttemptAt === T0 + 60_000)).toBe(true);
    expect(spool.claimDue(10, 60_000).map((row) => row.insertId)).toEqual(['e3', 'e4']);
    expect(spool.claimDue(10, 60_000)).toEqual([]);
    expect(spool.hasDue()).toBe(false);
    expect(spool.depth()).toMatchObject({ events: 5, due: 0, nextAttemptAt: T0 + 60_000 });

    clock.now = T0 + 60_000;
    expect(spool.hasDue()).toBe(true);
    expect(spool.claimDue(10, 1_000).map((row) => row.insertId)).toEqual(['e0', 'e1', 'e2', 'e3', 'e4']);
    spool.close();
  });

  it('acknowledge deletes, drop deletes and counts, retryLater counts an attempt, release gives back', () => {
    const { spool, clock } = openWithClock();
    for (let index = 0; index < 4; index += 1) spool.enqueue(sampleEvent({ insertId: `e${index}` }));
    const [a, b, c, d] = spool.claimDue(10, 60_000);
    spool.acknowledge([a!.id]);
    spool.drop([b!.id], 'rejected');
    spool.retryLater([c!.id], T0 + 30_000);
    spool.release([d!.id]);

    expect(spool.peek(10).map((row) => [row.insertId, row.attempts, row.nextAttemptAt])).toEqual([
      ['e2', 1, T0 + 30_000],
      ['e3', 0, T0],
    ]);
    expect(spool.claimDue(10, 60_000).map((row) => row.insertId)).toEqual(['e3']);
    clock.now = T0 + 30_000;
    expect(spool.claimDue(10, 60_000).map((row) => row.insertId)).toEqual(['e2']);

    // Ids already gone are neither deleted again nor counted again.
    spool.drop([a!.id, b!.id], 'rejected');
    expect(spool.takeDroppedCounts()).toEqual({ rejected: 1 });
    expect(spool.takeDroppedCounts()).toEqual({});
    spool.close();
  });

  it('never lets two spools on one file claim the same row', () => {
    const dir = newDir();
    const { spool: first, clock } = openWithClock({ dir });
    const second = Spool.open({ dir, now: () => clock.now });
    for (let index = 0; index < 50; index += 1) first.enqueue(sampleEvent({ insertId: `e${index}` }));

    const seen: string[] = [];
    for (;;) {
      const batch = [...first.claimDue(7, 60_000), ...second.claimDue(4, 60_000)];
      if (batch.length === 0) break;
      seen.push(...batch.map((row) => row.insertId));
    }
    expect(seen).toHaveLength(50);
    expect(new Set(seen).size).toBe(50);

    // A claimer that dies without answering: its rows are due again after the lease, to anyone.
    clock.now += 60_000;
    expect(second.claimDue(100, 60_000)).toHaveLength(50);
    first.close();
    second.close();
  });

  it('treats limits below one as nothing to do', () => {
    const { spool } = openWithClock();
    spool.enqueue(sampleEvent());
    expect(spool.claimDue(0, 1_000)).toEqual([]);
    expect(spool.peek(0)).toEqual([]);
    spool.acknowledge([]);
    expect(spool.depth().events).toBe(1);
    spool.close();
  });
});

describe('dropped counters and their report', () => {
  it('spools the report and zeroes the counters together', () => {
    const { spool } = openWithClock();
    for (let index = 0; index < 3; index += 1) spool.enqueue(sampleEvent({ insertId: `e${index}` }));
    const rows = spool.claimDue(3, 60_000);
    spool.drop([rows[0]!.id], 'rejected');
    spool.drop([rows[1]!.id, rows[2]!.id], 'over_quota');

    let seen: unknown;
    const spooled = spool.enqueueDroppedReport((counts) => {
      seen = counts;
      return sampleEvent({ insertId: 'report' });
    });
    expect(spooled).toBe(true);
    expect(seen).toEqual({ rejected: 1, over_quota: 2 });
    expect(spool.peek(10).map((row) => row.insertId)).toEqual(['report']);
    expect(spool.takeDroppedCounts()).toEqual({});
    // Nothing to report: the builder is not even asked.
    expect(spool.enqueueDroppedReport(() => expect.unreachable())).toBe(false);
    spool.close();
  });

  it('keeps the counters when the builder declines or fails', () => {
    const { spool } = openWithClock();
    spool.enqueue(sampleEvent());
    spool.drop([spool.claimDue(1, 1_000)[0]!.id], 'too_large');

    expect(spool.enqueueDroppedReport(() => null)).toBe(false);
    expect(() =>
      spool.enqueueDroppedReport(() => {
        throw new Error('builder failed');
      }),
    ).toThrow(SpoolError);
    expect(spool.depth().events).toBe(0);
    expect(spool.takeDroppedCounts()).toEqual({ too_large: 1 });
    spool.close();
  });

  it('lets the builder read the spool inside the report transaction', () => {
    const { spool } = openWithClock({ maxEvents: 2 });
    for (let index = 0; index < 3; index += 1) spool.enqueue(sampleEvent({ insertId: `e${index}` }));
    spool.enqueueDroppedReport((counts) => {
      expect(counts).toEqual({ max_events: 2 });
      expect(spool.peek(10).map((row) => row.insertId)).toEqual(['e2']);
      return sampleEvent({ insertId: 'report' });
    });
    expect(spool.peek(10).map((row) => row.insertId)).toEqual(['e2', 'report']);
    spool.close();
  });
});

describe('meta and clear', () => {
  it('stores small values and keeps them across clear; clear empties events and counters', () => {
    const { spool, dir } = openWithClock({ maxEvents: 1 });
    expect(spool.getMeta('last_success_at')).toBeUndefined();
    spool.setMeta('last_success_at', '1');
    spool.setMeta('last_success_at', '2');
    spool.enqueue(sampleEvent());
    spool.enqueue(sampleEvent());
    spool.clear();
    expect(spool.depth()).toEqual({
      events: 0,
      bytes: 0,
      due: 0,
      oldestCreatedAt: null,
      nextAttemptAt: null,
    });
    expect(spool.takeDroppedCounts()).toEqual({});
    spool.close();
    const reopened = Spool.open({ dir });
    expect(reopened.getMeta('last_success_at')).toBe('2');
    reopened.close();
  });
});

describe('the clock going backwards', () => {
  it('pulls future creation times back to now, so age still ends', () => {
    const { spool, clock } = openWithClock({ maxAgeMs: 10_000 });
    spool.enqueue(sampleEvent({ insertId: 'from-the-future' }));
    clock.now = T0 - 3_600_000;
    spool.enqueue(sampleEvent({ insertId: 'after-the-jump' }));
    expect(spool.peek(10).map((row) => [row.insertId, row.createdAt])).toEqual([
      ['from-the-future', T0 - 3_600_000],
      ['after-the-jump', T0 - 3_600_000],
    ]);
    clock.now += 10_001;
    expect(spool.peek(10)).toEqual([]);
    expect(spool.takeDroppedCounts()).toEqual({ max_age: 2 });
    spool.close();
  });

  it('makes rows leased or deferred by a clock that was far ahead due again', () => {
    const { spool, clock } = openWithClock({ maxDeferMs: 3_600_000 });
    spool.enqueue(sampleEvent({ insertId: 'leased' }));
    spool.enqueue(sampleEvent({ insertId: 'deferred' }));
    spool.enqueue(sampleEvent({ insertId: 'soon' }));
    const [leased, deferred, soon] = spool.claimDue(3, 3_600_000);
    spool.retryLater([deferred!.id], T0 + 3_600_000);
    spool.retryLater([soon!.id], T0 + 60_000);

    clock.now = T0 - 1_800_000;
    // Lease and retry now lie more than maxDeferMs ahead: due; `soon` is within it: still waiting.
    expect(spool.hasDue()).toBe(true);
    expect(spool.claimDue(10, 1_000).map((row) => row.insertId)).toEqual(['leased', 'deferred']);
    expect([leased!.nextAttemptAt, soon!.insertId]).toEqual([T0 + 3_600_000, 'soon']);
    spool.close();
  });

  it('never defers past maxDeferMs', () => {
    const { spool } = openWithClock({ maxDeferMs: 1_000 });
    spool.enqueue(sampleEvent());
    const [row] = spool.claimDue(1, 50_000);
    expect(row!.nextAttemptAt).toBe(T0 + 1_000);
    spool.retryLater([row!.id], T0 + 99_999);
    expect(spool.peek(1)[0]!.nextAttemptAt).toBe(T0 + 1_000);
    spool.close();
  });
});

describe('withExistingSpool', () => {
  it('asks no spool and creates none where there is no file', () => {
    const dir = newDir();
    expect(withExistingSpool(dir, () => 'asked')).toBeUndefined();
    expect(existsSync(join(dir, 'spool.db'))).toBe(false);
  });

  it('hands over an open spool and closes it after, or after the promise settles', async () => {
    const { spool, dir } = openWithClock();
    spool.enqueue(sampleEvent());
    let used: Spool | undefined;
    expect(
      withExistingSpool(dir, (opened) => {
        used = opened;
        return opened.depth().events;
      }),
    ).toBe(1);
    expect(() => used?.depth()).toThrow(expect.objectContaining({ code: 'SPOOL_CLOSED' }));

    const pending = withExistingSpool(dir, async (opened) => {
      used = opened;
      await Promise.resolve();
      return opened.depth().events;
    });
    expect(used?.depth().events).toBe(1);
    expect(await pending).toBe(1);
    expect(() => used?.depth()).toThrow(expect.objectContaining({ code: 'SPOOL_CLOSED' }));
  });
});
