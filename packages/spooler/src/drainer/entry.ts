// The drainer process the CLI spawns detached: settings from its environment only (DR_TELEMETRY_*,
// DR_DRAINER_*), drains and lingers (./lingering-drainer.ts), exits 0 whatever happens, never
// writes to a terminal (under DR_TELEMETRY_DEBUG, to <spoolDir>/drainer.log). Nothing of the CLI.
import { resolveEndpoint } from '../transport/endpoint.ts';
import { clearDrainerSpawnClaim, VETO_ENV } from './drainer-control.ts';
import { openDrainerLog } from './drainer-log.ts';
import { drainAndLinger } from './lingering-drainer.ts';

/** One pass's sending time (DR_DRAINER_DEADLINE_MS): each pass, not the whole life. */
const DEFAULT_PASS_DEADLINE_MS = 30_000;
const MAX_PASS_DEADLINE_MS = 10 * 60_000;
/** `telemetry.drainer_idle_seconds`, passed by the CLI as DR_DRAINER_IDLE_SECONDS. */
const DEFAULT_IDLE_SECONDS = 60;
const MAX_IDLE_SECONDS = 3_600;
/** However busy the user, a drainer exits after this; the next command starts a fresh one. */
const MAX_LIFETIME_MS = 15 * 60_000;

let log: (line: string) => void = () => {};

async function main(env: NodeJS.ProcessEnv): Promise<void> {
  process.title = 'dr-telemetry-drain';
  const spoolDir = env.DR_TELEMETRY_SPOOL_DIR;
  if (spoolDir === undefined || spoolDir === '') return;
  if (/^(1|true)$/i.test(env.DR_TELEMETRY_DEBUG ?? '')) log = openDrainerLog(spoolDir);

  const apiKey = env.DR_TELEMETRY_API_KEY ?? '';
  if (apiKey === '') {
    clearDrainerSpawnClaim(spoolDir);
    return log('no API key: nothing to do');
  }
  const passDeadlineMs = bounded(
    env.DR_DRAINER_DEADLINE_MS,
    DEFAULT_PASS_DEADLINE_MS,
    1,
    MAX_PASS_DEADLINE_MS,
  );
  const idleMs = 1_000 * bounded(env.DR_DRAINER_IDLE_SECONDS, DEFAULT_IDLE_SECONDS, 0, MAX_IDLE_SECONDS);
  const maxLifetimeMs = Math.max(MAX_LIFETIME_MS, idleMs);
  // However the run goes, the process does not outlive its lifetime and last pass by more than a moment.
  setTimeout(exit, maxLifetimeMs + passDeadlineMs + 5_000).unref();
  const stop = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => stop.abort());

  const summary = await drainAndLinger({
    spoolDir,
    endpoint: resolveEndpoint(env.DR_TELEMETRY_ENDPOINT, 'us'),
    apiKey,
    passDeadlineMs,
    idleMs,
    maxLifetimeMs,
    log,
    env,
    signal: stop.signal,
    ...(env[VETO_ENV] === undefined ? {} : { spawnedUnderVeto: env[VETO_ENV] }),
  });
  log(`exit: ${JSON.stringify(summary)}`);
}

/** A number from the environment within [min, max], or the default when unset or not a number. */
function bounded(value: string | undefined, fallback: number, min: number, max: number): number {
  const parsed = value === undefined || value.trim() === '' ? Number.NaN : Number(value);
  return Number.isFinite(parsed) ? Math.min(Math.max(parsed, min), max) : fallback;
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
