// Long command lines: `dr task run w1 … wN` for N = 1, 2,000 and 20,000 words, telemetry off and
// on, paired. Target (issue #18, item 6): handling a line is linear in its words, so the time a
// word adds at 20,000 words is within 2× of the time it adds at 2,000. The added time per word is
// (line of N words − line of one word) / N in the same round, so Node's start-up, the same for
// every line, is not spread over the words. `task` is a fake go-task that exits 0 at once.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fmt, median, summarize } from './lib/paired.mjs';
import { machineLine, writeSection } from './lib/results.mjs';
import { makeConsentingHome, recordingEnv, timeNodeRun } from './lib/runs.mjs';
import { DR_BIN, loadWorkspace } from './lib/workspace.mjs';

const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
const SIZES = [1, 2_000, 20_000];
const TARGET_RATIO = 2;
const { startFakeAmplitude } = await loadWorkspace();

const fake = await startFakeAmplitude();
const home = makeConsentingHome('dr-bench-long-lines-');
const app = join(home, 'app');
const bin = join(home, 'bin');
mkdirSync(app);
writeFileSync(join(app, 'Taskfile.yml'), "version: '3'\n");
mkdirSync(bin);
writeFileSync(join(bin, 'task'), '#!/bin/sh\nexit 0\n');
chmodSync(join(bin, 'task'), 0o755);
const base = recordingEnv(home, fake.url, { PATH: `${bin}:${process.env.PATH}` });
const envs = { off: { ...base, DO_NOT_TRACK: '1' }, on: base };
const lineOf = (words) => [
  DR_BIN,
  'task',
  'run',
  '--dir',
  app,
  ...Array.from({ length: words }, (_, i) => `t${i + 1}`),
];

/**
 * Wall time from spawn to exit and the `duration_ms` of `command_completed`, medians of `runs`
 * runs of `dr task run` with `words` words, telemetry on.
 */
async function reportedDuration(words, runs) {
  const wall = [];
  const reported = [];
  for (let i = 0; i < runs; i += 1) {
    const before = fake.ingested.length;
    wall.push((await timeNodeRun(lineOf(words), base)).ms);
    const completed = () => fake.ingested.slice(before).find((e) => e.event_type === 'command_completed');
    await fake.waitFor(() => completed() !== undefined, { timeoutMs: 30_000 });
    reported.push(completed().event_properties.duration_ms);
  }
  return { wallMs: median(wall), durationMs: median(reported) };
}

try {
  for (let i = 0; i < 2; i += 1) await timeNodeRun(lineOf(1), base); // device id, config cache
  /** @type {Record<string, Record<number, number[]>>} */
  const samples = Object.fromEntries(
    Object.keys(envs).map((mode) => [mode, Object.fromEntries(SIZES.map((n) => [n, []]))]),
  );
  for (let round = 0; round < rounds; round += 1) {
    const order = Object.keys(envs)
      .flatMap((mode) => SIZES.map((n) => [mode, n]))
      .sort(() => Math.random() - 0.5);
    for (const [mode, n] of order) samples[mode][n].push((await timeNodeRun(lineOf(n), envs[mode])).ms);
  }
  const rows = [];
  const verdicts = [];
  for (const mode of Object.keys(envs)) {
    const perWord = {};
    for (const n of SIZES.slice(1)) {
      const added = samples[mode][n].map((ms, i) => (ms - samples[mode][1][i]) / n);
      perWord[n] = median(added) * 1000;
    }
    const ratio = perWord[20_000] / perWord[2_000];
    verdicts.push(ratio <= TARGET_RATIO);
    for (const n of SIZES) {
      const times = summarize(samples[mode][n]);
      const added = n === 1 ? '—' : `${perWord[n].toFixed(1)}`;
      const ratioCell = n === 20_000 ? `**${ratio.toFixed(2)}×**` : '';
      rows.push(
        `| ${mode} | ${n.toLocaleString('en')} | ${fmt(times.median)} | ${fmt(times.p95)} | ${added} | ${ratioCell} |`,
      );
    }
  }
  const event = await reportedDuration(20_000, 5);
  const meets = verdicts.every(Boolean);
  const table = `## Long command lines: \`dr task run\` with 1, 2,000 and 20,000 words

Command: \`node bench/long-lines.mjs\` (${rounds} rounds, every line and mode once per round in a
shuffled order; off = \`DO_NOT_TRACK=1\`, on = consented, fake collector up; \`task\` is a fake
go-task that exits 0). Machine: ${machineLine()}.

Added per word = (line of N words − line of 1 word, same round) / N, median over rounds.

| telemetry | words | median ms | p95 ms | added per word, µs | 20,000 vs 2,000 per word |
| --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

Target (issue #18): a word at 20,000 words costs at most ${TARGET_RATIO}× a word at 2,000: ${meets ? 'meets' : 'MISSES'}.
\`duration_ms\` of a 20,000-word run's \`command_completed\` (it counts from the process's start), median of
5 runs: ${event.durationMs} ms, for a median of ${fmt(event.wallMs)} ms from spawn to exit.
`;
  writeSection('long-lines', table);
  process.stdout.write(table);
  if (!meets) process.exitCode = 1;
} finally {
  await fake.close();
  rmSync(home, { recursive: true, force: true });
}
