// `dr task run`: run tasks of an application's Taskfile.
import { Command, Option } from 'clipanion';
import { isNumber } from 'typanion';
import { DrCommand } from '../../cli/dr-command.ts';

export class TaskRunCommand extends DrCommand {
  static override paths = [['task', 'run'], ['task', 'r'], ['run']];
  static override handlesInterrupt = true;
  static override usage = Command.Usage({
    category: 'Tasks',
    description: "Run tasks of an application's Taskfile",
    details: `
      Runs the named tasks with go-task on the Taskfile of the application folder (--dir, else
      the root of the git repository you are in, or the current folder), on this terminal. When a
      task fails, dr exits 1, or with the task's own exit code under --exit-code. The arguments
      after -- are passed to the tasks (CLI_ARGS). The flags are passed to go-task as the Go dr passes
      them: --parallel, --watch, --yes, --exit-code, --silent, and always -C with --concurrency
      (2 unless given); --parallel and --watch exclude each other. Needs the \`task\` binary
      (https://taskfile.dev) on PATH. \`dr run\` and \`dr task r\` (the Go dr's shortcut and
      alias) are the same command.
    `,
    examples: [
      ['Run the dev task', '$0 task run dev'],
      ['The same, by the top-level shortcut', '$0 run dev'],
      ['Run two tasks in parallel', '$0 task run build lint -p'],
      ['Run four tasks, three at a time', '$0 task run lint test build docs -p -C 3'],
      ['Re-run a task when its sources change', '$0 run dev --watch'],
      ["Exit with the task's own exit code, quietly", '$0 run test -x -s'],
      ['Pass arguments to a task', '$0 task run test -- --watch'],
    ],
  });

  dir = Option.String('-d,--dir', {
    description:
      'The application folder (default: the root of the git repository you are in, or the current folder)',
  });
  parallel = Option.Boolean('-p,--parallel', false, { description: 'Run the tasks in parallel' });
  concurrency = Option.String('-C,--concurrency', {
    description: 'How many tasks run at once (go-task -C; default 2)',
    validator: isNumber(),
  });
  watch = Option.Boolean('-w,--watch', false, { description: 'Re-run the task when its files change' });
  yes = Option.Boolean('-y,--yes', false, { description: 'Answer yes to every task prompt' });
  exitCode = Option.Boolean('-x,--exit-code', false, {
    description: "Exit with the task's own exit code (else 1 when it fails)",
  });
  silent = Option.Boolean('-s,--silent', false, { description: "Ask go-task to print no task's commands" });
  tasks = Option.Rest({ required: 1, name: 'task' });

  protected async run(): Promise<number> {
    const [{ taskRun, splitTaskArgs }, { commandIO }] = await Promise.all([
      import('../../task/run.ts'),
      import('../../datarobot/command-io.ts'),
    ]);
    const { tasks, taskArgs } = splitTaskArgs(this.tasks, process.argv);
    return taskRun(commandIO(this), {
      dir: this.dir,
      parallel: this.parallel,
      concurrency: this.concurrency,
      watch: this.watch,
      yes: this.yes,
      exitCode: this.exitCode,
      silent: this.silent,
      tasks,
      taskArgs,
    });
  }
}
