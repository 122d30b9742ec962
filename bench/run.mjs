// `pnpm bench`: every benchmark in turn; each writes its section of bench/RESULTS.md.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const benchmarks = [
  'startup.mjs',
  'enqueue.mjs',
  'overhead.mjs',
  'session.mjs',
  'drain.mjs',
  'peers.mjs',
  'long-lines.mjs',
];
let failed = false;
for (const script of benchmarks) {
  process.stdout.write(`\n▶ bench/${script}\n`);
  const result = spawnSync(process.execPath, [join(import.meta.dirname, script)], { stdio: 'inherit' });
  if (result.status !== 0) failed = true;
}
process.exitCode = failed ? 1 : 0;
