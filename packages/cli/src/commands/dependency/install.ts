// `dr dependency install`: install the tools the template requires that are missing or too old.
import { Command, Option } from 'clipanion';
import { DrCommand } from '../../cli/dr-command.ts';

export class DependencyInstallCommand extends DrCommand {
  static override paths = [
    ['dependency', 'install'],
    ['dependencies', 'install'],
    ['deps', 'install'],
  ];
  static override usage = Command.Usage({
    category: 'Dependencies',
    description: 'Install the tools the template requires that are missing or too old',
    details: `
      Checks the tools as \`dr dependency check\` does, then, for each one missing or too old, runs
      the install command versions.yaml gives for this platform (\`install.macos\`, \`install.linux\`
      or \`install.windows\`; the Go dr's defaults use brew, the vendors' install scripts and
      winget) through \`sh -c\` (PowerShell on Windows), showing its output, and stops at the first
      that fails, with the command to retry by hand. The commands come from the template, so dr
      lists every one first, then asks on a terminal. --yes, or DATAROBOT_CLI_NON_INTERACTIVE set
      (as in the Go dr), installs without asking; without a terminal and without either it
      installs nothing and exits 2. --dry-run prints the commands and runs none of them (the version
      commands run, as for check). A tool with no install command for this platform stops it
      before anything runs. \`dr dependencies install\` and \`dr deps install\` are the same command.
    `,
    examples: [
      ['Install what is missing, after a question', '$0 dependency install'],
      ['Install without asking (scripts, CI)', '$0 deps install --yes'],
      ['Show the install commands without running them', '$0 dependency install --dry-run'],
    ],
  });

  yes = Option.Boolean('-y,--yes', false, { description: 'Run the install commands without asking' });
  dryRun = Option.Boolean('--dry-run', false, { description: 'Print the install commands, run none' });

  protected async run(): Promise<number> {
    const [{ dependencyInstall }, { commandIO }] = await Promise.all([
      import('../../dependency/install.ts'),
      import('../../datarobot/command-io.ts'),
    ]);
    return dependencyInstall(commandIO(this), { yes: this.yes, dryRun: this.dryRun });
  }
}
