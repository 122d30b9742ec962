// The start of a run's telemetry: the opt-out is checked before any file is read or telemetry
// code loaded (SPEC §3), and a fault leaves telemetry off for the run, never the command.
import { userOptOut } from '@dr/shared';
import type { DrContext } from '../cli/context.ts';
import type { GlobalOptions } from '../cli/global-options.ts';
import { inactiveTelemetryRun, type TelemetryRun } from './telemetry-run.ts';

/** The run's telemetry: nothing loaded when opted out (SPEC §3), and off for the run if it fails. */
export async function beginTelemetry(
  globals: GlobalOptions,
  context: DrContext,
  mayAsk: () => boolean,
): Promise<TelemetryRun> {
  if (userOptOut(globals.disableTelemetry, context.env) !== undefined) return inactiveTelemetryRun;
  try {
    const [{ startTelemetry }, { resolvePaths }] = await Promise.all([
      import('../telemetry/start-telemetry.ts'),
      import('@dr/shared/paths'),
    ]);
    return await startTelemetry({
      paths: resolvePaths({ configFlag: globals.config, env: context.env }),
      env: context.env,
      disableFlag: globals.disableTelemetry,
      stdin: () => context.stdin,
      stderr: context.stderr,
      mayAsk: mayAsk(),
      debug: globals.debug,
    });
  } catch (error) {
    if (globals.debug) context.stderr.write(`[telemetry] off for this run: ${String(error)}\n`);
    return inactiveTelemetryRun;
  }
}
