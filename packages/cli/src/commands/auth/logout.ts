// `dr auth logout`: forget the stored DataRobot API token.
import { Command } from 'clipanion';
import { DrCommand } from '../../cli/dr-command.ts';

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
    const [{ logout }, { commandIO }] = await Promise.all([
      import('../../auth/logout.ts'),
      import('../../datarobot/command-io.ts'),
    ]);
    return logout(commandIO(this));
  }
}
