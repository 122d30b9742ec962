// `dr auth set-url`: choose which DataRobot installation to use.
import { Command, Option } from 'clipanion';
import { DrCommand } from '../../cli/dr-command.ts';

export class AuthSetUrlCommand extends DrCommand {
  static override paths = [['auth', 'set-url']];
  static override usage = Command.Usage({
    category: 'Authentication',
    description: 'Choose which DataRobot installation to use',
    details: `
      Stores the DataRobot endpoint in drconfig.yaml. Give 1, 2 or 3 for the US
      (app.datarobot.com), EU (app.eu.datarobot.com) or JP (app.jp.datarobot.com) cloud, or the
      URL of your own installation; it is stored with the /api/v2 suffix. Without an argument,
      asks for it.
    `,
    examples: [
      ['Use the EU cloud', '$0 auth set-url 2'],
      ['Use a self-managed installation', '$0 auth set-url https://datarobot.example.com'],
    ],
  });

  url = Option.String({ required: false, name: 'url' });

  protected async run(): Promise<number> {
    const [{ setUrl }, { commandIO }] = await Promise.all([
      import('../../auth/set-url.ts'),
      import('../../datarobot/command-io.ts'),
    ]);
    return setUrl(commandIO(this), this.url);
  }
}
