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
      Sends every pending event in the spool now, also those waiting out a retry delay after an
      outage, with a progress bar on a terminal, then prints a summary: sent, dropped (with
      reasons), left and the next retry. A background drainer is stopped first and the flush
      takes over; a device Amplitude throttled keeps its pause. Exits non-zero if any event is
      left unsent.
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
    const [{ flushTelemetry }, { commandIO }] = await Promise.all([
      import('../../../self/telemetry/flush.ts'),
      import('../../../datarobot/command-io.ts'),
    ]);
    return flushTelemetry(commandIO(this), {
      timeoutMs: (this.timeout ?? 120) * 1000,
      outputFormat: this.outputFormat,
    });
  }
}
