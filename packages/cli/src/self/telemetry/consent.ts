// `dr self telemetry enable|disable`: stores the choice in drconfig.yaml (with the prompt version,
// and the Go dr's `disable-telemetry` key in step), and says when a stronger rule (policy,
// DO_NOT_TRACK, CI, ...) still decides otherwise.
import { CONSENT_PROMPT_VERSION, consentChanges, DrError, ExitCode, updateConfig } from '@dr/shared';
import { stopRunningDrainer, withExistingSpool } from '@dr/spooler';
import type { CommandIO } from '../../datarobot/command-io.ts';
import { readTelemetryState } from '../../telemetry/start-telemetry.ts';
import { pathsOf } from './local-state.ts';

/** The Go dr's opt-out key, at the top of the same drconfig.yaml. */
const GO_OPT_OUT_KEY = 'disable-telemetry';

export async function enableTelemetry(io: CommandIO): Promise<number> {
  const paths = pathsOf(io);
  // The user's own opt-outs (flag, DO_NOT_TRACK, DATAROBOT_CLI_DISABLE_TELEMETRY) rank above the
  // policy and would hide it: ask what decides without them.
  const { DO_NOT_TRACK, DATAROBOT_CLI_DISABLE_TELEMETRY, ...envWithoutOptOuts } = io.env;
  const before = await readTelemetryState(paths, envWithoutOptOuts, false, false);
  if (before.decision.reason === 'policy') {
    throw new DrError(
      'TELEMETRY_LOCKED',
      `Telemetry is locked off by your administrator (${paths.policyFile}); it cannot be enabled.`,
      { exitCode: ExitCode.failure },
    );
  }
  await updateConfig(paths.configFile, [
    ...consentChanges(true, 'command', new Date(), CONSENT_PROMPT_VERSION),
    { path: ['telemetry', 'disabled_reason'], value: undefined },
    { path: [GO_OPT_OUT_KEY], value: false },
  ]);
  const after = await readTelemetryState(paths, io.env, io.disableTelemetry === true, false);
  io.stdout.write('Telemetry enabled. Thank you: this helps DataRobot improve dr.\n');
  if (!after.decision.recordThisRun) {
    io.stdout.write(`Your choice is stored, but telemetry stays off here: ${after.decision.explanation}\n`);
  }
  return 0;
}

export async function disableTelemetry(io: CommandIO, reason: string | undefined): Promise<number> {
  io.telemetry.stopRecording();
  const paths = pathsOf(io);
  await updateConfig(paths.configFile, [
    ...consentChanges(false, 'command', new Date(), CONSENT_PROMPT_VERSION),
    // Kept on this machine only: nothing reads it to send.
    { path: ['telemetry', 'disabled_reason'], value: reason },
    { path: [GO_OPT_OUT_KEY], value: true },
  ]);
  const { spoolDir } = paths;
  // A drainer already running would go on sending what is pending: it is stopped first.
  const outcome = await withExistingSpool(spoolDir, async (spool) => ({
    stopped: await stopRunningDrainer(spoolDir, spool, undefined, { veto: true }),
    pending: spool.depth().events,
  }));
  io.stdout.write(
    'Telemetry disabled: nothing is recorded or sent from now on, and no background process starts.\n',
  );
  const pending = outcome?.pending ?? 0;
  if (pending > 0) {
    io.stdout.write(
      outcome?.stopped === false
        ? `${pending} event(s) recorded earlier wait in ${spoolDir}; a background drainer did not stop in time and may still send some; \`dr self telemetry reset\` deletes them.\n`
        : `${pending} event(s) recorded earlier wait in ${spoolDir} and will not be sent; \`dr self telemetry reset\` deletes them.\n`,
    );
  }
  return 0;
}
