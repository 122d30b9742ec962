// `dr templates setup`: pick a template, clone it and set up its .env.
import { Command } from 'clipanion';
import { DrCommand } from '../../cli/dr-command.ts';
import { notImplementedYet } from '../../cli/not-yet.ts';

export class TemplatesSetupCommand extends DrCommand {
  static override paths = [['templates', 'setup']];
  static override usage = Command.Usage({
    category: 'Templates',
    description: 'Pick a template, clone it and set up its .env',
    details: `
      Lets you pick an application template interactively, clones it, then runs \`dr dotenv
      setup\` in the new folder.
    `,
    examples: [['Set up a new application from a template', '$0 templates setup']],
  });

  protected async run(): Promise<number> {
    return notImplementedYet('templates setup');
  }
}
