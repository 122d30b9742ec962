// `dr auth logout`: forget the stored DataRobot API token.
import { Command } from 'clipanion';
import { DrCommand } from '../../cli/dr-command.ts';
import { notImplementedYet } from '../../cli/not-yet.ts';

export class AuthLogoutCommand extends DrCommand {
  static override paths = [['auth', 'logout']];
  static override usage = Command.Usage({
    category: 'Authentication',
    description: 'Forget the stored DataRobot API token',
    details: `
      Removes the API token from drconfig.yaml. The endpoint stays, so \`dr auth login\` logs in
      to the same place again.
    `,
    examples: [['Log out', '$0 auth logout']],
  });

  protected async run(): Promise<number> {
    return notImplementedYet('auth logout');
  }
}
