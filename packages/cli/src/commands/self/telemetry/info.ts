// `dr self telemetry info`: show what is collected, what never is, and the next events to be sent.
import { Command, Option } from 'clipanion';
import { isNumber } from 'typanion';
import { DrCommand, outputFormatOption } from '../../../cli/dr-command.ts';

export class SelfTelemetryInfoCommand extends DrCommand {
  static override paths = [['self', 'telemetry', 'info']];
  static override usage = Command.Usage({
    category: 'Telemetry',
    description: 'Show what is collected, what never is, and the next events to be sent',
    details: `
      Explains what dr collects and what it never collects, then prints the exact JSON of the
      next pending events as they would be sent to Amplitude.
    `,
    examples: [['See what would be sent', '$0 self telemetry info']],
  });

  outputFormat = outputFormatOption();
  limit = Option.String('--limit', {
    description: 'How many pending events to show (default 5)',
    validator: isNumber(),
  });

  protected async run(): Promise<number> {
    const [{ showTelemetryInfo }, { commandIO }] = await Promise.all([
      import('../../../self/telemetry/info.ts'),
      import('../../../datarobot/command-io.ts'),
    ]);
    return showTelemetryInfo(commandIO(this), {
      limit: this.limit ?? 5,
      outputFormat: this.outputFormat,
    });
  }
}
