// `dr self telemetry status|info|flush|reset|enable|disable` as a user runs them: what status
// reports, that info shows the very JSON the collector later receives, that flush sends and
// says so (and fails when the collector does), that reset forgets this device, and that
// enable/disable store the choice and take effect at once. The API key is never printed.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readConfig } from '@dr/shared';
import { type FakeAmplitude, startFakeAmplitude } from '@dr/testkit';
import { describe, expect, it, type TestContext } from 'vitest';
import {
  CONFIG_ENABLED,
  type DrResult,
  drainerPids,
  holdDrainerLock,
  makeTelemetryHome,
  requestBodies,
  runDr,
  runDrOnTerminal,
  sentEvents,
  spooledEvents,
  spoolFileBytes,
  statusOf,
  TEST_API_KEY,
  type TelemetryHome,
  waitUntil,
} from './support/telemetry-harness.ts';

async function setUp(
  { onTestFinished }: TestContext,
  fault?: Parameters<typeof startFakeAmplitude>[0],
): Promise<{ fake: FakeAmplitude; home: TelemetryHome }> {
  const fake = await startFakeAmplitude(fault);
  const home = makeTelemetryHome(fake);
  home.writeConfig(CONFIG_ENABLED);
  onTestFinished(async () => {
    home.cleanup();
    await fake.close();
  });
  return { fake, home };
}

function expectNoKey(...results: DrResult[]): void {
  for (const result of results) {
    expect(result.stdout).not.toContain(TEST_API_KEY);
    expect(result.stderr).not.toContain(TEST_API_KEY);
  }
}

const flushJson = (env: NodeJS.ProcessEnv, ...extra: string[]) =>
  runDr(['self', 'telemetry', 'flush', '--output-format', 'json', ...extra], { env });

const deviceIdOf = (home: TelemetryHome) => readConfig(home.configFile).telemetry?.device_id;

describe.concurrent('dr self telemetry', { timeout: 30_000 }, () => {
  it('status: device, session, spool depth, oldest pending, last send, drainer, never the key', async (context) => {
    const { fake, home } = await setUp(context);
    const env = home.telemetryEnv;
    const fresh = await statusOf(env);
    expect(fresh).toMatchObject({ enabled: true, reason: 'config-enabled', last_successful_send: null });
    // Its own run made the device id and spooled its command_started before it looked.
    expect(fresh.device_id).toBe(deviceIdOf(home));
    expect(fresh.spool.events).toBe(1);
    expect(fresh.endpoint).toBe(fake.url);
    expect(fresh.api_key).toBe('from DR_TELEMETRY_API_KEY');

    const release = await holdDrainerLock(home.spoolDir);
    const startedAt = Date.now();
    await runDr(['self', 'version'], { env });
    await runDr(['self', 'version'], { env });
    const busy = await statusOf(env);
    const spooled = spooledEvents(home.spoolDir);
    // The status run's own command_started is spooled before it looks; its command_completed after.
    expect(busy.spool.events).toBe(spooled.length - 1);
    expect(busy.spool.events).toBe(7);
    expect(busy.spool.due).toBe(7);
    expect(busy.last_successful_send).not.toBeNull();
    expect(busy.device_id).toBe(deviceIdOf(home));
    expect(busy.device_id).toBe(spooled[0]!.device_id);
    expect(busy.session_id).toBe(spooled[0]!.session_id);
    expect(busy.drainer_running).toBe(true);
    const oldest = Date.parse(busy.spool.oldest_pending!);
    // When the oldest row was spooled: a moment after its event was built.
    expect(oldest - Math.min(...spooled.map((event) => event.time))).toBeGreaterThanOrEqual(0);
    expect(oldest - Math.min(...spooled.map((event) => event.time))).toBeLessThan(1000);
    expect(oldest).toBeGreaterThanOrEqual(startedAt - 1000);

    release();
    const flush = await flushJson(env);
    expect(flush.code).toBe(0);
    await waitUntil(() => drainerPids(home.spoolDir).length === 0, 'the drainer to exit');
    const atRest = await statusOf(env);
    expect(atRest.drainer_running).toBe(false);
    expect(Date.parse(atRest.last_successful_send!)).toBeGreaterThanOrEqual(startedAt);
    const text = await runDr(['self', 'telemetry', 'status'], { env });
    expect(text.stdout).toContain(busy.device_id!);
    expect(text.stdout).toMatch(/last sent\s+\d{4}-/);
    expectNoKey(fresh.raw, busy.raw, atRest.raw, text, flush);
  });

  it('info: the next pending events, exactly as the collector then receives them', async (context) => {
    const { fake, home } = await setUp(context);
    const env = home.telemetryEnv;
    const release = await holdDrainerLock(home.spoolDir);
    await runDr(['self', 'version', '--output-format', 'json'], { env });
    await runDr(['self', 'config'], { env });
    const info = await runDr(['self', 'telemetry', 'info', '--output-format', 'json', '--limit', '4'], {
      env,
    });
    expect(info.code).toBe(0);
    const report = JSON.parse(info.stdout) as {
      pending_events: number;
      next_events: Record<string, unknown>[];
    };
    expect(report.pending_events).toBe(6);
    expect(report.next_events.map((event) => event.event_type)).toEqual([
      'command_started',
      'self_version',
      'command_completed',
      'command_started',
    ]);
    const text = await runDr(['self', 'telemetry', 'info'], { env });
    expect(text.stdout).toContain('never');
    expect(text.stdout).toContain(String(report.next_events[0]!.insert_id));
    expectNoKey(info, text);

    release();
    expect((await flushJson(env)).code).toBe(0);
    const sent = new Map(sentEvents(fake).map((event) => [event.insert_id, event]));
    for (const event of report.next_events) expect(sent.get(event.insert_id)).toEqual(event);
    await waitUntil(() => drainerPids(home.spoolDir).length === 0, 'the drainer to exit');
  });

  it('flush: sends everything due, reports it as JSON, prints no progress off a terminal', async (context) => {
    const { fake, home } = await setUp(context);
    const env = home.telemetryEnv;
    const release = await holdDrainerLock(home.spoolDir);
    for (let run = 0; run < 3; run += 1) await runDr(['self', 'version'], { env });
    release();
    const flush = await flushJson(env);
    expect(flush.code).toBe(0);
    expect(flush.stderr).toBe('');
    // Nine events of three runs, and the flush's own command_started.
    expect(JSON.parse(flush.stdout)).toEqual({
      sent: 10,
      dropped: {},
      left: 0,
      next_retry: null,
      stopped_because: 'empty',
      ok: true,
    });
    expect(fake.ingested).toHaveLength(10);
    const text = await runDr(['self', 'telemetry', 'flush'], { env });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Sent \d+ event\(s\), 0 left\.\n$/);
    expect(text.stderr).toBe('');
    expectNoKey(flush, text);
    await waitUntil(() => drainerPids(home.spoolDir).length === 0, 'the drainer to exit');
  });

  it('flush: shows progress on a terminal', async (context) => {
    const { home } = await setUp(context);
    const release = await holdDrainerLock(home.spoolDir);
    await runDr(['self', 'version'], { env: home.telemetryEnv });
    release();
    const flush = await runDrOnTerminal(['self', 'telemetry', 'flush'], { env: home.telemetryEnv });
    expect(flush.code).toBe(0);
    expect(flush.terminal).toMatch(/\[#+-*\] \d+\/\d+ sent/);
    expect(flush.stdout).toMatch(/^Sent \d+ event\(s\), 0 left\.\n$/);
  });

  for (const fault of [503, 'refuse'] as const) {
    it(`flush: exits non-zero and keeps the events when the collector ${fault === 503 ? 'answers 503' : 'refuses connections'}`, async (context) => {
      const { fake, home } = await setUp(context);
      const env = home.telemetryEnv;
      const release = await holdDrainerLock(home.spoolDir);
      await runDr(['self', 'version'], { env });
      release();
      await fake.setFault(fault);
      const flush = await flushJson(env, '--timeout', '2');
      expect(flush.code).not.toBe(0);
      const summary = JSON.parse(flush.stdout) as { sent: number; left: number; ok: boolean };
      expect(summary).toMatchObject({ sent: 0, ok: false });
      expect(summary.left).toBeGreaterThanOrEqual(4);
      expect(fake.ingested).toHaveLength(0);
      expect(spooledEvents(home.spoolDir).length).toBeGreaterThanOrEqual(4);
      expectNoKey(flush);
    });
  }

  it('reset: a new device id, an empty spool, no session or identity file', async (context) => {
    const { fake, home } = await setUp(context);
    const env = home.telemetryEnv;
    const release = await holdDrainerLock(home.spoolDir);
    await runDr(['self', 'version'], { env });
    const before = deviceIdOf(home);
    expect(before).toMatch(/^[0-9a-f-]{36}$/);
    expect(existsSync(join(home.spoolDir, 'session.json'))).toBe(true);
    const reset = await runDr(['self', 'telemetry', 'reset'], { env });
    expect(reset.code).toBe(0);
    expect(reset.stdout).toMatch(/4 pending event\(s\) deleted/);
    const after = deviceIdOf(home);
    expect(after).toMatch(/^[0-9a-f-]{36}$/);
    expect(after).not.toBe(before);
    expect(spooledEvents(home.spoolDir)).toEqual([]);
    expect(existsSync(join(home.spoolDir, 'session.json'))).toBe(false);
    expect(existsSync(join(home.spoolDir, 'identity.json'))).toBe(false);
    release();
    // Nothing recorded before the reset is sent; what comes next carries the new id only.
    await runDr(['self', 'version'], { env });
    await fake.waitFor(() => fake.ingested.length >= 3, { description: 'the next run’s events' });
    await waitUntil(() => drainerPids(home.spoolDir).length === 0, 'the drainer to exit');
    expect(new Set(sentEvents(fake).map((event) => event.device_id))).toEqual(new Set([after]));
    expect(requestBodies(fake).join('')).not.toContain(before!);
  });

  it('reset: still gives a new device id when the spool folder is unusable', async (context) => {
    const { home } = await setUp(context);
    await runDr(['self', 'version'], {
      env: { ...home.telemetryEnv, DR_TELEMETRY_SPOOL_DIR: join(home.dir, 'x') },
    });
    const before = deviceIdOf(home);
    expect(before).toMatch(/^[0-9a-f-]{36}$/);
    writeFileSync(join(home.dir, 'not-a-folder'), 'a file');
    const env = { ...home.telemetryEnv, DR_TELEMETRY_SPOOL_DIR: join(home.dir, 'not-a-folder') };
    const reset = await runDr(['self', 'telemetry', 'reset'], { env });
    expect(reset.stderr).toBe('');
    expect(reset.code).toBe(0);
    expect(deviceIdOf(home)).not.toBe(before);
    // The first command's drainer works in x: let it finish before the home is removed.
    await waitUntil(() => drainerPids(join(home.dir, 'x')).length === 0, 'the drainer in x to exit');
  });

  it('disable: stored with its reason (never sent), stops recording at once, starts no drainer', async (context) => {
    const { fake, home } = await setUp(context);
    const env = home.telemetryEnv;
    const reason = 'kumquatreasonword';
    const seen = new Set<number>();
    const watch = setInterval(() => {
      for (const pid of drainerPids(home.spoolDir)) seen.add(pid);
    }, 25);
    try {
      const disable = await runDr(['self', 'telemetry', 'disable', '--reason', reason], { env });
      expect(disable.code).toBe(0);
      expect(readConfig(home.configFile).telemetry).toMatchObject({
        enabled: false,
        disabled_reason: reason,
      });
      // The Go dr reads the same file: its own opt-out key is set too.
      expect(readConfig(home.configFile)['disable-telemetry']).toBe(true);
      const recorded = spooledEvents(home.spoolDir);
      expect(recorded.map((event) => event.event_type)).not.toContain('command_completed');
      await runDr(['self', 'version'], { env });
      expect(spooledEvents(home.spoolDir)).toEqual(recorded);
      expect((await statusOf(env)).reason).toBe('config-disabled');
    } finally {
      clearInterval(watch);
    }
    expect([...seen, ...drainerPids(home.spoolDir)]).toEqual([]);
    expect(fake.requests).toHaveLength(0);
    expect(spoolFileBytes(home.spoolDir).includes(Buffer.from(reason))).toBe(false);

    const enable = await runDr(['self', 'telemetry', 'enable'], { env });
    expect(enable.code).toBe(0);
    const stored = readConfig(home.configFile).telemetry!;
    expect(stored).toMatchObject({ enabled: true, last_prompt_version: 1 });
    expect(stored).not.toHaveProperty('disabled_reason');
    expect(readConfig(home.configFile)['disable-telemetry']).toBe(false);
    expect(Date.parse(String(stored.opt_in_timestamp))).not.toBeNaN();
    await runDr(['self', 'version'], { env });
    await fake.waitFor(() => fake.ingested.some((event) => event.event_type === 'self_version'), {
      description: 'events after enabling again',
    });
    await waitUntil(() => drainerPids(home.spoolDir).length === 0, 'the drainer to exit');
    expect(requestBodies(fake).join('')).not.toContain(reason);
  });

  it('a Go dr opt-out (disable-telemetry: true) reads as off in status; enable lifts it', async (context) => {
    const { home } = await setUp(context);
    home.writeConfig(`# written by the Go dr\ndisable-telemetry: true\n${CONFIG_ENABLED}`);
    const status = await statusOf(home.telemetryEnv);
    expect(status.reason).toBe('go-config-disabled');
    expect(status.enabled).toBe(false);
    const enable = await runDr(['self', 'telemetry', 'enable'], { env: home.telemetryEnv });
    expect(enable.code).toBe(0);
    expect(enable.stdout).not.toMatch(/stays off/);
    const config = readConfig(home.configFile);
    expect(config['disable-telemetry']).toBe(false);
    expect(config.telemetry?.enabled).toBe(true);
    expect(home.readConfig()).toMatch(/^# written by the Go dr\n/);
    expect((await statusOf(home.telemetryEnv)).reason).toBe('config-enabled');
  });

  it('enable: says when a stronger rule still keeps telemetry off', async (context) => {
    const { home } = await setUp(context);
    home.writeConfig('telemetry:\n  enabled: false\n  last_prompt_version: 1\n');
    const enable = await runDr(['self', 'telemetry', 'enable'], {
      env: { ...home.telemetryEnv, CI: 'true' },
    });
    expect(enable.code).toBe(0);
    expect(enable.stdout).toMatch(/stays off here: .*CI/);
    expect(readConfig(home.configFile).telemetry?.enabled).toBe(true);
  });
});
