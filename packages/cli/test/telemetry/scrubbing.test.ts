// SPEC §4 "never sent", end to end: canary values typed as arguments, flag values, unknown flag
// and command names, environment values, a config path and the working folder must appear
// neither in the spool's bytes nor in any request the collector receives. The canary is a plain
// word the scrubber would let through, so only "names and counts, never values" keeps it out.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { startFakeAmplitude } from '@dr/testkit';
import { expect, it } from 'vitest';
import {
  drainerPids,
  holdDrainerLock,
  makeTelemetryHome,
  requestBodies,
  runDr,
  spooledEvents,
  spoolFileBytes,
  waitUntil,
} from './support/telemetry-harness.ts';

/** Plain files under `dir`, at any depth. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

function canaryWord(): string {
  const letters = Array.from({ length: 10 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26)));
  return `kumquat${letters.join('')}`;
}

it('sends no value typed, set or found on disk, and spools none', { timeout: 60_000 }, async ({
  onTestFinished,
}) => {
  const fake = await startFakeAmplitude();
  const home = makeTelemetryHome(fake);
  onTestFinished(async () => {
    home.cleanup();
    await fake.close();
  });
  const canary = canaryWord();
  const folder = join(home.dir, canary, 'work');
  mkdirSync(folder, { recursive: true });
  const configFile = join(home.dir, canary, 'x.yaml');
  writeFileSync(
    configFile,
    `endpoint: https://${canary}.example.com/api/v2\ntoken: ${canary}-config-token\n`,
  );
  const env = {
    ...home.telemetryEnv,
    DR_TELEMETRY_ENABLED: '1',
    DATAROBOT_API_TOKEN: `${canary}-env-token`,
    DATAROBOT_ENDPOINT: `https://${canary}.example.com/api/v2`,
    SOME_OTHER_SETTING: canary,
  };
  const release = await holdDrainerLock(home.spoolDir);
  const lines: string[][] = [
    ['self', 'config', '--config', configFile],
    ['self', 'config', `--config=${configFile}`, '--output-format', 'json'],
    ['self', 'version', '--output-format', canary],
    ['self', 'version', `--${canary}`],
    ['self', 'version', canary],
    [canary, canary],
    ['self', 'completion', canary],
    ['self', 'telemetry', 'info', '--limit', canary],
    ['self', 'version', '--', canary],
  ];
  for (const args of lines) {
    const result = await runDr(args, { env, cwd: folder });
    expect(result.code, args.join(' ')).not.toBeNull();
  }
  const spooled = spooledEvents(home.spoolDir);
  expect(spooled.filter((event) => event.event_type === 'command_started')).toHaveLength(lines.length);
  const bytes = spoolFileBytes(home.spoolDir);
  expect(bytes.length).toBeGreaterThan(0);
  expect(bytes.includes(Buffer.from('self config'))).toBe(true);
  expect(bytes.includes(Buffer.from(canary)), 'canary in the spool files').toBe(false);
  expect(bytes.includes(Buffer.from(home.dir)), 'home folder in the spool files').toBe(false);
  // Every other file in the folder too: the config copy once held the --config path.
  const folderFiles = filesUnder(home.spoolDir);
  expect(folderFiles.map((file) => basename(file))).toContain('config-cache.json');
  for (const file of folderFiles) {
    const content = readFileSync(file);
    expect(content.includes(Buffer.from(canary)), `canary in ${basename(file)}`).toBe(false);
    expect(content.includes(Buffer.from(home.dir)), `home folder in ${basename(file)}`).toBe(false);
  }

  release();
  const flush = await runDr(['self', 'telemetry', 'flush', '--output-format', 'json'], { env, cwd: folder });
  expect(flush.code).toBe(0);
  await fake.waitFor(() => fake.ingested.length >= spooled.length + 1, { description: 'the spooled events' });
  await waitUntil(() => drainerPids(home.spoolDir).length === 0, 'the drainer to exit');
  const bodies = requestBodies(fake).join('\n');
  expect(bodies).toContain('"self config"');
  expect(bodies, 'canary in a request').not.toContain(canary);
  expect(bodies, 'home folder in a request').not.toContain(home.dir);
  expect(spoolFileBytes(home.spoolDir).includes(Buffer.from(canary))).toBe(false);
});
