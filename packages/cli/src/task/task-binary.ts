// The go-task `task` binary that runs an application's Taskfile, found on PATH (the same PATH
// the task runs with). Missing, it is an error that says how to install it.
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { DrError } from '@dr/shared';

export const TASK_INSTALL_URL = 'https://taskfile.dev/installation/';

export function findTaskBinary(env: NodeJS.ProcessEnv): string {
  const names = process.platform === 'win32' ? ['task.exe', 'task.cmd', 'task'] : ['task'];
  for (const dir of (env.PATH ?? env.Path ?? '').split(delimiter)) {
    if (dir === '') continue;
    for (const name of names) {
      const candidate = join(dir, name);
      try {
        if (!statSync(candidate).isFile()) continue;
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // Not here.
      }
    }
  }
  throw new DrError(
    'TASK_BINARY_MISSING',
    `The \`task\` binary (go-task) is not on your PATH: install it (${TASK_INSTALL_URL}; e.g. \`brew install go-task\`) and try again.`,
  );
}
