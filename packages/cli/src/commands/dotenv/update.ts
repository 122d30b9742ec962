// `dr dotenv update`: refresh the DataRobot endpoint and token in .env.
import { Command } from 'clipanion';
import { DrCommand } from '../../cli/dr-command.ts';
import { notImplementedYet } from '../../cli/not-yet.ts';

export class DotenvUpdateCommand extends DrCommand {
  static override paths = [['dotenv', 'update']];
  static override usage = Command.Usage({
    category: 'Environment',
    description: 'Refresh the DataRobot endpoint and token in .env',
    details: `
      Writes the current DataRobot endpoint and token into .env, keeping every other line as it
      is.
    `,
    examples: [['Update .env after logging in again', '$0 dotenv update']],
  });

  protected async run(): Promise<number> {
    return notImplementedYet('dotenv update');
  }
}
