// `dr auth check`: check that the stored credentials work.
import { Command } from 'clipanion';
import { DrCommand } from '../../cli/dr-command.ts';

export class AuthCheckCommand extends DrCommand {
  static override paths = [['auth', 'check']];
  static override usage = Command.Usage({
    category: 'Authentication',
    description: 'Check that the stored credentials work',
    details: `
      Calls the DataRobot API with the configured endpoint and token (or DATAROBOT_ENDPOINT and
      DATAROBOT_API_TOKEN) and says whether they are accepted. Exits non-zero when they are
      missing or rejected.
    `,
    examples: [['Check the credentials', '$0 auth check']],
  });

  protected async run(): Promise<number> {
    const [{ checkAuth }, { commandIO }] = await Promise.all([
      import('../../auth/check.ts'),
      import('../../datarobot/command-io.ts'),
    ]);
    return checkAuth(commandIO(this));
  }
}
