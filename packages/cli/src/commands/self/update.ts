// `dr self update`: check for a newer version of dr.
import { Command } from 'clipanion';
import { DrCommand, outputFormatOption } from '../../cli/dr-command.ts';

export class SelfUpdateCommand extends DrCommand {
  static override paths = [['self', 'update']];
  static override usage = Command.Usage({
    category: 'Self',
    description: 'Check for a newer version of dr',
    details: `
      Tells the installed version and the newest one published on the npm registry, and the npm
      command that upgrades dr. It never downloads or runs anything itself. Set
      DR_UPDATE_REGISTRY_URL to ask another registry (e.g. your organization's mirror).
    `,
    examples: [
      ['Check for an update', '$0 self update'],
      ['Check as JSON, for scripts', '$0 self update --output-format json'],
    ],
  });

  outputFormat = outputFormatOption();

  protected async run(): Promise<number> {
    const [{ selfUpdate }, { commandIO }] = await Promise.all([
      import('../../self/update.ts'),
      import('../../datarobot/command-io.ts'),
    ]);
    return selfUpdate(commandIO(this), this.outputFormat);
  }
}
