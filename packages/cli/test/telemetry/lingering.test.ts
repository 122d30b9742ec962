// The drainer that lingers, as a user meets it (#14, #18 items 1, 3, 7): the first command starts
// one, the next commands find it alive and start none, status says when it exits; disable stops
// its sending before saying nothing will be sent; flush after an outage sends what waits out a
// retry delay; ten first runs at once start one or two drainers.
import { setTimeout as sleep } from 'node:timers/promises';
import { type FakeAmplitude, startFakeAmplitude } from '@dr/testkit';
import { describe, expect, it, type TestContext } from 'vitest';
import {
  CONFIG_ENABLED,
  drainerPids,
  makeTelemetryHome,
  runDr,
  spooledEvents,
  statusOf,
  type TelemetryHome,
  waitUntil,
  watchDrainers,
} from './support/telemetry-harness.ts';

async function setUp(
  { onTestFinished }: TestContext,
  idleSeconds: string,
): Promise<{ fake: FakeAmplitude; home: TelemetryHome; env: NodeJS.ProcessEnv }> {
  const fake = await startFakeAmplitude();
  const home = makeTelemetryHome(fake);
  home.writeConfig(CONFIG_ENABLED);
  onTestFinished(async () => {
    home.cleanup();
    await fake.close();
  });
  return { fake, home, env: { ...home.telemetryEnv, DR_DRAINER_IDLE_SECONDS: idleSeconds } };
}

const versionEvents = (fake: FakeAmplitude) =>
  fake.ingested.filter((event) => event.event_type === 'self_version').length;

describe('the lingering drainer, seen from dr', { timeout: 40_000 }, () => {
  it('one drainer serves a run of commands; status says when it exits', async (context) => {
    const { fake, home, env } = await setUp(context, '20');
    const stopWatching = watchDrainers(home.spoolDir);
    const first = await runDr(['self', 'version', '--debug'], { env });
    expect(first.stderr).toMatch(/^\[telemetry\] drainer started \(pid \d+\)$/m);
    await fake.waitFor(() => versionEvents(fake) === 1, { description: 'the first command' });
    for (let run = 2; run <= 4; run += 1) {
      const next = await runDr(['self', 'version', '--debug'], { env });
      expect(next.stderr).toMatch(/^\[telemetry\] drainer not started: drainer-running$/m);
      await fake.waitFor(() => versionEvents(fake) === run, { description: `command ${run}` });
    }
    const status = await statusOf(env);
    expect(status.drainer_running).toBe(true);
    const exitsBy = Date.parse(String((status as unknown as { drainer_exits_by: string }).drainer_exits_by));
    expect(exitsBy).toBeGreaterThan(Date.now());
    expect(exitsBy).toBeLessThanOrEqual(Date.now() + 20_000);
    expect(status.raw.code).toBe(0);
    const text = await runDr(['self', 'telemetry', 'status'], { env });
    expect(text.stdout).toMatch(/^drainer +running \(exits at \S+ unless more events come\)$/m);
    expect(stopWatching()).toHaveLength(1);
  });

  it('disable stops a running drainer before saying its events will not be sent (#18 item 1)', async (context) => {
    const { fake, home, env } = await setUp(context, '60');
    await fake.setFault(500);
    for (let run = 0; run < 3; run += 1) expect((await runDr(['self', 'version'], { env })).code).toBe(0);
    await waitUntil(() => drainerPids(home.spoolDir).length === 1, 'a drainer');
    const disable = await runDr(['self', 'telemetry', 'disable'], { env });
    expect(disable.code).toBe(0);
    expect(disable.stdout).toMatch(/^\d+ event\(s\) recorded earlier wait in .* and will not be sent;/m);
    expect(drainerPids(home.spoolDir)).toEqual([]);
    await fake.setFault(null);
    const pending = spooledEvents(home.spoolDir).length;
    expect(pending).toBeGreaterThan(0);
    // Longer than the drainer's idle poll and in-run backoff: nothing may arrive.
    await sleep(2_500);
    expect(fake.ingested).toHaveLength(0);
    expect(spooledEvents(home.spoolDir)).toHaveLength(pending);
  });

  it('flush after an outage sends what waits out a retry delay, and fails while it cannot (#18 item 3)', async (context) => {
    const { fake, home, env } = await setUp(context, '0');
    await fake.setFault(500);
    expect((await runDr(['self', 'version'], { env })).code).toBe(0);
    // The drainer spends its in-run backoff (1 + 2 + 4 s), then postpones the rows for 30 s.
    await waitUntil(() => drainerPids(home.spoolDir).length === 0, 'the drainer to give up', 20_000);
    // (--disable-telemetry: status then records nothing itself, and still shows the spool.)
    const waiting = await statusOf(env, ['--disable-telemetry']);
    expect(waiting.spool.due).toBe(0);
    expect(waiting.spool.events).toBeGreaterThan(0);

    const stillDown = await runDr(['self', 'telemetry', 'flush', '--timeout', '3'], { env });
    expect(stillDown.code).toBe(1);
    expect(stillDown.stdout).toMatch(/^Not everything was sent: /m);

    await fake.setFault(null);
    // The failed flush's own events started a drainer: let it finish, so the flush below is the
    // one that sends the rows waiting out their retry delay (a drainer would leave them waiting).
    await waitUntil(
      () => drainerPids(home.spoolDir).length === 0,
      "the failed flush's drainer to exit",
      20_000,
    );
    const flush = await runDr(['self', 'telemetry', 'flush', '--output-format', 'json'], { env });
    expect(flush.code).toBe(0);
    const report = JSON.parse(flush.stdout) as { sent: number; left: number; ok: boolean };
    expect(report).toMatchObject({ left: 0, ok: true });
    expect(report.sent).toBeGreaterThanOrEqual(3);
    expect(versionEvents(fake)).toBe(1);
  });

  it('flush takes over from a lingering drainer', async (context) => {
    const { fake, home, env } = await setUp(context, '60');
    expect((await runDr(['self', 'version'], { env })).code).toBe(0);
    await fake.waitFor(() => versionEvents(fake) === 1, { description: 'the command' });
    const [lingering] = drainerPids(home.spoolDir);
    expect(lingering).toBeDefined();
    const flush = await runDr(['self', 'telemetry', 'flush'], { env });
    expect(flush.code).toBe(0);
    expect(flush.stdout).toMatch(/^Sent \d+ event\(s\), 0 left\.$/m);
    // (The flush's own events may have started a new one.)
    expect(drainerPids(home.spoolDir)).not.toContain(lingering);
  });

  it('ten first runs at once start one or two drainers (#18 item 7)', async (context) => {
    const { fake, home, env } = await setUp(context, '5');
    const stopWatching = watchDrainers(home.spoolDir);
    const runs = await Promise.all(Array.from({ length: 10 }, () => runDr(['self', 'version'], { env })));
    expect(runs.map((run) => run.code)).toEqual(Array(10).fill(0));
    await fake.waitFor(() => versionEvents(fake) === 10, { description: 'every command', timeoutMs: 15_000 });
    const pids = stopWatching();
    expect(pids.length).toBeGreaterThanOrEqual(1);
    expect(pids.length).toBeLessThanOrEqual(2);
  });
});
