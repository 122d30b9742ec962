// `dr self update`: check for a newer version of dr.
import { Command } from 'clipanion';
import { DrCommand, outputFormatOption } from '../../cli/dr-command.ts';
import { notImplementedYet } from '../../cli/not-yet.ts';

export class SelfUpdateCommand extends DrCommand {
  static override paths = [['self', 'update']];
  static override usage = Command.Usage({
    category: 'Self',
    description: 'Check for a newer version of dr',
    details: `
      Tells the installed version and the newest published one, and the command that upgrades
      dr. It never downloads or runs anything itself.
    `,
    examples: [['Check for an update', '$0 self update']],
  });

  outputFormat = outputFormatOption();

  protected async run(): Promise<number> {
    return notImplementedYet('self update');
  }
}
