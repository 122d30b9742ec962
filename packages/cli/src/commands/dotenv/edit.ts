// `dr dotenv edit`: open .env in your editor.
import { Command } from 'clipanion';
import { DrCommand } from '../../cli/dr-command.ts';
import { notImplementedYet } from '../../cli/not-yet.ts';

export class DotenvEditCommand extends DrCommand {
  static override paths = [['dotenv', 'edit']];
  static override usage = Command.Usage({
    category: 'Environment',
    description: 'Open .env in your editor',
    details: `
      Opens .env in $VISUAL or $EDITOR.
    `,
    examples: [['Edit .env', '$0 dotenv edit']],
  });

  protected async run(): Promise<number> {
    return notImplementedYet('dotenv edit');
  }
}
