// Ctrl-C (SIGINT) while a command waits: dr exits 130 as shells expect, and the command's end is
// still recorded as command_failed with exit_code 130, spooled before the exit and delivered by
// a later flush. The command that waits is `dr self telemetry flush` against a collector that
// takes the request and never answers.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeAmplitude } from '@dr/testkit';
import { expect, it } from 'vitest';
import {
  CONFIG_ENABLED,
  type DrResult,
  drainerPids,
  makeTelemetryHome,
  runDr,
  sentEvents,
  spooledEvents,
  startDr,
  waitUntil,
} from './support/telemetry-harness.ts';

it('records command_failed with exit code 130 and exits 130', { timeout: 60_000 }, async ({
  onTestFinished,
}) => {
  const fake = await startFakeAmplitude({ fault: 'hang' });
  const home = makeTelemetryHome(fake);
  onTestFinished(async () => {
    home.cleanup();
    await fake.close();
  });
  home.writeConfig(CONFIG_ENABLED);

  const flush = startDr(['self', 'telemetry', 'flush', '--timeout', '30'], { env: home.telemetryEnv });
  await waitUntil(() => fake.stats.held > 0, 'the flush to wait on the collector');
  flush.child.kill('SIGINT');
  const result = await flush.result;
  expect(result.code).toBe(130);

  const interrupted = spooledEvents(home.spoolDir).filter(
    (event) =>
      event.event_type === 'command_failed' && event.event_properties?.command === 'self telemetry flush',
  );
  expect(interrupted).toHaveLength(1);
  expect(interrupted[0]!.event_properties).toMatchObject({
    exit_code: 130,
    success: false,
    error_type: 'INTERRUPTED',
  });

  // The collector answers again: the interrupted run's end reaches it.
  await fake.setFault(200);
  const again = await runDr(['self', 'telemetry', 'flush', '--output-format', 'json'], {
    env: home.telemetryEnv,
  });
  expect(again.code, again.stdout + again.stderr).toBe(0);
  await fake.waitFor(() => sentEvents(fake).some((event) => event.insert_id === interrupted[0]!.insert_id), {
    description: 'the interrupted run’s command_failed',
  });
  await waitUntil(() => drainerPids(home.spoolDir).length === 0, 'the drainer to exit');
});

// A stand-in for go-task that, like a real task, handles Ctrl-C itself: it cleans up, then
// exits 3. dr must wait for it and exit with its code (--exit-code), telemetry on or off.
const FAKE_GO_TASK = `#!/bin/sh
trap 'echo "task: cleaning up"; sleep 0.3; echo "task: done"; exit 3' INT
echo "task: started"
while true; do sleep 0.05; done
`;

async function interruptTaskRun(env: NodeJS.ProcessEnv, dir: string): Promise<DrResult> {
  const run = startDr(['task', 'run', 'build', '--exit-code', '--dir', dir], { env, processGroup: true });
  await waitUntil(() => run.stdout().includes('task: started'), 'the task to start');
  run.interruptGroup();
  // Output the task printed after dr exited (if dr did not wait) is not in the result.
  return run.result;
}

// With telemetry on, the runner records the interruption but lets a command that handles Ctrl-C
// itself (task run waits for its task) finish with its own exit code, as it does with telemetry off.
it('lets a command that handles Ctrl-C itself finish: same exit code and output, telemetry on or off', {
  timeout: 60_000,
}, async ({ onTestFinished }) => {
  const fake = await startFakeAmplitude();
  const home = makeTelemetryHome(fake);
  onTestFinished(async () => {
    home.cleanup();
    await fake.close();
  });
  const bin = join(home.dir, 'bin');
  const app = join(home.dir, 'app');
  mkdirSync(bin);
  mkdirSync(app);
  writeFileSync(join(bin, 'task'), FAKE_GO_TASK, { mode: 0o755 });
  writeFileSync(join(app, 'Taskfile.yml'), "version: '3'\n");
  const env = { ...home.telemetryEnv, PATH: `${bin}:${process.env.PATH}` };

  const off = await interruptTaskRun({ ...env, DO_NOT_TRACK: '1' }, app);
  expect(off.code).toBe(3);
  expect(off.stdout).toContain('task: done');
  const on = await interruptTaskRun({ ...env, DR_TELEMETRY_ENABLED: '1' }, app);
  expect({ code: on.code, stdout: on.stdout }).toEqual({ code: off.code, stdout: off.stdout });
});
