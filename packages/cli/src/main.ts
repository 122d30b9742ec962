// The entry of the bundled dr program (dist/dr.js): runs the CLI on this process's argv and
// streams, and sets the exit code. Kept tiny: start-up time is a product requirement.
import { runCli } from './cli/run-cli.ts';
import { processContext } from './cli/standard-streams.ts';

// No top-level await: the bundle is CommonJS (bin/dr loads it without Node's ESM loader).
// runCli reports every failure itself; anything that still escapes is one line, not a dump.
runCli(process.argv.slice(2), processContext()).then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (error: unknown) => {
    const debug = process.argv.includes('--debug');
    const detail = error instanceof Error ? (debug ? error.stack : error.message) : String(error);
    process.stderr.write(`Error: dr failed: ${detail}\n`);
    process.exitCode = 1;
  },
);
