// The pacing plans against Amplitude's limits as the facts file states them, checked by replaying
// the pacer on a simulated clock and measuring the worst sliding window.
import { describe, expect, it } from 'vitest';
import {
  BATCH_PLAN,
  DevicePacer,
  HTTP_V2_PLAN,
  identityCounts,
  type PacingPlan,
  planForBacklog,
  SMALL_BACKLOG_EVENTS,
} from '../../src/drainer/device-pacing.ts';

/** Sends `total` events of one device through the pacer on a fake clock; returns send times. */
function replay(plan: PacingPlan, total: number): { at: number; count: number }[] {
  let clock = 0;
  const pacer = new DevicePacer(plan, () => clock);
  const sends: { at: number; count: number }[] = [];
  for (let left = total; left > 0; ) {
    const count = Math.min(plan.maxEventsPerRequest, left);
    const counts = identityCounts(Array.from({ length: count }, () => ({ device_id: 'device-1' })));
    clock += pacer.delayFor(counts);
    pacer.take(counts);
    sends.push({ at: clock, count });
    left -= count;
  }
  return sends;
}

function worstWindow(sends: { at: number; count: number }[], windowMs: number): number {
  let worst = 0;
  for (const start of sends) {
    const inWindow = sends.filter((s) => s.at >= start.at && s.at < start.at + windowMs);
    worst = Math.max(
      worst,
      inWindow.reduce((sum, s) => sum + s.count, 0),
    );
  }
  return worst;
}

describe('pacing plans', () => {
  it('chooses HTTP V2 for a small backlog and Batch above it', () => {
    expect(planForBacklog(1)).toBe(HTTP_V2_PLAN);
    expect(planForBacklog(SMALL_BACKLOG_EVENTS)).toBe(HTTP_V2_PLAN);
    expect(planForBacklog(SMALL_BACKLOG_EVENTS + 1)).toBe(BATCH_PLAN);
  });

  it('keeps the Batch API under 1000 events/s averaged over any 30 s, and 10,000 events under 15 s', () => {
    const sends = replay(BATCH_PLAN, 100_000);
    expect(worstWindow(sends, 30_000)).toBeLessThan(30_000);
    const tenThousand = replay(BATCH_PLAN, 10_000);
    expect(tenThousand.at(-1)!.at).toBeLessThan(11_000);
  });

  it('keeps HTTP V2 under 30 events/s over any 1 s and any 30 s, at most 10 events a request', () => {
    const sends = replay(HTTP_V2_PLAN, 2_000);
    expect(worstWindow(sends, 1_000)).toBeLessThanOrEqual(30);
    expect(worstWindow(sends, 30_000)).toBeLessThan(900);
    expect(Math.max(...sends.map((s) => s.count))).toBeLessThanOrEqual(10);
  });

  it('paces each identity on its own and a request by its busiest identity', () => {
    let clock = 0;
    const pacer = new DevicePacer(HTTP_V2_PLAN, () => clock);
    const ten = (device: string, user?: string) =>
      identityCounts(
        Array.from({ length: 10 }, () => ({ device_id: device, ...(user ? { user_id: user } : {}) })),
      );
    pacer.take(ten('a', 'u'));
    expect(pacer.delayFor(ten('b'))).toBe(0);
    // Device c is fresh, but its user u spent its burst on device a.
    expect(pacer.delayFor(ten('c', 'u'))).toBe(Math.ceil((10 / HTTP_V2_PLAN.eventsPerSecond) * 1000));
    clock += 1_000;
    expect(pacer.delayFor(ten('c', 'u'))).toBe(0);
  });
});

describe('pacing across runs', () => {
  const ten = identityCounts(Array.from({ length: 10 }, () => ({ device_id: 'a' })));

  it('a new pacer loaded from a saved one owes the same wait, less the time since', () => {
    const clock = 0;
    const first = new DevicePacer(HTTP_V2_PLAN, () => clock);
    first.take(ten);
    const saved = first.save(1_000_000);

    const second = new DevicePacer(HTTP_V2_PLAN, () => clock);
    second.load(saved, 1_000_000);
    expect(second.delayFor(ten)).toBe(Math.ceil((10 / HTTP_V2_PLAN.eventsPerSecond) * 1000));

    const third = new DevicePacer(HTTP_V2_PLAN, () => clock);
    third.load(saved, 1_000_000 + 400);
    expect(third.delayFor(ten)).toBe(Math.ceil(((10 - 0.4 * HTTP_V2_PLAN.eventsPerSecond) / 15) * 1000));
  });

  it('a clock gone back refills nothing; garbage loads as nothing', () => {
    const first = new DevicePacer(HTTP_V2_PLAN, () => 0);
    first.take(ten);
    const second = new DevicePacer(HTTP_V2_PLAN, () => 0);
    second.load(first.save(5_000), 1_000);
    expect(second.delayFor(ten)).toBeGreaterThan(600);
    const fresh = new DevicePacer(HTTP_V2_PLAN, () => 0);
    fresh.load('not json', 0);
    fresh.load(undefined, 0);
    expect(fresh.delayFor(ten)).toBe(0);
  });
});
