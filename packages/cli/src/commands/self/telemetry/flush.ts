// `dr self telemetry flush`: send pending telemetry now, in the foreground.
import { Command, Option } from 'clipanion';
import { isNumber } from 'typanion';
import { DrCommand, outputFormatOption } from '../../../cli/dr-command.ts';

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
  timeout = Option.String('--timeout', {
    description: 'Give up after this many seconds (default 120)',
    validator: isNumber(),
  });

  protected async run(): Promise<number> {
    const { flushTelemetry } = await import('../../../telemetry/manage/flush.ts');
    return flushTelemetry({
      paths: await this.filePaths(),
      env: this.context.env,
      disableFlag: this.disableTelemetry,
      timeoutMs: (this.timeout ?? 120) * 1000,
      outputFormat: this.outputFormat,
      stdout: this.context.stdout,
      stderr: this.context.stderr,
    });
  }
}
