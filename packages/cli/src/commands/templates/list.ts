// `dr templates list`: list the application templates you can use.
import { Command } from 'clipanion';
import { DrCommand, outputFormatOption } from '../../cli/dr-command.ts';
import { notImplementedYet } from '../../cli/not-yet.ts';

export class TemplatesListCommand extends DrCommand {
  static override paths = [['templates', 'list']];
  static override usage = Command.Usage({
    category: 'Templates',
    description: 'List the application templates you can use',
    details: `
      Fetches every application template from DataRobot (following pages) and prints them as a
      table, or as JSON with --output-format json.
    `,
    examples: [
      ['List templates', '$0 templates list'],
      ['List them as JSON', '$0 templates list --output-format json'],
    ],
  });

  outputFormat = outputFormatOption();

  protected async run(): Promise<number> {
    return notImplementedYet('templates list');
  }
}
