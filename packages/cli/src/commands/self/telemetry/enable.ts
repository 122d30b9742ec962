// `dr self telemetry enable`: turn usage telemetry on.
import { Command } from 'clipanion';
import { DrCommand } from '../../../cli/dr-command.ts';

export class SelfTelemetryEnableCommand extends DrCommand {
  static override paths = [['self', 'telemetry', 'enable']];
  static override usage = Command.Usage({
    category: 'Telemetry',
    description: 'Turn usage telemetry on',
    details: `
      Stores your consent in drconfig.yaml. An administrator's policy file, DO_NOT_TRACK,
      DATAROBOT_CLI_DISABLE_TELEMETRY and the --disable-telemetry flag still win; the command
      says so when one of them keeps telemetry off.
    `,
    examples: [['Turn telemetry on', '$0 self telemetry enable']],
  });

  protected async run(): Promise<number> {
    const [{ enableTelemetry }, { commandIO }] = await Promise.all([
      import('../../../self/telemetry/consent.ts'),
      import('../../../datarobot/command-io.ts'),
    ]);
    return enableTelemetry(commandIO(this));
  }
}
