// `dr task compose`: generate the root Taskfile of a template from its components' Taskfiles.
import { Command, Option } from 'clipanion';
import { DrCommand } from '../../cli/dr-command.ts';

export class TaskComposeCommand extends DrCommand {
  static override paths = [['task', 'compose']];
  static override usage = Command.Usage({
    category: 'Tasks',
    description: "Compose the template's root Taskfile.yaml from its components' Taskfiles",
    details: `
      Run in a template folder (one with .datarobot/answers, or .datarobot/cli holding more than
      state.yaml). Finds the Taskfile.yaml or Taskfile.yml of every component up to two folders
      deep (hidden folders skipped), and writes a root Taskfile.yaml (or the existing
      Taskfile.yml, overwritten) that includes each one under its folder's name, loads .env, and
      adds root tasks (start, lint, install, uninstall, reinstall, test, dev, deploy, deploy-dev)
      that run the components' tasks of the same name, as go-task lists them (so the \`task\`
      binary should be on PATH). The file is rendered from --template, else the folder's
      .Taskfile.template, else the Go dr's own template, in Go's template language (fields such as
      .Includes, .HasDev, .DevComponents, .DevPorts; .taskfile-data.yaml gives the dev ports).
      As the Go dr does, a line for the other spelling (/Taskfile.yml when it wrote
      Taskfile.yaml, and the reverse) is added to the top of .gitignore, unless there. Fails when
      a component Taskfile has its own dotenv directive.
    `,
    examples: [
      ['Generate Taskfile.yaml in the template folder', '$0 task compose'],
      ['Use your own Taskfile template', '$0 task compose --template .datarobot/taskfile.template'],
    ],
  });

  template = Option.String('-t,--template', {
    description: 'A Taskfile template (Go template language) to render',
  });

  protected async run(): Promise<number> {
    const [{ taskCompose }, { commandIO }] = await Promise.all([
      import('../../task/compose.ts'),
      import('../../datarobot/command-io.ts'),
    ]);
    return taskCompose(commandIO(this), { template: this.template });
  }
}
