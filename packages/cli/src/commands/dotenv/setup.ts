// `dr dotenv setup`: create or fill .env from .env.template.
import { Command } from 'clipanion';
import { DrCommand } from '../../cli/dr-command.ts';

export class DotenvSetupCommand extends DrCommand {
  static override paths = [['dotenv', 'setup']];
  static override usage = Command.Usage({
    category: 'Environment',
    description: 'Create or fill .env from .env.template',
    details: `
      Reads .env.template in the application folder (the root of the git repository you are in,
      or the current folder) and writes .env (mode 0600), asking for each empty value on a
      terminal (secrets are masked). Values already in .env are kept. DATAROBOT_ENDPOINT and
      DATAROBOT_API_TOKEN are filled from your login. Without a terminal, template defaults are
      used, and the command fails naming every required key that is still empty.
    `,
    examples: [['Fill .env', '$0 dotenv setup']],
  });

  protected async run(): Promise<number> {
    const [{ dotenvSetup }, { commandIO }] = await Promise.all([
      import('../../dotenv/setup.ts'),
      import('../../datarobot/command-io.ts'),
    ]);
    return dotenvSetup(commandIO(this));
  }
}
