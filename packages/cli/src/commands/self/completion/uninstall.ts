// `dr self completion uninstall`: take out what `dr self completion install` put in.
import { Command, Option } from 'clipanion';
import { DrCommand } from '../../../cli/dr-command.ts';

export class SelfCompletionUninstallCommand extends DrCommand {
  static override paths = [['self', 'completion', 'uninstall']];
  static override usage = Command.Usage({
    category: 'Self',
    description: 'Remove the shell completion that `dr self completion install` installed',
    details: `
      Removes dr's completion script from the shell's completion folder and the lines that load
      it from the shell's start-up file (the Go dr's as well as this dr's), leaving every other
      line as it was. The places are those \`dr self completion install\` lists.

      The shell is the one named, else the shell that ran dr, else the one in $SHELL. It shows
      what it will remove and asks first; --yes removes without asking, and with no terminal to
      ask on and no --yes it removes nothing and exits 2. --dry-run only shows the plan.
    `,
    examples: [
      ['Uninstall for the shell you use, asking first', '$0 self completion uninstall'],
      ['Uninstall for bash without asking', '$0 self completion uninstall bash --yes'],
      ['Show what would be removed', '$0 self completion uninstall --dry-run'],
    ],
  });

  shell = Option.String({ required: false, name: 'bash|zsh|fish|powershell' });
  yes = Option.Boolean('-y,--yes', false, { description: 'Uninstall without asking' });
  dryRun = Option.Boolean('--dry-run', false, { description: 'Only show what would be removed' });

  protected async run(): Promise<number> {
    const [{ completionInstall }, { commandIO }] = await Promise.all([
      import('../../../self/completion-install.ts'),
      import('../../../datarobot/command-io.ts'),
    ]);
    return completionInstall(commandIO(this), {
      action: 'uninstall',
      shell: this.shell,
      yes: this.yes,
      dryRun: this.dryRun,
      force: false,
    });
  }
}
