// Offline for days (issue #6, item 3), with the real Spool and drain() on a clock the test moves:
// six weeks of commands while the collector refuses every connection, with a drainer failing every
// day or none until the collector returns. (The CLI's half: cli/test/reliability/offline-days.)
//
// It holds: the spool's bounds (10,000 events, 10 MiB, 30 days) in the file at every step; when
// the collector returns, the backlog drains with no 429 and no duplicate, the newest events are
// the ones kept, and the telemetry_dropped events account exactly for every event that is not.
import { join } from 'node:path';
import type { AmplitudeEvent } from '@dr/shared';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drain } from '../../src/drainer/drainer.ts';
import { DROPPED_EVENT_TYPE } from '../../src/spool/dropped-report.ts';
import { Spool } from '../../src/spool/spool.ts';
import { API_KEY, type FakeAmplitude, makeEvent, startFakeAmplitude, tempDir } from './fixtures.ts';

const DAY = 24 * 60 * 60 * 1000;
const MAX_EVENTS = 10_000;
const MAX_BYTES = 10 * 1024 * 1024;
const MAX_AGE = 30 * DAY;

/** Days offline, and the command events each day: ~5,000 commands of three events over 6 weeks. */
const DAYS = 42;
const EVENTS_PER_DAY = (day: number) => 300 + ((day * 37) % 150);
/** On these days some commands carry large properties (e.g. long template lists): the byte bound. */
const HEAVY_DAYS = new Set([3, 4, 5]);
const HEAVY_PADDING = 'x'.repeat(20_000);

let fake: FakeAmplitude;
/** How far the test has moved the clock ahead of the real one. */
let offset = 0;
const now = () => Date.now() + offset;

beforeAll(async () => {
  fake = await startFakeAmplitude({ now });
});
afterAll(async () => {
  await fake.close();
});

/** What is in the file, read by a plain SQLite connection (the spool's own reads prune first). */
function fileState(dir: string): { events: number; bytes: number; oldest: number | null } {
  const db = new Database(join(dir, 'spool.db'), { readonly: true });
  try {
    return db
      .prepare(
        'SELECT count(*) AS events, coalesce(sum(bytes), 0) AS bytes, min(created_at) AS oldest FROM events',
      )
      .get() as { events: number; bytes: number; oldest: number | null };
  } finally {
    db.close();
  }
}

interface OfflineRun {
  /** Every command event spooled, oldest first. */
  readonly spooled: AmplitudeEvent[];
  /** The file's state after each day: the bounds must hold in every one. */
  readonly days: { events: number; bytes: number; oldest: number | null; now: number }[];
  /** How each day's drain run ended. */
  readonly offlineStops: string[];
  readonly ingestedWhileOffline: number;
  readonly finalDrain: { sent: number; left: number; stoppedBecause: string };
  readonly secondDrain: { sent: number; left: number; stoppedBecause: string };
  readonly commands: AmplitudeEvent[];
  readonly reports: AmplitudeEvent[];
  readonly throttled: number;
  readonly duplicatesAbsorbed: number;
  readonly acceptedTwice: number;
  readonly largestEvent: number;
}

/** Six weeks offline, then back: what the spool and the collector saw. */
async function goOfflineForDays(dailyDrains: boolean): Promise<OfflineRun> {
  const { dir, remove } = tempDir();
  fake.reset();
  try {
    await fake.setFault('refuse');
    const spooled: AmplitudeEvent[] = [];
    const days: OfflineRun['days'] = [];
    const offlineStops: string[] = [];
    let largestEvent = 0;
    for (let day = 0; day < DAYS; day += 1) {
      const spool = Spool.open({ dir, now });
      try {
        for (let index = 0; index < EVENTS_PER_DAY(day); index += 1) {
          const padding: Record<string, string> = HEAVY_DAYS.has(day) ? { padding: HEAVY_PADDING } : {};
          const event = makeEvent({
            time: now(),
            event_properties: { command: 'self version', success: true, ...padding },
          });
          largestEvent = Math.max(largestEvent, JSON.stringify(event).length);
          spool.enqueue(event);
          spooled.push(event);
          offset += 60_000;
        }
      } finally {
        spool.close();
      }
      if (dailyDrains) {
        const summary = await drain({ ...drainTo(dir), deadlineMs: 5_000, backoffMs: [] });
        offlineStops.push(summary.stoppedBecause);
      }
      days.push({ ...fileState(dir), now: now() });
      offset += DAY - EVENTS_PER_DAY(day) * 60_000;
    }
    const ingestedWhileOffline = fake.ingested.length;

    // Back online, past every retry delay the failures earned (at most an hour).
    offset += 2 * 60 * 60 * 1000;
    await fake.setFault(null);
    const finalDrain = await drain({ ...drainTo(dir), deadlineMs: 60_000 });
    const secondDrain = await drain({ ...drainTo(dir), deadlineMs: 5_000 });
    return {
      spooled,
      days,
      offlineStops,
      ingestedWhileOffline,
      finalDrain,
      secondDrain,
      commands: fake.ingested.filter(
        (event) => event.event_type !== DROPPED_EVENT_TYPE,
      ) as unknown as AmplitudeEvent[],
      reports: fake.ingested.filter(
        (event) => event.event_type === DROPPED_EVENT_TYPE,
      ) as unknown as AmplitudeEvent[],
      throttled: fake.stats.throttled,
      duplicatesAbsorbed: fake.stats.duplicatesAbsorbed,
      acceptedTwice: [...fake.timesAcceptedByInsertId.values()].filter((times) => times > 1).length,
      largestEvent,
    };
  } finally {
    remove();
  }
}

function drainTo(spoolDir: string) {
  return { spoolDir, endpoint: fake.url, apiKey: API_KEY, now };
}

function reportedDrops(run: OfflineRun): number {
  return run.reports.reduce(
    (sum, event) => sum + (event.event_properties as { dropped_count: number }).dropped_count,
    0,
  );
}

/** What every run must show, whichever way it was offline. */
function expectBoundsHeldAndBacklogDrained(run: OfflineRun): void {
  expect(run.spooled.length).toBeGreaterThan(MAX_EVENTS);
  for (const [day, state] of run.days.entries()) {
    expect(state.events, `events on day ${day}`).toBeLessThanOrEqual(MAX_EVENTS);
    expect(state.bytes, `bytes on day ${day}`).toBeLessThanOrEqual(MAX_BYTES);
    expect(state.oldest ?? state.now, `oldest event on day ${day}`).toBeGreaterThanOrEqual(
      state.now - MAX_AGE,
    );
  }
  // The byte bound bit on the heavy days, and no single event came near the too-large mark.
  expect(Math.max(...run.days.map((state) => state.bytes))).toBeGreaterThan(MAX_BYTES * 0.9);
  expect(run.largestEvent).toBeLessThan(MAX_BYTES / 50);
  expect(run.ingestedWhileOffline).toBe(0);

  expect(run.finalDrain).toMatchObject({ left: 0, stoppedBecause: 'empty' });
  expect(run.secondDrain).toEqual(expect.objectContaining({ sent: 0, left: 0, stoppedBecause: 'empty' }));
  expect(run.throttled, '429 answers').toBe(0);
  expect(run.duplicatesAbsorbed, 'duplicates').toBe(0);
  expect(run.acceptedTwice, 'events sent twice').toBe(0);
  // What arrived is the newest of what was spooled, each once: the bounds take the oldest first.
  const spooledIds = run.spooled.map((event) => event.insert_id);
  const firstKept = spooledIds.indexOf(run.commands[0]!.insert_id);
  expect(run.commands.map((event) => event.insert_id)).toEqual(spooledIds.slice(firstKept));
  expect(run.commands.length).toBeGreaterThan(MAX_EVENTS * 0.9);
}

describe('offline for six weeks, then back', () => {
  it('with no drainer until the collector returns: bounds hold, one report counts every drop exactly', async () => {
    const run = await goOfflineForDays(false);
    expectBoundsHeldAndBacklogDrained(run);
    expect(run.reports).toHaveLength(1);
    expect(reportedDrops(run)).toBe(run.spooled.length - run.commands.length);
    const reasons = Object.keys(run.reports[0]!.event_properties!).filter((key) => key !== 'dropped_count');
    expect(reasons.sort()).toEqual(['dropped_max_bytes', 'dropped_max_events']);
  }, 120_000);

  describe('with a drainer failing every day', () => {
    let run: OfflineRun;
    beforeAll(async () => {
      run = await goOfflineForDays(true);
    }, 120_000);

    it('holds the bounds every day, then drains the backlog without a 429 or a duplicate', () => {
      expect(new Set(run.offlineStops)).toEqual(new Set(['backoff']));
      expectBoundsHeldAndBacklogDrained(run);
      expect(run.reports.length).toBeGreaterThan(1);
    });

    // Each failing run spools a telemetry_dropped report of the drops so far; a bound that later
    // prunes a report puts its counts back, so the reports that arrive add up to every drop.
    it('has the reports that arrive count every drop exactly', () => {
      expect(reportedDrops(run)).toBe(run.spooled.length - run.commands.length);
    });
  });
});
