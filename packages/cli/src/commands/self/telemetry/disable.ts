// `dr self telemetry disable`: turn usage telemetry off.
import { Command, Option } from 'clipanion';
import { DrCommand } from '../../../cli/dr-command.ts';

export class SelfTelemetryDisableCommand extends DrCommand {
  static override paths = [['self', 'telemetry', 'disable']];
  static override usage = Command.Usage({
    category: 'Telemetry',
    description: 'Turn usage telemetry off',
    details: `
      Stores your choice in drconfig.yaml. Nothing is recorded or sent from then on, and no
      background process is started. The optional reason is kept on this machine only and never
      sent.
    `,
    examples: [
      ['Turn telemetry off', '$0 self telemetry disable'],
      ['Say why (kept locally)', "$0 self telemetry disable --reason 'company policy'"],
    ],
  });

  reason = Option.String('--reason', { description: 'Why you turn it off (stored locally, never sent)' });

  protected async run(): Promise<number> {
    const [{ disableTelemetry }, { commandIO }] = await Promise.all([
      import('../../../self/telemetry/consent.ts'),
      import('../../../datarobot/command-io.ts'),
    ]);
    return disableTelemetry(commandIO(this), this.reason);
  }
}
