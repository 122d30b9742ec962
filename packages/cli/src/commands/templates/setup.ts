// `dr templates setup`: pick a template, clone it and set up its .env.
import { Command } from 'clipanion';
import { DrCommand } from '../../cli/dr-command.ts';

export class TemplatesSetupCommand extends DrCommand {
  static override paths = [
    ['templates', 'setup'],
    ['template', 'setup'],
  ];
  static override usage = Command.Usage({
    category: 'Templates',
    description: 'Pick a template, clone it and set up its .env',
    details: `
      Lists the application templates of your DataRobot, lets you pick one and a folder on the
      terminal, clones it, then fills its .env as \`dr dotenv setup\` does. It needs a terminal;
      in scripts use \`dr templates clone\` and \`dr dotenv setup\`.
    `,
    examples: [
      ['Set up a new application from a template', '$0 templates setup'],
      ["The same, by the Go dr's name", '$0 template setup'],
    ],
  });

  protected async run(): Promise<number> {
    const [{ templatesSetup }, { commandIO }] = await Promise.all([
      import('../../templates/setup.ts'),
      import('../../datarobot/command-io.ts'),
    ]);
    return templatesSetup(commandIO(this));
  }
}
