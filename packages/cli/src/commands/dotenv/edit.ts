// `dr dotenv edit`: open .env in your editor.
import { Command } from 'clipanion';
import { DrCommand } from '../../cli/dr-command.ts';

export class DotenvEditCommand extends DrCommand {
  static override paths = [['dotenv', 'edit']];
  static override usage = Command.Usage({
    category: 'Environment',
    description: 'Open .env in your editor',
    details: `
      Opens .env of the application folder (the root of the git repository you are in, or the
      current folder) in $VISUAL or $EDITOR (else vi; notepad on Windows). The editor setting is
      split on spaces and run without a shell, so \`code --wait\` works.
    `,
    examples: [['Edit .env', '$0 dotenv edit']],
  });

  protected async run(): Promise<number> {
    const [{ dotenvEdit }, { commandIO }] = await Promise.all([
      import('../../dotenv/edit.ts'),
      import('../../datarobot/command-io.ts'),
    ]);
    return dotenvEdit(commandIO(this));
  }
}
