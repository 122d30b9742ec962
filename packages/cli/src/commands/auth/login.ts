// `dr auth login`: log in to DataRobot and store an API token.
import { Command, Option } from 'clipanion';
import { DrCommand } from '../../cli/dr-command.ts';
import { caCertOption, skipCertificateCheckOption } from '../../datarobot/tls-flags.ts';

export class AuthLoginCommand extends DrCommand {
  static override paths = [['auth', 'login']];
  static override handlesInterrupt = true;
  static override usage = Command.Usage({
    category: 'Authentication',
    description: 'Log in to DataRobot and store an API token',
    details: `
      Opens DataRobot's developer tools page in your browser and waits (up to 5 minutes) for it
      to hand a new API key back to a listener on localhost:51164. The key is checked against
      the DataRobot API and stored in drconfig.yaml (mode 0600). With --no-browser, prints the
      page to open instead. Give a URL (or 1, 2, 3 for the US, EU and JP clouds) to log in to
      another installation.
    `,
    examples: [
      ['Log in to the configured DataRobot', '$0 auth login'],
      ['Log in to the EU cloud without opening a browser', '$0 auth login 2 --no-browser'],
    ],
  });

  url = Option.String({ required: false, name: 'url' });
  noBrowser = Option.Boolean('--no-browser', false, {
    description: 'Print the login page instead of opening a browser',
  });
  skipCertificateCheck = skipCertificateCheckOption();
  caCert = caCertOption();

  protected async run(): Promise<number> {
    const [{ login }, { commandIO }] = await Promise.all([
      import('../../auth/login.ts'),
      import('../../datarobot/command-io.ts'),
    ]);
    return login(commandIO(this), { url: this.url, noBrowser: this.noBrowser });
  }
}
