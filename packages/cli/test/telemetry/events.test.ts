// SPEC §4 end to end: with telemetry on, every command line (succeeding, failing, a usage error,
// an unknown command, help) leaves its command events at the collector, carrying only what the
// tracking plan declares, with flag names and never values, the right argument counts and exit
// codes, unique insert ids, one session and one device across runs, and no ip or user_id.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_SCHEMA, type EventType, type PropertySpec, readConfig } from '@dr/shared';
import { type FakeAmplitude, startFakeAmplitude } from '@dr/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenFingerprint } from '../../src/telemetry/config-view.ts';
import {
  CONFIG_ENABLED,
  type DrResult,
  drainerPids,
  makeTelemetryHome,
  requestBodies,
  runDr,
  sentEvents,
  type TelemetryHome,
  waitUntil,
} from './support/telemetry-harness.ts';

/** The fields an event may carry besides event_properties (SPEC §4); `user_id` only when logged in. */
const COMMON_FIELDS = new Set([
  'event_type',
  'device_id',
  'session_id',
  'time',
  'insert_id',
  'app_version',
  'platform',
  'os_name',
  'os_version',
  'library',
  'event_properties',
]);

interface Case {
  readonly args: string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly command: string;
  readonly code: number;
  readonly argsCount: number;
  readonly flags: string[];
  /** error_type of the command_failed event (and of an `error` event), if the failure has one. */
  readonly errorType?: string;
  /** Domain events the command records besides its command events. */
  readonly extra?: EventType[];
  /**
   * The command itself failed (DrCommand's error boundary), rather than the parse. Known bug: the
   * runner reads `context.failure`, but clipanion runs the command on a copy of the context, so
   * these failures reach telemetry without error_type and without an `error` event.
   */
  readonly failsInCommand?: true;
}

const CASES: readonly Case[] = [
  {
    args: ['self', 'version'],
    command: 'self version',
    code: 0,
    argsCount: 0,
    flags: [],
    extra: ['self_version'],
  },
  {
    args: ['self', 'version', '--output-format', 'json'],
    command: 'self version',
    code: 0,
    argsCount: 0,
    flags: ['output-format'],
    extra: ['self_version'],
  },
  {
    args: ['--verbose', 'self', 'config', '--output-format=json'],
    command: 'self config',
    code: 0,
    argsCount: 0,
    flags: ['output-format', 'verbose'],
  },
  // A usage error: recorded as a failure, exit 2; the unknown flag's name is user input, not sent.
  {
    args: ['self', 'version', '--bogus'],
    command: 'self version',
    code: 2,
    argsCount: 0,
    flags: [],
    errorType: 'UnknownSyntaxError',
  },
  {
    args: ['self', 'version', '--output-format', 'xml'],
    command: 'self version',
    code: 2,
    argsCount: 0,
    flags: ['output-format'],
    errorType: 'UsageError',
  },
  // No command path matched: the command is 'unknown' (never the words typed), and they count as arguments.
  { args: ['frobnicate', 'now'], command: 'unknown', code: 2, argsCount: 2, flags: [] },
  // A failure inside a command (a DrError with a stable code): go-task is not on an empty PATH.
  // Short flags are reported by their long names, and `-d`'s value is no argument.
  {
    args: ['task', 'list', '-a', '-d', 'some-dir'],
    env: { PATH: '' },
    command: 'task list',
    code: 1,
    argsCount: 0,
    flags: ['all', 'dir'],
    errorType: 'TASK_BINARY_MISSING',
    failsInCommand: true,
  },
  { args: ['--help'], command: 'help', code: 0, argsCount: 0, flags: [] },
  { args: ['self', 'version', '--help'], command: 'self version', code: 0, argsCount: 0, flags: [] },
];

/** An event as the fake ingested it. */
type UploadEvent = FakeAmplitude['ingested'][number];

let fake: FakeAmplitude;
let home: TelemetryHome;
const runs: { readonly case: Case; readonly result: DrResult; readonly events: readonly UploadEvent[] }[] =
  [];

beforeAll(async () => {
  fake = await startFakeAmplitude();
  home = makeTelemetryHome(fake);
  home.writeConfig(CONFIG_ENABLED);
  // One run at a time, each waited for until its drainer has delivered and exited (every event
  // of a run is spooled before its drainer starts), so every event belongs to a known run.
  for (const testCase of CASES) {
    const before = fake.ingested.length;
    const result = await runDr(testCase.args, { env: { ...home.telemetryEnv, ...testCase.env } });
    const isEnd = (event: UploadEvent) =>
      event.event_type === 'command_completed' || event.event_type === 'command_failed';
    await waitUntil(
      () => fake.ingested.slice(before).some(isEnd) && drainerPids(home.spoolDir).length === 0,
      `the events of \`dr ${testCase.args.join(' ')}\``,
    );
    runs.push({ case: testCase, result, events: fake.ingested.slice(before) });
  }
}, 120_000);

afterAll(async () => {
  home?.cleanup();
  await fake?.close();
});

/** The event types a case must leave, sorted. */
function expectedTypes(c: Case): string[] {
  return [
    'command_started',
    ...(c.extra ?? []),
    c.code === 0 ? 'command_completed' : 'command_failed',
    ...(c.errorType ? ['error'] : []),
  ].sort();
}

/** What the events of a case must be; the error_type part of it only when `withErrorType`. */
function checkRun(c: Case, events: readonly UploadEvent[], withErrorType: boolean): void {
  const label = `dr ${c.args.join(' ')}`;
  const failed = c.code !== 0;
  const errorType = withErrorType ? c.errorType : undefined;
  const types = events.map((event) => event.event_type).sort();
  expect(withErrorType ? types : types.filter((type) => type !== 'error'), label).toEqual(
    expectedTypes({ ...c, errorType }),
  );
  const started = events.find((event) => event.event_type === 'command_started')!;
  expect(propertiesOf(started), label).toEqual({
    command: c.command,
    args_count: c.argsCount,
    flags: c.flags,
  });
  const end = events.find((event) => event.event_type === (failed ? 'command_failed' : 'command_completed'))!;
  const { duration_ms, error_type, ...endProperties } = propertiesOf(end);
  expect(endProperties, label).toEqual({
    command: c.command,
    args_count: c.argsCount,
    flags: c.flags,
    success: !failed,
    exit_code: c.code,
  });
  if (withErrorType) expect(error_type, label).toBe(c.errorType);
  expect(duration_ms, label).toBeGreaterThanOrEqual(0);
  expect(Number(end.time), label).toBeGreaterThanOrEqual(Number(started.time));
  if (errorType) {
    const error = events.find((event) => event.event_type === 'error');
    expect(error && propertiesOf(error), label).toEqual({ error_type: errorType, command: c.command });
  }
}

function propertiesOf(event: UploadEvent): Record<string, unknown> {
  return (event.event_properties ?? {}) as Record<string, unknown>;
}

function hasType(value: unknown, spec: PropertySpec): boolean {
  switch (spec.type) {
    case 'string':
      return typeof value === 'string';
    case 'string[]':
      return Array.isArray(value) && value.every((item) => typeof item === 'string');
    case 'integer':
      return Number.isSafeInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'enum':
      return typeof value === 'string' && spec.values.includes(value);
    case 'enum[]':
      return Array.isArray(value) && value.every((item) => spec.values.includes(item));
  }
}

describe('command events at the collector', () => {
  it('exits as each command should (telemetry changes nothing)', () => {
    for (const run of runs) expect(run.result.code, run.case.args.join(' ')).toBe(run.case.code);
  });

  it('records started, then completed or failed, with path, args_count, flag names and exit code', () => {
    for (const { case: c, events } of runs) checkRun(c, events, !c.failsInCommand);
  });

  it('gives a failure inside a command its error_type and an `error` event', () => {
    const failing = runs.filter((run) => run.case.failsInCommand);
    expect(failing.length).toBeGreaterThan(0);
    for (const { case: c, events } of failing) checkRun(c, events, true);
  });

  it('sends only the fields and properties the schema declares, each of its declared type', () => {
    const all = runs.flatMap((run) => run.events);
    expect(all.length).toBeGreaterThan(CASES.length * 2);
    for (const event of all) {
      for (const field of Object.keys(event)) expect(COMMON_FIELDS, `field ${field}`).toContain(field);
      expect(event).not.toHaveProperty('ip');
      expect(event).not.toHaveProperty('user_id');
      expect(event.platform).toBe('CLI');
      expect(event.library).toMatch(/^datarobot-cli-ts\/\d+\.\d+\.\d+/);
      expect(Object.keys(EVENT_SCHEMA)).toContain(event.event_type);
      const declared: Readonly<Record<string, PropertySpec>> =
        EVENT_SCHEMA[event.event_type as EventType].properties;
      for (const [name, value] of Object.entries(propertiesOf(event))) {
        const spec = declared[name];
        expect(spec, `${event.event_type}.${name} is declared`).toBeDefined();
        expect(hasType(value, spec!), `${event.event_type}.${name} has type ${spec!.type}`).toBe(true);
      }
    }
  });

  it('never sends a flag value or an argument', () => {
    const bodies = requestBodies(fake).join('\n');
    for (const word of ['json', 'xml', 'bogus', 'frobnicate', '"now"']) {
      expect(bodies).not.toContain(word);
    }
  });

  it('gives every event its own insert_id, sent once, in one session from one device', () => {
    const sent = sentEvents(fake);
    const insertIds = sent.map((event) => event.insert_id);
    expect(new Set(insertIds).size).toBe(insertIds.length);
    expect(insertIds.length).toBe(fake.ingested.length);
    for (const id of insertIds) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const deviceId = readConfig(home.configFile).telemetry?.device_id;
    expect(deviceId).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(sent.map((event) => event.device_id))).toEqual(new Set([deviceId]));
    const sessions = new Set(sent.map((event) => event.session_id));
    expect(sessions.size).toBe(1);
    const [session] = sessions;
    expect(Number(session)).toBeLessThanOrEqual(Math.min(...sent.map((event) => Number(event.time))));
  });
});

describe('user_id', () => {
  it('is the cached DataRobot user id of the token in use, never an email, never without a token', async ({
    onTestFinished,
  }) => {
    const userFake = await startFakeAmplitude();
    const user = makeTelemetryHome(userFake);
    onTestFinished(async () => {
      user.cleanup();
      await userFake.close();
    });
    user.writeConfig(CONFIG_ENABLED);
    const userId = '5f3a1b2c9d8e7f6a5b4c3d2e';
    mkdirSync(user.spoolDir, { recursive: true });
    writeFileSync(
      join(user.spoolDir, 'identity.json'),
      JSON.stringify({
        [tokenFingerprint('token-of-a-user')]: userId,
        [tokenFingerprint('token-of-another')]: 'someone@example.com',
      }),
    );
    const runs: [NodeJS.ProcessEnv, string | undefined][] = [
      [{ DATAROBOT_API_TOKEN: 'token-of-a-user' }, userId],
      [{ DATAROBOT_API_TOKEN: 'token-of-another' }, undefined],
      [{}, undefined],
    ];
    for (const [env, expected] of runs) {
      const before = userFake.ingested.length;
      await runDr(['self', 'version'], { env: { ...user.telemetryEnv, ...env } });
      await userFake.waitFor(() => userFake.ingested.length === before + 3, {
        description: 'the run’s events',
      });
      await waitUntil(() => drainerPids(user.spoolDir).length === 0, 'the drainer to exit');
      for (const event of userFake.ingested.slice(before)) expect(event.user_id).toBe(expected);
    }
    expect(requestBodies(userFake).join('')).not.toContain('someone@example.com');
  });
});

describe('duration_ms of command_completed', () => {
  it('counts from the process start: time spent before the command began is in it', async ({
    onTestFinished,
  }) => {
    const durationFake = await startFakeAmplitude();
    const slow = makeTelemetryHome(durationFake);
    onTestFinished(async () => {
      slow.cleanup();
      await durationFake.close();
    });
    slow.writeConfig(CONFIG_ENABLED);
    // Holds the process 600 ms before dr's own code runs, as parsing a long line once did
    // (the event said 18 ms for a 57 s run).
    const preload = join(slow.dir, 'slow-start.cjs');
    writeFileSync(preload, 'Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 600);\n');
    const result = await runDr(['self', 'version'], {
      env: { ...slow.telemetryEnv, NODE_OPTIONS: `--require ${preload}`, DR_TELEMETRY_DEBUG: '1' },
    });
    expect(result.code).toBe(0);
    const completed = result.stderr
      .split('\n')
      .flatMap((line) => /^\[telemetry\] event (\{.*\})$/.exec(line)?.[1] ?? [])
      .map((json) => JSON.parse(json) as UploadEvent)
      .find((event) => event.event_type === 'command_completed');
    expect(completed, result.stderr).toBeDefined();
    expect(propertiesOf(completed!).duration_ms).toBeGreaterThanOrEqual(600);
    await waitUntil(() => drainerPids(slow.spoolDir).length === 0, 'the drainer to exit');
  });
});
