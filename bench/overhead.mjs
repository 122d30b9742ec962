import { existsSync, mkdirSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, median, pairedDifferences, quantile, summarize } from './lib/paired.mjs';
import { machineLine, writeSection } from './lib/results.mjs';
import { makeConsentingHome, recordingEnv, timeNodeRun } from './lib/runs.mjs';
import { DR_BIN, loadWorkspace } from './lib/workspace.mjs';

const rounds = Number(process.env.BENCH_ROUNDS ?? 40);
const { startFakeAmplitude } = await loadWorkspace();

/** `dr self version` to its exit, in ms. */
const timeRun = async (env) => (await timeNodeRun([DR_BIN, 'self', 'version'], env)).ms;

/**
 * How each "on" run meets the drainer: as it comes (runs follow each other; a drainer started by
 * the previous run may still hold the lock), 'starts' (the bench waits for the previous drainer
 * to exit, so every run starts one: a command after an idle spell), or 'running' (a live drainer's
 * lock is held throughout, so no run starts one: a command in a burst).
 */
async function measure(mode, drainer = 'as it comes') {
  const fake = await startFakeAmplitude();
  if (mode === 'refusing') await fake.setFault('refuse');
  if (mode === 'never answering') await fake.setFault('hang');
  const home = makeConsentingHome('dr-bench-overhead-');
  const spoolDir = join(home, 'spool');
  const lock = join(spoolDir, 'drainer.lock');
  // 'starts': the drainer exits as soon as the spool is empty (idle window 0), so the next run
  // starts one; otherwise it lingers its default 60 s, as for a user.
  const base = recordingEnv(home, fake.url, {
    DR_TELEMETRY_SPOOL_DIR: spoolDir,
    ...(drainer === 'starts' ? { DR_DRAINER_IDLE_SECONDS: '0' } : {}),
  });
  const on = { ...base };
  const off = { ...base, DO_NOT_TRACK: '1' };
  const waitForNoDrainer = async () => {
    const deadline = Date.now() + 15_000;
    while (existsSync(lock) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  };
  try {
    for (let i = 0; i < 3; i += 1) await timeRun(on); // first run makes the device id and the config cache
    if (drainer === 'running') {
      await waitForNoDrainer();
      mkdirSync(lock, { recursive: true });
      const inAnHour = new Date(Date.now() + 3_600_000);
      utimesSync(lock, inAnHour, inAnHour);
    }
    const samples = { on: [], off: [] };
    for (let round = 0; round < rounds; round += 1) {
      const order = Math.random() < 0.5 ? ['on', 'off'] : ['off', 'on'];
      for (const which of order) {
        if (which === 'on' && drainer === 'starts') await waitForNoDrainer();
        samples[which].push(await timeRun(which === 'on' ? on : off));
      }
    }
    const added = pairedDifferences(samples.on, samples.off);
    return {
      mode,
      drainer,
      on: summarize(samples.on),
      off: summarize(samples.off),
      added: { median: median(added), p95: quantile(added, 0.95) },
      requests: fake.requests.length,
    };
  } finally {
    await fake.close();
    rmSync(home, { recursive: true, force: true });
  }
}

async function deliveryLatency(samplesWanted) {
  const fake = await startFakeAmplitude();
  const home = makeConsentingHome('dr-bench-overhead-');
  // Idle window 0: each run starts its own drainer, as after an idle spell (the worst case).
  const env = recordingEnv(home, fake.url, { DR_DRAINER_IDLE_SECONDS: '0' });
  const latencies = [];
  try {
    for (let i = 0; i < samplesWanted; i += 1) {
      const before = fake.ingested.length;
      await timeRun(env);
      const exitedAt = performance.now();
      // Two events per run (command_started, command_completed) plus self_version.
      await fake.waitFor(() => fake.ingested.length >= before + 3, { timeoutMs: 30_000 });
      latencies.push(performance.now() - exitedAt);
      // Let the drainer exit so the next run spawns its own, as after an idle period.
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    return summarize(latencies);
  } finally {
    await fake.close();
    rmSync(home, { recursive: true, force: true });
  }
}

const results = [];
for (const mode of ['up', 'refusing', 'never answering']) results.push(await measure(mode));
results.push(await measure('up', 'starts'));
results.push(await measure('up', 'running'));
const latency = await deliveryLatency(Number(process.env.BENCH_LATENCY_SAMPLES ?? 15));

const DRAINER_LABEL = {
  'as it comes': 'as it comes',
  starts: 'each run starts one',
  running: 'one already running',
};
const verdict = (r) => (r.added.median <= 5 && r.added.p95 < 10 ? 'meets' : 'MISSES');
const table = `## Telemetry overhead: \`dr self version\`, telemetry on vs off

Command: \`node bench/overhead.mjs\` (${rounds} paired rounds per collector state, order shuffled in each round; off = \`DO_NOT_TRACK=1\`). Machine: ${machineLine()}.

The drainer column says how each run with telemetry on met the drainer: *as it comes* (runs
follow each other, so a drainer the previous run started may still hold the lock and this run
starts none), *each run starts one* (the bench waits for the previous drainer to exit: a command
after an idle spell pays for \`child_process\` and the spawn), *one already running* (a live
drainer's lock is held throughout: a command in a burst).

| collector | drainer | off median ms | on median ms | added median ms | added p95 ms | target (≤ 5 / < 10) |
| --- | --- | --- | --- | --- | --- | --- |
${results.map((r) => `| ${r.mode} | ${DRAINER_LABEL[r.drainer]} | ${fmt(r.off.median)} | ${fmt(r.on.median)} | ${fmt(r.added.median)} | ${fmt(r.added.p95)} | ${verdict(r)} |`).join('\n')}

Event delivery, collector up, no further \`dr\` run: from the command's exit to the collector ingesting its events, median ${fmt(latency.median)} ms, p95 ${fmt(latency.p95)} ms, max ${fmt(latency.max)} ms (target p95 ≤ 2000 ms: ${latency.p95 <= 2000 ? 'meets' : 'MISSES'}).
`;
writeSection('overhead', table);
process.stdout.write(table);
