// `dr task run`: runs tasks with go-task in the application folder on this terminal, with the Go
// dr's arguments (`task -t <Taskfile> [flags] -C <n> <tasks…> [-- args]`); a failed task exits 1,
// or with its own code under --exit-code. Telemetry names a task only from a fixed list.
import { spawn } from 'node:child_process';
import { allowlistedTaskName, DrError, ExitCode } from '@dr/shared';
import type { CommandIO } from '../datarobot/command-io.ts';
import { findTaskBinary } from './task-binary.ts';
import { locateTaskfile } from './taskfile.ts';

export interface TaskRunOptions {
  readonly dir: string | undefined;
  readonly parallel: boolean;
  /** How many tasks go-task runs at once; the Go dr passes `-C 2` unless told otherwise. */
  readonly concurrency: number | undefined;
  readonly watch: boolean;
  readonly yes: boolean;
  /** Exit with the task's own exit code (and ask go-task for it), else 1 on any failure. */
  readonly exitCode: boolean;
  readonly silent: boolean;
  readonly tasks: readonly string[];
  /** Arguments for the tasks (go-task's CLI_ARGS). */
  readonly taskArgs: readonly string[];
}

/**
 * Splits what follows `dr task run` into task names and task arguments. clipanion drops the
 * `--` separator, so `rawArgs` (this process's argv) tells where it was; failing that, as the
 * Go dr, the first argument that starts with a dash begins the task arguments.
 */
export function splitTaskArgs(
  rest: readonly string[],
  rawArgs: readonly string[],
): { tasks: string[]; taskArgs: string[] } {
  const dash = rawArgs.indexOf('--');
  if (dash !== -1) {
    const after = rawArgs.slice(dash + 1);
    const tail = rest.slice(rest.length - after.length);
    if (after.length <= rest.length && after.every((arg, index) => tail[index] === arg)) {
      return { tasks: rest.slice(0, rest.length - after.length), taskArgs: after };
    }
  }
  const firstFlag = rest.findIndex((arg) => arg.startsWith('-'));
  return firstFlag === -1
    ? { tasks: [...rest], taskArgs: [] }
    : { tasks: rest.slice(0, firstFlag), taskArgs: rest.slice(firstFlag) };
}

export async function taskRun(io: CommandIO, options: TaskRunOptions): Promise<number> {
  if (options.tasks.length === 0) {
    throw new DrError(
      'TASK_NAME_MISSING',
      'Name the task to run, e.g. `dr task run dev` (see `dr task list`).',
      {
        exitCode: ExitCode.usage,
      },
    );
  }
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isSafeInteger(concurrency) || concurrency < 0) {
    throw new DrError(
      'TASK_CONCURRENCY_INVALID',
      `--concurrency takes a whole number of tasks (0 for no limit), not ${concurrency}.`,
      { exitCode: ExitCode.usage },
    );
  }
  if (options.parallel && options.watch) {
    throw new DrError('TASK_FLAGS_EXCLUSIVE', '--parallel and --watch cannot be used together: pick one.', {
      exitCode: ExitCode.usage,
    });
  }
  const binary = findTaskBinary(io.env);
  const { folder, taskfile } = locateTaskfile(options.dir);
  const task_name = allowlistedTaskName(options.tasks[0]!);
  const args = [
    '-t',
    taskfile,
    ...(options.parallel ? ['--parallel'] : []),
    ...(options.watch ? ['--watch'] : []),
    ...(options.yes ? ['--yes'] : []),
    ...(options.exitCode ? ['--exit-code'] : []),
    ...(options.silent ? ['--silent'] : []),
    '-C',
    String(concurrency),
    ...options.tasks,
    ...(options.taskArgs.length > 0 ? ['--', ...options.taskArgs] : []),
  ];
  if (io.verbose && !options.silent) io.stderr.write(`Running task(s): ${options.tasks.join(', ')}\n`);
  io.telemetry.record('task_run', { task_name });
  const started = Date.now();
  const exitCode = await runInherited(binary, args, folder, io.env);
  const outcome = { task_name, duration_ms: Date.now() - started, exit_code: exitCode };
  io.telemetry.record(exitCode === 0 ? 'task_success' : 'task_failed', outcome);
  if (exitCode === 0 || options.exitCode) return exitCode;
  return ExitCode.failure;
}

/** go-task's -C as the Go dr passes it when --concurrency is not given. */
const DEFAULT_CONCURRENCY = 2;

/** Runs the task on this terminal. Ctrl-C reaches the task (same process group); dr waits for it. */
export function runInherited(
  binary: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const ignore = () => {};
  process.on('SIGINT', ignore);
  return new Promise<number>((resolve, reject) => {
    const child = spawn(binary, args, { cwd, env, stdio: 'inherit' });
    child.on('error', (error) =>
      reject(new DrError('TASK_FAILED', `Cannot run \`${binary}\`: ${error.message}.`, { cause: error })),
    );
    child.on('exit', (code, signal) => resolve(code ?? 128 + signalNumber(signal)));
  }).finally(() => process.off('SIGINT', ignore));
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = {
    SIGHUP: 1,
    SIGINT: 2,
    SIGQUIT: 3,
    SIGKILL: 9,
    SIGTERM: 15,
  };
  return (signal && numbers[signal]) ?? 1;
}
