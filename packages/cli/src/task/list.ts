// `dr task list`: the tasks of an application, from go-task's `task --list --json` (with
// --all, `--list-all`, which includes tasks without a description), as a table or as JSON.
import { spawn } from 'node:child_process';
import { DrError, ExitCode } from '@dr/shared';
import type { CommandIO } from '../datarobot/command-io.ts';
import { findTaskBinary } from './task-binary.ts';
import { locateTaskfile } from './taskfile.ts';

export interface TaskSummary {
  readonly name: string;
  readonly desc?: string;
  readonly summary?: string;
  readonly aliases?: readonly string[];
}

export interface TaskListOptions {
  readonly dir: string | undefined;
  readonly all: boolean;
  readonly outputFormat: 'text' | 'json';
}

export async function taskList(io: CommandIO, options: TaskListOptions): Promise<number> {
  const binary = findTaskBinary(io.env);
  const { folder, taskfile } = locateTaskfile(options.dir);
  const tasks = await listTasks(binary, folder, taskfile, options.all, io);
  io.telemetry.record('task_list', { count: tasks.length });
  if (options.outputFormat === 'json') {
    io.stdout.write(`${JSON.stringify({ tasks }, null, 2)}\n`);
    return ExitCode.ok;
  }
  if (tasks.length === 0) {
    io.stdout.write(
      options.all ? 'No tasks found.\n' : 'No tasks with a description: run `dr task list --all`.\n',
    );
    return ExitCode.ok;
  }
  const names = tasks.map((task) =>
    task.aliases?.length ? `${task.name} (${task.aliases.join(', ')})` : task.name,
  );
  const width = Math.max(4, ...names.map((name) => name.length));
  io.stdout.write(`${'TASK'.padEnd(width)}  DESCRIPTION\n`);
  tasks.forEach((task, index) => {
    const description = (task.desc || task.summary || '').replace(/\s+/g, ' ').trim();
    io.stdout.write(`${names[index]!.padEnd(width)}  ${description}\n`.replace(/ +\n$/, '\n'));
  });
  if (!options.all) io.stdout.write('\nRun `dr task list --all` to see tasks without a description too.\n');
  return ExitCode.ok;
}

export function listTasks(
  binary: string,
  folder: string,
  taskfile: string,
  all: boolean,
  io: CommandIO,
): Promise<TaskSummary[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, [all ? '--list-all' : '--list', '--json', '-t', taskfile], {
      cwd: folder,
      env: io.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', (error) =>
      reject(new DrError('TASK_FAILED', `Cannot run \`${binary}\`: ${error.message}.`, { cause: error })),
    );
    child.on('close', (code) => {
      if (code !== 0) {
        if (stderr.trim() !== '') io.stderr.write(stderr.endsWith('\n') ? stderr : `${stderr}\n`);
        reject(
          new DrError('TASK_LIST_FAILED', `go-task could not list the tasks of ${taskfile} (exit ${code}).`),
        );
        return;
      }
      try {
        const parsed = JSON.parse(stdout) as { tasks?: unknown };
        const tasks = Array.isArray(parsed.tasks) ? parsed.tasks : [];
        resolve(
          tasks
            .filter((task): task is TaskSummary => typeof (task as TaskSummary)?.name === 'string')
            .map((task) => ({
              name: task.name,
              desc: typeof task.desc === 'string' ? task.desc : '',
              ...(typeof task.summary === 'string' && task.summary !== '' ? { summary: task.summary } : {}),
              aliases: Array.isArray(task.aliases)
                ? task.aliases.filter((alias) => typeof alias === 'string')
                : [],
            })),
        );
      } catch (error) {
        reject(
          new DrError('TASK_LIST_FAILED', 'go-task printed a task list dr cannot read: is `task` go-task?', {
            cause: error,
          }),
        );
      }
    });
  });
}
