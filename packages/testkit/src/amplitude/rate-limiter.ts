// Amplitude's per-device and per-user limits: events per second over a sliding window and (Batch,
// optional) a daily quota. A request is judged whole, and only accepted requests count, so a
// throttled one does not push its device further over. Time comes from the caller.

import type { ThrottledAnswer } from './answers.ts';
import { dailyQuotaSpanMs, type RateLimit } from './endpoints.ts';

export interface IdentifiedEvent {
  readonly device_id?: string;
  readonly user_id?: string;
}

/** Events counted over a fixed span that slides with the clock. */
class SlidingCount {
  private readonly entries: { at: number; count: number }[] = [];
  private total = 0;

  constructor(private readonly spanMs: number) {}

  add(at: number, count: number): void {
    this.entries.push({ at, count });
    this.total += count;
  }

  countAt(now: number): number {
    while (this.entries.length > 0 && this.entries[0]!.at <= now - this.spanMs) {
      this.total -= this.entries.shift()!.count;
    }
    return this.total;
  }
}

type Identity = { kind: 'device' | 'user'; id: string };

export class DeviceRateLimiter {
  private readonly windows = new Map<string, SlidingCount>();
  private readonly days = new Map<string, SlidingCount>();

  private readonly dailyQuota: number | undefined;
  private readonly reportsDailyQuota: boolean;

  /**
   * `dailyQuota`: events per device or user per rolling day, none by default. `reportsDailyQuota`:
   * 429s carry the `exceeded_daily_quota_*` maps (the Batch API's answers do, quota or not).
   */
  constructor(
    private readonly limit: RateLimit,
    options: { readonly dailyQuota?: number | undefined; readonly reportsDailyQuota?: boolean } = {},
  ) {
    this.dailyQuota = options.dailyQuota;
    this.reportsDailyQuota = options.reportsDailyQuota ?? options.dailyQuota !== undefined;
  }

  /** The 429 answer this request deserves at `now`, or undefined if every device and user is under its limits. */
  judge(events: readonly IdentifiedEvent[], now: number): ThrottledAnswer | undefined {
    const requested = new Map<string, { identity: Identity; indexes: number[] }>();
    events.forEach((event, index) => {
      for (const identity of identitiesOf(event)) {
        const key = keyOf(identity);
        const entry = requested.get(key) ?? { identity, indexes: [] };
        entry.indexes.push(index);
        requested.set(key, entry);
      }
    });

    const throttled: Record<Identity['kind'], Record<string, number>> = { device: {}, user: {} };
    const overQuota: Record<Identity['kind'], Record<string, number>> = { device: {}, user: {} };
    const throttledEvents = new Set<number>();
    const windowSeconds = this.limit.windowMs / 1000;
    for (const [key, { identity, indexes }] of requested) {
      const inWindow = (this.windows.get(key)?.countAt(now) ?? 0) + indexes.length;
      const eventsPerSecond = inWindow / windowSeconds;
      let over = false;
      if (eventsPerSecond > this.limit.eventsPerSecond) {
        throttled[identity.kind][identity.id] = Math.ceil(eventsPerSecond);
        over = true;
      }
      if (this.dailyQuota !== undefined) {
        const inDay = (this.days.get(key)?.countAt(now) ?? 0) + indexes.length;
        if (inDay > this.dailyQuota) {
          overQuota[identity.kind][identity.id] = inDay;
          over = true;
        }
      }
      if (over) for (const index of indexes) throttledEvents.add(index);
    }
    if (throttledEvents.size === 0) return undefined;

    return {
      code: 429,
      error: 'Too many requests for some devices and users',
      eps_threshold: this.limit.eventsPerSecond,
      throttled_devices: throttled.device,
      throttled_users: throttled.user,
      throttled_events: [...throttledEvents].sort((a, b) => a - b),
      ...(!this.reportsDailyQuota
        ? {}
        : { exceeded_daily_quota_devices: overQuota.device, exceeded_daily_quota_users: overQuota.user }),
    };
  }

  /** Counts the events of an accepted request against their devices and users. */
  admit(events: readonly IdentifiedEvent[], now: number): void {
    const counts = new Map<string, number>();
    for (const event of events) {
      for (const identity of identitiesOf(event)) {
        const key = keyOf(identity);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
    }
    for (const [key, count] of counts) {
      counterFor(this.windows, key, this.limit.windowMs).add(now, count);
      if (this.dailyQuota !== undefined) counterFor(this.days, key, dailyQuotaSpanMs).add(now, count);
    }
  }

  forget(): void {
    this.windows.clear();
    this.days.clear();
  }
}

/**
 * A 429 that names every device and user of the request, each just over the threshold: what a
 * forced 429 answers. `withDailyQuotaMaps` adds the (empty) maps the Batch API always carries.
 */
export function throttleEveryone(
  events: readonly unknown[],
  eventsPerSecond: number,
  withDailyQuotaMaps: boolean,
): ThrottledAnswer {
  const throttled: Record<Identity['kind'], Record<string, number>> = { device: {}, user: {} };
  for (const event of events) {
    if (typeof event !== 'object' || event === null) continue;
    for (const identity of identitiesOf(event as IdentifiedEvent)) {
      throttled[identity.kind][identity.id] = Math.floor(eventsPerSecond) + 1;
    }
  }
  return {
    code: 429,
    error: 'Too many requests for some devices and users',
    eps_threshold: eventsPerSecond,
    throttled_devices: throttled.device,
    throttled_users: throttled.user,
    throttled_events: events.map((_, index) => index),
    ...(withDailyQuotaMaps ? { exceeded_daily_quota_devices: {}, exceeded_daily_quota_users: {} } : {}),
  };
}

function identitiesOf(event: IdentifiedEvent): Identity[] {
  const identities: Identity[] = [];
  if (typeof event.device_id === 'string') identities.push({ kind: 'device', id: event.device_id });
  if (typeof event.user_id === 'string') identities.push({ kind: 'user', id: event.user_id });
  return identities;
}

function keyOf(identity: Identity): string {
  return `${identity.kind}:${identity.id}`;
}

function counterFor(counters: Map<string, SlidingCount>, key: string, spanMs: number): SlidingCount {
  let counter = counters.get(key);
  if (!counter) {
    counter = new SlidingCount(spanMs);
    counters.set(key, counter);
  }
  return counter;
}
