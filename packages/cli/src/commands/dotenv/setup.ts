// `dr dotenv setup`: create or fill .env from .env.template.
import { Command, Option } from 'clipanion';
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
      DATAROBOT_API_TOKEN are filled from your login.

      With --if-needed it does nothing when .env already sets every key of the template and
      every required one has a value (the environment and the template's defaults do not
      count). With --all it asks for every key, showing the current value (this needs a
      terminal). With --yes it asks nothing and takes the template's defaults. With --output it
      writes .env in another folder (with that folder's .env.template when it has one).

      When a required key is still empty, it writes what it could, names the keys and fails
      (exit 1). With --yes, or DATAROBOT_CLI_NON_INTERACTIVE set (the Go dr's automation
      variable, which also overrides --all), it only warns, naming the keys, and exits 0, as the
      Go dr does.
    `,
    examples: [
      ['Fill .env, asking for what is empty', '$0 dotenv setup'],
      ['Only when .env is not complete yet (scripts, Taskfiles)', '$0 dotenv setup --if-needed'],
      ['Review every value', '$0 dotenv setup --all'],
      ['Take the defaults without asking; warn about what is still empty', '$0 dotenv setup --yes'],
      ['Write .env in another folder', '$0 dotenv setup --output deploy/staging'],
    ],
  });

  ifNeeded = Option.Boolean('--if-needed', false, {
    description: 'Do nothing when .env already has every key of the template',
  });
  all = Option.Boolean('-a,--all', false, { description: 'Ask for every key, not only the empty ones' });
  yes = Option.Boolean('-y,--yes', false, {
    description: 'Ask nothing: take the defaults, and only warn about empty required keys',
  });
  output = Option.String('-o,--output', { description: 'The folder to write .env in' });

  protected async run(): Promise<number> {
    const [{ dotenvSetup }, { commandIO }] = await Promise.all([
      import('../../dotenv/setup.ts'),
      import('../../datarobot/command-io.ts'),
    ]);
    return dotenvSetup(commandIO(this), {
      ifNeeded: this.ifNeeded,
      all: this.all,
      yes: this.yes,
      outputDir: this.output,
    });
  }
}
