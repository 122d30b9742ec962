// Starting the drainer at the end of a `dr` command: a detached `node <flags> <drainerScript>` with
// no stdio, no shell and a small explicit environment, unreferenced so the command exits at once.
// Skipped, without loading node:child_process, while a live drainer holds the lock (one lstat),
// while another command's spawn claim is fresh (a burst starts one), or when nothing is due.
// Never throws: it answers why it did or did not start one.
// The flags and MALLOC_ARENA_MAX keep the drainer under its 60 MiB RSS target (SPEC §6); they are
// part of how it ships, so tests and benchmarks start it with them too.
import { withExistingSpool } from '../spool/spool.ts';
import {
  claimDrainerSpawn,
  clearDrainerSpawnClaim,
  DRAINER_VETO_META_KEY,
  VETO_ENV,
} from './drainer-control.ts';
import { isDrainerLockHeld } from './drainer-lock.ts';

export interface SpawnDrainerOptions {
  readonly spoolDir: string;
  /** Absolute path of the bundled drainer entry script. */
  readonly drainerScript: string;
  /** Where the drainer's settings are taken from; only CHILD_ENV_KEYS are passed on. */
  readonly env: NodeJS.ProcessEnv;
  /** An already-open spool, asked whether anything is due instead of opening it again. */
  readonly spool?: { hasDue(): boolean; getMeta?(key: string): string | undefined };
  /**
   * The veto (raised by disable) as the command saw it when it began recording (read then, not
   * at exit, so a disable that came while the command ran stops the drainer it spawns).
   */
  readonly vetoSeen?: string;
}

export type SpawnDrainerResult =
  | { readonly spawned: true; readonly pid: number }
  | {
      readonly spawned: false;
      readonly reason:
        | 'nothing-due'
        | 'drainer-running'
        | 'drainer-starting'
        | 'spool-unavailable'
        | 'spawn-failed';
      readonly error?: string;
    };

/** What the drainer process inherits: its settings, proxy and CA settings, and Windows essentials. */
export const CHILD_ENV_KEYS: readonly string[] = [
  'DR_TELEMETRY_ENDPOINT',
  'DR_TELEMETRY_API_KEY',
  'DR_TELEMETRY_DEBUG',
  'DR_DRAINER_DEADLINE_MS',
  'DR_DRAINER_IDLE_SECONDS',
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'NO_PROXY',
  'no_proxy',
  'NODE_EXTRA_CA_CERTS',
  'SYSTEMROOT',
  'SystemRoot',
];

/**
 * Node flags the drainer runs with. A 10,000-event drain peaked at ~70 MiB without them and ~60 MiB
 * with them (median of 3), in the same time: the drain is paced at 900 events/s, and its work is
 * JSON and SQLite, native code either way. --jitless (~5 MiB): no optimising compilers, their code
 * or their compile-time memory; it also turns WebAssembly off, one more reason the drainer does not
 * use fetch (undici's parser is WebAssembly). On Node 20 --no-expose-wasm, said first, keeps V8
 * from warning about that; Node 24 and 26 refuse it as a bad option (their V8 has no such flag
 * and does not warn), which would stop the drainer at once, so it is given to Node 20 only (the
 * lines newer than 20 that are not checked get no warning that matters: the drainer's stderr is
 * ignored). A 1 MiB young generation and --optimize-for-size (~5 MiB together) keep the heap
 * close to its live size. An unknown flag stops Node at once: the drainer-process tests show it
 * on the Node that runs them, `pnpm test:node-lines` on 24 and 26.
 */
export const DRAINER_NODE_FLAGS: readonly string[] = [
  ...(Number(process.versions.node.split('.')[0]) <= 20 ? ['--no-expose-wasm'] : []),
  '--jitless',
  '--max-semi-space-size=1',
  '--optimize-for-size',
];

/**
 * Set in the drainer's environment on top of CHILD_ENV_KEYS: glibc's malloc keeps at most two
 * arenas instead of one per thread (~1 MiB less at peak; other C libraries ignore it).
 */
export const DRAINER_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

export function spawnDrainerIfDue(options: SpawnDrainerOptions): SpawnDrainerResult {
  try {
    if (isDrainerLockHeld(options.spoolDir)) return { spawned: false, reason: 'drainer-running' };
    const looked = options.spool ? lookAt(options.spool) : withExistingSpool(options.spoolDir, lookAt);
    if (looked === undefined) return { spawned: false, reason: 'spool-unavailable' };
    const { due } = looked;
    const veto = options.vetoSeen ?? looked.veto;
    if (!due) return { spawned: false, reason: 'nothing-due' };
    if (!claimDrainerSpawn(options.spoolDir)) return { spawned: false, reason: 'drainer-starting' };

    // Loaded only to spawn: node:child_process loads net and the stream modules (milliseconds).
    const { spawn } = process.getBuiltinModule('node:child_process');
    const child = spawn(process.execPath, [...DRAINER_NODE_FLAGS, options.drainerScript], {
      detached: true,
      stdio: 'ignore',
      windowsHide: true,
      // The spool folder exists (the spool is in it) and keeps the drainer off the user's cwd.
      cwd: options.spoolDir,
      env: {
        ...childEnv(options.env, options.spoolDir),
        ...(veto === undefined ? {} : { [VETO_ENV]: veto }),
      },
    });
    // A spawn that fails (a missing cwd, say) also emits 'error'; unheard, that would crash the CLI.
    child.on('error', () => {});
    child.unref();
    if (child.pid === undefined) {
      clearDrainerSpawnClaim(options.spoolDir);
      return { spawned: false, reason: 'spawn-failed' };
    }
    return { spawned: true, pid: child.pid };
  } catch (error) {
    return {
      spawned: false,
      reason: 'spawn-failed',
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

/** The drainer's whole environment: the allowlisted keys of `env`, DRAINER_ENV and the spool folder. */
export function childEnv(env: NodeJS.ProcessEnv, spoolDir: string): NodeJS.ProcessEnv {
  const picked: NodeJS.ProcessEnv = { ...DRAINER_ENV };
  for (const key of CHILD_ENV_KEYS) {
    const value = env[key];
    if (value !== undefined) picked[key] = value;
  }
  picked.DR_TELEMETRY_SPOOL_DIR = spoolDir;
  return picked;
}

/**
 * Whether anything is due, and the veto as the spool holds it now (used when the command did
 * not read it earlier): a drainer that starts after disable raised it exits unsent.
 */
function lookAt(spool: NonNullable<SpawnDrainerOptions['spool']>): {
  due: boolean;
  veto: string | undefined;
} {
  // A spool that cannot say gives no value: the drainer then takes whatever it finds.
  const veto = spool.getMeta === undefined ? undefined : (spool.getMeta(DRAINER_VETO_META_KEY) ?? '0');
  return { due: spool.hasDue(), veto };
}
