// The entry of the bundled dr program (dist/dr.js): runs the CLI on this process's argv and
// streams, and sets the exit code. Kept tiny: start-up time is a product requirement.
import { Cli } from 'clipanion';
import { runCli } from './cli/run-cli.ts';
import { inactiveTelemetryRun } from './telemetry/telemetry-run.ts';

// A reader that closes the pipe early (`dr --help | head -1`) already has what it wanted: exit
// at once, quietly and with 0, so `set -o pipefail` scripts do not fail on `dr … | head` (a shell
// program killed by SIGPIPE would report 141). Any other stream error is thrown, as before.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
}

const exitCode = await runCli(process.argv.slice(2), {
  ...Cli.defaultContext,
  env: process.env,
  telemetry: inactiveTelemetryRun,
});
process.exitCode = exitCode;
