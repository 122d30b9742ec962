// The drainer: sends the spool's due events to Amplitude until none is due or the deadline comes.
// It never prints, only calls `log`.
//
// Promises: a row is deleted only after Amplitude accepted it (at-least-once; insert_id absorbs a
// resend); one drainer per spool (a second returns 'locked' at once); the run returns before its
// deadline, aborting a request in flight and giving its rows back; no device or user is sent
// faster than Amplitude allows (./device-pacing.ts).
// A crash may repeat: the request in flight (its rows are given back by the next drainer at once).
import { type AmplitudeEvent, randomUuid } from '@dr/shared';
import { buildDroppedReport } from '../spool/dropped-report.ts';
import { type DropReason, openSpoolSafely, Spool, type SpooledEvent } from '../spool/spool.ts';
import { DEFAULT_TIMEOUT_MS, requestBody, sendEvents } from '../transport/amplitude-transport.ts';
import type { SendResult, ThrottleDetails } from '../transport/send-result.ts';
import { BATCH_PLAN, DevicePacer, identityCounts, type PacingPlan, planForBacklog } from './device-pacing.ts';
import { acquireDrainerLock } from './drainer-lock.ts';

export type StopReason = 'empty' | 'deadline' | 'rejected' | 'backoff' | 'locked';

export interface DrainSummary {
  /** Events Amplitude accepted in this run. */
  readonly sent: number;
  /** Events this run dropped, by reason. */
  readonly dropped: Partial<Record<DropReason, number>>;
  /** Events still in the spool. */
  readonly left: number;
  /** When the earliest event left becomes due (ms since the epoch), or null if none is left. */
  readonly nextRetryAt: number | null;
  /**
   * empty: nothing due is left. deadline: time ran out. rejected: Amplitude refused the request
   * as a whole (key, path, 403): the events are kept. backoff: the collector failed or throttled,
   * and the events wait in the spool until their next attempt. locked: another drainer runs.
   */
  readonly stoppedBecause: StopReason;
}

export interface DrainProgress {
  readonly sent: number;
  readonly dropped: Partial<Record<DropReason, number>>;
  readonly left: number;
}

export interface DrainOptions {
  readonly spoolDir: string;
  /** A base URL from resolveEndpoint. */
  readonly endpoint: string;
  readonly apiKey: string;
  /** How long the run may last, lock and spool included. */
  readonly deadlineMs: number;
  /** Wall clock for what is stored (attempt times, report times). Default Date.now. */
  readonly now?: () => number;
  readonly onProgress?: (progress: DrainProgress) => void;
  /** Debug lines; the drainer prints nothing itself. */
  readonly log?: (line: string) => void;
  /** Where proxy variables are read from. Default process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Pauses after consecutive failures within a run. Default 1 s, 2 s, 4 s. */
  readonly backoffMs?: readonly number[];
  /** Default 10 s. */
  readonly requestTimeoutMs?: number;
  /** How long claimed rows are hidden from any other drainer. Default 60 s. */
  readonly leaseMs?: number;
  /** Ends the run early, as the deadline would (a SIGTERM, say). */
  readonly signal?: AbortSignal;
}

export const DEFAULT_BACKOFF_MS: readonly number[] = [1_000, 2_000, 4_000];
export const DEFAULT_LEASE_MS = 60_000;
/** Throttled devices wait at least this long, whatever the answer says (the contract's 30 s). */
export const THROTTLE_HOLD_MS = 30_000;
/** Base and cap of the between-runs backoff: min(2^attempts × 30 s, 1 h). */
export const RETRY_BASE_MS = 30_000;
export const RETRY_CAP_MS = 3_600_000;

/** Meta key: ids of the rows a drainer has in flight, so the next one can give them back. */
export const IN_FLIGHT_META_KEY = 'drainer_in_flight';
export const LAST_SUCCESS_META_KEY = 'last_success_at';
/** Meta key: devices Amplitude throttled and until when (JSON), so a manual flush keeps the hold. */
export const THROTTLE_HOLDS_META_KEY = 'throttle_holds';

/** The devices whose throttle hold still runs at `now`. */
export function heldDevices(spool: Spool, now: number): string[] {
  return Object.entries(readThrottleHolds(spool))
    .filter(([, until]) => until > now)
    .map(([device]) => device);
}

function readThrottleHolds(spool: Spool): Record<string, number> {
  try {
    const parsed: unknown = JSON.parse(spool.getMeta(THROTTLE_HOLDS_META_KEY) ?? '{}');
    if (typeof parsed !== 'object' || parsed === null) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
    );
  } catch {
    return {};
  }
}

/** When a row that has failed `attempts` times before may be tried again. */
export function nextAttemptDelayMs(attempts: number): number {
  return Math.min(2 ** Math.min(attempts, 20) * RETRY_BASE_MS, RETRY_CAP_MS);
}

export async function drain(options: DrainOptions): Promise<DrainSummary> {
  const log = options.log ?? (() => {});
  let lockLost = false;
  const lost = new AbortController();
  const release = await acquireDrainerLock(options.spoolDir, (error) => {
    lockLost = true;
    log(`lock lost: ${error.message}`);
    lost.abort();
  });
  if (release === undefined) {
    log('another drainer holds the lock');
    return { sent: 0, dropped: {}, ...depthOf(options), stoppedBecause: 'locked' };
  }
  let spool: Spool | undefined;
  try {
    spool = Spool.open({ dir: options.spoolDir, ...(options.now ? { now: options.now } : {}) });
    const signal = options.signal ? AbortSignal.any([options.signal, lost.signal]) : lost.signal;
    return await drainPass(spool, { ...options, signal }, () => lockLost);
  } finally {
    spool?.close();
    await release();
  }
}

/**
 * One pass over a spool whose drainer lock the caller holds: sends what is due until nothing due
 * is left, `deadlineMs` passes or `options.signal` aborts. `lockLost` tells an abort by a lost
 * lock from one by the deadline.
 */
export async function drainPass(
  spool: Spool,
  options: DrainOptions,
  lockLost: () => boolean = () => false,
): Promise<DrainSummary> {
  const log = options.log ?? (() => {});
  const deadlineAt = performance.now() + options.deadlineMs;
  const stop = new AbortController();
  const deadline = setTimeout(() => stop.abort(), Math.max(0, options.deadlineMs));
  const onAbort = () => stop.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop.abort();
  try {
    return await new DrainRun(spool, options, log, stop.signal, deadlineAt, lockLost).execute();
  } finally {
    clearTimeout(deadline);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** What is left in the spool, read without the lock (for a run that did not get it). */
function depthOf(options: DrainOptions): Pick<DrainSummary, 'left' | 'nextRetryAt'> {
  const spool = openSpoolSafely({ dir: options.spoolDir, ...(options.now ? { now: options.now } : {}) });
  if (spool === undefined) return { left: 0, nextRetryAt: null };
  try {
    const depth = spool.depth();
    return { left: depth.events, nextRetryAt: depth.events === 0 ? null : depth.nextAttemptAt };
  } catch {
    return { left: 0, nextRetryAt: null };
  } finally {
    spool.close();
  }
}

/** A spooled row with its event, as sent. */
interface Item {
  readonly row: SpooledEvent;
  readonly event: AmplitudeEvent;
}

type Outcome = 'continue' | Exclude<StopReason, 'empty'>;

class DrainRun {
  private readonly now: () => number;
  private readonly backoffMs: readonly number[];
  private readonly dropped: Partial<Record<DropReason, number>> = {};
  private sent = 0;
  private plan: PacingPlan | undefined;
  private pacer: DevicePacer | undefined;
  private maxEventsPerRequest = Number.POSITIVE_INFINITY;
  /** Consecutive failed requests (5xx, timeout, network) in this run. */
  private failures = 0;
  /** Devices and users Amplitude throttled in this run, and until when. */
  private readonly heldUntil = new Map<string, number>();
  private heldAny = false;
  /** The newest event this run has claimed: the report's template once the spool is empty. */
  private newestClaimed: { id: number; event: AmplitudeEvent } | undefined;

  constructor(
    private readonly spool: Spool,
    private readonly options: DrainOptions,
    private readonly log: (line: string) => void,
    private readonly signal: AbortSignal,
    private readonly deadlineAt: number,
    private readonly lockLost: () => boolean,
  ) {
    this.now = options.now ?? Date.now;
    this.backoffMs = options.backoffMs ?? DEFAULT_BACKOFF_MS;
  }

  async execute(): Promise<DrainSummary> {
    this.giveBackOrphanedRows();
    this.enqueueDroppedReport();
    let reportedAtEnd = false;
    for (;;) {
      if (this.signal.aborted) return this.finish(this.lockLost() ? 'locked' : 'deadline');
      const depth = this.spool.depth();
      const rows = depth.due === 0 ? [] : this.claim(depth.due);
      if (rows.length === 0) {
        // Drops made by this run are reported in this run, once.
        if (!reportedAtEnd) {
          reportedAtEnd = true;
          if (this.enqueueDroppedReport()) continue;
        }
        return this.finish(this.heldAny ? 'backoff' : 'empty');
      }
      this.spool.setMeta(IN_FLIGHT_META_KEY, rows.map((row) => row.id).join(','));
      const outcome = await this.deliver(rows);
      this.spool.setMeta(IN_FLIGHT_META_KEY, '');
      this.options.onProgress?.({
        sent: this.sent,
        dropped: { ...this.dropped },
        left: this.spool.depth().events,
      });
      if (outcome !== 'continue') return this.finish(outcome);
    }
  }

  /** Claims the next rows under the plan for this backlog (the Batch API, once chosen, stays). */
  private claim(due: number): SpooledEvent[] {
    const plan = this.plan === BATCH_PLAN ? BATCH_PLAN : planForBacklog(due);
    if (plan !== this.plan) {
      this.log(
        `pacing: ${plan.api}, ${plan.maxEventsPerRequest} events a request, ${plan.eventsPerSecond}/s`,
      );
      this.plan = plan;
      this.pacer = new DevicePacer(plan);
      this.pacer.load(this.spool.getMeta(pacingMetaKey(plan)), this.now());
    }
    const limit = Math.min(plan.maxEventsPerRequest, this.maxEventsPerRequest);
    return this.spool.claimDue(limit, this.options.leaseMs ?? DEFAULT_LEASE_MS);
  }

  /** Sends claimed rows until each is acknowledged, dropped, held or given back. */
  private async deliver(rows: SpooledEvent[]): Promise<Outcome> {
    const plan = this.plan!;
    const items: Item[] = [];
    const unreadable: SpooledEvent[] = [];
    for (const row of rows) {
      const event = parseEvent(row.json);
      if (event === undefined) unreadable.push(row);
      else items.push({ row, event });
    }
    this.drop(unreadable, 'rejected');
    const newest = items.at(-1);
    if (newest !== undefined && newest.row.id > (this.newestClaimed?.id ?? Number.NEGATIVE_INFINITY)) {
      this.newestClaimed = { id: newest.row.id, event: newest.event };
    }

    const queue = this.splitBySize(items, plan);
    while (queue.length > 0) {
      const piece = this.withoutHeld(queue.shift()!);
      if (piece.length === 0) continue;
      const counts = identityCounts(piece.map((item) => item.event));
      const wait = this.pacer!.delayFor(counts);
      if (wait > 0 && !(await this.pause(wait))) return this.giveBack([piece, ...queue]);
      this.pacer!.take(counts);
      this.spool.setMeta(pacingMetaKey(plan), this.pacer!.save(this.now()));

      const result = await sendEvents({
        endpoint: this.options.endpoint,
        apiKey: this.options.apiKey,
        api: plan.api,
        events: piece.map((item) => item.event),
        timeoutMs: this.options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS,
        signal: this.signal,
        ...(this.options.env ? { env: this.options.env } : {}),
      });
      this.log(`${plan.api}: ${piece.length} events: ${describe(result)}`);

      switch (result.kind) {
        case 'accepted':
          this.failures = 0;
          this.spool.acknowledge(piece.map((item) => item.row.id));
          this.sent += piece.length;
          this.spool.setMeta(LAST_SUCCESS_META_KEY, String(this.now()));
          break;
        case 'partially-invalid': {
          const invalid = new Set(result.invalid.map((entry) => entry.index));
          this.drop(
            piece.filter((_, index) => invalid.has(index)).map((item) => item.row),
            'rejected',
          );
          const rest = piece.filter((_, index) => !invalid.has(index));
          if (result.throttle === null) {
            if (rest.length > 0) queue.unshift(rest);
          } else {
            queue.unshift(...this.throttle(piece, result.throttle, invalid));
          }
          break;
        }
        case 'throttled':
          queue.unshift(...this.throttle(piece, result, new Set()));
          break;
        case 'too-large':
          if (piece.length === 1) {
            this.drop([piece[0]!.row], 'too_large');
          } else {
            const half = Math.ceil(piece.length / 2);
            this.maxEventsPerRequest = Math.min(this.maxEventsPerRequest, half);
            queue.unshift(piece.slice(0, half), piece.slice(half));
          }
          break;
        case 'rejected':
          this.log(`rejected (${result.reason}): keeping the events, stopping`);
          this.spool.release(ids([piece, ...queue]));
          return 'rejected';
        case 'aborted':
          return this.giveBack([piece, ...queue]);
        case 'server-error':
        case 'network-error':
        case 'timeout': {
          this.failures += 1;
          const wait = this.backoffMs[this.failures - 1];
          if (wait === undefined) {
            this.postpone([piece, ...queue]);
            return 'backoff';
          }
          if (!(await this.pause(wait))) return this.giveBack([piece, ...queue]);
          queue.unshift(piece);
          break;
        }
      }
    }
    return 'continue';
  }

  /**
   * Applies a throttling answer to `piece`: events of devices or users over a daily quota are
   * dropped, throttled ones held until the pause ends, and the rest returned to be sent again.
   */
  private throttle(piece: Item[], details: ThrottleDetails, skip: ReadonlySet<number>): Item[][] {
    const until = this.now() + Math.max(THROTTLE_HOLD_MS, details.retryAfterMs);
    const overQuota = new Set([
      ...details.dailyQuotaDevices.map((id) => `device:${id}`),
      ...details.dailyQuotaUsers.map((id) => `user:${id}`),
    ]);
    const throttled = new Set([
      ...details.throttledDevices.map((id) => `device:${id}`),
      ...details.throttledUsers.map((id) => `user:${id}`),
    ]);
    const throttledIndexes = new Set(details.throttledEventIndexes);
    const drop: Item[] = [];
    const hold: Item[] = [];
    const resend: Item[] = [];
    piece.forEach((item, index) => {
      if (skip.has(index)) return;
      const keys = identityKeys(item.event);
      if (keys.some((key) => overQuota.has(key))) drop.push(item);
      else if (throttledIndexes.has(index) || keys.some((key) => throttled.has(key))) hold.push(item);
      else resend.push(item);
    });
    if (drop.length === 0 && hold.length === 0) {
      // The answer names nothing that was sent: hold it all rather than resend in a loop.
      hold.push(...resend.splice(0));
    }
    for (const key of [...throttled, ...overQuota]) this.heldUntil.set(key, until);
    for (const item of hold) for (const key of identityKeys(item.event)) this.heldUntil.set(key, until);
    this.saveThrottleHolds();
    this.drop(
      drop.map((item) => item.row),
      'over_quota',
    );
    if (hold.length > 0) {
      this.spool.retryLater(
        hold.map((item) => item.row.id),
        until,
      );
      this.heldAny = true;
    }
    return resend.length > 0 ? [resend] : [];
  }

  /** Stores the device holds still running, for a later flush (expired ones are forgotten). */
  private saveThrottleHolds(): void {
    const now = this.now();
    const holds = Object.fromEntries(
      Object.entries(readThrottleHolds(this.spool)).filter(([, until]) => until > now),
    );
    for (const [key, until] of this.heldUntil) {
      if (key.startsWith('device:') && until > now) holds[key.slice('device:'.length)] = until;
    }
    this.spool.setMeta(THROTTLE_HOLDS_META_KEY, JSON.stringify(holds));
  }

  /** Devices and users throttled earlier in this run wait out their pause without another request. */
  private withoutHeld(piece: Item[]): Item[] {
    const sendable: Item[] = [];
    const held = new Map<number, number[]>();
    for (const item of piece) {
      const until = this.heldFor(item);
      if (until === undefined) sendable.push(item);
      else held.set(until, [...(held.get(until) ?? []), item.row.id]);
    }
    for (const [until, rowIds] of held) this.spool.retryLater(rowIds, until);
    if (held.size > 0) this.heldAny = true;
    return sendable;
  }

  /** When a throttled identity of this item may send again, if it is still held. */
  private heldFor(item: Item): number | undefined {
    let until: number | undefined;
    for (const key of identityKeys(item.event)) {
      const held = this.heldUntil.get(key);
      if (held !== undefined && held > this.now()) until = Math.max(until ?? 0, held);
    }
    return until;
  }

  /** Pieces of at most the plan's body size (a single larger event goes alone; 413 settles it). */
  private splitBySize(items: Item[], plan: PacingPlan): Item[][] {
    const overhead = requestBody(this.options.apiKey, []).length;
    const pieces: Item[][] = [];
    let current: Item[] = [];
    let bytes = overhead;
    for (const item of items) {
      const size = Buffer.byteLength(item.row.json) + 1;
      if (current.length > 0 && bytes + size > plan.maxBodyBytes) {
        pieces.push(current);
        current = [];
        bytes = overhead;
      }
      current.push(item);
      bytes += size;
    }
    if (current.length > 0) pieces.push(current);
    return pieces;
  }

  /** Waits `ms` unless that would cross the deadline; false if the run must stop instead. */
  private async pause(ms: number): Promise<boolean> {
    if (performance.now() + ms >= this.deadlineAt) return false;
    await sleep(ms, this.signal);
    return !this.signal.aborted;
  }

  /** Stops at the deadline (or lost lock): rows of a failing streak wait, the others are due again. */
  private giveBack(pieces: Item[][]): Outcome {
    if (this.failures > 0) this.postpone(pieces);
    else this.spool.release(ids(pieces));
    return this.lockLost() ? 'locked' : 'deadline';
  }

  /** After the in-run backoff is spent: each row waits min(2^attempts × 30 s, 1 h). */
  private postpone(pieces: Item[][]): void {
    const byAttempts = new Map<number, number[]>();
    for (const piece of pieces) {
      for (const { row } of piece)
        byAttempts.set(row.attempts, [...(byAttempts.get(row.attempts) ?? []), row.id]);
    }
    const now = this.now();
    for (const [attempts, rowIds] of byAttempts) {
      this.spool.retryLater(rowIds, now + nextAttemptDelayMs(attempts));
    }
    if (byAttempts.size > 0) this.heldAny = true;
  }

  private drop(rows: readonly SpooledEvent[], reason: DropReason): void {
    if (rows.length === 0) return;
    this.spool.drop(
      rows.map((row) => row.id),
      reason,
    );
    this.dropped[reason] = (this.dropped[reason] ?? 0) + rows.length;
  }

  /** Rows a killed drainer had in flight are due again now rather than after their lease. */
  private giveBackOrphanedRows(): void {
    const orphaned = (this.spool.getMeta(IN_FLIGHT_META_KEY) ?? '')
      .split(',')
      .filter((id) => id !== '')
      .map(Number)
      .filter(Number.isSafeInteger);
    if (orphaned.length === 0) return;
    this.log(`giving back ${orphaned.length} rows a previous drainer had in flight`);
    this.spool.release(orphaned);
    this.spool.setMeta(IN_FLIGHT_META_KEY, '');
  }

  /** Turns the spool's drop counters into one telemetry_dropped event; true if one was spooled. */
  private enqueueDroppedReport(): boolean {
    return this.spool.enqueueDroppedReport((counts) =>
      buildDroppedReport(this.newestEvent(), counts, this.now(), randomUuid()),
    );
  }

  /**
   * The newest event spooled, or else the newest this run claimed: the report speaks for the same
   * device, session and build. (The spool reads oldest first, so this reads every row; it runs
   * only when something was dropped.)
   */
  private newestEvent(): AmplitudeEvent | undefined {
    const rows = this.spool.peek(Number.MAX_SAFE_INTEGER);
    for (let index = rows.length - 1; index >= 0; index -= 1) {
      const event = parseEvent(rows[index]!.json);
      if (event !== undefined) return event;
    }
    return this.newestClaimed?.event;
  }

  private finish(stoppedBecause: StopReason): DrainSummary {
    const depth = this.spool.depth();
    const summary: DrainSummary = {
      sent: this.sent,
      dropped: { ...this.dropped },
      left: depth.events,
      nextRetryAt: depth.events === 0 ? null : depth.nextAttemptAt,
      stoppedBecause,
    };
    this.log(`stopped (${stoppedBecause}): sent ${summary.sent}, left ${summary.left}`);
    return summary;
  }
}

/** Meta key of the saved token buckets of one API (each API has its own limits). */
function pacingMetaKey(plan: PacingPlan): string {
  return `pacing_${plan.api}`;
}

function parseEvent(json: string): AmplitudeEvent | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null ? (value as AmplitudeEvent) : undefined;
  } catch {
    return undefined;
  }
}

function identityKeys(event: AmplitudeEvent): string[] {
  return [...identityCounts([event]).keys()];
}

function ids(pieces: readonly Item[][]): number[] {
  return pieces.flatMap((piece) => piece.map((item) => item.row.id));
}

function describe(result: SendResult): string {
  switch (result.kind) {
    case 'accepted':
    case 'too-large':
      return `${result.kind} (${result.status})`;
    case 'partially-invalid':
      return `${result.kind} (${result.invalid.length} invalid)`;
    case 'rejected':
      return `${result.kind} (${result.status} ${result.reason})`;
    case 'throttled':
      return `${result.kind} (${result.throttledEventIndexes.length} events, wait ${result.retryAfterMs} ms)`;
    case 'server-error':
      return `${result.kind} (${result.status})`;
    case 'network-error':
      return `${result.kind} (${result.code ?? result.message})`;
    case 'timeout':
      return `${result.kind} (${result.timeoutMs} ms)`;
    case 'aborted':
      return result.kind;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
