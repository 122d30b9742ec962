// `dr self telemetry info`: show what is collected, what never is, and the next events to be sent.
import { Command } from 'clipanion';
import { DrCommand, outputFormatOption } from '../../../cli/dr-command.ts';
import { notImplementedYet } from '../../../cli/not-yet.ts';

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

  protected async run(): Promise<number> {
    return notImplementedYet('self telemetry info');
  }
}
