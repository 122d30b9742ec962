// `dr self update`: install the newest version of dr with the package manager that installed it.
import { Command, Option } from 'clipanion';
import { DrCommand, outputFormatOption } from '../../cli/dr-command.ts';

export class SelfUpdateCommand extends DrCommand {
  static override paths = [['self', 'update']];
  static override usage = Command.Usage({
    category: 'Self',
    description: 'Update dr to the newest version',
    details: `
      Asks the npm registry for the newest version of @datarobot/cli and, when it is newer than
      this one, installs it with the package manager that installed dr: npm (into the same
      prefix) or pnpm. It asks first (Enter means yes); --yes (or --force) installs without
      asking. With no terminal to ask on and no --yes it installs nothing, prints the command to
      run, and exits 2. --check only tells whether a newer version exists.

      Set DR_UPDATE_REGISTRY_URL to use another registry (e.g. your organization's mirror): dr
      asks it, and hands it on to npm or pnpm as --registry. A dr run from a source checkout, as
      a project's dependency or through npx is not updated, nor on Windows (npm and pnpm are
      scripts there that only a shell runs); dr says what to do instead.
    `,
    examples: [
      ['Update dr, asking first', '$0 self update'],
      ['Update without asking (scripts)', '$0 self update --yes'],
      ['Only check for a newer version', '$0 self update --check'],
      ['Check as JSON, for scripts', '$0 self update --check --output-format json'],
    ],
  });

  yes = Option.Boolean('-y,--yes,--force', false, { description: 'Install without asking' });
  check = Option.Boolean('--check', false, { description: 'Only tell whether a newer version exists' });
  outputFormat = outputFormatOption();

  protected async run(): Promise<number> {
    const [{ selfUpdate }, { commandIO }] = await Promise.all([
      import('../../self/update.ts'),
      import('../../datarobot/command-io.ts'),
    ]);
    return selfUpdate(commandIO(this), { outputFormat: this.outputFormat, yes: this.yes, check: this.check });
  }
}
