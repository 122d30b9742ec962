// One spool INSERT, in process: `Spool.enqueue` on a spool that already holds 10,000 events (so
// every call runs at the bound and may prune), with real events from the event builder.
// Target (SPEC §6): p50 ≤ 50 µs, p99 ≤ 1 ms. Also the cost to the parent of handing the
// sending to a drainer (`spawnDrainerIfDue` with something due), median of 30 calls.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quantile, summarize } from './lib/paired.mjs';
import { machineLine, writeSection } from './lib/results.mjs';
import { loadWorkspace } from './lib/workspace.mjs';

const { Spool, buildEvent, newDeviceId, spawnDrainerIfDue } = await loadWorkspace();
const calls = Number(process.env.BENCH_ENQUEUES ?? 20_000);
const dir = mkdtempSync(join(tmpdir(), 'dr-bench-enqueue-'));
const deviceId = newDeviceId();
const sessionId = Date.now();
const event = () =>
  buildEvent(
    'command_completed',
    {
      command: 'templates list',
      args_count: 0,
      flags: ['output-format'],
      duration_ms: 41,
      success: true,
      exit_code: 0,
    },
    { deviceId, sessionId, now: Date.now(), appVersion: '0.1.0', osName: 'linux', osVersion: '6.1' },
  );

try {
  const spool = Spool.open({ dir });
  for (let i = 0; i < 10_000; i += 1) spool.enqueue(event());
  const events = Array.from({ length: calls }, event);
  const micros = [];
  for (const item of events) {
    const start = process.hrtime.bigint();
    spool.enqueue(item);
    micros.push(Number(process.hrtime.bigint() - start) / 1000);
  }
  const depth = spool.depth();

  // The drainer script here exits at once: this measures the parent's side only.
  const noop = join(dir, 'noop-drainer.mjs');
  writeFileSync(noop, '');
  const spawnMs = [];
  for (let i = 0; i < 30; i += 1) {
    const start = process.hrtime.bigint();
    const result = spawnDrainerIfDue({ spoolDir: dir, drainerScript: noop, env: {}, spool });
    spawnMs.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (!result.spawned) throw new Error(`not spawned: ${result.reason}`);
  }
  spool.close();

  const p50 = quantile(micros, 0.5);
  const p99 = quantile(micros, 0.99);
  const spawn = summarize(spawnMs);
  const table = `## Spool: one INSERT, and the hand-off to the drainer

Command: \`node bench/enqueue.mjs\` (${calls} enqueues of built events into a spool already holding 10,000, in process). Machine: ${machineLine()}.

| figure | value | target |
| --- | --- | --- |
| enqueue p50 | ${p50.toFixed(1)} µs | ≤ 50 µs: ${p50 <= 50 ? 'meets' : 'MISSES'} |
| enqueue p99 | ${p99.toFixed(1)} µs | ≤ 1000 µs: ${p99 <= 1000 ? 'meets' : 'MISSES'} |
| enqueue p99.9 | ${quantile(micros, 0.999).toFixed(1)} µs | (checkpoints land here) |
| events kept at the end | ${depth.events} | ≤ 10,000 |
| \`spawnDrainerIfDue\` in the parent, median (min–max) | ${spawn.median.toFixed(2)} ms (${spawn.min.toFixed(2)}–${spawn.max.toFixed(2)}) | as little as possible |
`;
  writeSection('enqueue', table);
  process.stdout.write(table);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
