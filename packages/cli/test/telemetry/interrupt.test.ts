// Ctrl-C (SIGINT) while a command waits: dr exits 130 as shells expect, and the command's end is
// still recorded as command_failed with exit_code 130, spooled before the exit and delivered by
// a later flush. The command that waits is `dr self telemetry flush` against a collector that
// takes the request and never answers.
import { startFakeAmplitude } from '@dr/testkit';
import { expect, it } from 'vitest';
import {
  CONFIG_ENABLED,
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
