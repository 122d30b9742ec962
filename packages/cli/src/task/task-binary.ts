// The go-task `task` binary that runs an application's Taskfile, found on PATH (the same PATH
// the task runs with). Missing, it is an error that says how to install it.
import { DrError } from '@dr/shared';
import { findExecutable } from '../system/find-executable.ts';

export const TASK_INSTALL_URL = 'https://taskfile.dev/installation/';

export function findTaskBinary(env: NodeJS.ProcessEnv): string {
  const binary = findExecutable('task', env);
  if (binary !== undefined) return binary;
  throw new DrError(
    'TASK_BINARY_MISSING',
    `The \`task\` binary (go-task) is not on your PATH: install it (${TASK_INSTALL_URL}; e.g. \`brew install go-task\`) and try again.`,
  );
}
