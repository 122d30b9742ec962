// The drainer process, spawned detached by the CLI at exit as `node <bundled entry>`. Reads its
// settings from its environment only (DR_TELEMETRY_SPOOL_DIR, DR_TELEMETRY_ENDPOINT,
// DR_TELEMETRY_API_KEY, DR_TELEMETRY_DEBUG, DR_DRAINER_DEADLINE_MS), drains once, and exits 0
// whatever happens. It never writes to a terminal: under DR_TELEMETRY_DEBUG its lines, errors
// included, go to <spoolDir>/drainer.log. Imports the drainer and nothing of the CLI.
import { openSpoolSafely } from '../spool/spool.ts';
import { resolveEndpoint } from '../transport/endpoint.ts';
import { drain } from './drainer.ts';
import { openDrainerLog } from './drainer-log.ts';

const DEFAULT_DEADLINE_MS = 30_000;
const MAX_DEADLINE_MS = 10 * 60_000;

let log: (line: string) => void = () => {};

async function main(env: NodeJS.ProcessEnv): Promise<void> {
  process.title = 'dr-telemetry-drain';
  const spoolDir = env.DR_TELEMETRY_SPOOL_DIR;
  if (spoolDir === undefined || spoolDir === '') return;
  if (/^(1|true)$/i.test(env.DR_TELEMETRY_DEBUG ?? '')) log = openDrainerLog(spoolDir);

  const apiKey = env.DR_TELEMETRY_API_KEY ?? '';
  if (apiKey === '') return log('no API key: nothing to do');
  const deadlineMs = deadlineFrom(env.DR_DRAINER_DEADLINE_MS);
  // However the run goes, the process does not outlive its deadline by more than a moment.
  setTimeout(exit, deadlineMs + 2_000).unref();
  const stop = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => stop.abort());

  const endpoint = resolveEndpoint(env.DR_TELEMETRY_ENDPOINT, 'us');
  const startedAt = performance.now();
  for (;;) {
    const summary = await drain({
      spoolDir,
      endpoint,
      apiKey,
      deadlineMs: Math.max(0, deadlineMs - (performance.now() - startedAt)),
      log,
      env,
      signal: stop.signal,
    });
    log(`summary: ${JSON.stringify(summary)}`);
    // A command that saw our lock just before drain() released it did not start a drainer:
    // look again now that the lock is free, so its events do not wait for the next command.
    if (summary.stoppedBecause !== 'empty' || stop.signal.aborted || !somethingDue(spoolDir)) return;
    log('events arrived while the lock was being released: draining again');
  }
}

function somethingDue(spoolDir: string): boolean {
  const spool = openSpoolSafely({ dir: spoolDir });
  if (spool === undefined) return false;
  try {
    return spool.hasDue();
  } finally {
    spool.close();
  }
}

function deadlineFrom(value: string | undefined): number {
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed > 0 ? Math.min(parsed, MAX_DEADLINE_MS) : DEFAULT_DEADLINE_MS;
}

function fail(error: unknown): void {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  exit();
}

function exit(): never {
  process.exit(0);
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
main(process.env).then(exit, fail);
