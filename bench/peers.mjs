// Peers: the exit latency of a two-event command (spawn → process exit, wall time) for `dr` and
// for small CLI-shaped scripts on each way a peer sends telemetry (bench/peers/*.mjs), in four
// collector states (up, 200 ms slow, refusing connections, accepting but never answering), and
// how many of the events reached the collector. Paired: each round runs every approach once, in
// a shuffled order, one at a time; ratios to `dr` are taken within a round. A run still alive
// after KILL_AFTER_MS is killed and reported as such.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, median } from './lib/paired.mjs';
import { machineLine, writeSection } from './lib/results.mjs';
import { makeConsentingHome, recordingEnv, timeNodeRun } from './lib/runs.mjs';
import { DR_BIN, loadWorkspace } from './lib/workspace.mjs';
import { startCollectorShim } from './peers/collector-shim.mjs';

const rounds = Number(process.env.BENCH_PEERS_ROUNDS ?? 15);
const KILL_AFTER_MS = 15_000;
/** After the last run of a state: how long detached senders and the drainer get to deliver. */
const SETTLE_MS = 5_000;
/**
 * An approach whose first RETIRE_AFTER_RUNS runs of a state each took longer than SLOW_RUN_MS (or
 * were killed) is not run again in that state: its time is set by its own timers and retries, and
 * more rounds of it would only make the benchmark long.
 */
const RETIRE_AFTER_RUNS = 3;
const SLOW_RUN_MS = 2_000;
/** A warm-up run only pages modules in; it need not finish. */
const WARM_UP_KILL_AFTER_MS = 3_000;
const EVENTS_PER_RUN = 2;
/** `dr self version` records these two and `self_version`; only these two are counted. */
const DR_COMMAND_EVENTS = ['command_started', 'command_completed'];

const { startFakeAmplitude } = await loadWorkspace();

const STATES = [
  { name: 'up', mode: 'up' },
  { name: '200 ms slow', mode: 'slow', latencyMs: 200 },
  { name: 'refusing connections', mode: 'refuse' },
  { name: 'accepting, never answering', mode: 'hang' },
];

/**
 * `collector`: where the approach sends (the fake Amplitude, or the catch-all shim for SDKs that
 * speak their own API); none for the references, whose delivered events are not counted.
 */
const APPROACHES = [
  { id: 'dr', name: '`dr self version` (spool + detached drainer)', collector: 'amplitude' },
  { id: 'dr-off', name: 'reference: the same `dr` command, telemetry off' },
  { id: 'none', name: 'reference: a peer script sending nothing', script: 'no-telemetry.mjs' },
  {
    id: 'amplitude-awaited',
    name: 'Amplitude SDK, `await flush().promise` (its docs)',
    script: 'amplitude-sdk-awaited.mjs',
    collector: 'amplitude',
  },
  {
    id: 'amplitude-bounded',
    name: 'Amplitude SDK, flush raced with 500 ms, then `process.exit`',
    script: 'amplitude-sdk-bounded.mjs',
    collector: 'amplitude',
  },
  {
    id: 'posthog',
    name: 'posthog-node, `await shutdown()`',
    script: 'posthog-awaited-shutdown.mjs',
    collector: 'shim',
  },
  {
    id: 'segment',
    name: '@segment/analytics-node, `await closeAndFlush()`',
    script: 'segment-awaited-close.mjs',
    collector: 'shim',
  },
  {
    id: 'detached',
    name: 'detached `node -e` child per event (Netlify CLI, Homebrew)',
    script: 'detached-child-per-event.mjs',
    collector: 'amplitude',
  },
  {
    id: 'go-dr',
    name: 'Go `dr`: blocking flush, 3 s timeout',
    script: 'go-dr-blocking-flush.mjs',
    collector: 'amplitude',
  },
];

/** Spawn → exit in ms, or `killed: true` after KILL_AFTER_MS. The collectors live in this process. */
const timeRun = ({ args, env }, killAfterMs = KILL_AFTER_MS) => timeNodeRun(args, env, killAfterMs);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function measureState(state, { warmUpAll }) {
  const fake = await startFakeAmplitude({ latencyMs: state.latencyMs ?? 0 });
  if (state.mode === 'refuse') await fake.setFault('refuse');
  if (state.mode === 'hang') await fake.setFault('hang');
  const shim = await startCollectorShim({ mode: state.mode, latencyMs: state.latencyMs });
  const home = makeConsentingHome('dr-bench-peers-');
  const drEnv = recordingEnv(home, fake.url);
  const runOf = (approach, runId) => {
    if (approach.id === 'dr') return { args: [DR_BIN, 'self', 'version'], env: drEnv };
    if (approach.id === 'dr-off')
      return { args: [DR_BIN, 'self', 'version'], env: { ...drEnv, DO_NOT_TRACK: '1' } };
    const collectorUrl = approach.collector === 'shim' ? shim.url : fake.url;
    return {
      args: [join(import.meta.dirname, 'peers', approach.script)],
      env: { PATH: process.env.PATH, HOME: home, PEER_COLLECTOR_URL: collectorUrl, PEER_USER_ID: runId },
    };
  };
  const delivered = (approach, since) => {
    if (approach.collector === 'shim') return shim.deliveredWithPrefix(`peer-${approach.id}-r`);
    if (approach.id === 'dr') {
      const counted = (event) =>
        DR_COMMAND_EVENTS.includes(event.event_type) &&
        !event.device_id?.startsWith('peer-') &&
        event.time >= since;
      return fake.ingested.filter(counted).length;
    }
    const prefix = `peer-${approach.id}-r`;
    return fake.ingested.filter((event) => event.device_id?.startsWith(prefix)).length;
  };

  try {
    // Warm-up: the first `dr` run in a home makes the device id and the config cache; in the first
    // state every script also gets its modules into the page cache. Warm-up events are told apart
    // from the measured runs' and not counted.
    for (const approach of warmUpAll ? APPROACHES : APPROACHES.filter((approach) => approach.id === 'dr')) {
      await timeRun(runOf(approach, `peer-${approach.id}-warm`), WARM_UP_KILL_AFTER_MS);
    }
    await sleep(state.mode === 'up' || state.mode === 'slow' ? 1000 : 0);
    const measuredSince = Date.now();

    /** @type {Record<string, Array<{ ms: number, killed?: boolean }>>} */
    const samples = Object.fromEntries(APPROACHES.map((approach) => [approach.id, []]));
    /** @type {Record<string, Array<{ ms: number, ratio: number }>>} */
    const ratios = Object.fromEntries(APPROACHES.map((approach) => [approach.id, []]));
    const retired = new Set();
    for (let round = 0; round < rounds; round += 1) {
      const inRound = {};
      for (const approach of inShuffledOrder(APPROACHES.filter((approach) => !retired.has(approach.id)))) {
        const run = await timeRun(runOf(approach, `peer-${approach.id}-r${round}`));
        samples[approach.id].push(run);
        inRound[approach.id] = run;
      }
      for (const [id, run] of Object.entries(inRound))
        ratios[id].push({ ...run, ratio: run.ms / inRound.dr.ms });
      for (const approach of APPROACHES) {
        const runs = samples[approach.id];
        if (runs.length === RETIRE_AFTER_RUNS && runs.every((run) => run.killed || run.ms > SLOW_RUN_MS)) {
          retired.add(approach.id);
        }
      }
    }

    // Settle: detached senders and the drainer deliver after the exit; give them SETTLE_MS.
    const counted = APPROACHES.filter((approach) => approach.collector);
    const expected = (approach) => samples[approach.id].length * EVENTS_PER_RUN;
    const settleDeadline = Date.now() + SETTLE_MS;
    while (
      Date.now() < settleDeadline &&
      counted.some((approach) => delivered(approach, measuredSince) < expected(approach))
    ) {
      await sleep(50);
    }
    return {
      state,
      approaches: APPROACHES.map((approach) => ({
        approach,
        runs: samples[approach.id],
        ratios: ratios[approach.id],
        retired: retired.has(approach.id),
        delivered: approach.collector ? delivered(approach, measuredSince) : undefined,
        expected: expected(approach),
      })),
      drSpoolLeft: spoolPending(drEnv),
    };
  } finally {
    await fake.close();
    await shim.close();
    rmSync(home, { recursive: true, force: true });
  }
}

/** Events still waiting in `dr`'s spool (sent by a later run once the collector answers). */
function spoolPending(env) {
  // DO_NOT_TRACK: the status command then reads the spool without recording events of its own.
  const status = spawnSync(
    process.execPath,
    [DR_BIN, 'self', 'telemetry', 'status', '--output-format', 'json'],
    {
      env: { ...env, DO_NOT_TRACK: '1' },
      encoding: 'utf8',
    },
  );
  try {
    return JSON.parse(status.stdout).spool?.events;
  } catch {
    return undefined;
  }
}

/** The items in a random order (each sorted by a random key). */
const inShuffledOrder = (items) =>
  items
    .map((item) => ({ item, key: Math.random() }))
    .sort((a, b) => a.key - b.key)
    .map(({ item }) => item);

/** A killed run counts as KILL_AFTER_MS, which is a lower bound: shown with "≥" and "(killed)". */
function latencyCell(runs) {
  const median = medianRun(runs);
  return median.killed ? `≥ ${fmt(KILL_AFTER_MS / 1000)} s (killed)` : fmt(median.ms);
}

function medianRun(runs) {
  const sorted = [...runs].sort((a, b) => a.ms - b.ms || Number(a.killed) - Number(b.killed));
  return sorted[Math.ceil(0.5 * sorted.length) - 1];
}

function rangeCell(runs) {
  const sorted = [...runs].sort((a, b) => a.ms - b.ms || Number(a.killed) - Number(b.killed));
  const low = sorted[0];
  const high = sorted[sorted.length - 1];
  const show = (run) => (run.killed ? `≥ ${KILL_AFTER_MS} (killed)` : fmt(run.ms));
  return `${show(low)} – ${show(high)}`;
}

function ratioCell(entry) {
  if (entry.approach.id === 'dr') return '1.00×';
  const values = entry.ratios.map((run) => run.ratio);
  const middle = median(values);
  const atMiddle = entry.ratios.find((run) => run.ratio === middle);
  return `${atMiddle?.killed ? '≥ ' : ''}${middle.toFixed(2)}×`;
}

function deliveredCell(entry) {
  if (entry.delivered === undefined) return '–';
  return `${entry.delivered} / ${entry.expected}`;
}

function stateTable(result) {
  const rows = result.approaches.map((entry) => {
    const killed = entry.runs.filter((run) => run.killed).length;
    const runsNote = entry.retired
      ? `${entry.runs.length}${killed ? `, ${killed} killed` : ''} (each > ${SLOW_RUN_MS / 1000} s: not run further)`
      : `${entry.runs.length}${killed ? `, ${killed} killed` : ''}`;
    return `| ${entry.approach.name} | ${latencyCell(entry.runs)} | ${rangeCell(entry.runs)} | ${ratioCell(entry)} | ${deliveredCell(entry)} | ${runsNote} |`;
  });
  const left =
    result.drSpoolLeft === undefined
      ? ''
      : `\n\nAt the end of this state \`dr\`'s spool holds ${result.drSpoolLeft} events (its warm-up run's included), which a later \`dr\` run sends once the collector answers; the peers keep nothing once their process has ended.`;
  return `### Collector ${result.state.name}

| approach | exit median ms | min – max ms | × \`dr\` (median of per-round ratios) | events delivered | runs |
| --- | --- | --- | --- | --- | --- |
${rows.join('\n')}${left}`;
}

const results = [];
for (const state of STATES) {
  process.stdout.write(`collector ${state.name}…\n`);
  results.push(await measureState(state, { warmUpAll: results.length === 0 }));
}

const section = `## Peers: exit latency of a two-event command, and events delivered

Command: \`node bench/peers.mjs\` (run by \`pnpm bench\`; ${rounds} paired rounds per collector state, each
round runs every approach once, one at a time, in a shuffled order). Machine: ${machineLine()}.

Exit latency is wall time from spawn to process exit. The \`dr\` row runs the built
\`packages/cli/bin/dr self version\` with telemetry on (consent given, the endpoint pointed at the
collector); it records \`command_started\` and \`command_completed\`, the two events counted, and a
third, \`self_version\`, which it spools and sends too (so \`dr\` carries one event more than the
peers). Each peer is a small CLI-shaped script in \`bench/peers/\` that sends the two command
events its way.
× \`dr\` is the median over rounds of (approach ÷ \`dr\` in the same round). Events delivered counts
events the collector answered 200 for, out of 2 per measured run, after waiting up to
${SETTLE_MS / 1000} s past the last run for detached senders and \`dr\`'s drainer (which delivers after the
command has exited). A run still alive after ${KILL_AFTER_MS / 1000} s is killed and shown as "≥ ${KILL_AFTER_MS / 1000} s
(killed)"; an approach whose first ${RETIRE_AFTER_RUNS} runs of a state each took over ${SLOW_RUN_MS / 1000} s is not run again in
that state (its time is set by its own timers and retries; more rounds would only make the
benchmark long), so its row has ${RETIRE_AFTER_RUNS} runs.

Collectors: \`dr\`, the Amplitude SDK, the detached children and the Go-style flush send to the fake
Amplitude of \`packages/testkit\` (HTTP V2). posthog-node and @segment/analytics-node speak their
own APIs, so they send to a catch-all loopback collector in \`bench/peers/collector-shim.mjs\` that
accepts any POST, counts its events, and answers 200 \`{}\`; both collectors run in the bench
process and apply the same four states (200 ms slow: every answer delayed 200 ms; refusing: the
port is closed; never answering: the connection is accepted and the request held).
SDK versions: ${sdkVersions()}.

${results.map(stateTable).join('\n\n')}
`;
writeSection('peers', section);
process.stdout.write(section);

function sdkVersions() {
  const root = join(import.meta.dirname, '..', 'node_modules');
  return ['@amplitude/analytics-node', 'posthog-node', '@segment/analytics-node']
    .map((name) => `${name} ${JSON.parse(readFileSync(join(root, name, 'package.json'), 'utf8')).version}`)
    .join(', ');
}
