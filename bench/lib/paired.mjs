// Paired timing of whole commands: each round runs every variant once, in a shuffled order, so
// machine noise falls on all of them alike. Reports medians, p95 and ratios, never one run.
import { spawnSync } from 'node:child_process';

/** Runs `variants` (name → {command, args, env}) `rounds` times, paired; returns ms samples. */
export function timePaired(variants, { rounds = 40, warmup = 3 } = {}) {
  const names = Object.keys(variants);
  /** @type {Record<string, number[]>} */
  const samples = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = -warmup; round < rounds; round += 1) {
    for (const name of shuffle([...names])) {
      const { command, args = [], env = process.env, cwd } = variants[name];
      const start = process.hrtime.bigint();
      const result = spawnSync(command, args, { env, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (result.status !== 0) {
        throw new Error(`${name} exited ${result.status}: ${String(result.stderr).slice(0, 500)}`);
      }
      if (round >= 0) samples[name].push(ms);
    }
  }
  return samples;
}

export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index];
}

export const median = (values) => quantile(values, 0.5);

/** Per-round differences `a[i] - b[i]` (paired). */
export function pairedDifferences(a, b) {
  return a.map((value, index) => value - b[index]);
}

export function summarize(values) {
  return {
    median: median(values),
    p95: quantile(values, 0.95),
    min: Math.min(...values),
    max: Math.max(...values),
  };
}

export const fmt = (ms) => ms.toFixed(1);

function shuffle(items) {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
