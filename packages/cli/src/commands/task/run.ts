// `dr task run`: run tasks of an application's Taskfile.
import { Command, Option } from 'clipanion';
import { DrCommand } from '../../cli/dr-command.ts';
import { notImplementedYet } from '../../cli/not-yet.ts';

export class TaskRunCommand extends DrCommand {
  static override paths = [['task', 'run']];
  static override usage = Command.Usage({
    category: 'Tasks',
    description: "Run tasks of an application's Taskfile",
    details: `
      Runs the named tasks with go-task. Arguments after -- are passed to the tasks. Needs the
      \`task\` binary on PATH.
    `,
    examples: [
      ['Run the dev task', '$0 task run dev'],
      ['Run two tasks in parallel', '$0 task run build lint -p'],
      ['Pass arguments to a task', '$0 task run test -- --watch'],
    ],
  });

  dir = Option.String('-d,--dir', { description: 'The application folder (default: the current folder)' });
  parallel = Option.Boolean('-p,--parallel', false, { description: 'Run the tasks in parallel' });
  yes = Option.Boolean('-y,--yes', false, { description: 'Answer yes to every task prompt' });
  tasks = Option.Rest({ required: 1, name: 'task' });

  protected async run(): Promise<number> {
    return notImplementedYet('task run');
  }
}
