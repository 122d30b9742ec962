// `dr self telemetry reset`: forget this device: new device id, empty spool.
import { Command } from 'clipanion';
import { DrCommand } from '../../../cli/dr-command.ts';

export class SelfTelemetryResetCommand extends DrCommand {
  static override paths = [['self', 'telemetry', 'reset']];
  static override usage = Command.Usage({
    category: 'Telemetry',
    description: 'Forget this device: new device id, empty spool',
    details: `
      Creates a new random device id and deletes every event waiting in the spool, so nothing
      recorded so far can be linked to what is recorded next.
    `,
    examples: [['Reset telemetry identity', '$0 self telemetry reset']],
  });

  protected async run(): Promise<number> {
    this.context.telemetry.stopRecording();
    const { resetTelemetry } = await import('../../../telemetry/manage/reset.ts');
    return resetTelemetry({
      paths: await this.filePaths(),
      env: this.context.env,
      stdout: this.context.stdout,
    });
  }
}
