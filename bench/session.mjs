// The telemetry overhead a person meets (SPEC §6, #14): a seeded trace of commands of several
// kinds with a person's gaps (bursts, 0.5–20 s, pauses longer than the drainer's idle window),
// each command run with telemetry on and off back to back (order shuffled), for three collector
// states. Time is scaled (gaps and idle window alike) so a trace takes a minute or two.
// Reports the added time (median, p95, and with a drainer alive), the share of commands that
// started a drainer, the added peak RSS, delivery after exit, and an idle drainer's CPU and RSS.
import { spawn } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fmt, median, quantile } from './lib/paired.mjs';
import { machineLine, writeSection } from './lib/results.mjs';
import { makeConsentingHome, recordingEnv } from './lib/runs.mjs';
import { DR_BIN, loadWorkspace } from './lib/workspace.mjs';

const SEED = Number(process.env.BENCH_SEED ?? 20261204);
const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 64);
/** Real seconds per trace second: 0.1 plays a 10-minute session in one. */
const SCALE = Number(process.env.BENCH_TIME_SCALE ?? 0.1);
const IDLE_SECONDS = 60 * SCALE;
/** How long an idle drainer's CPU is sampled (real seconds). */
const IDLE_SAMPLE_SECONDS = Number(process.env.BENCH_IDLE_SAMPLE_SECONDS ?? 20);
const TOKEN = 'bench-token';

const { Spool, startFakeAmplitude, startFakeDataRobot } = await loadWorkspace();

/** A small seeded generator (the trace is the same on every run of one seed). */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** What a person runs, with weights, and the exit code each should have. */
const KINDS = [
  { weight: 4, args: ['self', 'version'], code: 0 },
  { weight: 3, args: ['templates', 'list'], code: 0 },
  { weight: 2, args: ['auth', 'check'], code: 0 },
  { weight: 1, args: ['self', 'config'], code: 0 },
  { weight: 1, args: ['templates', 'lsit'], code: 2 },
  { weight: 1, args: ['self', 'telemetry', 'status'], code: 0 },
];

/** The trace: each step a command and the gap (trace seconds) before the next one. */
function makeTrace(seed, count) {
  const next = random(seed);
  const total = KINDS.reduce((sum, kind) => sum + kind.weight, 0);
  const steps = [];
  for (let i = 0; i < count; i += 1) {
    const pick = next() * total;
    let sum = 0;
    const kind = KINDS.find((candidate) => {
      sum += candidate.weight;
      return pick < sum;
    });
    const r = next();
    // 15 % bursts (0.1–0.5 s), 78 % a person's pace (0.5–20 s, log-uniform), 7 % a pause past the idle window.
    const gap = r < 0.15 ? 0.1 + next() * 0.4 : r < 0.93 ? 0.5 * 40 ** next() : 70 + next() * 110;
    steps.push({ ...kind, gap });
  }
  return steps;
}

/** Runs dr to its exit; resolves { ms, code, start, end, maxRssKiB }. */
function timeDr(args, env, rssFile) {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const begin = process.hrtime.bigint();
    const child = spawn(process.execPath, [DR_BIN, ...args], {
      env: { ...env, DR_BENCH_RSS_FILE: rssFile },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - begin) / 1e6;
      let maxRssKiB = Number.NaN;
      try {
        maxRssKiB = Number(readFileSync(rssFile, 'utf8'));
      } catch {
        // No figure: counted as missing.
      }
      resolve({ ms, code, start, end: Date.now(), maxRssKiB });
    });
  });
}

/** Pids of drainers working on `spoolDir` (Linux /proc; dr itself has the variable too). */
function drainerPids(spoolDir) {
  const wanted = `DR_TELEMETRY_SPOOL_DIR=${spoolDir}`;
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (!/drainer\.js|dr-telemetry-drain/.test(cmdline)) continue;
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (environ.includes(wanted)) pids.push(Number(entry));
    } catch {
      // Gone, or not ours.
    }
  }
  return pids;
}

function lockHeld(spoolDir) {
  try {
    const stats = lstatSync(join(spoolDir, 'drainer.lock'));
    return stats.isDirectory() && stats.mtimeMs >= Date.now() - 5_000;
  } catch {
    return false;
  }
}

/** A world: fake Amplitude in `state`, fake DataRobot, a consenting home, and both environments. */
async function makeWorld(state, probe) {
  const ingestedAt = new Map();
  let counted = 0;
  const fake = await startFakeAmplitude({
    onRequest: () => {
      const now = Date.now();
      for (const event of fake.ingested.slice(counted)) {
        if (!ingestedAt.has(event.insert_id)) ingestedAt.set(event.insert_id, { at: now, time: event.time });
      }
      counted = fake.ingested.length;
    },
  });
  if (state === 'slow') fake.setLatency(2_000);
  if (state === 'never answering') await fake.setFault('hang');
  const dataRobot = await startFakeDataRobot({ tokens: [TOKEN] });
  const home = makeConsentingHome('dr-bench-session-');
  const spoolDir = join(home, 'spool');
  const base = recordingEnv(home, fake.url, {
    DR_TELEMETRY_SPOOL_DIR: spoolDir,
    DR_DRAINER_IDLE_SECONDS: String(IDLE_SECONDS),
    DATAROBOT_ENDPOINT: `${dataRobot.url}/api/v2`,
    DATAROBOT_API_TOKEN: TOKEN,
    NODE_OPTIONS: `--require ${probe}`,
  });
  return {
    fake,
    ingestedAt,
    home,
    spoolDir,
    on: base,
    off: { ...base, DO_NOT_TRACK: '1' },
    async close() {
      for (const pid of drainerPids(spoolDir)) process.kill(pid, 'SIGKILL');
      await fake.close();
      await dataRobot.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

async function playTrace(state, trace, probe) {
  const world = await makeWorld(state, probe);
  const rssFile = join(world.home, 'rss');
  const seen = new Set();
  const watcher = setInterval(() => {
    for (const pid of drainerPids(world.spoolDir)) seen.add(pid);
  }, 10);
  try {
    // Warm-up: the first run makes the device id and the config copy; its drainer is let go.
    await timeDr(['self', 'version'], world.on, rssFile);
    await sleep((IDLE_SECONDS + 1) * 1000);
    seen.clear();
    const pairs = [];
    for (const step of trace) {
      const drainerAlive = lockHeld(world.spoolDir);
      const order = Math.random() < 0.5 ? ['on', 'off'] : ['off', 'on'];
      const result = {};
      for (const which of order) {
        result[which] = await timeDr(step.args, world[which], rssFile);
        if (result[which].code !== step.code) {
          throw new Error(
            `dr ${step.args.join(' ')} (${which}) exited ${result[which].code}, not ${step.code}`,
          );
        }
      }
      pairs.push({ ...result, drainerAlive, args: step.args });
      await sleep(step.gap * SCALE * 1000);
    }
    // Delivery (collector up): each on-run's events, from its exit to their ingestion.
    let delivery;
    if (state === 'up') {
      await world.fake.waitFor(() => pendingEvents(world.spoolDir) === 0, {
        timeoutMs: 30_000,
        intervalMs: 200,
        description: 'the spool to empty',
      });
      const latencies = [];
      for (const pair of pairs) {
        const mine = [...world.ingestedAt.values()].filter(
          (entry) => entry.time >= pair.on.start && entry.time <= pair.on.end,
        );
        if (mine.length > 0) latencies.push(Math.max(...mine.map((entry) => entry.at)) - pair.on.end);
      }
      delivery = {
        p95: quantile(latencies, 0.95),
        median: median(latencies),
        runs: latencies.length,
        twice: world.fake.ingested.length - world.fake.ingestedByInsertId.size,
        throttled: world.fake.stats.throttled,
      };
    }
    const added = pairs.map((pair) => pair.on.ms - pair.off.ms);
    const alive = pairs.filter((pair) => pair.drainerAlive).map((pair) => pair.on.ms - pair.off.ms);
    const rssAdded = pairs
      .map((pair) => (pair.on.maxRssKiB - pair.off.maxRssKiB) / 1024)
      .filter((value) => Number.isFinite(value));
    return {
      state,
      commands: pairs.length,
      off: median(pairs.map((pair) => pair.off.ms)),
      on: median(pairs.map((pair) => pair.on.ms)),
      addedMedian: median(added),
      addedP95: quantile(added, 0.95),
      aliveShare: alive.length / pairs.length,
      aliveMedian: alive.length > 0 ? median(alive) : Number.NaN,
      spawns: seen.size,
      rssAddedMedian: median(rssAdded),
      rssAddedP95: quantile(rssAdded, 0.95),
      delivery,
    };
  } finally {
    clearInterval(watcher);
    await world.close();
  }
}

function pendingEvents(spoolDir) {
  if (!existsSync(join(spoolDir, 'spool.db'))) return 0;
  const spool = Spool.open({ dir: spoolDir });
  try {
    return spool.depth().events;
  } finally {
    spool.close();
  }
}

/** CPU share and RSS of a drainer that has nothing to send, over IDLE_SAMPLE_SECONDS. */
async function idleDrainer(state, probe) {
  const world = await makeWorld(state, probe);
  try {
    const env = { ...world.on, DR_DRAINER_IDLE_SECONDS: String(IDLE_SAMPLE_SECONDS + 10) };
    await timeDr(['self', 'version'], env, join(world.home, 'rss'));
    await sleep(1_500);
    const [pid] = drainerPids(world.spoolDir);
    if (pid === undefined) throw new Error(`no drainer to sample (${state})`);
    const ticks = () => {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return Number(fields[11]) + Number(fields[12]);
    };
    const before = ticks();
    const startedAt = Date.now();
    await sleep(IDLE_SAMPLE_SECONDS * 1000);
    const cpuSeconds = (ticks() - before) / 100;
    const wall = (Date.now() - startedAt) / 1000;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return {
      state,
      cpuPercent: (100 * cpuSeconds) / wall,
      rssMiB: kib('VmRSS') / 1024,
      hwmMiB: kib('VmHWM') / 1024,
    };
  } finally {
    await world.close();
  }
}

const probeDir = join(DR_BIN, '..', '..', '.bench');
mkdirSync(probeDir, { recursive: true });
const probe = join(probeDir, 'rss-probe.cjs');
writeFileSync(
  probe,
  "process.on('exit', () => { try { require('node:fs').writeFileSync(process.env.DR_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)); } catch {} });\n",
);

const trace = makeTrace(SEED, COMMANDS);
const traceSeconds = trace.reduce((sum, step) => sum + step.gap, 0);
const results = [];
for (const state of ['up', 'slow', 'never answering']) {
  process.stdout.write(`session trace, collector ${state}…\n`);
  results.push(await playTrace(state, trace, probe));
}
const idle = [];
for (const state of ['up', 'never answering']) idle.push(await idleDrainer(state, probe));

const verdict = (ok) => (ok ? 'meets' : 'MISSES');
const up = results[0];
const table = `## Telemetry overhead over a person's session (\`bench/session.mjs\`)

Command: \`node bench/session.mjs\` (seed ${SEED}; ${COMMANDS} commands: ${KINDS.map((kind) => `\`${kind.args.join(' ')}\` ×${kind.weight}`).join(', ')} by weight; gaps of a ${Math.round(traceSeconds / 60)}-minute session played at ${SCALE}× speed, drainer idle window ${IDLE_SECONDS} s, the same scale as 60 s). Each command runs with telemetry on and off (\`DO_NOT_TRACK=1\`) back to back, order shuffled; added = on − off per pair. Machine: ${machineLine()}.

| collector | off median ms | on median ms | added median ms | added p95 ms | commands with a drainer alive | added median, drainer alive | drainers started (share of commands) | added peak RSS median / p95 MiB |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${results.map((r) => `| ${r.state} | ${fmt(r.off)} | ${fmt(r.on)} | ${fmt(r.addedMedian)} | ${fmt(r.addedP95)} | ${(100 * r.aliveShare).toFixed(0)} % | ${fmt(r.aliveMedian)} | ${r.spawns} (${((100 * r.spawns) / r.commands).toFixed(1)} %) | ${r.rssAddedMedian.toFixed(2)} / ${r.rssAddedP95.toFixed(2)} |`).join('\n')}

Targets: added p95 < 10 ms (${verdict(results.every((r) => r.addedP95 < 10))}), median ≤ 5 ms (${verdict(results.every((r) => r.addedMedian <= 5))}), with a drainer alive median ≤ 4 ms (${verdict(results.every((r) => !(r.aliveMedian > 4)))}), drainers started on ≤ 5 % of commands (${verdict(results.every((r) => r.spawns / r.commands <= 0.05))}), added peak RSS ≤ 5 MiB (${verdict(results.every((r) => r.rssAddedMedian <= 5))}).

Delivery, collector up: from a command's exit to the collector ingesting its last event, median ${fmt(up.delivery.median)} ms, p95 ${fmt(up.delivery.p95)} ms over ${up.delivery.runs} commands (target p95 ≤ 2000 ms: ${verdict(up.delivery.p95 <= 2000)}); events ingested twice ${up.delivery.twice}, 429 answers ${up.delivery.throttled}.

An idle lingering drainer, sampled for ${IDLE_SAMPLE_SECONDS} s after its last send: ${idle.map((r) => `collector ${r.state}: ${r.cpuPercent.toFixed(2)} % of a core, RSS ${r.rssMiB.toFixed(1)} MiB (peak ${r.hwmMiB.toFixed(1)})`).join('; ')} (targets < 0.5 % and ≤ 50 MiB: ${verdict(idle.every((r) => r.cpuPercent < 0.5 && r.rssMiB <= 50))}).
`;
writeSection('session', table);
process.stdout.write(table);
