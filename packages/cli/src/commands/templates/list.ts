// `dr templates list`: list the application templates you can use.
import { Command } from 'clipanion';
import { DrCommand, outputFormatOption } from '../../cli/dr-command.ts';

export class TemplatesListCommand extends DrCommand {
  static override paths = [
    ['templates', 'list'],
    ['template', 'list'],
  ];
  static override usage = Command.Usage({
    category: 'Templates',
    description: 'List the application templates you can use',
    details: `
      Fetches every application template from DataRobot (following pages) and prints them as a
      table, or as JSON with --output-format json. \`dr template list\` (the Go dr's name) is the
      same command.
    `,
    examples: [
      ['List templates', '$0 templates list'],
      ["The same, by the Go dr's name", '$0 template list'],
      ['List them as JSON', '$0 templates list --output-format json'],
    ],
  });

  outputFormat = outputFormatOption();

  protected async run(): Promise<number> {
    const [{ templatesList }, { commandIO }] = await Promise.all([
      import('../../templates/list.ts'),
      import('../../datarobot/command-io.ts'),
    ]);
    return templatesList(commandIO(this), this.outputFormat);
  }
}
