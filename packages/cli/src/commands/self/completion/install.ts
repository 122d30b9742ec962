// `dr self completion install`: install dr's shell completion where the shell looks for it.
import { Command, Option } from 'clipanion';
import { DrCommand } from '../../../cli/dr-command.ts';

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

      The shell is the one named, else the shell that ran dr, else the one in $SHELL. It shows
      what it will change and asks first; --yes changes without asking, and with no terminal to
      ask on and no --yes it changes nothing and exits 2. --dry-run only shows the plan.
      Installing again changes nothing (the script is rewritten only when it changed, or with
      --force); a missing ~/.bashrc or ~/.zshrc is not created, you are told the lines to add.
      \`dr self completion uninstall\` takes out exactly what this adds.
    `,
    examples: [
      ['Install for the shell you use, asking first', '$0 self completion install'],
      ['Install for zsh without asking', '$0 self completion install zsh --yes'],
      ['Show what would be written', '$0 self completion install bash --dry-run'],
      ['Rewrite the script even if unchanged', '$0 self completion install --force --yes'],
    ],
  });

  shell = Option.String({ required: false, name: 'bash|zsh|fish|powershell' });
  yes = Option.Boolean('-y,--yes', false, { description: 'Install without asking' });
  dryRun = Option.Boolean('--dry-run', false, { description: 'Only show what would be written' });
  force = Option.Boolean('-f,--force', false, {
    description: 'Rewrite the script even when it is up to date',
  });

  protected async run(): Promise<number> {
    const [{ completionInstall }, { commandIO }] = await Promise.all([
      import('../../../self/completion-install.ts'),
      import('../../../datarobot/command-io.ts'),
    ]);
    return completionInstall(commandIO(this), {
      action: 'install',
      shell: this.shell,
      yes: this.yes,
      dryRun: this.dryRun,
      force: this.force,
    });
  }
}
