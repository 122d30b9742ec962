// Offline for days, the CLI's half (issue #6, item 3): bin/dr reads the system clock, so the weeks
// offline are spooled beforehand through the real Spool on a clock that runs from 45 days ago to
// 5 days ago: 14,500 command events, a busy fortnight first (past the count bound), then quiet
// weeks. Then one `dr self version` today, with the collector back: the command says what it says
// with telemetry off, and its drainer sends the backlog without a 429 or a duplicate, exactly the
// events within the bounds (the newest, none older than 30 days), with one telemetry_dropped that
// counts every event that did not make it, by reason. The days themselves, with the collector
// refusing and a drainer failing daily, are in packages/spooler/test/drainer/offline-days.test.ts,
// on a clock that test moves.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { AmplitudeEvent } from '@dr/shared';
import { DROPPED_EVENT_TYPE, drainerLockPath, Spool } from '@dr/spooler';
import { describe, expect, it } from 'vitest';
import { drainerPids, runDr, spooledEvents, waitUntil } from '../telemetry/support/telemetry-harness.ts';
import { readDebugOutput } from './support/drainer-chaos.ts';
import { useEnabledHome } from './support/enabled-home.ts';

const DAY = 24 * 60 * 60 * 1000;
const DAYS_OFFLINE = 40;
/** Commands a day: a busy fortnight (12,000 events, past the count bound), then quiet weeks. */
const eventsOnDay = (day: number) => (day < 15 ? 800 : 100);
const MAX_EVENTS = 10_000;
const MAX_AGE = 30 * DAY;

const telemetry = useEnabledHome();

/** A command event as dr spools it, for the device and session of `like`. */
function offlineEvent(like: AmplitudeEvent, time: number): AmplitudeEvent {
  return {
    ...like,
    event_type: 'command_completed',
    time,
    insert_id: randomUUID(),
    event_properties: {
      command: 'self version',
      args_count: 0,
      flags: [],
      duration_ms: 12,
      exit_code: 0,
      success: true,
    },
  };
}

describe('back online after weeks offline', () => {
  it('drops exactly what the bounds demand, reports it once, and drains the rest without a 429', async () => {
    const { fake, home } = telemetry;
    // One run to learn the device and the shape of dr's events; its events reach the collector.
    const first = await runDr(['self', 'version'], {
      env: { ...home.telemetryEnv, DR_TELEMETRY_DEBUG: '1' },
    });
    const template = readDebugOutput(first.stderr).events.at(-1) as unknown as AmplitudeEvent;
    expect(template.event_type).toBe('command_completed');
    await fake.waitFor(() => fake.ingested.length === 3, { description: 'the first run’s events' });
    await waitUntil(() => drainerPids(home.spoolDir).length === 0, 'the first drainer to exit');
    fake.reset();

    // The weeks offline: every event spooled on the clock of its day, the bounds applied as it went.
    const started = Date.now() - (DAYS_OFFLINE + 5) * DAY;
    let clock = started;
    const offline: AmplitudeEvent[] = [];
    const spool = Spool.open({ dir: home.spoolDir, now: () => clock });
    try {
      for (let day = 0; day < DAYS_OFFLINE; day += 1) {
        for (let index = 0; index < eventsOnDay(day); index += 1) {
          clock = started + day * DAY + Math.floor((index * DAY) / eventsOnDay(day));
          const event = offlineEvent(template, clock);
          spool.enqueue(event);
          offline.push(event);
        }
      }
    } finally {
      spool.close();
    }

    const cutoffBefore = Date.now() - MAX_AGE;
    const today = await runDr(['self', 'version'], {
      env: { ...home.telemetryEnv, DR_TELEMETRY_DEBUG: '1', DR_DRAINER_DEADLINE_MS: '60000' },
    });
    const quiet = await runDr(['self', 'version'], { env: { ...home.telemetryEnv, DO_NOT_TRACK: '1' } });
    expect({ code: today.code, stdout: today.stdout }).toEqual({ code: quiet.code, stdout: quiet.stdout });
    const todays = readDebugOutput(today.stderr);
    expect(todays.drainerStarted).toBe(true);
    expect(todays.notRecorded).toEqual([]);

    await waitUntil(() => drainerPids(home.spoolDir).length === 0, 'the backlog’s drainer to exit', 60_000);
    expect(spooledEvents(home.spoolDir)).toEqual([]);
    expect(existsSync(drainerLockPath(home.spoolDir))).toBe(false);

    expect(fake.stats.throttled, '429 answers').toBe(0);
    expect(fake.stats.duplicatesAbsorbed, 'duplicates').toBe(0);
    expect([...fake.timesAcceptedByInsertId.values()].filter((times) => times > 1)).toEqual([]);

    const ids = (events: readonly { insert_id?: unknown }[]) =>
      events.map((event) => event.insert_id as string);
    const ingestedIds = new Set(ids(fake.ingested));
    expect(ids(todays.events).filter((id) => !ingestedIds.has(id))).toEqual([]);
    // The offline events that arrived are exactly those the age bound keeps (the count bound took
    // older ones on the busy days): none from before the cutoff, every one from after it.
    const cutoffAfter = Date.now() - MAX_AGE;
    const arrived = offline.filter((event) => ingestedIds.has(event.insert_id));
    expect(arrived.length).toBeLessThanOrEqual(MAX_EVENTS);
    expect(arrived.every((event) => event.time >= cutoffBefore)).toBe(true);
    expect(
      ids(offline.filter((event) => event.time >= cutoffAfter && !ingestedIds.has(event.insert_id))),
    ).toEqual([]);

    // One report, and it counts every offline event that did not arrive, by its reason.
    const reports = fake.ingested.filter((event) => event.event_type === DROPPED_EVENT_TYPE);
    expect(reports).toHaveLength(1);
    const counts = reports[0]!.event_properties as Record<string, number>;
    expect(counts.dropped_count).toBe(offline.length - arrived.length);
    expect(Object.keys(counts).sort()).toEqual(['dropped_count', 'dropped_max_age', 'dropped_max_events']);
    expect(counts.dropped_max_events! + counts.dropped_max_age!).toBe(counts.dropped_count);
    expect(fake.ingested).toHaveLength(arrived.length + todays.events.length + 1);
  }, 120_000);
});
