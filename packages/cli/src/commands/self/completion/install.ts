// `dr self completion install`: install dr's shell completion where the shell looks for it.
import { Command, Option } from 'clipanion';
import { DrCommand } from '../../../cli/dr-command.ts';
import type { CompletionAction } from '../../../self/completion-install.ts';

export class SelfCompletionInstallCommand extends DrCommand {
  static override paths = [['self', 'completion', 'install']];
  static override usage = Command.Usage({
    category: 'Self',
    description: "Install shell completion for dr in your shell's start-up files",
    details: `
      Writes dr's completion script where the shell looks for it, and the lines that load it
      into the shell's start-up file, in the places the Go dr uses:

      - bash: ~/.bash_completions/dr, loaded from ~/.bashrc
      - zsh: ~/.zsh/completions/_dr, put on fpath in ~/.zshrc (zsh's cache ~/.zcompdump* is removed)
      - zsh with Oh My Zsh: ~/.oh-my-zsh/custom/completions/_dr (~/.zshrc is left alone)
      - fish: ~/.config/fish/completions/dr.fish
      - PowerShell: a block in ~/.config/powershell/Microsoft.PowerShell_profile.ps1

      The shell is the one named, else the shell that ran dr, else the one in $SHELL. As with the
      Go dr, it only shows what it would change unless given --yes, which changes without
      asking; --no-dry-run asks first on a terminal (and, with no terminal to ask on, changes
      nothing and exits 2). Installing again changes nothing (the script is rewritten only when
      it changed, or with --force); a missing ~/.bashrc or ~/.zshrc is not created, you are told
      the lines to add. Your other lines, the file's line endings, mode and owner are kept, and
      a symlinked start-up file is edited where it points; a read-only one is refused.
      \`dr self completion uninstall\` takes out exactly what this adds.
    `,
    examples: [
      ['Show what would be installed for the shell you use', '$0 self completion install'],
      ['Install for zsh without asking', '$0 self completion install zsh --yes'],
      ['Ask before installing for bash', '$0 self completion install bash --no-dry-run'],
      ['Rewrite the script even if unchanged', '$0 self completion install --force --yes'],
    ],
  });

  shell = Option.String({ required: false, name: 'bash|zsh|fish|powershell' });
  yes = Option.Boolean('-y,--yes', false, { description: 'Install without asking' });
  dryRun = Option.Boolean('--dry-run', {
    description: 'Only show what would be written (the default without --yes; --no-dry-run asks instead)',
  });
  force = Option.Boolean('-f,--force', false, {
    description: 'Rewrite the script even when it is up to date',
  });

  protected async run(): Promise<number> {
    return runCompletionCommand(this, 'install', this.force);
  }
}

/** Runs install or uninstall with the options both commands take. */
export async function runCompletionCommand(
  command: DrCommand & { shell: string | undefined; yes: boolean; dryRun: boolean | undefined },
  action: CompletionAction,
  force: boolean,
): Promise<number> {
  const [{ completionInstall }, { commandIO }] = await Promise.all([
    import('../../../self/completion-install.ts'),
    import('../../../datarobot/command-io.ts'),
  ]);
  return completionInstall(commandIO(command), {
    action,
    shellName: command.shell,
    yes: command.yes,
    dryRun: command.dryRun,
    force,
  });
}
