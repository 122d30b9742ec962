// `dr self version`: what this build is, for bug reports and scripts.
import { buildInfo } from '@dr/shared';
import { Command, Option } from 'clipanion';
import { DrCommand, outputFormatOption } from '../../cli/dr-command.ts';

export class SelfVersionCommand extends DrCommand {
  static override paths = [['self', 'version']];
  static override usage = Command.Usage({
    category: 'Self',
    description: 'Show the version of dr and where it runs',
    details: `
      Prints the version of dr, the commit and date it was built from, the Node.js version that
      runs it, and the operating system and architecture. Include this in bug reports.
      With --short, only the version number (as the Go dr; --output-format json wins over it).
      \`dr --version\` and \`dr -V\` print the version number too.
    `,
    examples: [
      ['Show the version', '$0 self version'],
      ['Print only the version number', '$0 self version --short'],
      ['Show it as JSON for scripts', '$0 self version --output-format json'],
    ],
  });

  outputFormat = outputFormatOption();
  short = Option.Boolean('-s,--short', false, { description: 'Print only the version number (text only)' });

  protected async run(): Promise<number> {
    const info = {
      version: buildInfo.version,
      commit: buildInfo.commit,
      build_date: buildInfo.buildDate,
      node_version: process.versions.node,
      os: process.platform,
      arch: process.arch,
    };
    this.context.telemetry.record('self_version', {});
    if (this.outputFormat === 'json') {
      this.context.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
    } else if (this.short) {
      this.context.stdout.write(`${info.version}\n`);
    } else {
      this.context.stdout.write(
        `dr ${info.version} (commit ${info.commit}, built ${info.build_date})\n` +
          `Node.js ${info.node_version} on ${info.os}/${info.arch}\n`,
      );
    }
    return 0;
  }
}
