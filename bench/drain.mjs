// Draining a backlog: 10,000 events spooled (one device, as after a long offline stretch), then
// the bundled drainer run as the CLI runs it, against the local fake Amplitude.
// Targets (SPEC §6): ≤ 15 s, zero 429s, zero lost, zero duplicates ingested; drainer peak RSS
// ≤ 60 MiB (maxRSS from /usr/bin/time when available, else the child's own report).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineLine, writeSection } from './lib/results.mjs';
import { DRAINER_SCRIPT, loadWorkspace } from './lib/workspace.mjs';

const backlog = Number(process.env.BENCH_BACKLOG ?? 10_000);
const runs = Number(process.env.BENCH_DRAIN_RUNS ?? 3);
const { DRAINER_ENV, DRAINER_NODE_FLAGS, Spool, buildEvent, newDeviceId, startFakeAmplitude } =
  await loadWorkspace();
const TIME = '/usr/bin/time';

function runDrainer(env) {
  return new Promise((resolve, reject) => {
    const withTime = existsSync(TIME);
    const command = withTime ? TIME : process.execPath;
    // The drainer as the spawn helper starts it: its Node flags and environment.
    const drainer = [...DRAINER_NODE_FLAGS, DRAINER_SCRIPT];
    const args = withTime ? ['-f', '%M', process.execPath, ...drainer] : drainer;
    const start = performance.now();
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', () => {
      const rssKb = Number.parseInt(stderr.trim().split('\n').at(-1) ?? '', 10);
      resolve({ ms: performance.now() - start, rssMiB: Number.isFinite(rssKb) ? rssKb / 1024 : Number.NaN });
    });
  });
}

const results = [];
for (let run = 0; run < runs; run += 1) {
  const dir = mkdtempSync(join(tmpdir(), 'dr-bench-drain-'));
  const fake = await startFakeAmplitude();
  try {
    const spool = Spool.open({ dir });
    const deviceId = newDeviceId();
    const sessionId = Date.now();
    const insertIds = new Set();
    for (let i = 0; i < backlog; i += 1) {
      const event = buildEvent(
        'command_completed',
        { command: 'task run', args_count: 1, flags: [], duration_ms: 1200, success: true, exit_code: 0 },
        { deviceId, sessionId, now: Date.now(), appVersion: '0.1.0', osName: 'linux', osVersion: '6.1' },
      );
      insertIds.add(event.insert_id);
      spool.enqueue(event);
    }
    spool.close();
    const { ms, rssMiB } = await runDrainer({
      ...DRAINER_ENV,
      DR_TELEMETRY_SPOOL_DIR: dir,
      DR_TELEMETRY_API_KEY: 'bench-key-12345',
      DR_TELEMETRY_ENDPOINT: fake.url,
      DR_DRAINER_DEADLINE_MS: '60000',
    });
    const ingested = fake.ingested.filter((event) => insertIds.has(event.insert_id));
    const distinct = new Set(ingested.map((event) => event.insert_id)).size;
    const left = Spool.open({ dir });
    results.push({
      ms,
      rssMiB,
      requests: fake.requests.length,
      throttled: fake.stats.throttled,
      lost: backlog - distinct,
      duplicates: ingested.length - distinct + fake.stats.duplicatesAbsorbed,
      left: left.depth().events,
    });
    left.close();
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const worst = (key) => Math.max(...results.map((r) => r[key]));
const sorted = (key) => results.map((r) => r[key]).sort((a, b) => a - b);
const medianOf = (key) => sorted(key)[Math.floor(results.length / 2)];
const table = `## Drain: a ${backlog.toLocaleString('en')}-event backlog to the fake Amplitude

Command: \`node bench/drain.mjs\` (${runs} runs; the bundled drainer \`packages/cli/dist/drainer.js\` as the CLI spawns it). Machine: ${machineLine()}.

| figure | median | worst | target |
| --- | --- | --- | --- |
| drain time | ${(medianOf('ms') / 1000).toFixed(1)} s | ${(worst('ms') / 1000).toFixed(1)} s | ≤ 15 s: ${worst('ms') <= 15_000 ? 'meets' : 'MISSES'} |
| drainer peak RSS | ${medianOf('rssMiB').toFixed(1)} MiB | ${worst('rssMiB').toFixed(1)} MiB | ≤ 60 MiB: ${worst('rssMiB') <= 60 ? 'meets' : 'MISSES'} |
| requests | ${medianOf('requests')} | ${worst('requests')} | |
| 429 answers | ${medianOf('throttled')} | ${worst('throttled')} | 0 |
| events lost | ${medianOf('lost')} | ${worst('lost')} | 0 |
| duplicates ingested or absorbed | ${medianOf('duplicates')} | ${worst('duplicates')} | 0 |
| left in the spool | ${medianOf('left')} | ${worst('left')} | 0 |
`;
writeSection('drain', table);
process.stdout.write(table);
