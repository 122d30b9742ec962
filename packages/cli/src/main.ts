// The entry of the bundled dr program (dist/dr.js): runs the CLI on this process's argv and
// streams, and sets the exit code. Kept tiny: start-up time is a product requirement.
import { Cli } from 'clipanion';
import { runCli } from './cli/run-cli.ts';
import { inactiveTelemetryRun } from './telemetry/telemetry-run.ts';

const exitCode = await runCli(process.argv.slice(2), {
  ...Cli.defaultContext,
  env: process.env,
  telemetry: inactiveTelemetryRun,
});
process.exitCode = exitCode;
