// `dr start` (the Go dr's `dr quickstart` too): the guided first run.
import { Command, Option } from 'clipanion';
import { DrCommand } from '../cli/dr-command.ts';

export class StartCommand extends DrCommand {
  static override paths = [['start'], ['quickstart']];
  static override usage = Command.Usage({
    category: 'Templates',
    description: 'Set up and start an application, step by step',
    details: `
      The guided first run, as the Go dr's \`dr start\`, in five steps.

      Login: checks that DataRobot accepts your login; on a terminal it offers \`dr auth login\`
      when you are not logged in (with --yes it logs in without asking).

      Template: in an application template's folder, uses it. Anywhere else, lets you pick one
      of your DataRobot's templates (or takes --template) and clones it, showing git's progress.

      Environment: fills the template's .env as \`dr dotenv setup --if-needed\` does. With --yes
      it takes the defaults without asking, and required keys still empty are named in a warning
      (the run goes on); without a terminal and without --yes they stop it (exit 1).

      Tools: checks the tools the template requires, as \`dr dependency check\` does, unless a
      check passed in the last 24 hours (the template's .datarobot/cli/state.yaml, shared with
      the Go dr, says so). When some are missing or too old it lists them with the commands that
      install them and asks before running those (a No stops it, exit 1; with --yes it installs
      them without asking, as the Go dr); without a terminal and without --yes it stops (exit 2)
      and says to run \`dr dependency install\`.

      Start: runs the template's \`task start\`, or else its quickstart script
      (.datarobot/cli/bin/quickstart*), asking first unless --yes. With neither, it says what to
      run next.

      Without a terminal it asks nothing: name the template with --template (or run it in the
      template's folder) and give --yes to install missing tools and run the quickstart script. DATAROBOT_CLI_NON_INTERACTIVE
      counts as --yes, as in the Go dr.
    `,
    examples: [
      ['Pick a template, clone it, set it up and start it', '$0 start'],
      ["The same, by the Go dr's other name", '$0 quickstart'],
      ['Start the template you are in without questions (installing missing tools)', '$0 start --yes'],
      ['Install the missing tools yourself first, then start', '$0 dependency install && $0 start'],
      ['Clone a given template and start it (scripts)', '$0 start --template "Talk to My Data" --yes'],
    ],
  });

  yes = Option.Boolean('-y,--yes', false, { description: 'Assume "yes" as the answer to every question' });
  template = Option.String('--template', { description: 'The template to clone, by id or name' });

  protected async run(): Promise<number> {
    const [{ start }, { commandIO }] = await Promise.all([
      import('../start/start.ts'),
      import('../datarobot/command-io.ts'),
    ]);
    return start(commandIO(this), {
      yes: this.yes,
      template: this.template,
      skipAuth: this.globals.skipAuth,
    });
  }
}
