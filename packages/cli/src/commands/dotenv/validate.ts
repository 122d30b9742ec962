// `dr dotenv validate`: check that .env has every value the template needs.
import { Command } from 'clipanion';
import { DrCommand } from '../../cli/dr-command.ts';

export class DotenvValidateCommand extends DrCommand {
  static override paths = [['dotenv', 'validate']];
  static override usage = Command.Usage({
    category: 'Environment',
    description: 'Check that .env has every value the template needs',
    details: `
      Checks that every key of .env.template is present and non-empty in .env unless the
      template gives it a default, and that the DataRobot endpoint and token are set. Names each
      missing key and exits non-zero if any is missing.
    `,
    examples: [['Validate .env', '$0 dotenv validate']],
  });

  protected async run(): Promise<number> {
    const [{ dotenvValidate }, { commandIO }] = await Promise.all([
      import('../../dotenv/validate.ts'),
      import('../../datarobot/command-io.ts'),
    ]);
    return dotenvValidate(commandIO(this));
  }
}
