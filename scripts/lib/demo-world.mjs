// The world the demo's user lives in, all local and thrown away at the end: a home folder, the
// testkit's fake Amplitude and DataRobot in this process, a template's git repository and a
// stand-in `task` binary. Nothing outside the home is written but the fakes' loopback ports.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The Amplitude API key the demo's dr uses (any key is valid at the fake). */
const DEMO_API_KEY = 'demo-amplitude-key';
/** The API token the fake DataRobot accepts; the demo's "browser" hands it to `dr auth login`. */
export const DEMO_TOKEN = 'test-token';

// What go-task prints for `task --list --json` in the template, and a run that succeeds.
const TASKS = {
  tasks: [
    { name: 'dev', desc: 'Start the app', summary: '', aliases: [] },
    { name: 'deploy', desc: 'Deploy the app to DataRobot', summary: '', aliases: [] },
  ],
};
const FAKE_TASK = `#!/bin/sh
for arg in "$@"; do
  case "$arg" in
    --list|--list-all) printf '%s\\n' '${JSON.stringify(TASKS)}'; exit 0 ;;
  esac
done
echo "task: running $*"
exit 0
`;

/**
 * Starts everything. `workspace` is the bundle from loadScriptWorkspace(). The returned world's
 * `ingestedAt` maps an insert_id to when the fake Amplitude first ingested it (ms since the epoch).
 */
export async function startDemoWorld(workspace) {
  const { startFakeAmplitude, startFakeDataRobot, createTemplateRepository, fakeTemplate } = workspace;
  const home = mkdtempSync(join(tmpdir(), 'dr-demo-'));
  /** @type {{ home: string, closers: Array<() => Promise<unknown>> }} */
  const world = { home, closers: [] };
  try {
    const ingestedAt = new Map();
    let counted = 0;
    const amplitude = await startFakeAmplitude({
      // The fake records an accepted request's events before it calls this, so the new tail of
      // `ingested` is what this request brought.
      onRequest: () => {
        const now = Date.now();
        for (const event of amplitude.ingested.slice(counted)) {
          if (!ingestedAt.has(event.insert_id)) ingestedAt.set(event.insert_id, now);
        }
        counted = amplitude.ingested.length;
      },
    });
    world.closers.push(() => amplitude.close());

    const repository = createTemplateRepository({ parentDir: join(home, 'git-server') });
    const dataRobot = await startFakeDataRobot({
      tokens: [DEMO_TOKEN],
      templates: [
        fakeTemplate(repository, { id: '65f0000000000000000000a1', name: 'Talk to My Data' }),
        fakeTemplate(repository, { id: '65f0000000000000000000a2', name: 'Agentic Starter' }),
        fakeTemplate(repository, { id: '65f0000000000000000000a3', name: 'Forecast App' }),
      ],
    });
    world.closers.push(() => dataRobot.close());

    const bin = join(home, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'task'), FAKE_TASK);
    chmodSync(join(bin, 'task'), 0o755);

    const spoolDir = join(home, '.local/share/datarobot/telemetry');
    // A user's environment: no CI variables, telemetry pointed at the fake, debug output on so the
    // demo sees every event dr records. The policy file is named so no /etc file can interfere.
    const env = {
      PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_DATA_HOME: join(home, '.local/share'),
      XDG_CACHE_HOME: join(home, '.cache'),
      XDG_STATE_HOME: join(home, '.local/state'),
      DR_TELEMETRY_POLICY_FILE: join(home, 'no-policy.yaml'),
      DR_TELEMETRY_API_KEY: DEMO_API_KEY,
      DR_TELEMETRY_ENDPOINT: amplitude.url,
      DR_TELEMETRY_DEBUG: '1',
      NO_COLOR: '1',
    };
    return Object.assign(world, { amplitude, dataRobot, repository, env, spoolDir, ingestedAt, workspace });
  } catch (error) {
    await stopDemoWorld(world);
    throw error;
  }
}

/** Whether a drainer still holds the spool's lock. */
export function drainerRunning(world) {
  return existsSync(join(world.spoolDir, world.workspace.DRAINER_LOCK_FILE));
}

/** Events left in the spool (0 when there is no spool). */
export function spoolDepth(world) {
  if (!existsSync(join(world.spoolDir, 'spool.db'))) return 0;
  const spool = world.workspace.Spool.open({ dir: world.spoolDir });
  try {
    return spool.depth().events;
  } finally {
    spool.close();
  }
}

/** The drainer's debug log (DR_TELEMETRY_DEBUG), as lines. */
export function drainerLogLines(world) {
  try {
    return readFileSync(join(world.spoolDir, world.workspace.DRAINER_LOG_FILE), 'utf8').trimEnd().split('\n');
  } catch {
    return [];
  }
}

/**
 * Stops the fakes, ends any drainer still working on this home's spool (found by the spool folder
 * in its environment, so no other process is touched), and removes the home.
 */
export async function stopDemoWorld(world) {
  for (const close of world.closers.reverse()) await close().catch(() => {});
  if (world.spoolDir) {
    for (const pid of drainerPids(world.spoolDir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
  }
  rmSync(world.home, { recursive: true, force: true });
}

/** Drainer processes whose environment names this spool folder (Linux /proc; elsewhere none). */
function drainerPids(spoolDir) {
  const wanted = `DR_TELEMETRY_SPOOL_DIR=${spoolDir}`;
  let entries;
  try {
    entries = readdirSync('/proc').filter((entry) => /^\d+$/.test(entry));
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      return environ.includes(wanted) ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}
