// `dr task list`: list the tasks of an application's Taskfile.
import { Command, Option } from 'clipanion';
import { DrCommand, outputFormatOption } from '../../cli/dr-command.ts';
import { notImplementedYet } from '../../cli/not-yet.ts';

export class TaskListCommand extends DrCommand {
  static override paths = [['task', 'list']];
  static override usage = Command.Usage({
    category: 'Tasks',
    description: "List the tasks of an application's Taskfile",
    details: `
      Runs go-task's \`task --list --json\` in the application folder and prints the tasks. With
      --all, lists tasks without a description too. Needs the \`task\` binary on PATH.
    `,
    examples: [
      ['List tasks', '$0 task list'],
      ['List every task of another folder', '$0 task list -d ../my-app -a'],
    ],
  });

  dir = Option.String('-d,--dir', { description: 'The application folder (default: the current folder)' });
  all = Option.Boolean('-a,--all', false, { description: 'List tasks without a description too' });
  outputFormat = outputFormatOption();

  protected async run(): Promise<number> {
    return notImplementedYet('task list');
  }
}
