// `dr self config`: show the settings dr uses and where each comes from, secrets redacted.
import { Command } from 'clipanion';
import { DrCommand, outputFormatOption } from '../../cli/dr-command.ts';

export class SelfConfigCommand extends DrCommand {
  static override paths = [['self', 'config']];
  static override usage = Command.Usage({
    category: 'Self',
    description: 'Show the settings dr uses',
    details: `
      Prints the settings dr uses and where each comes from (environment, config file or unset):
      the config file, the DataRobot endpoint and API token (redacted), and the telemetry choice
      stored in the config. DATAROBOT_ENDPOINT (or DATAROBOT_API_ENDPOINT) and
      DATAROBOT_API_TOKEN win over the config file, as with the Go dr.
    `,
    examples: [
      ['Show the settings', '$0 self config'],
      ['Show them as JSON', '$0 self config --output-format json'],
    ],
  });

  outputFormat = outputFormatOption();

  protected async run(): Promise<number> {
    const [{ showConfig }, { commandIO }] = await Promise.all([
      import('../../self/config.ts'),
      import('../../datarobot/command-io.ts'),
    ]);
    return showConfig(commandIO(this), this.outputFormat);
  }
}
