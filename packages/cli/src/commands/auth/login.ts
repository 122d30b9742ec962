// `dr auth login`: log in to DataRobot and store an API token.

import { DrError } from '@dr/shared';
import { Command, Option } from 'clipanion';
import { DrCommand } from '../../cli/dr-command.ts';

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
      another installation. Under --skip-auth (or DATAROBOT_CLI_SKIP_AUTH=true) it refuses, as
      the Go dr does.
    `,
    examples: [
      ['Log in to the configured DataRobot', '$0 auth login'],
      ['Log in to the EU cloud without opening a browser', '$0 auth login 2 --no-browser'],
      [
        'Log in to an installation with a private CA',
        '$0 auth login https://dr.example.com --ca-cert ./ca.pem',
      ],
    ],
  });

  url = Option.String({ required: false, name: 'url' });
  noBrowser = Option.Boolean('--no-browser', false, {
    description: 'Print the login page instead of opening a browser',
  });

  protected async run(): Promise<number> {
    if (this.globals.skipAuth) {
      throw new DrError(
        'AUTH_SKIPPED',
        "Login has been disabled via the '--skip-auth' flag (or DATAROBOT_CLI_SKIP_AUTH): run without it to log in.",
      );
    }
    const [{ login }, { commandIO }] = await Promise.all([
      import('../../auth/login.ts'),
      import('../../datarobot/command-io.ts'),
    ]);
    return login(commandIO(this), { url: this.url, noBrowser: this.noBrowser });
  }
}
