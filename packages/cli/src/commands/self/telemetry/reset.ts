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
    const [{ resetTelemetry }, { commandIO }] = await Promise.all([
      import('../../../self/telemetry/reset.ts'),
      import('../../../datarobot/command-io.ts'),
    ]);
    return resetTelemetry(commandIO(this));
  }
}
