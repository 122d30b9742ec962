// `dr task run`: run tasks of an application's Taskfile.
import { Command, Option } from 'clipanion';
import { DrCommand } from '../../cli/dr-command.ts';

export class TaskRunCommand extends DrCommand {
  static override paths = [['task', 'run'], ['task', 'r'], ['run']];
  static override handlesInterrupt = true;
  static override usage = Command.Usage({
    category: 'Tasks',
    description: "Run tasks of an application's Taskfile",
    details: `
      Runs the named tasks with go-task on the Taskfile of the application folder (--dir, else
      the root of the git repository you are in, or the current folder), on this terminal, and
      exits with the task's exit code. Arguments after -- are passed to the tasks (CLI_ARGS).
      Needs the \`task\` binary (https://taskfile.dev) on PATH. \`dr run\` and \`dr task r\` (the
      Go dr's shortcut and alias) are the same command.
    `,
    examples: [
      ['Run the dev task', '$0 task run dev'],
      ['The same, by the top-level shortcut', '$0 run dev'],
      ['Run two tasks in parallel', '$0 task run build lint -p'],
      ['Pass arguments to a task', '$0 task run test -- --watch'],
    ],
  });

  dir = Option.String('-d,--dir', {
    description:
      'The application folder (default: the root of the git repository you are in, or the current folder)',
  });
  parallel = Option.Boolean('-p,--parallel', false, { description: 'Run the tasks in parallel' });
  yes = Option.Boolean('-y,--yes', false, { description: 'Answer yes to every task prompt' });
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
      yes: this.yes,
      tasks,
      taskArgs,
    });
  }
}
