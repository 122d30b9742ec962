// `dr self completion`: print a shell completion script.
import { Command, Option } from 'clipanion';
import { DrCommand } from '../../cli/dr-command.ts';
import { notImplementedYet } from '../../cli/not-yet.ts';

export class SelfCompletionCommand extends DrCommand {
  static override paths = [['self', 'completion']];
  static override usage = Command.Usage({
    category: 'Self',
    description: 'Print a shell completion script',
    details: `
      Prints a completion script for bash, zsh or fish. Load it from your shell's start-up file.
    `,
    examples: [
      ['Enable completion in bash', 'source <($0 self completion bash)'],
      ['Install it for fish', '$0 self completion fish > ~/.config/fish/completions/dr.fish'],
    ],
  });

  shell = Option.String({ name: 'bash|zsh|fish' });

  protected async run(): Promise<number> {
    return notImplementedYet('self completion');
  }
}
