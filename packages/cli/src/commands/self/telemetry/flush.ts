// `dr self telemetry flush`: send pending telemetry now, in the foreground.
import { Command } from 'clipanion';
import { DrCommand, outputFormatOption } from '../../../cli/dr-command.ts';
import { notImplementedYet } from '../../../cli/not-yet.ts';

export class SelfTelemetryFlushCommand extends DrCommand {
  static override paths = [['self', 'telemetry', 'flush']];
  static override usage = Command.Usage({
    category: 'Telemetry',
    description: 'Send pending telemetry now, in the foreground',
    details: `
      Sends every due event in the spool now, with a progress bar on a terminal, then prints a
      summary: sent, dropped (with reasons), left and the next retry. Exits non-zero if due
      events could not be sent.
    `,
    examples: [
      ['Send pending events', '$0 self telemetry flush'],
      ['Get the summary as JSON', '$0 self telemetry flush --output-format json'],
    ],
  });

  outputFormat = outputFormatOption();

  protected async run(): Promise<number> {
    return notImplementedYet('self telemetry flush');
  }
}
