// `dr self telemetry status`: show whether telemetry is on, why, and what is waiting to be sent.
import { Command } from 'clipanion';
import { DrCommand, outputFormatOption } from '../../../cli/dr-command.ts';

export class SelfTelemetryStatusCommand extends DrCommand {
  static override paths = [['self', 'telemetry', 'status']];
  static override usage = Command.Usage({
    category: 'Telemetry',
    description: 'Show whether telemetry is on, why, and what is waiting to be sent',
    details: `
      Says whether usage telemetry is enabled and which rule decided it (flag, DO_NOT_TRACK,
      administrator policy, DR_TELEMETRY_ENABLED, CI, your choice), and shows the device id, the
      session, how many events wait in the spool, the oldest of them, the last successful send,
      the endpoint, and whether a background drainer is running and when it exits if no more
      events come (or what stands in its way).
    `,
    examples: [
      ['Show the status', '$0 self telemetry status'],
      ['Show it as JSON', '$0 self telemetry status --output-format json'],
    ],
  });

  outputFormat = outputFormatOption();

  protected async run(): Promise<number> {
    const [{ showTelemetryStatus }, { commandIO }] = await Promise.all([
      import('../../../self/telemetry/status.ts'),
      import('../../../datarobot/command-io.ts'),
    ]);
    return showTelemetryStatus(commandIO(this), this.outputFormat);
  }
}
