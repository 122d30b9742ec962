// `dr self completion`: print a shell completion script.
import { Command, Option } from 'clipanion';
import { isEnum } from 'typanion';
import { DrCommand } from '../../cli/dr-command.ts';

export class SelfCompletionCommand extends DrCommand {
  static override paths = [['self', 'completion']];
  static override usage = Command.Usage({
    category: 'Self',
    description: 'Print a shell completion script',
    details: `
      Prints a completion script for bash, zsh, fish or PowerShell, generated from dr's
      commands and their options. Load it from your shell's start-up file, or let
      \`dr self completion install\` put it where your shell looks for it.
    `,
    examples: [
      ['Enable completion in bash', 'source <($0 self completion bash)'],
      ['Enable completion in zsh', 'source <($0 self completion zsh)'],
      ['Install it for fish', '$0 self completion fish > ~/.config/fish/completions/dr.fish'],
      ['Load it in PowerShell', '$0 self completion powershell | Out-String | Invoke-Expression'],
      ['Install it for the shell you use', '$0 self completion install --yes'],
    ],
  });

  shell = Option.String({
    name: 'bash|zsh|fish|powershell',
    validator: isEnum(['bash', 'zsh', 'fish', 'powershell'] as const),
  });

  protected async run(): Promise<number> {
    const [{ printCompletionScript }, { commandIO }] = await Promise.all([
      import('../../self/completion.ts'),
      import('../../datarobot/command-io.ts'),
    ]);
    return printCompletionScript(commandIO(this), this.shell);
  }
}
