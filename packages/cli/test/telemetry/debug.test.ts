// Telemetry speaks only when asked: DR_TELEMETRY_DEBUG=1 prints every event, as it will be sent,
// on stderr behind `[telemetry]` (and the drainer logs to its file); without it stderr stays
// empty. A spool that cannot be used never changes a command's output or exit code, and says
// so only under debug.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DRAINER_LOG_FILE } from '@dr/spooler';
import { type FakeAmplitude, startFakeAmplitude } from '@dr/testkit';
import { describe, expect, it, type TestContext } from 'vitest';
import {
  CONFIG_ENABLED,
  drainerPids,
  makeTelemetryHome,
  runDr,
  sentEvents,
  type TelemetryHome,
  waitUntil,
} from './support/telemetry-harness.ts';

async function setUp({ onTestFinished }: TestContext): Promise<{ fake: FakeAmplitude; home: TelemetryHome }> {
  const fake = await startFakeAmplitude();
  const home = makeTelemetryHome(fake);
  home.writeConfig(CONFIG_ENABLED);
  onTestFinished(async () => {
    home.cleanup();
    await fake.close();
  });
  return { fake, home };
}

const EVENT_LINE = /^\[telemetry\] event (\{.*\})$/;

describe.concurrent('debug output', { timeout: 30_000 }, () => {
  it('prints each event exactly as the collector then receives it, only under DR_TELEMETRY_DEBUG', async (context) => {
    const { fake, home } = await setUp(context);
    const quiet = await runDr(['self', 'version'], { env: home.telemetryEnv });
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    await fake.waitFor(() => fake.ingested.length === 3, { description: 'the quiet run’s events' });
    await waitUntil(() => drainerPids(home.spoolDir).length === 0, 'the first drainer to exit');

    const env = { ...home.telemetryEnv, DR_TELEMETRY_DEBUG: '1' };
    const loud = await runDr(['self', 'version', '--output-format', 'json'], { env });
    expect(loud.code).toBe(0);
    expect(loud.stdout).toBe(
      (await runDr(['self', 'version', '--output-format', 'json'], { env: { ...env, DO_NOT_TRACK: '1' } }))
        .stdout,
    );
    const lines = loud.stderr.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^\[telemetry\] /);
    const printed = lines.flatMap((line) => {
      const match = EVENT_LINE.exec(line);
      return match ? [JSON.parse(match[1]!) as Record<string, unknown>] : [];
    });
    expect(printed.map((event) => event.event_type)).toEqual([
      'command_started',
      'self_version',
      'command_completed',
    ]);
    await fake.waitFor(() => fake.ingested.length === 6, { description: 'the debug run’s events' });
    const sent = new Map(sentEvents(fake).map((event) => [event.insert_id, event]));
    for (const event of printed) expect(sent.get(event.insert_id)).toEqual(event);
    await waitUntil(() => existsSync(join(home.spoolDir, DRAINER_LOG_FILE)), 'the drainer log');
    await waitUntil(
      () => readFileSync(join(home.spoolDir, DRAINER_LOG_FILE), 'utf8').includes('exit: '),
      'its last line',
    );
  });

  it('--debug prints the events too', async (context) => {
    const { home } = await setUp(context);
    const result = await runDr(['--debug', 'self', 'version'], { env: home.telemetryEnv });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^\[telemetry\] event \{"event_type":"command_started"/m);
  });
});

/**
 * Ways to leave the spool unusable that hold even for root (chmod does not stop root). A spool.db
 * that is a folder is no breakage: the spooler moves it aside and starts afresh.
 */
const BREAKAGES: readonly { name: string; breakIt: (home: TelemetryHome) => NodeJS.ProcessEnv }[] = [
  {
    name: 'the spool folder is a file',
    breakIt: (home) => {
      mkdirSync(dirname(home.spoolDir), { recursive: true });
      writeFileSync(home.spoolDir, 'not a folder');
      return {};
    },
  },
  {
    // (Not under /proc: Node's recursive mkdir spins forever there, which says nothing about dr.)
    name: 'the spool folder cannot be created',
    breakIt: (home) => ({ DR_TELEMETRY_SPOOL_DIR: join(home.dir, 'x'.repeat(300), 'telemetry') }),
  },
];

describe.concurrent('a broken spool', { timeout: 30_000 }, () => {
  for (const { name, breakIt } of BREAKAGES) {
    it(`${name}: same output and exit code, silent unless debugging`, async (context) => {
      const { fake, home } = await setUp(context);
      const env = { ...home.telemetryEnv, ...breakIt(home) };
      for (const args of [
        ['self', 'version', '--output-format', 'json'],
        ['self', 'version', '--bogus'],
        ['self', 'config'],
      ]) {
        const off = await runDr(args, { env: { ...env, DO_NOT_TRACK: '1' } });
        const broken = await runDr(args, { env });
        expect({ code: broken.code, stdout: broken.stdout, stderr: broken.stderr }, args.join(' ')).toEqual({
          code: off.code,
          stdout: off.stdout,
          stderr: off.stderr,
        });
        const debug = await runDr(args, { env: { ...env, DR_TELEMETRY_DEBUG: '1' } });
        expect(debug.code).toBe(off.code);
        expect(debug.stdout).toBe(off.stdout);
        expect(debug.stderr).toMatch(/^\[telemetry\] spool unavailable: SPOOL_/m);
      }
      expect(drainerPids(home.spoolDir)).toEqual([]);
      expect(fake.requests).toHaveLength(0);
    });
  }
});
