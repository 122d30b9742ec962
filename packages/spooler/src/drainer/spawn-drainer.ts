// Starting the drainer at the end of a `dr` command: detached, no stdio, no shell, a small explicit
// environment. Skipped, without loading node:child_process, while a drainer holds the lock, another
// command's spawn claim is fresh, or nothing is due. Never throws: it answers why.
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
 * Node flags the drainer runs with, for its memory (docs/architecture.md, The drainer's memory).
 * --no-expose-wasm keeps Node 20's V8 from warning that --jitless turns WebAssembly off; Node 24
 * and 26 refuse it, and an unknown flag stops Node at once (the drainer-process tests show these
 * start on the Node that runs them, `pnpm test:node-lines` on 24 and 26).
 */
export const DRAINER_NODE_FLAGS: readonly string[] = [
  ...(Number(process.versions.node.split('.')[0]) <= 20 ? ['--no-expose-wasm'] : []),
  '--jitless',
  '--max-semi-space-size=1',
  '--optimize-for-size',
];

/** Set in the drainer's environment on top of CHILD_ENV_KEYS: at most two glibc malloc arenas. */
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
