// How fast the drainer may send, so that no device or user ever goes over Amplitude's limits: HTTP
// V2 for a small backlog, the Batch API past SMALL_BACKLOG_EVENTS (the plans below carry the
// figures), and a token bucket per device and per user.
//
// Promises: a request waits until every identity in it has the tokens for its events; the buckets
// outlive a run (kept in the spool's meta, stamped with the wall clock), so drainers started one
// after another, or killed and restarted, do not each get a fresh burst.
import type { AmplitudeApi } from '../transport/endpoint.ts';

export interface PacingPlan {
  readonly api: AmplitudeApi;
  readonly maxEventsPerRequest: number;
  /** Cap on the request body, below the API's limit (HTTP V2 1 MB, Batch 20 MB). */
  readonly maxBodyBytes: number;
  /** Sustained events per second per device and per user. */
  readonly eventsPerSecond: number;
  /** Events one device or user may send at once after a pause; also the largest request. */
  readonly burst: number;
}

/** More due events than this, and the run uses the Batch API. */
export const SMALL_BACKLOG_EVENTS = 30;

export const HTTP_V2_PLAN: PacingPlan = {
  api: 'httpapi',
  maxEventsPerRequest: 10,
  maxBodyBytes: 900_000,
  eventsPerSecond: 15,
  burst: 10,
};

/**
 * Sliding-window check of the worst case: burst + 30 s × rate = 1,000 + 27,000 = 28,000 events
 * in any 30 s, under the 30,000 that 1,000/s averaged over 30 s allows. Requests of 250 events
 * (the API takes 2,000) keep the drainer's memory down; the pace still holds on a link whose round
 * trip is under 250 / 900 s ≈ 280 ms.
 */
export const BATCH_PLAN: PacingPlan = {
  api: 'batch',
  maxEventsPerRequest: 250,
  maxBodyBytes: 19_000_000,
  eventsPerSecond: 900,
  burst: 1000,
};

/** The plan for a backlog of `dueEvents`. */
export function planForBacklog(dueEvents: number): PacingPlan {
  return dueEvents > SMALL_BACKLOG_EVENTS ? BATCH_PLAN : HTTP_V2_PLAN;
}

/** The identities a request is paced by, with how many of its events each has. */
export function identityCounts(
  events: readonly { device_id?: unknown; user_id?: unknown }[],
): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  for (const event of events) {
    if (typeof event.device_id === 'string') add(`device:${event.device_id}`);
    if (typeof event.user_id === 'string') add(`user:${event.user_id}`);
  }
  return counts;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets per identity for one plan. `clock` is monotonic milliseconds. */
export class DevicePacer {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly plan: PacingPlan,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Milliseconds to wait before a request with these identity counts may go. */
  delayFor(counts: ReadonlyMap<string, number>): number {
    const now = this.clock();
    let delay = 0;
    for (const [key, count] of counts) {
      const missing = Math.min(count, this.plan.burst) - this.tokensAt(key, now);
      if (missing > 0) delay = Math.max(delay, (missing / this.plan.eventsPerSecond) * 1000);
    }
    return Math.ceil(delay);
  }

  /** Spends the tokens of a request that is about to go (call after waiting delayFor). */
  take(counts: ReadonlyMap<string, number>): void {
    const now = this.clock();
    for (const [key, count] of counts) {
      this.buckets.set(key, { tokens: this.tokensAt(key, now) - count, at: now });
    }
  }

  /** The buckets not yet full, stamped with the wall clock, for the next run to load. */
  save(wallNow: number): string {
    const now = this.clock();
    const tokens: Record<string, number> = {};
    for (const key of this.buckets.keys()) {
      const level = this.tokensAt(key, now);
      if (level < this.plan.burst) tokens[key] = Math.round(level * 1000) / 1000;
    }
    return JSON.stringify({ at: wallNow, tokens });
  }

  /** Loads what save() wrote, refilled for the wall-clock time since (none if the clock went back). */
  load(saved: string | undefined, wallNow: number): void {
    let parsed: { at?: unknown; tokens?: unknown };
    try {
      parsed = JSON.parse(saved ?? '');
    } catch {
      return;
    }
    if (typeof parsed.at !== 'number' || typeof parsed.tokens !== 'object' || parsed.tokens === null) return;
    const elapsedSeconds = Math.max(0, wallNow - parsed.at) / 1000;
    const now = this.clock();
    for (const [key, level] of Object.entries(parsed.tokens)) {
      if (typeof level !== 'number' || !Number.isFinite(level)) continue;
      const tokens = Math.min(this.plan.burst, level + elapsedSeconds * this.plan.eventsPerSecond);
      if (tokens < this.plan.burst) this.buckets.set(key, { tokens, at: now });
    }
  }

  private tokensAt(key: string, now: number): number {
    const bucket = this.buckets.get(key);
    if (bucket === undefined) return this.plan.burst;
    return Math.min(this.plan.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.plan.eventsPerSecond);
  }
}
