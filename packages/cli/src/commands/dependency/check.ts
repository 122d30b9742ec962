// `dr dependency check`: are the tools the template requires installed, in the right versions?
import { Command } from 'clipanion';
import { DrCommand, outputFormatOption } from '../../cli/dr-command.ts';

export class DependencyCheckCommand extends DrCommand {
  static override paths = [
    ['dependency', 'check'],
    ['dependencies', 'check'],
    ['deps', 'check'],
  ];
  static override usage = Command.Usage({
    category: 'Dependencies',
    description: 'Check that the tools the template requires are installed',
    details: `
      Reads the tools the template requires from its \`.datarobot/cli/versions.yaml\` (each with a
      name, minimum-version, the command that prints its version, a URL and install commands),
      found in the current folder or the nearest parent that is a template folder; without one,
      checks the Go dr's defaults (Python 3.12.5, uv 0.11.20, task 3.50.0, Pulumi 3.245.0). Each
      tool is looked for on PATH and its version command run; the first version it prints is
      compared with the minimum. Prints a table (or JSON with --output-format json) and exits 1
      when a tool is missing or too old; \`dr dependency install\` installs them. A check that
      passes in a template is noted in its .datarobot/cli/state.yaml, as the Go dr notes it (\`dr start\`,
      this one's and the Go dr's, then skips the check for a day). Problems in
      versions.yaml are warned about on stderr. \`dr dependencies check\` and \`dr deps check\` (the Go
      dr's aliases) are the same command.
    `,
    examples: [
      ['Check the tools of the template you are in', '$0 dependency check'],
      ['The same, by the Go alias', '$0 deps check'],
      ['Check from a script', '$0 dependency check --output-format json'],
    ],
  });

  outputFormat = outputFormatOption();

  protected async run(): Promise<number> {
    const [{ dependencyCheck }, { commandIO }] = await Promise.all([
      import('../../dependency/check.ts'),
      import('../../datarobot/command-io.ts'),
    ]);
    return dependencyCheck(commandIO(this), { outputFormat: this.outputFormat });
  }
}
