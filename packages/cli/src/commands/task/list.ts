// `dr task list`: list the tasks of an application's Taskfile.
import { Command, Option } from 'clipanion';
import { DrCommand, outputFormatOption } from '../../cli/dr-command.ts';

export class TaskListCommand extends DrCommand {
  static override paths = [
    ['task', 'list'],
    ['task', 'l'],
  ];
  static override usage = Command.Usage({
    category: 'Tasks',
    description: "List the tasks of an application's Taskfile",
    details: `
      Runs go-task's \`task --list --json\` on the Taskfile of the application folder (--dir,
      else the root of the git repository you are in, or the current folder) and prints the
      tasks as a table, or as JSON with --output-format json. With --all, lists tasks without a
      description too. Needs the \`task\` binary (https://taskfile.dev) on PATH.
    `,
    examples: [
      ['List tasks', '$0 task list'],
      ['The same, by the Go alias', '$0 task l'],
      ['List every task of another folder', '$0 task list -d ../my-app -a'],
    ],
  });

  dir = Option.String('-d,--dir', {
    description:
      'The application folder (default: the root of the git repository you are in, or the current folder)',
  });
  all = Option.Boolean('-a,--all', false, { description: 'List tasks without a description too' });
  outputFormat = outputFormatOption();

  protected async run(): Promise<number> {
    const [{ taskList }, { commandIO }] = await Promise.all([
      import('../../task/list.ts'),
      import('../../datarobot/command-io.ts'),
    ]);
    return taskList(commandIO(this), { dir: this.dir, all: this.all, outputFormat: this.outputFormat });
  }
}
