// The chaos of the reliability tests: a loop that SIGKILLs the drainers of one spool folder at
// random moments (seeded), and what bin/dr said it recorded, read back from its debug output.
// Only drainers whose environment names the test's own spool folder are ever signalled.
import { existsSync, utimesSync } from 'node:fs';
import { DRAINER_LOCK_STALE_MS, drainerLockPath } from '@dr/spooler';
import { seededRandom } from '@dr/testkit';
import { drainerPids, waitUntil } from '../../telemetry/support/telemetry-harness.ts';

export { seededRandom };

export interface DrainerChaosOptions {
  readonly spoolDir: string;
  readonly seed: number;
  /** Pause between looks at the process table, drawn evenly from [min, max] ms. */
  readonly pauseMs: readonly [min: number, max: number];
  /**
   * Chance that a kill is followed by making the dead drainer's lock look stale at once (as if
   * its 5 s had passed), so the next drainer takes over instead of waiting. Default 0.5.
   */
  readonly ageLockChance?: number;
}

export interface DrainerChaos {
  /** Drainers killed with SIGKILL (each one was alive when signalled). */
  readonly kills: number;
  /** Locks made stale by hand after a kill. */
  readonly locksAged: number;
  /** Stops the loop and resolves once it has stopped. */
  stop(): Promise<void>;
}

export function startDrainerChaos(options: DrainerChaosOptions): DrainerChaos {
  const random = seededRandom(options.seed);
  const [min, max] = options.pauseMs;
  const ageLockChance = options.ageLockChance ?? 0.5;
  let running = true;
  let kills = 0;
  let locksAged = 0;
  const loop = (async () => {
    while (running) {
      await sleep(min + random() * (max - min));
      const pids = drainerPids(options.spoolDir);
      if (pids.length === 0) continue;
      const pid = pids[Math.floor(random() * pids.length)]!;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        continue; // It exited on its own in between.
      }
      kills += 1;
      await waitUntil(() => !existsSync(`/proc/${pid}`), `killed drainer ${pid} to be gone`, 10_000);
      if (random() < ageLockChance && ageLock(options.spoolDir)) locksAged += 1;
    }
  })();
  return {
    get kills() {
      return kills;
    },
    get locksAged() {
      return locksAged;
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}

/** Backdates the drainer lock past its staleness, if there is one; true if it did. */
function ageLock(spoolDir: string): boolean {
  const past = new Date(Date.now() - DRAINER_LOCK_STALE_MS - 1_000);
  try {
    utimesSync(drainerLockPath(spoolDir), past, past);
    return true;
  } catch {
    return false; // No lock: the drainer was killed before taking it or after letting it go.
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What one bin/dr run said about its telemetry under DR_TELEMETRY_DEBUG. */
export interface DebugReport {
  /** Every event it printed, in order, as it was spooled. */
  readonly events: Record<string, unknown>[];
  /** Events it printed but then could not spool (`event <type> not recorded: …` lines). */
  readonly notRecorded: string[];
  readonly drainerStarted: boolean;
  /** Lines that are not telemetry's: must be none. */
  readonly otherLines: string[];
}

const EVENT_LINE = /^\[telemetry\] event (\{.*\})$/;

export function readDebugOutput(stderr: string): DebugReport {
  const events: Record<string, unknown>[] = [];
  const notRecorded: string[] = [];
  const otherLines: string[] = [];
  let drainerStarted = false;
  for (const line of stderr.split('\n')) {
    if (line === '') continue;
    const event = EVENT_LINE.exec(line);
    if (event) events.push(JSON.parse(event[1]!) as Record<string, unknown>);
    else if (/^\[telemetry\] event \S+ not recorded: /.test(line)) notRecorded.push(line);
    else if (/^\[telemetry\] drainer started /.test(line)) drainerStarted = true;
    else if (!line.startsWith('[telemetry] ')) otherLines.push(line);
  }
  return { events, notRecorded, drainerStarted, otherLines };
}
