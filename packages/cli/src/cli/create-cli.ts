// The clipanion CLI for one command line. Loading command classes and compiling clipanion's state
// machine cost time at every start, so only what the line can reach is registered; lists of
// commands are printed by a CLI of their own that never parses.
import { buildInfo, ExitCode } from '@dr/shared';
import { Builtins, Cli, Command, type CommandClass, Option } from 'clipanion';
import { type DeclaredOption, declaredOptions } from '../telemetry/command-facts.ts';
import { commandNamedBy, commandsOfGroup, GROUP_PATHS, isListLine } from './argv.ts';
import { loadCommands } from './command-tree.ts';
import { compareNames } from './compare-names.ts';
import type { DrContext } from './context.ts';
import { globalOptionsHelp } from './global-options.ts';
import { isTerminal } from './standard-streams.ts';

/** `dr`, `dr --help`, a group alone (`dr self`): the list of commands. It declares no option. */
export class ListCommandsCommand extends Command<DrContext> {
  static override paths = [Command.Default, ['-h'], ['--help'], ...GROUP_PATHS];
  rest = Option.Rest();
  async execute(): Promise<number> {
    let list: string;
    try {
      list = `${(await listingCli(this.path)).usage(null)}\n${globalOptionsHelp()}`;
    } catch (error) {
      this.context.failure = error;
      this.context.stderr.write(loadFailureText(error, this.context.globals?.debug === true));
      return ExitCode.failure;
    }
    if (this.rest.length === 0) {
      this.context.stdout.write(list);
      return ExitCode.ok;
    }
    const typed = [...this.path, ...this.rest].join(' ');
    this.context.stderr.write(
      `Unknown command: dr ${typed}. Run \`dr --help\` to see every command.\n\n${list}`,
    );
    return ExitCode.usage;
  }
}

/** `dr --version` and `dr -V` (`-v` is `--verbose`, as in the Go dr). */
export class VersionCommand extends Builtins.VersionCommand {
  static override paths = [['-V'], ['--version']];
}

/** A CLI with the commands of the group `path` names (or all), for their usage only. */
export async function listingCli(path: readonly string[]): Promise<Cli<DrContext>> {
  return cliOf(await loadCommands(commandsOfGroup(path[0])));
}

/**
 * The CLI for `args`: the command the line names, or the version builtin, or the list command;
 * else the group it names (or all) with both, for suggestions and options before a path.
 */
export async function createCli(args: readonly string[] = []): Promise<Cli<DrContext>> {
  return cliOf(await commandsReachableFrom(args));
}

async function commandsReachableFrom(args: readonly string[]): Promise<CommandClass<DrContext>[]> {
  const named = commandNamedBy(args);
  if (named !== undefined) return [await named.entry.load()];
  const first = args[0];
  if (args.length === 1 && (first === '--version' || first === '-V')) return [VersionCommand];
  if (isListLine(args)) return [ListCommandsCommand];
  return [ListCommandsCommand, VersionCommand, ...(await loadCommands(commandsOfGroup(first)))];
}

function cliOf(commands: readonly CommandClass<DrContext>[]): Cli<DrContext> {
  const cli = new Cli<DrContext>({
    binaryLabel: 'DataRobot CLI',
    binaryName: 'dr',
    binaryVersion: buildInfo.version,
    compareNames,
  });
  // Found out only when help or an error is printed: on a character device it loads tty.
  let colors: boolean | undefined;
  Object.defineProperty(cli, 'enableColors', {
    get: () => {
      const { env } = process;
      colors ??= env.NO_COLOR === undefined && env.TERM !== 'dumb' && isTerminal(1);
      return colors;
    },
    configurable: true,
  });
  for (const command of commands) cli.register(command);
  return cli;
}

/** The options the registered command at `path` declares (the global ones are on none). */
export function optionsDeclaredBy(cli: Cli<DrContext>, path: readonly string[]): DeclaredOption[] {
  const definition = cli.definitions().find((entry) => entry.path === `dr ${path.join(' ')}`);
  return declaredOptions(definition?.options.map((option) => option.definition) ?? []);
}

/** A part of the installed program is missing or unreadable: one line (and the stack under --debug). */
export function loadFailureText(error: unknown, debug: boolean): string {
  const [firstLine] = (error instanceof Error ? error.message : String(error)).split('\n', 1);
  const stack = debug && error instanceof Error && error.stack ? `${error.stack}\n` : '';
  return `Error: dr could not load its commands: ${firstLine} (reinstall dr)\n${stack}`;
}
