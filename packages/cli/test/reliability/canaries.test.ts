// Privacy canaries (issue #6, item 4; SPEC §4 "never sent"): every command of dr, succeeding and
// failing, run with a distinct canary word in each way a value reaches it (arguments, flag values,
// a token, a key and an unrelated variable in the environment, the working folder, .env values,
// the drconfig.yaml token, a rejected key, the DataRobot host, DataRobot's error messages and
// answers, answers typed on a terminal, the npm registry's URL, a template's files: versions.yaml,
// what its tools print, component folders, task names, a Taskfile template). Then every byte is
// captured: each request the fake Amplitude received (target, headers, gunzipped body), each
// request the fake DataRobot, the proxy in front of it and the npm registry received, and every
// file under dr's data, state and cache folders (spool.db and its -wal/-shm, session.json,
// config-cache.json, identity.json, drainer.log), both while the events wait in the spool and after
// delivery.
// Asserted: no canary reaches Amplitude or a local telemetry file; in a DataRobot request a canary
// appears only where `BELONGS` says it may; and every command's command_completed or
// command_failed was delivered, so the check cannot pass on an empty capture.
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { AmplitudeEvent } from '@dr/shared';
import {
  createTemplateRepository,
  DEFAULT_TEMPLATE_FILES,
  type FakeAmplitude,
  type FakeDataRobot,
  fakeTemplate,
  startFakeAmplitude,
  startFakeDataRobot,
} from '@dr/testkit';
import { expect, it } from 'vitest';
import { runDrOnTerminal, startDr } from '../datarobot/fixtures.ts';
import {
  type DrResult,
  drainerPids,
  holdDrainerLock,
  makeTelemetryHome,
  runDr,
  spoolFileBytes,
  type TelemetryHome,
  waitUntil,
} from '../telemetry/support/telemetry-harness.ts';
import {
  byteCount,
  type CanarySet,
  type CapturedPart,
  type Channel,
  findCanaries,
  findCanaryPrefixes,
  headerPairs,
  makeCanaries,
  requestParts,
} from './support-canaries/canary-set.ts';
import {
  type FakeRegistry,
  type RecordedLocalRequest,
  startFakeRegistry,
  startTunnellingProxy,
  type TunnellingProxy,
} from './support-canaries/local-servers.ts';

/** Which token a command line is expected to show DataRobot, if any. */
type TokenChannel = 'envToken' | 'configToken' | 'rejectedKey';

interface CommandRun {
  readonly label: string;
  /** The command path its events must name ('unknown' for a line that names none). */
  readonly command: string;
  readonly code: number | null;
  readonly output: string;
  readonly events: readonly AmplitudeEvent[];
  readonly token: TokenChannel | undefined;
  readonly endRecorded: boolean;
  /** What the DataRobot side (fake DataRobot, proxy, npm registry) received during this run. */
  readonly received: readonly ReceivedPart[];
}

interface ReceivedPart extends CapturedPart {
  readonly server: 'datarobot' | 'proxy' | 'registry';
}

/**
 * Where each canary may be seen in what the DataRobot side received; anywhere else is a leak.
 * Nothing may ever reach Amplitude or a telemetry file. dr sends DataRobot no argument (template
 * names are matched locally, task names go to the local `task`), no flag value, no .env value
 * and nothing it was told or typed, so those channels belong nowhere.
 */
const BELONGS: Readonly<Record<Channel, (part: ReceivedPart, run: CommandRun) => boolean>> = {
  argument: () => false,
  flagValue: () => false,
  envToken: (part, run) => isAuthorizationOf(part, run, 'envToken'),
  envKey: () => false,
  envOther: () => false,
  workingFolder: () => false,
  dotenvValue: () => false,
  configToken: (part, run) => isAuthorizationOf(part, run, 'configToken'),
  rejectedKey: (part, run) => isAuthorizationOf(part, run, 'rejectedKey'),
  // The installation's host: what the proxy is asked to connect to, and the Host header.
  host: (part) =>
    (part.server === 'proxy' && (part.part === 'target' || part.part === 'header:host')) ||
    (part.server === 'datarobot' && part.part === 'header:host'),
  serverMessage: () => false,
  serverData: () => false,
  typed: () => false,
  registryPath: (part, run) =>
    part.server === 'registry' && part.part === 'target' && run.command === 'self update',
  templateFile: () => false,
};

/** The token only in the Authorization header, and only from a run that was given it. */
function isAuthorizationOf(part: ReceivedPart, run: CommandRun, token: TokenChannel): boolean {
  return part.server === 'datarobot' && part.part === 'header:authorization' && run.token === token;
}

/** A go-task that lists `dev` and a task named `taskName`, and otherwise prints a line. */
const fakeTask = (taskName: string) => `#!/bin/sh
for arg in "$@"; do
  case "$arg" in
    --list|--list-all) printf '%s\\n' '{"tasks":[{"name":"dev","desc":"Start","summary":"","aliases":[]},{"name":"${taskName}","desc":"${taskName}","summary":"","aliases":[]}]}'; exit 0 ;;
  esac
done
echo "task output"
exit \${FAKE_TASK_EXIT:-0}
`;

const VERSIONS = '.datarobot/cli/versions.yaml';
const QUICKSTART = '.datarobot/cli/bin/quickstart.sh';

/**
 * A template's versions.yaml: the tool `name` (on PATH, printing its version after its name) and
 * `missing`, which its install command puts on PATH. Every name, command, URL is a canary.
 */
function versionsYaml(name: string, missing: string): string {
  const tool = (key: string) =>
    [
      `${key}:`,
      `  name: ${key}`,
      '  minimum-version: 1.0.0',
      `  command: ${key} --version`,
      `  url: https://example.com/${key}`,
      '  install:',
      ...['macos', 'linux', 'windows'].map(
        (os) => `    ${os}: drtest-install ${key} --from https://${name}.example.com/${key}`,
      ),
      '',
    ].join('\n');
  return tool(name) + tool(missing);
}

it('keeps every canary out of Amplitude and the spool, and in DataRobot only where it belongs', {
  timeout: 90_000,
}, async ({ onTestFinished }) => {
  const started = Date.now();
  const canary = makeCanaries();
  const amplitude = await startFakeAmplitude();
  const home = makeTelemetryHome(amplitude);
  onTestFinished(() => home.cleanup());
  onTestFinished(() => amplitude.close());
  // The template requires a tool `dr start` installs, and starts with its quickstart script.
  const repository = createTemplateRepository({
    name: canary.serverData,
    parentDir: join(home.dir, 'repositories', canary.serverData),
    files: {
      ...DEFAULT_TEMPLATE_FILES,
      [VERSIONS]: versionsYaml(canary.templateFile, `${canary.templateFile}new`),
      [QUICKSTART]: `#!/bin/sh\necho "${canary.templateFile}"\n`,
    },
    executables: [QUICKSTART],
  });
  const dataRobot = await startFakeDataRobot({
    tokens: [canary.envToken, canary.configToken],
    maxPageSize: 2,
    errorMessage: `Request refused: ${canary.serverMessage}`,
    user: {
      username: `${canary.serverData}@example.com`,
      email: `${canary.serverData}@example.com`,
      firstName: canary.serverData,
      lastName: canary.serverData,
    },
    templates: [
      fakeTemplate(repository, {
        id: '65f0000000000000000000a1',
        name: canary.argument,
        description: canary.serverData,
      }),
      fakeTemplate(repository, { id: '65f0000000000000000000a2', name: 'Agentic Starter' }),
      fakeTemplate(repository, { id: '65f0000000000000000000a3', name: 'Forecast App' }),
    ],
  });
  onTestFinished(() => dataRobot.close());
  const proxy = await startTunnellingProxy(canary.host, dataRobot.port);
  onTestFinished(() => proxy.close());
  const registry = await startFakeRegistry('99.0.0');
  onTestFinished(() => registry.close());

  const folders = makeFolders(home, canary);
  const base: NodeJS.ProcessEnv = {
    ...home.telemetryEnv,
    PATH: `${folders.bin}:${process.env.PATH}`,
    DR_TELEMETRY_ENABLED: '1',
    DR_TELEMETRY_DEBUG: '1',
    OPENAI_API_KEY: canary.envKey,
    SOME_OTHER_SETTING: canary.envOther,
    EDITOR: folders.editor,
    HTTP_PROXY: proxy.url,
    NO_PROXY: '127.0.0.1,localhost',
    DR_UPDATE_REGISTRY_URL: `${registry.url}/${canary.registryPath}/`,
  };
  const withEnvAccess: NodeJS.ProcessEnv = {
    ...base,
    DATAROBOT_ENDPOINT: `http://${canary.host}/api/v2`,
    DATAROBOT_API_TOKEN: canary.envToken,
  };

  const runs: CommandRun[] = [];
  const servers = { dataRobot, proxy, registry };
  interface Line {
    readonly args: readonly string[];
    readonly command: string;
    /** The exit code it must end with: 0 for the succeeding variant. */
    readonly code: number;
    readonly env?: NodeJS.ProcessEnv;
    readonly cwd?: string;
    readonly token?: TokenChannel;
    /** Whether its command_completed/command_failed is recorded (default true). */
    readonly endRecorded?: boolean;
    /** Sets the scene first, e.g. scripts the error DataRobot answers with (its message a canary). */
    readonly before?: () => void;
    /** Runs it some other way than runDr (a login, a terminal), resolving with its result. */
    readonly drive?: (
      args: readonly string[],
      env: NodeJS.ProcessEnv,
      cwd: string,
    ) => Promise<{ code: number | null; output: string }>;
  }
  const run = async (line: Line) => {
    line.before?.();
    const before = receivedCounts(servers);
    const env = line.env ?? base;
    const cwd = line.cwd ?? folders.app;
    const result = line.drive
      ? await line.drive(line.args, env, cwd)
      : outputOf(await runDr(line.args, { env, cwd }));
    const label = `dr ${line.args.join(' ')}`;
    expect(result.code, `${label}\n${result.output}`).toBe(line.code);
    expect(result.output, `${label}: an event was not recorded`).not.toContain('not recorded');
    runs.push({
      label,
      command: line.command,
      code: result.code,
      output: result.output,
      events: recordedEvents(result.output),
      token: line.token,
      endRecorded: line.endRecorded ?? true,
      received: receivedSince(servers, before, label),
    });
  };
  const login = (key: string) => async (args: readonly string[], env: NodeJS.ProcessEnv, cwd: string) => {
    const dr = startDr(args, { env: { ...env, DR_LOGIN_PORT: '0' }, cwd });
    const [, port] = await dr.waitForOutput(/http:\/\/localhost:(\d+)\//);
    await fetch(`http://127.0.0.1:${port}/?key=${key}`);
    return outputOf(await dr.exited());
  };
  const setupOnTerminal = async (args: readonly string[], env: NodeJS.ProcessEnv, cwd: string) =>
    runDrOnTerminal(args, {
      env,
      cwd,
      answers: [
        { when: /Pick a template \(1-3\): /, type: '1' },
        { when: /Folder to clone into \[[^\]]*\]: /, type: canary.typed },
        { when: /APP_NAME \(optional\)[^:]*: /, type: canary.typed },
        { when: /OPENAI_API_KEY: /, type: canary.typed },
        { when: /FRONTEND_PORT \(optional\)[^:]*: /, type: '' },
      ],
    });

  // The commands record their events into the spool, where the test reads them before any is sent.
  const releaseLock = await holdDrainerLock(home.spoolDir);
  const lines: Line[] = [
    // auth: the URL first, then a rejected and an accepted login (which stores configToken).
    // A URL's path and query are dropped: only its scheme and host are kept (and sent to).
    {
      args: ['auth', 'set-url', `http://${canary.host}/${canary.argument}?from=${canary.argument}`],
      command: 'auth set-url',
      code: 0,
    },
    { args: ['auth', 'set-url', `ftp://${canary.argument}`], command: 'auth set-url', code: 2 },
    {
      args: ['auth', 'login', `http://${canary.host}/${canary.argument}`, '--no-browser'],
      command: 'auth login',
      code: 3,
      token: 'rejectedKey',
      drive: login(canary.rejectedKey),
    },
    {
      args: ['auth', 'login', '--no-browser'],
      command: 'auth login',
      code: 0,
      token: 'configToken',
      drive: login(canary.configToken),
    },
    { args: ['auth', 'check'], command: 'auth check', code: 0, token: 'configToken' },
    { args: ['auth', 'check'], command: 'auth check', code: 0, env: withEnvAccess, token: 'envToken' },
    {
      args: ['auth', 'check'],
      command: 'auth check',
      code: 4,
      env: withEnvAccess,
      token: 'envToken',
      before: () => dataRobot.enqueueAnswers(503),
    },
    {
      args: ['auth', 'check'],
      command: 'auth check',
      code: 4,
      env: withEnvAccess,
      token: 'envToken',
      before: () => dataRobot.enqueueAnswers('reset'),
    },
    {
      args: ['auth', 'check'],
      command: 'auth check',
      code: 5,
      env: { ...withEnvAccess, DATAROBOT_ENDPOINT: `ftp://${canary.envOther}/api/v2` },
    },
    // templates: two pages each time (three templates, two a page).
    {
      args: ['templates', 'list', '--output-format', 'json'],
      command: 'templates list',
      code: 0,
      env: withEnvAccess,
      token: 'envToken',
    },
    {
      args: ['templates', 'list'],
      command: 'templates list',
      code: 4,
      env: withEnvAccess,
      token: 'envToken',
      before: () => dataRobot.enqueueAnswers(null, 500),
    },
    {
      args: ['templates', 'list', '--ca-cert', join(folders.app, `${canary.flagValue}.pem`)],
      command: 'templates list',
      code: 5,
      env: withEnvAccess,
    },
    {
      args: ['templates', 'clone', canary.argument, canary.argument],
      command: 'templates clone',
      code: 0,
      token: 'configToken',
    },
    {
      args: ['templates', 'clone', canary.argument, canary.argument],
      command: 'templates clone',
      code: 1,
      token: 'configToken',
    },
    {
      args: ['templates', 'setup'],
      command: 'templates setup',
      code: 0,
      env: withEnvAccess,
      token: 'envToken',
      drive: setupOnTerminal,
    },
    { args: ['templates', 'setup'], command: 'templates setup', code: 2, env: withEnvAccess },
    // start: clones the template named, installs the tool it lacks, runs its quickstart script;
    // then where it cloned before, in the clone, and with a template that is not there.
    {
      args: ['start', '-y', '--template', canary.argument],
      command: 'start',
      code: 0,
      cwd: folders.start,
      token: 'configToken',
    },
    {
      args: ['quickstart', '-y', '--template', canary.argument],
      command: 'start',
      code: 1,
      cwd: folders.start,
      token: 'configToken',
    },
    {
      args: ['quickstart', '--yes'],
      command: 'start',
      code: 0,
      cwd: join(folders.start, canary.serverData),
      token: 'configToken',
    },
    {
      args: ['start', '-y', '--template', canary.flagValue],
      command: 'start',
      code: 1,
      cwd: folders.start,
      token: 'configToken',
    },
    // dotenv, in the application folder (and in folders without a template or a .env).
    { args: ['dotenv', 'setup'], command: 'dotenv setup', code: 0 },
    { args: ['dotenv', 'setup'], command: 'dotenv setup', code: 1, cwd: folders.empty },
    { args: ['dotenv', 'validate'], command: 'dotenv validate', code: 0 },
    { args: ['dotenv', 'validate'], command: 'dotenv validate', code: 1, cwd: folders.withoutDotenv },
    { args: ['dotenv', 'edit'], command: 'dotenv edit', code: 0 },
    {
      args: ['dotenv', 'edit'],
      command: 'dotenv edit',
      code: 1,
      env: { ...base, EDITOR: `no-such-editor-${canary.envOther}` },
    },
    { args: ['dotenv', 'update'], command: 'dotenv update', code: 0, token: 'configToken' },
    {
      args: ['dotenv', 'update'],
      command: 'dotenv update',
      code: 3,
      env: withEnvAccess,
      token: 'envToken',
      before: () => dataRobot.enqueueAnswers(401),
    },
    // task, with a fake go-task on PATH.
    { args: ['task', 'list', '-d', canary.flagValue], command: 'task list', code: 0 },
    { args: ['task', 'list', '--dir', `${canary.flagValue}-gone`], command: 'task list', code: 1 },
    { args: ['task', 'run', canary.argument, '--', canary.argument], command: 'task run', code: 0 },
    {
      args: ['task', 'run', canary.argument, '-y', '-x'],
      command: 'task run',
      code: 3,
      env: { ...base, FAKE_TASK_EXIT: '3' },
    },
    {
      args: ['task', 'compose', '--template', `${canary.flagValue}.tmpl`],
      command: 'task compose',
      code: 0,
      cwd: folders.template,
    },
    {
      args: ['task', 'compose', '--template', `${canary.flagValue}-gone.tmpl`],
      command: 'task compose',
      code: 2,
      cwd: folders.template,
    },
    { args: ['task', 'compose'], command: 'task compose', code: 1, cwd: folders.empty },
    // dependency, from a component of the template folder: one tool is there, one is missing
    // until the fake installer puts it on PATH.
    {
      args: ['dependency', 'check'],
      command: 'dependency check',
      code: 1,
      cwd: join(folders.template, canary.templateFile),
    },
    {
      args: ['dependency', 'install', '--dry-run'],
      command: 'dependency install',
      code: 0,
      cwd: folders.template,
    },
    { args: ['dependency', 'install'], command: 'dependency install', code: 2, cwd: folders.template },
    {
      args: ['deps', 'install', '--yes'],
      command: 'dependency install',
      code: 1,
      cwd: folders.template,
      env: { ...base, FAIL_INSTALL: canary.envOther },
    },
    {
      args: ['dependencies', 'install', '--yes'],
      command: 'dependency install',
      code: 0,
      cwd: folders.template,
    },
    {
      args: ['deps', 'check', '--output-format', 'json'],
      command: 'dependency check',
      code: 0,
      cwd: folders.template,
    },
    {
      args: ['dependency', 'check', '--output-format', canary.flagValue],
      command: 'dependency check',
      code: 2,
      cwd: folders.template,
    },
    // self
    { args: ['self', 'version'], command: 'self version', code: 0 },
    { args: ['self', 'version', '--output-format', canary.flagValue], command: 'self version', code: 2 },
    { args: ['self', 'update', '--check'], command: 'self update', code: 0 },
    // From this checkout dr cannot install itself: it says so (exit 1) after asking the registry.
    { args: ['self', 'update', '--yes'], command: 'self update', code: 1 },
    {
      args: ['self', 'update', '--output-format', 'json'],
      command: 'self update',
      code: 4,
      before: () => {
        registry.latest = null;
      },
    },
    { args: ['self', 'completion', 'bash'], command: 'self completion', code: 0 },
    { args: ['self', 'completion', canary.argument], command: 'self completion', code: 2 },
    {
      args: ['self', 'completion', 'install', 'fish', '--dry-run'],
      command: 'self completion install',
      code: 0,
    },
    { args: ['self', 'completion', 'install', canary.argument], command: 'self completion install', code: 2 },
    {
      args: ['self', 'completion', 'uninstall', 'zsh', '--dry-run'],
      command: 'self completion uninstall',
      code: 0,
    },
    {
      args: ['self', 'completion', 'uninstall', canary.argument],
      command: 'self completion uninstall',
      code: 2,
    },
    // auth export prints the token (on stdout only) and never calls DataRobot.
    { args: ['auth', 'export', '--output-format', 'json'], command: 'auth export', code: 0 },
    { args: ['auth', 'export'], command: 'auth export', code: 0, env: withEnvAccess },
    { args: ['auth', 'export', '--shell', canary.flagValue], command: 'auth export', code: 2 },
    { args: ['self', 'config'], command: 'self config', code: 0 },
    {
      args: ['self', 'config', '--config', join(folders.app, `${canary.flagValue}.yaml`)],
      command: 'self config',
      code: 0,
    },
    { args: ['self', 'config', '--output-format', canary.flagValue], command: 'self config', code: 2 },
    {
      args: ['self', 'telemetry', 'status', '--output-format', 'json'],
      command: 'self telemetry status',
      code: 0,
    },
    {
      args: ['self', 'telemetry', 'status', '--output-format', canary.flagValue],
      command: 'self telemetry status',
      code: 2,
    },
    { args: ['self', 'telemetry', 'info', '--limit', '5'], command: 'self telemetry info', code: 0 },
    {
      args: ['self', 'telemetry', 'info', '--limit', canary.flagValue],
      command: 'self telemetry info',
      code: 2,
    },
    {
      args: ['self', 'telemetry', 'disable', '--reason', canary.flagValue],
      command: 'self telemetry disable',
      code: 0,
      // Turning telemetry off stops the run's own recording: its end is never recorded.
      endRecorded: false,
    },
    { args: ['self', 'telemetry', 'disable', canary.argument], command: 'self telemetry disable', code: 2 },
    { args: ['self', 'telemetry', 'enable'], command: 'self telemetry enable', code: 0 },
    { args: ['self', 'telemetry', 'enable', canary.argument], command: 'self telemetry enable', code: 2 },
    { args: [canary.argument, canary.argument], command: 'unknown', code: 2 },
    // auth logout last: it removes configToken.
    { args: ['auth', 'logout', canary.argument], command: 'auth logout', code: 2 },
    { args: ['auth', 'logout'], command: 'auth logout', code: 0 },
  ];
  for (const line of lines) await run(line);

  // (1) while every event waits in the spool: no canary in any telemetry file.
  const spooledBytes = spoolFileBytes(home.spoolDir).length;
  expect(spooledBytes).toBeGreaterThan(0);
  const whileSpooled = telemetryFiles(home);
  expect(whileSpooled.map((file) => file.where)).toEqual(
    expect.arrayContaining([expect.stringMatching(/spool\.db$/), expect.stringMatching(/identity\.json$/)]),
  );
  expectNoCanary(canary, whileSpooled, 'a telemetry file while events were spooled');

  // Then delivery: a flush the collector refuses, a usage error, a reset that fails, and a flush
  // that sends everything (its own end goes with the drainer it starts).
  releaseLock();
  amplitude.enqueueAnswers(400);
  await run({ args: ['self', 'telemetry', 'flush'], command: 'self telemetry flush', code: 1 });
  await run({
    args: ['self', 'telemetry', 'flush', '--timeout', canary.flagValue],
    command: 'self telemetry flush',
    code: 2,
  });
  await run({
    args: ['self', 'telemetry', 'reset', canary.argument],
    command: 'self telemetry reset',
    code: 2,
  });
  await run({
    args: ['self', 'telemetry', 'flush', '--output-format', 'json'],
    command: 'self telemetry flush',
    code: 0,
  });
  const recorded = runs.flatMap((entry) => entry.events.map((event) => event.insert_id));
  await amplitude.waitFor(() => recorded.every((id) => amplitude.ingestedByInsertId.has(id)), {
    timeoutMs: 15_000,
    description: 'every event recorded',
  });
  await waitUntil(() => drainerPids(home.spoolDir).length === 0, 'the drainer to exit', 15_000);
  const afterDelivery = telemetryFiles(home);
  expect(afterDelivery.map((file) => file.where)).toEqual(
    expect.arrayContaining([expect.stringMatching(/drainer\.log$/), expect.stringMatching(/session\.json$/)]),
  );
  // Last, the reset: it stops recording and deletes its own start with the spool.
  await run({
    args: ['self', 'telemetry', 'reset'],
    command: 'self telemetry reset',
    code: 0,
    endRecorded: false,
  });
  const afterReset = telemetryFiles(home);

  // (3) Delivered: every command's end (and every other event recorded before the reset) reached
  // the collector.
  for (const entry of runs) {
    const ends = entry.events.filter((event) => /^command_(completed|failed)$/.test(event.event_type));
    const started = entry.events.filter((event) => event.event_type === 'command_started');
    expect(
      started.map((event) => event.event_properties?.command),
      entry.label,
    ).toEqual([entry.command]);
    if (!entry.endRecorded) {
      expect(ends, entry.label).toEqual([]);
      continue;
    }
    expect(
      ends.map((event) => [event.event_type, event.event_properties?.command]),
      entry.label,
    ).toEqual([[entry.code === 0 ? 'command_completed' : 'command_failed', entry.command]]);
    expect(amplitude.ingestedByInsertId.has(ends[0]!.insert_id), `${entry.label}: its end was sent`).toBe(
      true,
    );
  }
  expect(recorded.filter((id) => !amplitude.ingestedByInsertId.has(id))).toEqual([]);

  // (1) Nothing the collector received, and nothing left on disk, holds a canary.
  const sent = amplitudeParts(amplitude);
  expectNoCanary(canary, sent, 'a request to Amplitude');
  expectNoCanary(canary, afterDelivery, 'a telemetry file after delivery');
  expectNoCanary(canary, afterReset, 'a telemetry file after the reset');

  // (2) DataRobot, its proxy and the npm registry: each canary only where it belongs.
  const received = runs.flatMap((entry) => entry.received.map((part) => ({ part, entry })));
  const misplaced = findCanaries(
    canary,
    received.map(({ part }) => part),
  ).flatMap(({ channel, part }) => {
    const owner = received.find((candidate) => candidate.part === part)!.entry;
    return BELONGS[channel](part as ReceivedPart, owner) ? [] : [`${channel} in ${part.where} ${part.part}`];
  });
  expect(misplaced).toEqual([]);
  // The check above saw the canaries that do belong, so it looked at the right bytes.
  const seen = new Set(
    findCanaries(
      canary,
      received.map(({ part }) => part),
    ).map(({ channel }) => channel),
  );
  expect([...seen].sort()).toEqual(['configToken', 'envToken', 'host', 'registryPath', 'rejectedKey']);
  expect(proxy.refused).toEqual([]);

  const eventsChecked = amplitude.ingested.length;
  const figures = {
    commands: runs.length,
    // The reset's own start is recorded, then deleted with the spool.
    events_recorded: recorded.length + 1,
    events_ingested: eventsChecked,
    amplitude_requests: amplitude.requests.length,
    datarobot_requests: dataRobot.requests.length,
    proxy_connects: proxy.requests.length,
    registry_requests: registry.requests.length,
    bytes_scanned:
      byteCount(sent) +
      byteCount(whileSpooled) +
      byteCount(afterDelivery) +
      byteCount(afterReset) +
      byteCount(received.map(({ part }) => part)),
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
  console.log(`canary figures ${JSON.stringify(figures)}`);
});

/** The folders and programs the commands run among; the working folder's path holds a canary. */
function makeFolders(home: TelemetryHome, canary: CanarySet) {
  const root = join(home.dir, canary.workingFolder);
  const app = join(root, 'app');
  const withoutDotenv = join(root, 'fresh');
  const empty = join(root, 'empty');
  const template = [
    'DATAROBOT_ENDPOINT=',
    'DATAROBOT_API_TOKEN=',
    'APP_NAME=talk-to-my-data',
    'OPENAI_API_KEY=',
    '',
  ].join('\n');
  for (const folder of [app, withoutDotenv]) {
    mkdirSync(join(folder, '.git'), { recursive: true });
    writeFileSync(join(folder, '.env.template'), template);
  }
  mkdirSync(empty, { recursive: true });
  writeFileSync(join(app, '.env'), `OPENAI_API_KEY=${canary.dotenvValue}\nAPP_NAME=${canary.dotenvValue}\n`);
  writeFileSync(join(app, 'Taskfile.yml'), "version: '3'\n");
  mkdirSync(join(app, canary.flagValue));
  writeFileSync(join(app, canary.flagValue, 'Taskfile.yml'), "version: '3'\n");
  const bin = join(home.dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'task'), fakeTask(canary.templateFile));
  const editor = join(bin, 'editor.sh');
  writeFileSync(editor, `#!/bin/sh\necho "EDITED=${canary.dotenvValue}" >> "$1"\n`);
  // A template's tools: one installed, printing its name before its version, and an installer
  // that puts the tool it is given on PATH (unless FAIL_INSTALL), so nothing is downloaded.
  writeFileSync(join(bin, canary.templateFile), `#!/bin/sh\necho "${canary.templateFile} 1.2.0"\n`);
  writeFileSync(
    join(bin, 'drtest-install'),
    [
      '#!/bin/sh',
      'if [ -n "$FAIL_INSTALL" ]; then echo "E: Permission denied" >&2; exit 100; fi',
      `printf '#!/bin/sh\\necho "%s 1.5.0"\\n' "$1" > "${bin}/$1"`,
      `chmod +x "${bin}/$1"`,
      '',
    ].join('\n'),
  );
  for (const program of ['task', 'editor.sh', canary.templateFile, 'drtest-install'])
    chmodSync(join(bin, program), 0o755);
  // Where `dr start` clones (no template around it), and a template folder for `dr dependency`
  // and `dr task compose`: components named by canaries, and a Taskfile template of the user's.
  const start = join(root, 'start');
  mkdirSync(start);
  const templateFolder = join(root, 'template');
  mkdirSync(join(templateFolder, '.datarobot', 'cli'), { recursive: true });
  writeFileSync(
    join(templateFolder, VERSIONS),
    versionsYaml(canary.templateFile, `${canary.templateFile}dep`),
  );
  for (const component of [canary.templateFile, 'web']) {
    mkdirSync(join(templateFolder, component));
    writeFileSync(join(templateFolder, component, 'Taskfile.yaml'), "version: '3'\n");
  }
  writeFileSync(
    join(templateFolder, `${canary.flagValue}.tmpl`),
    `# ${canary.templateFile}\n{{ range .Includes }}{{ .Name }} {{ end }}\n`,
  );
  return { app, withoutDotenv, empty, bin, editor, start, template: templateFolder };
}

function outputOf(result: DrResult): { code: number | null; output: string } {
  return { code: result.code, output: `${result.stdout}\n${result.stderr}` };
}

/** The events a run printed under DR_TELEMETRY_DEBUG, exactly as spooled. */
function recordedEvents(output: string): AmplitudeEvent[] {
  return [...output.matchAll(/^\[telemetry\] event (\{.*\})\r?$/gm)].map(
    (match) => JSON.parse(match[1]!) as AmplitudeEvent,
  );
}

interface Servers {
  readonly dataRobot: FakeDataRobot;
  readonly proxy: TunnellingProxy;
  readonly registry: FakeRegistry;
}

function receivedCounts(servers: Servers) {
  return {
    dataRobot: servers.dataRobot.requests.length,
    proxy: servers.proxy.requests.length + servers.proxy.refused.length,
    registry: servers.registry.requests.length,
  };
}

/** Every request the DataRobot side received since `before`, in parts. */
function receivedSince(
  servers: Servers,
  before: ReturnType<typeof receivedCounts>,
  label: string,
): ReceivedPart[] {
  const local = (server: 'proxy' | 'registry', requests: readonly RecordedLocalRequest[]) =>
    requests.flatMap((request, index) =>
      requestParts(
        `${server} request ${index} of \`${label}\``,
        `${request.method} ${request.target}`,
        headerPairs(request.rawHeaders),
        request.body,
      ).map((part) => ({ ...part, server })),
    );
  return [
    ...servers.dataRobot.requests
      .slice(before.dataRobot)
      .flatMap((request, index) =>
        requestParts(
          `datarobot request ${index} of \`${label}\``,
          `${request.method} ${request.path}`,
          headerPairs(request.rawHeaders),
          request.body,
        ).map((part) => ({ ...part, server: 'datarobot' as const })),
      ),
    ...local('proxy', [...servers.proxy.requests, ...servers.proxy.refused].slice(before.proxy)),
    ...local('registry', servers.registry.requests.slice(before.registry)),
  ];
}

/** Every request the fake Amplitude received: target, headers and (gunzipped) body. */
function amplitudeParts(fake: FakeAmplitude): CapturedPart[] {
  return fake.requests.flatMap((request, index) => {
    const body =
      request.body[0] === 0x1f && request.body[1] === 0x8b ? gunzipSync(request.body) : request.body;
    const headers = Object.entries(request.headers).map(
      ([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)] as const,
    );
    return requestParts(`amplitude request ${index}`, `${request.method} ${request.path}`, headers, body);
  });
}

/**
 * Every file under dr's data, state and cache folders (the spool and its -wal/-shm, session,
 * caches, identity, drainer log, and anything else), and under its config folder except
 * drconfig.yaml itself, which holds the token and URL the user stored there.
 */
function telemetryFiles(home: TelemetryHome): CapturedPart[] {
  const roots = ['XDG_DATA_HOME', 'XDG_STATE_HOME', 'XDG_CACHE_HOME', 'XDG_CONFIG_HOME'].map(
    (name) => home.env[name]!,
  );
  return roots.flatMap((root) =>
    filesUnder(root)
      .filter((file) => file !== home.configFile)
      .map((file) => ({ where: file, part: 'file', bytes: readFileSync(file) })),
  );
}

function filesUnder(folder: string): string[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(folder, name);
    const stat = lstatSync(path);
    return stat.isDirectory() ? filesUnder(path) : stat.isFile() ? [path] : [];
  });
}

/** No canary, whole or cut short (a string property is cut at 256 characters), in any case. */
function expectNoCanary(canary: CanarySet, parts: readonly CapturedPart[], what: string): void {
  expect(byteCount(parts), `bytes of ${what}`).toBeGreaterThan(0);
  const leaks = findCanaries(canary, parts).map(
    ({ channel, part }) => `${channel} in ${part.where} ${part.part}`,
  );
  expect(leaks, `canaries in ${what}`).toEqual([]);
  expect(findCanaryPrefixes(parts), `parts of canaries in ${what}`).toEqual([]);
}
