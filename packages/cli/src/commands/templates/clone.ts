// `dr templates clone`: clone an application template's repository.
import { Command, Option } from 'clipanion';
import { DrCommand } from '../../cli/dr-command.ts';

export class TemplatesCloneCommand extends DrCommand {
  static override paths = [
    ['templates', 'clone'],
    ['template', 'clone'],
  ];
  static override usage = Command.Usage({
    category: 'Templates',
    description: "Clone an application template's repository",
    details: `
      Clones the git repository of the template given by id or name, at the template's tag, into
      DIR (default: a folder named after the repository), showing git's progress. Needs git.
    `,
    examples: [
      ['Clone a template by name', '$0 templates clone talk-to-my-data'],
      ['Clone into a folder', '$0 templates clone 65f0c0ffee my-app'],
      ["The same, by the Go dr's name", '$0 template clone 65f0c0ffee my-app'],
    ],
  });

  template = Option.String({ name: 'id|name' });
  dir = Option.String({ required: false, name: 'dir' });

  protected async run(): Promise<number> {
    const [{ templatesClone }, { commandIO }] = await Promise.all([
      import('../../templates/clone.ts'),
      import('../../datarobot/command-io.ts'),
    ]);
    return templatesClone(commandIO(this), this.template, this.dir);
  }
}
