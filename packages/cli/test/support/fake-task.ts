// A fake go-task `task` on PATH for the task commands' tests: a shell script given by the test,
// which finds the log file it may write to in $FAKE_TASK_LOG.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DrHome } from './run-dr.ts';

/** Puts `script` on PATH as `task` (before /usr/bin and /bin); returns the env to run dr with and the log path. */
export function fakeTaskOnPath(home: DrHome, script: string): { env: NodeJS.ProcessEnv; log: string } {
  const bin = join(home.dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'task'), script);
  chmodSync(join(bin, 'task'), 0o755);
  const log = join(home.dir, 'task.log');
  return { env: { ...home.env, PATH: `${bin}:/usr/bin:/bin`, FAKE_TASK_LOG: log }, log };
}
