// `dr dotenv update`: refresh the DataRobot endpoint and token in .env.
import { Command } from 'clipanion';
import { DrCommand } from '../../cli/dr-command.ts';

export class DotenvUpdateCommand extends DrCommand {
  static override paths = [['dotenv', 'update']];
  static override usage = Command.Usage({
    category: 'Environment',
    description: 'Refresh the DataRobot endpoint and token in .env',
    details: `
      Checks your DataRobot login with the API, then writes the current DataRobot endpoint and
      token into .env as DATAROBOT_ENDPOINT and DATAROBOT_API_TOKEN, keeping every other line as
      it is. Run it after \`dr auth login\` gave you a new key.
    `,
    examples: [['Update .env after logging in again', '$0 dotenv update']],
  });

  protected async run(): Promise<number> {
    const [{ dotenvUpdate }, { commandIO }] = await Promise.all([
      import('../../dotenv/update.ts'),
      import('../../datarobot/command-io.ts'),
    ]);
    return dotenvUpdate(commandIO(this));
  }
}
