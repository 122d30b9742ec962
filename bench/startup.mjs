// Start-up: `dr self version` against a bare `node -e 0` on the same machine, paired runs.
// Target (SPEC §6): median ratio ≤ 1.25. Telemetry is off here (the overhead of telemetry has
// its own benchmark); this measures the cost of loading and running the CLI itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fmt, median, summarize, timePaired } from './lib/paired.mjs';
import { machineLine, writeSection } from './lib/results.mjs';

// 150 rounds: on the 2-core VM five runs gave 1.18–1.24× (60 rounds spread wider).
const rounds = Number(process.env.BENCH_ROUNDS ?? 150);
const home = mkdtempSync(join(tmpdir(), 'dr-bench-home-'));
// DO_NOT_TRACK: the cost of the CLI itself; telemetry's own cost is bench/overhead.mjs.
const env = { PATH: process.env.PATH, HOME: home, DO_NOT_TRACK: '1' };
const dr = join(import.meta.dirname, '..', 'packages', 'cli', 'bin', 'dr');

try {
  const samples = timePaired(
    {
      'node -e 0': { command: process.execPath, args: ['-e', '0'], env },
      'dr self version': { command: process.execPath, args: [dr, 'self', 'version'], env },
    },
    { rounds },
  );
  const node = summarize(samples['node -e 0']);
  const drTimes = summarize(samples['dr self version']);
  const ratios = samples['dr self version'].map((ms, i) => ms / samples['node -e 0'][i]);
  const ratio = median(ratios);
  const verdict = ratio <= 1.25 ? 'meets' : 'MISSES';
  const table = `## Start-up: \`dr self version\` vs \`node -e 0\`

Command: \`node bench/startup.mjs\` (${rounds} paired rounds, shuffled order, telemetry off by \`DO_NOT_TRACK=1\`). Machine: ${machineLine()}.

| variant | median ms | p95 ms | min–max ms |
| --- | --- | --- | --- |
| \`node -e 0\` | ${fmt(node.median)} | ${fmt(node.p95)} | ${fmt(node.min)}–${fmt(node.max)} |
| \`dr self version\` | ${fmt(drTimes.median)} | ${fmt(drTimes.p95)} | ${fmt(drTimes.min)}–${fmt(drTimes.max)} |

Median of per-round ratios: **${ratio.toFixed(2)}×** (target ≤ 1.25×: ${verdict}). For reference, the ratio of the two medians: ${(drTimes.median / node.median).toFixed(2)}×, and the median added time: ${fmt(median(samples['dr self version'].map((ms, i) => ms - samples['node -e 0'][i])))} ms.
`;
  // Lines that load more than one command (every command, or a group's), for reference: no
  // target, but a change that makes them slower shows here (options declared on the list
  // command once cost `dr --help` 30 ms).
  const listRounds = Math.max(10, Math.round(rounds / 5));
  const lists = timePaired(
    {
      'node -e 0': { command: process.execPath, args: ['-e', '0'], env },
      'dr --help': { command: process.execPath, args: [dr, '--help'], env },
      'dr self': { command: process.execPath, args: [dr, 'self'], env },
    },
    { rounds: listRounds },
  );
  const listRows = ['dr --help', 'dr self'].map((name) => {
    const times = summarize(lists[name]);
    const added = median(lists[name].map((ms, i) => ms - lists['node -e 0'][i]));
    return `| \`${name}\` | ${fmt(times.median)} | ${fmt(times.p95)} | ${fmt(added)} |`;
  });
  const listTable = `
For reference (no target): lines that list commands, ${listRounds} paired rounds.

| line | median ms | p95 ms | added to \`node -e 0\`, median ms |
| --- | --- | --- | --- |
${listRows.join('\n')}
`;
  writeSection('startup', table + listTable);
  process.stdout.write(table + listTable);
} finally {
  rmSync(home, { recursive: true, force: true });
}
