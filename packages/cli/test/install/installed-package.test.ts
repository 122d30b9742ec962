// The package a user installs (issue #15): `npm pack` of packages/cli, installed with
// `npm install --global` into a throw-away prefix as a user would (better-sqlite3 built for the
// Node that runs it), then the installed dr run from that prefix: version, help, a recorded
// command whose events reach the fake Amplitude through the drainer the installed package
// started, the telemetry status, and `dr self update` replacing it with a newer version from a
// fake registry. On the Node named by DR_TEST_NODE when set (scripts/check-node-lines.mjs).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import {
  type FakeAmplitude,
  type FakeNpmRegistry,
  startFakeAmplitude,
  startFakeNpmRegistry,
} from '@dr/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DR_BIN, runProgram } from '../support/run-dr.ts';
import {
  drainerPids,
  makeTelemetryHome,
  runDrOnTerminal,
  type TelemetryHome,
  waitUntil,
} from '../telemetry/support/telemetry-harness.ts';
import {
  CLI_PACKAGE,
  installGlobally,
  packCli,
  type TargetNode,
  targetNode,
} from './support/installed-package.ts';

const PACKAGE = '@datarobot/cli';
/** Each test runs the installed dr a few times; npm runs in the last. */
const TEST_TIMEOUT_MS = 120_000;
const { version: VERSION } = JSON.parse(readFileSync(join(CLI_PACKAGE, 'package.json'), 'utf8')) as {
  version: string;
};

const target: TargetNode = targetNode();
let work: string;
let tarball: string;
let install: { code: number | null; stdout: string; stderr: string };
let prefix: string;
let dr: string;
let home: TelemetryHome | undefined;
let amplitude: FakeAmplitude | undefined;
let registry: FakeNpmRegistry | undefined;

beforeAll(async () => {
  work = realpathSync(mkdtempSync(join(tmpdir(), 'dr-install-')));
  mkdirSync(join(work, 'pack'));
  tarball = await packCli(target, join(work, 'pack'));
  prefix = join(work, 'prefix');
  install = await installGlobally(target, tarball, prefix);
  dr = join(prefix, 'bin', 'dr');
}, 900_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

afterEach(async () => {
  home?.cleanup();
  home = undefined;
  await amplitude?.close();
  amplitude = undefined;
  await registry?.close();
  registry = undefined;
});

/** The installed dr's environment: the target Node first on PATH (bin/dr runs `node`), telemetry on. */
function installedEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  home = makeTelemetryHome(amplitude);
  return {
    ...home.telemetryEnv,
    PATH: [dirname(target.node), home.telemetryEnv.PATH].join(delimiter),
    DR_TELEMETRY_ENABLED: '1',
    ...extra,
  };
}

const runInstalled = (args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs?: number) =>
  runProgram([dr, ...args], { env, ...(timeoutMs === undefined ? {} : { timeoutMs }) });

/** The folder npm installed dr's package in. */
const installedPackage = () => join(prefix, 'lib/node_modules', PACKAGE);

describe(`the npm package installed with npm install --global`, () => {
  it(
    'installs from the tarball with one npm command: bin, the bundle with its drainer, and better-sqlite3 alone',
    () => {
      expect(install.code, install.stderr).toBe(0);
      const listing = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).stdout.split('\n');
      expect(listing).toEqual(
        expect.arrayContaining([
          'package/package.json',
          'package/README.md',
          'package/LICENSE',
          'package/bin/dr',
          'package/bin/package.json',
          'package/dist/package.json',
          'package/dist/dr.js',
          'package/dist/drainer.js',
          'package/dist/startup-pack.js',
        ]),
      );
      expect(listing.filter((file) => /^package\/(src|test|scripts)\//.test(file))).toEqual([]);
      const manifest = JSON.parse(readFileSync(join(installedPackage(), 'package.json'), 'utf8'));
      expect(manifest).toMatchObject({ name: PACKAGE, version: VERSION, bin: { dr: './bin/dr' } });
      expect(Object.keys(manifest.dependencies)).toEqual(['better-sqlite3']);
      expect(manifest.engines.node).toMatch(/22/);
      // The addon was built (or fetched) for the Node that runs dr: it loads there.
      const addon = join(installedPackage(), 'node_modules/better-sqlite3/build/Release/better_sqlite3.node');
      const loaded = spawnSync(target.node, ['-e', `require(${JSON.stringify(addon)})`], {
        encoding: 'utf8',
      });
      expect(loaded.stderr).toBe('');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'runs dr --version and dr --help from the prefix',
    async () => {
      const env = installedEnv();
      const version = await runInstalled(['--version'], env);
      expect(version).toMatchObject({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
      const help = await runInstalled(['--help'], env);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('dr self update');
      expect(help.stderr).toBe('');
      const selfVersion = await runInstalled(['self', 'version', '--disable-telemetry'], env);
      expect(selfVersion.stdout).toContain(`Node.js ${target.version} on`);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "records a command's events and delivers them through the drainer the installed package started",
    async () => {
      // Slow answers keep the drainer alive long enough to be looked at.
      amplitude = await startFakeAmplitude({ latencyMs: 1500 });
      const env = installedEnv();
      const run = await runInstalled(['self', 'version'], env);
      expect(run.code, run.stderr).toBe(0);
      const spoolDir = home!.spoolDir;
      await waitUntil(() => drainerPids(spoolDir).length > 0, 'the drainer to start', 10_000);
      // The drainer is the target Node with the installed package's addon loaded.
      const [pid] = drainerPids(spoolDir);
      expect(realpathSync(`/proc/${pid}/exe`)).toBe(target.node);
      const addon = join(
        realpathSync(installedPackage()),
        'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      );
      await waitUntil(() => mapsOf(pid!).includes(addon), 'the drainer to load the installed addon', 10_000);
      const fake = amplitude;
      await waitUntil(
        () => fake.ingested.some((event) => event.event_type === 'command_completed'),
        'the command to reach the fake Amplitude',
        20_000,
      );
      expect(fake.ingested.map((event) => event.event_type)).toEqual(
        expect.arrayContaining(['command_started', 'self_version', 'command_completed']),
      );
      expect(fake.ingested[0]).toMatchObject({
        app_version: VERSION,
        library: `datarobot-cli-ts/${VERSION}`,
      });

      const status = await runInstalled(['self', 'telemetry', 'status', '--output-format', 'json'], env);
      expect(status.code, status.stderr).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ enabled: true, recording: true });
      expect(JSON.parse(status.stdout).last_successful_send).not.toBeNull();
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'self update asks before installing, then installs the newer version with npm into the same prefix',
    async () => {
      registry = await startFakeNpmRegistry();
      registry.publish({ name: PACKAGE, version: '99.0.0', bin: { dr: 'bin/dr' } }, newerVersionTarball());
      amplitude = await startFakeAmplitude();
      const env = installedEnv({
        DR_UPDATE_REGISTRY_URL: registry.url,
        npm_config_cache: join(work, 'update-npm-cache'),
        npm_config_update_notifier: 'false',
      });
      const upgrade = `npm install --global --prefix ${prefix} ${PACKAGE}@99.0.0 --registry ${registry.url}`;

      // No terminal and no --yes: nothing is installed, and dr says what to run.
      const unasked = await runInstalled(['self', 'update'], env);
      expect(unasked.code).toBe(2);
      expect(unasked.stdout).toBe(`dr ${VERSION} is installed; 99.0.0 is available.\n`);
      expect(unasked.stderr).toBe(
        `Error: Not installed: there is no terminal to ask on. Run dr self update --yes, or ${upgrade}\n`,
      );
      expect((await runInstalled(['--version'], env)).stdout).toBe(`${VERSION}\n`);

      // On a terminal it asks; no means no.
      const declined = await runDrOnTerminal(['self', 'update'], {
        env,
        program: [dr],
        waitFor: 'Install dr 99.0.0 with',
        answer: 'n\r',
      });
      expect(declined.terminal).toContain(`Install dr 99.0.0 with ${upgrade}? (Y/n)`);
      expect(declined.code).toBe(0);
      expect(declined.stdout).toContain('dr was not updated.');
      expect((await runInstalled(['--version'], env)).stdout).toBe(`${VERSION}\n`);

      const updated = await runInstalled(['self', 'update', '--yes'], env, 120_000);
      expect(updated.stderr).toContain(`Installing dr 99.0.0: ${upgrade}\n`);
      expect(updated.code, updated.stderr).toBe(0);
      expect(updated.stdout).toBe(
        `dr ${VERSION} is installed; 99.0.0 is available.\ndr 99.0.0 is installed.\n`,
      );
      expect(registry.requests).toEqual(
        expect.arrayContaining([`/${PACKAGE.replace('/', '%2F')}/latest`, expect.stringMatching(/\.tgz$/)]),
      );
      expect((await runInstalled(['--version'], env)).stdout).toBe('99.0.0\n');
    },
    TEST_TIMEOUT_MS,
  );
});

describe.runIf(target.abi !== process.versions.modules)(`this workspace's dr on another Node line`, () => {
  it(
    'runs with the addon built for another Node: telemetry off for the run, said in one --debug line',
    async () => {
      amplitude = await startFakeAmplitude();
      home = makeTelemetryHome(amplitude);
      const env = { ...home.telemetryEnv, DR_TELEMETRY_ENABLED: '1' };
      const quiet = await runProgram([target.node, DR_BIN, 'self', 'version'], { env });
      expect(quiet).toMatchObject({ code: 0, stderr: '' });
      expect(quiet.stdout).toContain(`Node.js ${target.version} on`);
      const debug = await runProgram([target.node, DR_BIN, 'self', 'version', '--debug'], { env });
      expect(debug.code).toBe(0);
      const said = debug.stderr
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith('[telemetry] event '));
      expect(said).toEqual([
        expect.stringMatching(/^\[telemetry\] spool unavailable: SPOOL_FAILED: .*NODE_MODULE_VERSION/),
      ]);
    },
    TEST_TIMEOUT_MS,
  );
});

/** The files mapped into process `pid`'s memory ('' once it is gone). */
function mapsOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/maps`, 'utf8');
  } catch {
    return '';
  }
}

/** A tarball of a stand-in @datarobot/cli 99.0.0 whose dr prints its version (no dependencies: nothing else to fetch). */
function newerVersionTarball(): Buffer {
  const dir = mkdtempSync(join(work, 'newer-'));
  mkdirSync(join(dir, 'package/bin'), { recursive: true });
  writeFileSync(
    join(dir, 'package/package.json'),
    JSON.stringify({ name: PACKAGE, version: '99.0.0', bin: { dr: 'bin/dr' } }),
  );
  writeFileSync(join(dir, 'package/bin/dr'), '#!/usr/bin/env node\nconsole.log("99.0.0");\n', {
    mode: 0o755,
  });
  const file = join(dir, 'newer.tgz');
  const tar = spawnSync('tar', ['-czf', file, '-C', dir, 'package']);
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr}`);
  return readFileSync(file);
}
