// `dr auth export`: print the credentials dr uses as shell statements that set them.
import { Command, Option } from 'clipanion';
import { DrCommand, outputFormatOption } from '../../cli/dr-command.ts';

export class AuthExportCommand extends DrCommand {
  static override paths = [['auth', 'export']];
  static override usage = Command.Usage({
    category: 'Authentication',
    description: 'Print shell statements that set DATAROBOT_ENDPOINT and DATAROBOT_API_TOKEN',
    details: `
      Prints the endpoint and the API token as statements that set DATAROBOT_ENDPOINT and
      DATAROBOT_API_TOKEN, so your shell and the DataRobot SDKs use the same credentials. Only
      the statements go to stdout; errors go to stderr, so a failure leaves nothing to evaluate.

      The credentials are, as the Go dr exports them: DATAROBOT_ENDPOINT (or
      DATAROBOT_API_ENDPOINT) and DATAROBOT_API_TOKEN when both are set, else the endpoint and
      token in drconfig.yaml as written by \`dr auth login\` (never one from each). The endpoint
      is printed as its API URL: \`https://<your-install>/api/v2\`, or the URL's own path when it
      has one (an installation serving the API under a prefix). It never calls DataRobot and
      never starts a login, so it is safe in a shell start-up file; run \`dr auth check\` to check
      the token. Exits 3 when no token is stored; 5 when no URL is, it is not a URL, or the
      token holds a line break, which cmd's \`set\` cannot hold.

      The syntax is that of the shell that ran dr (else $SHELL's; POSIX when neither is a shell
      dr knows): \`export NAME='value'\` for bash, zsh and other POSIX shells,
      \`set -gx NAME 'value'\` for fish, \`$env:NAME = 'value'\` for PowerShell, \`set NAME=value\`
      for cmd, as the Go dr prints them, except that fish gets a backslash doubled and PowerShell
      a typographic quote doubled (each shell would otherwise read them as syntax). --shell
      chooses it. \`--output-format json\` prints \`{"environment": {...}, "source": ...}\` instead.

      The output holds your API token in plain text: keep it out of shared terminals, logs and
      files under version control.
    `,
    examples: [
      ['Set the variables in bash or zsh', 'eval "$($0 auth export)"'],
      ['In fish', '$0 auth export | source'],
      ['In PowerShell', '$0 auth export | Out-String | Invoke-Expression'],
      ['In cmd.exe', 'for /f "usebackq delims=" %i in (`$0 auth export --shell cmd`) do @%i'],
      ['Save them for later sourcing', '$0 auth export --shell bash > ~/.datarobot-env'],
      ['As JSON, for programs', '$0 auth export --output-format json'],
    ],
  });

  shell = Option.String('--shell', {
    description: 'Shell syntax to print (bash, zsh, fish, powershell, cmd); default: the detected shell',
  });
  outputFormat = outputFormatOption();

  protected async run(): Promise<number> {
    const [{ exportCredentials }, { commandIO }] = await Promise.all([
      import('../../auth/export.ts'),
      import('../../datarobot/command-io.ts'),
    ]);
    return exportCredentials(commandIO(this), { shellName: this.shell, outputFormat: this.outputFormat });
  }
}
