// SPEC §3 rule 6, the first run: off a terminal, one notice on stderr, nothing recorded in that
// run, on from the next, the notice never again; on a terminal (a real pseudo-terminal, driven
// by support/pty-run.py), the consent prompt, whose answer is stored and obeyed at once.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CONSENT_PROMPT_QUESTION, FIRST_RUN_NOTICE_TEXT, readConfig, SPOOL_FILE_NAME } from '@dr/shared';
import { type FakeAmplitude, startFakeAmplitude } from '@dr/testkit';
import { describe, expect, it, type TestContext } from 'vitest';
import {
  drainerPids,
  makeTelemetryHome,
  runDr,
  runDrOnTerminal,
  type TelemetryHome,
} from './support/telemetry-harness.ts';

const QUESTION = `${CONSENT_PROMPT_QUESTION} [Y/n]`;

async function setUp({ onTestFinished }: TestContext): Promise<{ fake: FakeAmplitude; home: TelemetryHome }> {
  const fake = await startFakeAmplitude();
  const home = makeTelemetryHome(fake);
  onTestFinished(async () => {
    home.cleanup();
    await fake.close();
  });
  return { fake, home };
}

function storedTelemetry(home: TelemetryHome): Record<string, unknown> | undefined {
  if (!existsSync(home.configFile)) return undefined;
  return readConfig(home.configFile).telemetry as Record<string, unknown> | undefined;
}

function spoolFileExists(home: TelemetryHome): boolean {
  return existsSync(join(home.spoolDir, SPOOL_FILE_NAME));
}

function occurrences(text: string, part: string): number {
  return text.split(part).length - 1;
}

describe.concurrent('first run without a terminal', { timeout: 30_000 }, () => {
  it('shows the notice once, records nothing in that run, and is on from the next', async (context) => {
    const { fake, home } = await setUp(context);
    const first = await runDr(['self', 'version'], { env: home.telemetryEnv });
    expect(first.code).toBe(0);
    expect(first.stderr).toBe(`${FIRST_RUN_NOTICE_TEXT}\n`);
    expect(first.stdout).toMatch(/^dr \d+\.\d+\.\d+/);
    expect(spoolFileExists(home)).toBe(false);
    expect(drainerPids(home.spoolDir)).toEqual([]);
    expect(storedTelemetry(home)).toMatchObject({ enabled: true, last_prompt_version: 1 });

    const second = await runDr(['self', 'version'], { env: home.telemetryEnv });
    expect(second.code).toBe(0);
    expect(second.stderr).toBe('');
    await fake.waitFor(() => fake.ingested.some((event) => event.event_type === 'command_completed'), {
      description: 'the second run’s events',
    });

    const third = await runDr(['self', 'version'], { env: home.telemetryEnv });
    expect(third.stderr).toBe('');
    const all = first.stderr + second.stderr + third.stderr;
    expect(occurrences(all, FIRST_RUN_NOTICE_TEXT)).toBe(1);
    // Only the second and third runs were recorded: one command_started each.
    await fake.waitFor(
      () => fake.ingested.filter((event) => event.event_type === 'command_started').length === 2,
      { description: 'the third run’s events' },
    );
  });

  it('shows no notice (and decides nothing) for help, --version or `dr self telemetry`', async (context) => {
    const { home } = await setUp(context);
    for (const args of [
      ['--help'],
      ['--version'],
      ['self', 'telemetry', 'status'],
      ['self', 'version', '-h'],
    ]) {
      const result = await runDr(args, { env: home.telemetryEnv });
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.stderr, args.join(' ')).toBe('');
    }
    expect(existsSync(home.configFile)).toBe(false);
    expect(existsSync(home.spoolDir)).toBe(false);
    const first = await runDr(['self', 'version'], { env: home.telemetryEnv });
    expect(first.stderr).toBe(`${FIRST_RUN_NOTICE_TEXT}\n`);
  });

  it('never prompts when only stdin is a terminal (stderr piped): the notice instead', async (context) => {
    const { home } = await setUp(context);
    const result = await runDrOnTerminal(['self', 'version'], { env: home.telemetryEnv, stdinOnly: true });
    expect(result.code).toBe(0);
    expect(result.terminal).not.toContain(QUESTION);
    expect(result.terminal).toContain(FIRST_RUN_NOTICE_TEXT);
    expect(spoolFileExists(home)).toBe(false);
  });
});

describe.concurrent('first run on a terminal: the consent prompt', { timeout: 30_000 }, () => {
  it('takes Enter as yes, stores the answer with its time and version, and records this run', async (context) => {
    const { fake, home } = await setUp(context);
    const before = Date.now();
    const result = await runDrOnTerminal(['self', 'version'], {
      env: home.telemetryEnv,
      waitFor: QUESTION,
      answer: '\r',
    });
    expect(result.code).toBe(0);
    expect(occurrences(result.terminal, QUESTION)).toBe(1);
    expect(result.terminal).toContain('dr never collects');
    expect(result.terminal).not.toContain(FIRST_RUN_NOTICE_TEXT);
    expect(result.stdout).toMatch(/^dr \d+\.\d+\.\d+/);
    const stored = storedTelemetry(home)!;
    expect(stored).toMatchObject({ enabled: true, last_prompt_version: 1 });
    const optIn = Date.parse(String(stored.opt_in_timestamp));
    expect(optIn).toBeGreaterThanOrEqual(before - 1000);
    expect(optIn).toBeLessThanOrEqual(Date.now());
    await fake.waitFor(() => fake.ingested.some((event) => event.event_type === 'command_completed'), {
      description: 'the answered run’s events',
    });
    expect(fake.ingested.map((event) => event.event_type).sort()).toEqual([
      'command_completed',
      'command_started',
      'self_version',
    ]);

    const again = await runDrOnTerminal(['self', 'version'], { env: home.telemetryEnv });
    expect(again.terminal).not.toContain(QUESTION);
  });

  it('takes n as no: stored, nothing recorded, no drainer, never asked again', async (context) => {
    const { fake, home } = await setUp(context);
    const result = await runDrOnTerminal(['self', 'version'], {
      env: home.telemetryEnv,
      waitFor: QUESTION,
      answer: 'n\r',
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^dr \d+\.\d+\.\d+/);
    expect(storedTelemetry(home)).toMatchObject({ enabled: false, last_prompt_version: 1 });
    expect(storedTelemetry(home)).not.toHaveProperty('device_id');
    expect(existsSync(home.spoolDir)).toBe(false);
    expect(drainerPids(home.spoolDir)).toEqual([]);
    const again = await runDrOnTerminal(['self', 'version'], { env: home.telemetryEnv });
    expect(again.terminal).not.toContain(QUESTION);
    expect(existsSync(home.spoolDir)).toBe(false);
    expect(fake.requests).toHaveLength(0);
  });

  it('asks again after an unclear answer', async (context) => {
    const { home } = await setUp(context);
    const unclear = await runDrOnTerminal(['self', 'version'], {
      env: home.telemetryEnv,
      waitFor: QUESTION,
      answer: 'maybe\rno\r',
    });
    expect(occurrences(unclear.terminal, QUESTION)).toBe(2);
    expect(storedTelemetry(home)).toMatchObject({ enabled: false });
  });

  it('ends the command at Ctrl-C with 130: no answer stored, nothing recorded, asked again next time', async (context) => {
    const { fake, home } = await setUp(context);
    const interrupted = await runDrOnTerminal(['self', 'version'], {
      env: home.telemetryEnv,
      waitFor: QUESTION,
      answer: '\\x03',
    });
    expect(interrupted.terminal).toContain(QUESTION);
    expect(interrupted.code).toBe(130);
    // The command did not go on: it printed nothing.
    expect(interrupted.stdout).toBe('');
    expect(storedTelemetry(home)).toBeUndefined();
    expect(existsSync(home.spoolDir)).toBe(false);
    expect(drainerPids(home.spoolDir)).toEqual([]);
    expect(fake.requests).toHaveLength(0);

    const next = await runDrOnTerminal(['self', 'version'], {
      env: home.telemetryEnv,
      waitFor: QUESTION,
      answer: 'n\r',
    });
    expect(next.code).toBe(0);
    expect(occurrences(next.terminal, QUESTION)).toBe(1);
    expect(storedTelemetry(home)).toMatchObject({ enabled: false });
  });

  it('asks again whoever said yes to an older prompt version', async (context) => {
    const { home } = await setUp(context);
    home.writeConfig('telemetry:\n  enabled: true\n  last_prompt_version: 0\n');
    const result = await runDrOnTerminal(['self', 'version'], {
      env: home.telemetryEnv,
      waitFor: QUESTION,
      answer: 'y\r',
    });
    expect(result.code).toBe(0);
    expect(occurrences(result.terminal, QUESTION)).toBe(1);
    expect(storedTelemetry(home)).toMatchObject({ enabled: true, last_prompt_version: 1 });
  });

  it('never prompts for help, --version, the command list or `dr self telemetry`', async (context) => {
    const { home } = await setUp(context);
    for (const args of [
      ['--help'],
      ['--version'],
      [],
      ['self', 'version', '--help'],
      ['self', 'telemetry', 'status'],
      ['self', 'telemetry', 'info'],
      ['self', 'telemetry', 'enable'],
    ]) {
      const result = await runDrOnTerminal(args, { env: home.telemetryEnv });
      expect(result.code, args.join(' ')).toBe(0);
      expect(result.terminal, args.join(' ')).not.toContain(QUESTION);
      expect(result.terminal, args.join(' ')).not.toContain(FIRST_RUN_NOTICE_TEXT);
    }
  });
});
