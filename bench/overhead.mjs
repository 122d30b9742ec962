import { rmSync } from 'node:fs';
import { fmt, median, pairedDifferences, quantile, summarize } from './lib/paired.mjs';
import { machineLine, writeSection } from './lib/results.mjs';
import { makeConsentingHome, timeNodeRun } from './lib/runs.mjs';
import { DR_BIN, loadWorkspace } from './lib/workspace.mjs';

const rounds = Number(process.env.BENCH_ROUNDS ?? 40);
const { startFakeAmplitude } = await loadWorkspace();

/** `dr self version` to its exit, in ms. */
const timeRun = async (env) => (await timeNodeRun([DR_BIN, 'self', 'version'], env)).ms;

async function measure(mode) {
  const fake = await startFakeAmplitude();
  if (mode === 'refusing') await fake.setFault('refuse');
  if (mode === 'never answering') await fake.setFault('hang');
  const home = makeConsentingHome('dr-bench-overhead-');
  const base = {
    PATH: process.env.PATH,
    HOME: home,
    DR_TELEMETRY_API_KEY: 'bench-key-12345',
    DR_TELEMETRY_ENDPOINT: fake.url,
  };
  const on = { ...base };
  const off = { ...base, DO_NOT_TRACK: '1' };
  try {
    for (let i = 0; i < 3; i += 1) await timeRun(on); // first run makes the device id and the config cache
    const samples = { on: [], off: [] };
    for (let round = 0; round < rounds; round += 1) {
      const order = Math.random() < 0.5 ? ['on', 'off'] : ['off', 'on'];
      for (const which of order) samples[which].push(await timeRun(which === 'on' ? on : off));
    }
    const added = pairedDifferences(samples.on, samples.off);
    return {
      mode,
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
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    DR_TELEMETRY_API_KEY: 'bench-key-12345',
    DR_TELEMETRY_ENDPOINT: fake.url,
  };
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
const latency = await deliveryLatency(Number(process.env.BENCH_LATENCY_SAMPLES ?? 15));

const verdict = (r) => (r.added.median <= 3 && r.added.p95 <= 5 ? 'meets' : 'MISSES');
const table = `## Telemetry overhead: \`dr self version\`, telemetry on vs off

Command: \`node bench/overhead.mjs\` (${rounds} paired rounds per collector state, order shuffled in each round; off = \`DO_NOT_TRACK=1\`). Machine: ${machineLine()}.

| collector | off median ms | on median ms | added median ms | added p95 ms | target (≤ 3 / ≤ 5) |
| --- | --- | --- | --- | --- | --- |
${results.map((r) => `| ${r.mode} | ${fmt(r.off.median)} | ${fmt(r.on.median)} | ${fmt(r.added.median)} | ${fmt(r.added.p95)} | ${verdict(r)} |`).join('\n')}

Event delivery, collector up, no further \`dr\` run: from the command's exit to the collector ingesting its events, median ${fmt(latency.median)} ms, p95 ${fmt(latency.p95)} ms, max ${fmt(latency.max)} ms (target p95 ≤ 5000 ms: ${latency.p95 <= 5000 ? 'meets' : 'MISSES'}).
`;
writeSection('overhead', table);
process.stdout.write(table);
