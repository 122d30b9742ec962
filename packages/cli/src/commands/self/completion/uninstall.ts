// `dr self completion uninstall`: take out what `dr self completion install` put in.
import { Command, Option } from 'clipanion';
import { DrCommand } from '../../../cli/dr-command.ts';
import { runCompletionCommand } from './install.ts';

export class SelfCompletionUninstallCommand extends DrCommand {
  static override paths = [['self', 'completion', 'uninstall']];
  static override usage = Command.Usage({
    category: 'Self',
    description: 'Remove the shell completion that `dr self completion install` installed',
    details: `
      Removes dr's completion script from the shell's completion folder and the lines that load
      it from the shell's start-up file, leaving every other line as it was. The places are those
      \`dr self completion install\` lists. What the Go dr installed goes too: its script and
      lines, and its completion for the \`datarobot\` command when it is exactly as the Go dr
      wrote it.

      The shell is the one named, else the shell that ran dr, else the one in $SHELL. As with the
      Go dr, it only shows what it would remove unless given --yes, which removes without
      asking; --no-dry-run asks first on a terminal (and, with no terminal to ask on, removes
      nothing and exits 2).
    `,
    examples: [
      ['Show what would be removed for the shell you use', '$0 self completion uninstall'],
      ['Uninstall for bash without asking', '$0 self completion uninstall bash --yes'],
      ['Ask before uninstalling for zsh', '$0 self completion uninstall zsh --no-dry-run'],
    ],
  });

  shell = Option.String({ required: false, name: 'bash|zsh|fish|powershell' });
  yes = Option.Boolean('-y,--yes', false, { description: 'Uninstall without asking' });
  dryRun = Option.Boolean('--dry-run', {
    description: 'Only show what would be removed (the default without --yes; --no-dry-run asks instead)',
  });

  protected async run(): Promise<number> {
    return runCompletionCommand(this, 'uninstall', false);
  }
}
