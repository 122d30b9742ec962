// `dr dotenv setup`: create or fill .env from .env.template.
import { Command } from 'clipanion';
import { DrCommand } from '../../cli/dr-command.ts';
import { notImplementedYet } from '../../cli/not-yet.ts';

export class DotenvSetupCommand extends DrCommand {
  static override paths = [['dotenv', 'setup']];
  static override usage = Command.Usage({
    category: 'Environment',
    description: 'Create or fill .env from .env.template',
    details: `
      Reads .env.template in the current folder and writes .env, asking for each value on a
      terminal (secrets are masked). Values already in .env are kept. The DataRobot endpoint and
      token are filled from your login.
    `,
    examples: [['Fill .env', '$0 dotenv setup']],
  });

  protected async run(): Promise<number> {
    return notImplementedYet('dotenv setup');
  }
}
