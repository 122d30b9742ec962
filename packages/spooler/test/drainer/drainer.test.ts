// The drainer in process against the fake Amplitude: the contract's rule for every answer, alone
// and in sequence, the deadline, the lock, the pacing, and the telemetry_dropped report.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type DrainOptions,
  drain,
  IN_FLIGHT_META_KEY,
  LAST_SUCCESS_META_KEY,
} from '../../src/drainer/drainer.ts';
import { DROPPED_EVENT_TYPE } from '../../src/spool/dropped-report.ts';
import {
  API_KEY,
  DEVICE,
  type FakeAmplitude,
  fillSpool,
  makeEvent,
  startFakeAmplitude,
  tempDir,
  withSpool,
} from './fixtures.ts';

let fake: FakeAmplitude;
let dir: string;
let removeDir: () => void;

beforeAll(async () => {
  fake = await startFakeAmplitude();
});
afterAll(() => fake.close());
beforeEach(async () => {
  await fake.setFault(null);
  fake.setLatency(0);
  fake.reset();
  ({ dir, remove: removeDir } = tempDir());
});
afterEach(() => removeDir());

const FAST_BACKOFF = [5, 10, 20];
const run = (overrides: Partial<DrainOptions> = {}) =>
  drain({
    spoolDir: dir,
    endpoint: fake.url,
    apiKey: API_KEY,
    deadlineMs: 10_000,
    backoffMs: FAST_BACKOFF,
    ...overrides,
  });
/** A clock `ms` ahead of the real one, for runs after a pause without waiting for it. */
const later = (ms: number) => () => Date.now() + ms;
const ingestedIds = () => fake.ingested.map((event) => event.insert_id);

describe('drain: answers', () => {
  it('200: sends everything, deletes it, records last_success_at', async () => {
    const events = fillSpool(dir, 5);
    const summary = await run();
    expect(summary).toEqual({ sent: 5, dropped: {}, left: 0, nextRetryAt: null, stoppedBecause: 'empty' });
    expect(ingestedIds()).toEqual(events.map((event) => event.insert_id));
    expect(fake.ingested[0]).toEqual(events[0]);
    expect(Number(withSpool(dir, (spool) => spool.getMeta(LAST_SUCCESS_META_KEY)))).toBeGreaterThan(0);
  });

  it('an empty spool sends nothing', async () => {
    expect(await run()).toMatchObject({ sent: 0, left: 0, stoppedBecause: 'empty' });
    expect(fake.stats.requests).toBe(0);
  });

  it('400 with event indexes: drops those (rejected) and sends the rest', async () => {
    const events = fillSpool(dir, 4, (i) => makeEvent(i === 2 ? { device_id: 'null' } : {}));
    const summary = await run();
    expect(summary).toMatchObject({ sent: 4, dropped: { rejected: 1 }, stoppedBecause: 'empty' });
    expect(fake.stats.byStatus[400]).toBe(1);
    const sentIds = ingestedIds().filter((id) => events.some((event) => event.insert_id === id));
    expect(sentIds.sort()).toEqual([events[0], events[1], events[3]].map((event) => event!.insert_id).sort());
  });

  it('400 for silenced devices: drops their events and sends the others', async () => {
    const silencing = await startFakeAmplitude({ silencedDeviceIds: ['silenced-device-1'] });
    try {
      fillSpool(dir, 3, (i) => makeEvent(i === 0 ? { device_id: 'silenced-device-1' } : {}));
      // Two sent, then the run's own telemetry_dropped report.
      expect(await run({ endpoint: silencing.url })).toMatchObject({
        sent: 3,
        dropped: { rejected: 1 },
        left: 0,
      });
      expect(silencing.ingested.map((event) => event.device_id)).toEqual([DEVICE, DEVICE, DEVICE]);
    } finally {
      await silencing.close();
    }
  });

  it.each([
    { status: 400 as const, what: 'an invalid API key' },
    { status: 403 as const, what: 'a blocked request' },
  ])('$status ($what): keeps every event, due again, and stops the run', async ({ status }) => {
    fillSpool(dir, 3);
    fake.enqueueAnswers(status);
    const summary = await run();
    expect(summary).toMatchObject({ sent: 0, dropped: {}, left: 3, stoppedBecause: 'rejected' });
    expect(fake.stats.requests).toBe(1);
    expect(withSpool(dir, (spool) => spool.hasDue())).toBe(true);
  });

  it('413: splits the batch in halves and sends both', async () => {
    const events = fillSpool(dir, 6);
    fake.enqueueAnswers(413);
    expect(await run()).toMatchObject({ sent: 6, dropped: {}, stoppedBecause: 'empty' });
    expect(fake.requests.map((request) => request.eventCount)).toEqual([6, 3, 3]);
    expect(ingestedIds().sort()).toEqual(events.map((event) => event.insert_id).sort());
  });

  it('413 on a single event: drops it (too_large)', async () => {
    fillSpool(dir, 2);
    fake.enqueueAnswers(413, 413, 200);
    // The one that fits, then the run's own telemetry_dropped report.
    expect(await run()).toMatchObject({ sent: 2, dropped: { too_large: 1 }, left: 0 });
    expect(fake.requests.map((request) => [request.status, request.eventCount])).toEqual([
      [413, 2],
      [413, 1],
      [200, 1],
      [200, 1],
    ]);
    expect(fake.ingested.at(-1)).toMatchObject({
      event_type: DROPPED_EVENT_TYPE,
      event_properties: { dropped_count: 1, dropped_too_large: 1 },
    });
  });

  it('429: holds the throttled devices at least 30 s and stops', async () => {
    fillSpool(dir, 3);
    fake.enqueueAnswers(429);
    const before = Date.now();
    const summary = await run();
    expect(summary).toMatchObject({ sent: 0, dropped: {}, left: 3, stoppedBecause: 'backoff' });
    expect(summary.nextRetryAt).toBeGreaterThanOrEqual(before + 30_000);
    expect(fake.stats.requests).toBe(1);
    // Nothing is due before the pause ends; after it, everything goes.
    expect(await run({ now: later(20_000) })).toMatchObject({ sent: 0, stoppedBecause: 'empty' });
    expect(await run({ now: later(31_000) })).toMatchObject({ sent: 3, left: 0 });
  });

  it('429 on the Batch API: drops the events of devices over their daily quota', async () => {
    const quota = await startFakeAmplitude({ batchDailyQuota: 40 });
    try {
      fillSpool(dir, 50, (i) => makeEvent(i < 45 ? {} : { device_id: `other-device-${i}` }));
      const summary = await run({ endpoint: quota.url });
      expect(quota.requests[0]?.endpoint).toBe('batch');
      expect(quota.requests[0]?.status).toBe(429);
      // The five others, then the report of the 45, borrowed from the newest event sent.
      expect(summary).toMatchObject({
        sent: 6,
        dropped: { over_quota: 45 },
        left: 0,
        stoppedBecause: 'empty',
      });
      expect(quota.ingested.at(-1)).toMatchObject({
        event_type: DROPPED_EVENT_TYPE,
        device_id: 'other-device-49',
        event_properties: { dropped_count: 45, dropped_over_quota: 45 },
      });
    } finally {
      await quota.close();
    }
  });

  it('5xx: backs off within the run and succeeds', async () => {
    fillSpool(dir, 3);
    fake.enqueueAnswers(500, 503, 200);
    expect(await run()).toMatchObject({ sent: 3, stoppedBecause: 'empty' });
    expect(fake.requests.map((request) => request.status)).toEqual([500, 503, 200]);
  });

  it('5xx that ingested first: the resend is absorbed by insert_id', async () => {
    const events = fillSpool(dir, 2);
    fake.enqueueAnswers({ status: 502, afterIngesting: true });
    expect(await run()).toMatchObject({ sent: 2 });
    expect(fake.ingested).toHaveLength(2);
    expect(fake.stats.duplicatesAbsorbed).toBe(2);
    expect(ingestedIds().sort()).toEqual(events.map((event) => event.insert_id).sort());
  });

  it('1 s, 2 s, 4 s between failed attempts by default', async () => {
    fillSpool(dir, 1);
    fake.enqueueAnswers(503, 503, 503, 200);
    expect(await run({ backoffMs: undefined })).toMatchObject({ sent: 1 });
    const times = fake.requests.map((request) => request.receivedAt);
    const gaps = times.slice(1).map((time, i) => time - times[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(1_000);
    expect(gaps[1]).toBeGreaterThanOrEqual(2_000);
    expect(gaps[2]).toBeGreaterThanOrEqual(4_000);
  }, 20_000);

  it('5xx, timeouts, resets past the backoff: each row waits min(2^attempts × 30 s, 1 h), growing run by run', async () => {
    fillSpool(dir, 2);
    await fake.setFault(500);
    const first = await run();
    expect(first).toMatchObject({ sent: 0, left: 2, stoppedBecause: 'backoff' });
    expect(fake.stats.requests).toBe(4);
    const attempts = () => withSpool(dir, (spool) => spool.peek(10).map((row) => row.attempts));
    expect(attempts()).toEqual([1, 1]);
    expect(first.nextRetryAt! - Date.now()).toBeGreaterThan(25_000);
    expect(first.nextRetryAt! - Date.now()).toBeLessThanOrEqual(30_000);

    await fake.setFault('reset');
    const second = await run({ now: later(31_000) });
    expect(second.stoppedBecause).toBe('backoff');
    expect(attempts()).toEqual([2, 2]);
    expect(second.nextRetryAt! - (Date.now() + 31_000)).toBeGreaterThan(55_000);

    await fake.setFault('hang');
    const third = await run({ now: later(100_000), requestTimeoutMs: 100 });
    expect(third.stoppedBecause).toBe('backoff');
    expect(attempts()).toEqual([3, 3]);
    expect(third.nextRetryAt! - (Date.now() + 100_000)).toBeGreaterThan(115_000);
  });

  it('a throttled device’s other events in the run wait too, without another request', async () => {
    fillSpool(dir, 4);
    fake.enqueueAnswers(413, 429);
    expect(await run()).toMatchObject({ sent: 0, left: 4, stoppedBecause: 'backoff' });
    expect(fake.requests.map((request) => [request.status, request.eventCount])).toEqual([
      [413, 4],
      [429, 2],
    ]);
  });

  it('in sequence: 413, then 429 for one half, then 200 for the other; the held half goes later', async () => {
    const events = fillSpool(dir, 4, (i) => makeEvent(i < 2 ? {} : { device_id: 'second-device-1' }));
    fake.enqueueAnswers(413, 429, 200);
    const summary = await run();
    expect(summary).toMatchObject({ sent: 2, left: 2, stoppedBecause: 'backoff' });
    expect(fake.requests.map((request) => [request.status, request.eventCount])).toEqual([
      [413, 4],
      [429, 2],
      [200, 2],
    ]);
    expect(await run({ now: later(31_000) })).toMatchObject({ sent: 2, left: 0, stoppedBecause: 'empty' });
    expect(ingestedIds().sort()).toEqual(events.map((event) => event.insert_id).sort());
  });
});

describe('drain: time, locks and crashes', () => {
  it('never outlives its deadline when the collector never answers; rows are due again', async () => {
    fillSpool(dir, 3);
    await fake.setFault('hang');
    const started = performance.now();
    const summary = await run({ deadlineMs: 800 });
    const elapsed = performance.now() - started;
    expect(summary).toMatchObject({ sent: 0, left: 3, stoppedBecause: 'deadline' });
    expect(elapsed).toBeLessThan(800 + 500);
    expect(fake.stats.held).toBe(1);
    expect(withSpool(dir, (spool) => spool.hasDue())).toBe(true);
  });

  it('a deadline inside a failing streak leaves the rows waiting, not due', async () => {
    fillSpool(dir, 1);
    await fake.setFault(503);
    const summary = await run({ deadlineMs: 500, backoffMs: [200, 2_000, 4_000] });
    expect(summary.stoppedBecause).toBe('deadline');
    expect(withSpool(dir, (spool) => spool.hasDue())).toBe(false);
  });

  it('two drainers at once: one gets "locked", no row is sent twice', async () => {
    const events = fillSpool(dir, 40);
    fake.setLatency(100);
    const summaries = await Promise.all([run(), run()]);
    expect(summaries.map((summary) => summary.stoppedBecause).sort()).toEqual(['empty', 'locked']);
    const locked = summaries.find((summary) => summary.stoppedBecause === 'locked');
    expect(locked).toMatchObject({ sent: 0, dropped: {} });
    expect(locked!.left).toBeGreaterThan(0);
    expect(summaries.reduce((sum, summary) => sum + summary.sent, 0)).toBe(40);
    expect([...fake.timesAcceptedByInsertId.values()].every((times) => times === 1)).toBe(true);
    expect(ingestedIds().sort()).toEqual(events.map((event) => event.insert_id).sort());
  });

  it('rows a killed drainer had in flight are given back at once, not after their lease', async () => {
    fillSpool(dir, 3);
    withSpool(dir, (spool) => {
      const claimed = spool.claimDue(3, 60_000);
      spool.setMeta(IN_FLIGHT_META_KEY, claimed.map((row) => row.id).join(','));
    });
    expect(await run()).toMatchObject({ sent: 3, left: 0 });
  });

  it('collector down for a whole run, then up: nothing lost', async () => {
    const events = fillSpool(dir, 5);
    await fake.setFault('refuse');
    expect(await run()).toMatchObject({ sent: 0, left: 5, stoppedBecause: 'backoff' });
    await fake.setFault(null);
    expect(await run({ now: later(31_000) })).toMatchObject({ sent: 5, left: 0, stoppedBecause: 'empty' });
    expect(ingestedIds().sort()).toEqual(events.map((event) => event.insert_id).sort());
  });

  it('reports progress after each batch', async () => {
    fillSpool(dir, 25);
    const progress: number[] = [];
    await run({ onProgress: (p) => progress.push(p.sent) });
    expect(progress).toEqual([10, 20, 25]);
  });
});

describe('drain: pacing', () => {
  it('a small backlog goes through HTTP V2, at most 10 events a request', async () => {
    fillSpool(dir, 25);
    await run();
    expect(fake.requests.map((request) => [request.endpoint, request.eventCount])).toEqual([
      ['httpapi', 10],
      ['httpapi', 10],
      ['httpapi', 5],
    ]);
  });

  it('a run started right after another waits out the burst the first one spent', async () => {
    fillSpool(dir, 10);
    await run();
    fillSpool(dir, 10);
    await run();
    const [first, second] = fake.requests.map((request) => request.receivedAt);
    expect(second! - first!).toBeGreaterThanOrEqual(600);
  });

  it('10,000 events drain through the Batch API within 15 s, with no 429, none lost, none twice', async () => {
    const events = fillSpool(dir, 10_000);
    const summary = await run({ deadlineMs: 15_000 });
    expect(summary).toMatchObject({ sent: 10_000, left: 0, stoppedBecause: 'empty' });
    expect(fake.stats.throttled).toBe(0);
    expect(fake.requests.every((request) => request.endpoint === 'batch')).toBe(true);
    expect(fake.ingested).toHaveLength(10_000);
    expect(fake.stats.duplicatesAbsorbed).toBe(0);
    expect(new Set(ingestedIds())).toEqual(new Set(events.map((event) => event.insert_id)));
  }, 30_000);
});

describe('drain: telemetry_dropped', () => {
  const reports = () => fake.ingested.filter((event) => event.event_type === DROPPED_EVENT_TYPE);

  it('turns the spool’s drop counters into one report, sent once', async () => {
    const events = fillSpool(dir, 8, (i) => makeEvent({ session_id: 1_700_000_000_000 + i }), {
      maxEvents: 5,
    });
    const kept = withSpool(dir, (spool) => spool.depth().events);
    const droppedBySpool = events.length - kept;
    expect(droppedBySpool).toBeGreaterThan(0);
    const before = Date.now();
    expect(await run()).toMatchObject({ sent: kept + 1, left: 0 });
    expect(reports()).toHaveLength(1);
    const [report] = reports();
    const newest = events.at(-1)!;
    expect(report).toMatchObject({
      device_id: DEVICE,
      session_id: newest.session_id,
      app_version: newest.app_version,
      platform: 'CLI',
      os_name: newest.os_name,
      os_version: newest.os_version,
      library: newest.library,
      event_properties: { dropped_count: droppedBySpool, dropped_max_events: droppedBySpool },
    });
    expect(Object.keys(report!.event_properties as object).sort()).toEqual([
      'dropped_count',
      'dropped_max_events',
    ]);
    expect(report!.time).toBeGreaterThanOrEqual(before);
    expect(events.map((event) => event.insert_id)).not.toContain(report!.insert_id);

    fillSpool(dir, 1);
    await run();
    expect(reports()).toHaveLength(1);
  });

  it('reports drops made by the run itself before it ends, once', async () => {
    fillSpool(dir, 3, (i) => makeEvent(i === 1 ? { device_id: 'null' } : { user_id: 'user-1234567' }));
    // Two sent, then the report, borrowed from the newest event sent since the spool is empty.
    expect(await run()).toMatchObject({ sent: 3, dropped: { rejected: 1 }, left: 0 });
    expect(reports()).toHaveLength(1);
    expect(reports()[0]).toMatchObject({
      user_id: 'user-1234567',
      event_properties: { dropped_rejected: 1 },
    });
    await run();
    expect(reports()).toHaveLength(1);
  });
});
