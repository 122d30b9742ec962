// The drainer process's life: take the lock, send what is due, then linger with the spool open for
// an idle window, sending what later commands enqueue, and exit when the window passes with
// nothing new (docs/architecture.md, The flow).
//
// Promises: idle is a timer every 500 ms reading SQLite's data_version, no busy loop; while it
// lingers, commands see its lock and spawn nothing, and their close pays no WAL checkpoint; it
// exits at once when disable, reset or flush raise the stop request, on SIGTERM, or when the lock
// is lost; it never outlives maxLifetimeMs.
import { Spool, withExistingSpool } from '../spool/spool.ts';
import { type DrainOptions, type DrainSummary, drainPass } from './drainer.ts';
import {
  clearDrainerSpawnClaim,
  DRAINER_STATE_META_KEY,
  type DrainerState,
  drainerStopRequest,
  drainerVeto,
} from './drainer-control.ts';
import { acquireDrainerLock } from './drainer-lock.ts';

export interface LingerOptions extends Omit<DrainOptions, 'deadlineMs' | 'onProgress'> {
  /** How long one pass over the spool may send. */
  readonly passDeadlineMs: number;
  /** How long to wait for new events after the last ones (0: exit when the spool is empty). */
  readonly idleMs: number;
  /** The drainer exits once this has passed, whatever comes (the next command starts another). */
  readonly maxLifetimeMs: number;
  /** How often the idle drainer looks for new events and stop requests. Default 500 ms. */
  readonly pollMs?: number;
  /**
   * The veto its command saw when it began recording: if it has changed by the time the drainer
   * holds the lock, telemetry was disabled in between, and it exits without sending.
   */
  readonly spawnedUnderVeto?: string;
}

/** Why the drainer ended: see LingerOptions. 'locked': another drainer holds the lock. */
export type LingerEnd = 'idle' | 'lifetime' | 'stop-request' | 'signal' | 'lock-lost' | 'rejected' | 'locked';

export interface LingerSummary {
  readonly sent: number;
  readonly passes: number;
  readonly end: LingerEnd;
}

export const DEFAULT_IDLE_POLL_MS = 500;

/** Idle windows and the lifetime are measured on a monotonic clock: a wall clock set back must not keep the lock. */
const monotonic = () => performance.now();

export async function drainAndLinger(options: LingerOptions): Promise<LingerSummary> {
  const startedAt = monotonic();
  const total: Tally = { sent: 0, passes: 0, lastStop: 'empty' };
  for (;;) {
    const lifetimeEnd = startedAt + options.maxLifetimeMs;
    const end = await holdLockAndDrain(options, lifetimeEnd, total);
    if (end !== 'idle' && end !== 'lifetime') return { ...total, end };
    // A command that saw the lock just before it was released spawned nothing: look once more.
    // Not after a pass cut short by its deadline: its rows are due again and would loop; rows a
    // failing collector postponed are not due, so after 'backoff' only new events count.
    const looked = total.lastStop === 'empty' || total.lastStop === 'backoff';
    if (!looked || options.signal?.aborted || !dueWithoutLock(options)) {
      return { sent: total.sent, passes: total.passes, end };
    }
    options.log?.('events arrived while the lock was being released: draining again');
    if (end === 'lifetime') return { ...total, ...(await finalPass(options, total)) };
  }
}

interface Tally {
  sent: number;
  passes: number;
  /** How the last pass ended. */
  lastStop: DrainSummary['stoppedBecause'];
}

/** One pass without lingering, for events that came as the lifetime ended. */
async function finalPass(options: LingerOptions, total: Tally) {
  const end = await holdLockAndDrain({ ...options, idleMs: 0 }, monotonic(), total);
  return { end };
}

async function holdLockAndDrain(
  options: LingerOptions,
  lifetimeEnd: number,
  total: Tally,
): Promise<LingerEnd> {
  const log = options.log ?? (() => {});
  const stop = new AbortController();
  let end: LingerEnd | undefined;
  const endWith = (reason: LingerEnd) => {
    end ??= reason;
    stop.abort();
  };
  const onSignal = () => endWith('signal');
  options.signal?.addEventListener('abort', onSignal, { once: true });
  if (options.signal?.aborted) return 'signal';
  const release = await acquireDrainerLock(options.spoolDir, (error) => {
    log(`lock lost: ${error.message}`);
    endWith('lock-lost');
  });
  if (release === undefined) {
    log('another drainer holds the lock');
    // The claim that spawned this drainer is spent: the lock says a drainer runs.
    clearDrainerSpawnClaim(options.spoolDir);
    options.signal?.removeEventListener('abort', onSignal);
    return 'locked';
  }
  clearDrainerSpawnClaim(options.spoolDir);
  let spool: Spool | undefined;
  let poll: NodeJS.Timeout | undefined;
  try {
    spool = Spool.open({ dir: options.spoolDir, ...(options.now ? { now: options.now } : {}) });
    const open = spool;
    const stopRequest = drainerStopRequest(open);
    const spawnedUnder = options.spawnedUnderVeto;
    if (spawnedUnder !== undefined && spawnedUnder !== drainerVeto(open)) {
      log('telemetry was disabled after the command that spawned this drainer began: exiting');
      return 'stop-request';
    }
    let version = open.dataVersion();
    let wake: (() => void) | undefined;
    let newEvents = false;
    poll = setInterval(() => {
      try {
        const current = open.dataVersion();
        if (current !== version) {
          version = current;
          if (drainerStopRequest(open) !== stopRequest) endWith('stop-request');
          else newEvents = true;
        }
        wake?.();
      } catch (error) {
        log(`spool unreadable while lingering: ${error instanceof Error ? error.message : String(error)}`);
        endWith('lock-lost');
        wake?.();
      }
    }, options.pollMs ?? DEFAULT_IDLE_POLL_MS);

    let lastEvents = monotonic();
    for (;;) {
      newEvents = false;
      // A pass ends by the lifetime (at least a second on), so the hard exit never cuts one.
      const left = lifetimeEnd - monotonic();
      const deadlineMs =
        left > 0 ? Math.min(options.passDeadlineMs, Math.max(1_000, left)) : options.passDeadlineMs;
      const summary = await drainPass(
        open,
        { ...options, deadlineMs, signal: stop.signal },
        () => end === 'lock-lost',
      );
      total.sent += summary.sent;
      total.passes += 1;
      total.lastStop = summary.stoppedBecause;
      log(`pass: ${JSON.stringify(summary)}`);
      if (end !== undefined) return end;
      if (summary.stoppedBecause === 'rejected') return 'rejected';
      const exitsIn = Math.min(lastEvents + options.idleMs, lifetimeEnd) - monotonic();
      writeState(open, { pid: process.pid, exitsBy: Date.now() + Math.max(0, Math.round(exitsIn)) });
      const woke = await new Promise<'events' | 'retry' | 'idle' | 'lifetime' | 'ended'>((resolve) => {
        wake = () => {
          const now = monotonic();
          const arrived = newEvents && open.hasDue();
          newEvents = false;
          // The lifetime first: a steady stream of events must not keep one drainer forever (the
          // events are taken by a last pass after the lock is released, see drainAndLinger).
          if (end !== undefined) resolve('ended');
          else if (now >= lifetimeEnd) resolve('lifetime');
          else if (arrived) resolve('events');
          else if (now >= lastEvents + options.idleMs) resolve('idle');
          else if (retryDue(summary, Date.now()) && open.hasDue()) resolve('retry');
        };
        wake();
      });
      wake = undefined;
      if (woke === 'ended') return end ?? 'signal';
      if (woke === 'idle' || woke === 'lifetime') return woke;
      if (woke === 'events') lastEvents = monotonic();
    }
  } finally {
    clearInterval(poll);
    options.signal?.removeEventListener('abort', onSignal);
    if (spool !== undefined) writeState(spool, undefined);
    spool?.close();
    await release();
  }
}

/**
 * Rows the collector made wait (errors, throttling) have become due. A pass cut short by its
 * deadline is not retried on its own: the next events (or the next drainer) take its rows.
 */
function retryDue(summary: DrainSummary, now: number): boolean {
  return (
    summary.stoppedBecause === 'backoff' &&
    summary.left > 0 &&
    summary.nextRetryAt !== null &&
    summary.nextRetryAt <= now
  );
}

function writeState(spool: Spool, state: DrainerState | undefined): void {
  try {
    spool.setMeta(DRAINER_STATE_META_KEY, state === undefined ? '' : JSON.stringify(state));
  } catch {
    // Only for status.
  }
}

function dueWithoutLock(options: LingerOptions): boolean {
  try {
    return withExistingSpool(options.spoolDir, (spool) => spool.hasDue()) ?? false;
  } catch {
    return false;
  }
}
