// The runner: parses argv with clipanion, prints help and usage errors, runs the command and
// returns its exit code. Usage errors go to stderr with exit 2 and never show a stack unless
// --debug is given. Nothing here calls process.exit: bin/dr does, once, with the code returned.
import { buildInfo, DrError, ExitCode } from '@dr/shared';
import { Builtins, Cli, Command, type CommandClass, Option } from 'clipanion';
import { type CommandFacts, declaredOptions } from '../telemetry/command-facts.ts';
import {
  type CommandEntry,
  commandGroups,
  commandsNamedBy,
  commandTree,
  GROUP_WORDS,
  groupNamed,
  loadCommands,
} from './command-tree.ts';
import { compareNames } from './compare-names.ts';
import type { DrContext } from './context.ts';
import {
  EnvironmentValueError,
  globalOptionsHelp,
  globalsWithEnvironment,
  OUTPUT_FORMATS,
} from './global-options.ts';
import { isTerminal } from './standard-streams.ts';
import {
  beginTelemetry,
  factsOf,
  GLOBAL_OPTION_DEFINITIONS,
  mayAskForConsent,
  optionsDeclaredBy,
  splitGlobalOptions,
} from './telemetry-middleware.ts';

/** The groups alone, each a line that lists its commands (`dr self`, `dr self telemetry`). */
const LIST_PATHS: string[][] = [...GROUP_WORDS.map((group) => [group]), ['self', 'telemetry']];

/** Options that every command takes; accepted before the command path too (`dr --debug auth check`). */
const GLOBAL_OPTIONS = declaredOptions(GLOBAL_OPTION_DEFINITIONS);
const GLOBAL_VALUE_FLAGS = new Set(GLOBAL_OPTIONS.filter((o) => o.takesValue).flatMap((o) => o.names));

/**
 * `dr`, `dr --help`, and a group alone (`dr self`, `dr self telemetry`): the list of commands.
 * A group followed by a word that is no command of it is an unknown command. It declares no
 * option: the runner takes the global options off such a line (`dr --debug`, `dr self
 * --verbose`), as options on each of its nine paths would make `dr --help` 30 ms slower.
 */
class ListCommandsCommand extends Command<DrContext> {
  static override paths = [Command.Default, ['-h'], ['--help'], ...LIST_PATHS];
  rest = Option.Rest();
  async execute(): Promise<number> {
    let list: string;
    try {
      list = await listOfCommands(this.path);
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

/**
 * `dr --version` and `dr -V`: the version alone. `-V`, as in the Go dr, where `-v` is
 * `--verbose` (the runner reads it as such).
 */
export class VersionCommand extends Builtins.VersionCommand {
  static override paths = [['-V'], ['--version']];
}

/** The commands a list line names: its group's (`dr auth`, `dr self telemetry`), or all. */
function commandsOfGroup(first: string | undefined): readonly CommandEntry[] {
  const group = first === undefined ? undefined : groupNamed(first);
  return group === undefined ? commandTree : commandGroups[group];
}

/** The list `dr --help` prints: the usage of each command `path` lists, then the global options. */
async function listOfCommands(path: readonly string[]): Promise<string> {
  return `${(await listingCli(path)).usage(null)}\n${globalOptionsHelp()}`;
}

/**
 * The CLI that lists the commands of the group `path` names (or all): they are registered with a
 * CLI of their own, which is never asked to parse, so their state machine is never built.
 */
export async function listingCli(path: readonly string[]): Promise<Cli<DrContext>> {
  const listing = newCli();
  for (const command of await loadCommands(commandsOfGroup(path[0]))) listing.register(command);
  return listing;
}

/**
 * Builds the CLI for one command line. Loading command classes and compiling clipanion's state
 * machine cost time at every start, so only what `args` can reach is loaded and registered: the
 * command whose path the line starts with; `dr --version` alone, the version builtin alone; a
 * list line (`dr`, `dr --help`, `dr self`), the list command alone (it loads what it lists).
 * Any other line registers the group it names (or every command) with the list and version
 * commands, so "unknown command", suggestions and options before a path still work.
 */
export async function createCli(args: readonly string[] = []): Promise<Cli<DrContext>> {
  const cli = newCli();
  for (const command of await commandsReachableFrom(args)) cli.register(command);
  return cli;
}

function newCli(): Cli<DrContext> {
  const cli = new Cli<DrContext>({
    binaryLabel: 'DataRobot CLI',
    binaryName: 'dr',
    binaryVersion: buildInfo.version,
    // Help sorts categories and commands as clipanion would, without loading ICU's collation.
    compareNames,
  });
  // Whether help and errors are in color: found out only when one is printed, as finding out
  // on a character device loads tty (patches/clipanion@3.2.1.patch reads it only then).
  let colors: boolean | undefined;
  Object.defineProperty(cli, 'enableColors', {
    get: () => {
      colors ??= wantsColors();
      return colors;
    },
    configurable: true,
  });
  return cli;
}

async function commandsReachableFrom(args: readonly string[]): Promise<CommandClass<DrContext>[]> {
  const named = commandsNamedBy(args);
  if (named.length > 0) return loadCommands(named);
  const first = args[0];
  if (args.length === 1 && (first === '--version' || first === '-V')) return [VersionCommand];
  if (isListLine(args)) return [ListCommandsCommand];
  return [ListCommandsCommand, VersionCommand, ...(await loadCommands(commandsOfGroup(first)))];
}

function isListLine(args: readonly string[]): boolean {
  if (args.length === 0) return true;
  if (args.length === 1 && isHelpFlag(args[0]!)) return true;
  return LIST_PATHS.some((path) => path.length === args.length && path.every((word, i) => args[i] === word));
}

export async function runCli(argv: readonly string[], context: DrContext): Promise<number> {
  const split = splitGlobalOptions(argv);
  let globals = split.globals;
  let lineProblem: unknown;
  try {
    globals = globalsWithEnvironment(split.globals, split.setOnLine, context.env);
  } catch (error) {
    lineProblem = error;
  }
  context.globals = globals;
  let args = lineToParse(split.rest);
  const { debug } = globals;
  // Stacks point into the minified bundle; under --debug map them back to the sources.
  if (debug) process.setSourceMapsEnabled(true);
  let cli: Cli<DrContext>;
  try {
    cli = await createCli(args);
  } catch (error) {
    // A part of the installed program is missing or unreadable: say so in one line.
    context.stderr.write(loadFailureText(error, debug));
    return ExitCode.failure;
  }
  let command: Command<DrContext> | undefined;
  let usageError: unknown;
  const given = [...split.given];
  try {
    if (lineProblem !== undefined) throw lineProblem;
    const outputFormat = await outputFormatTakenOff(cli, args);
    if (outputFormat !== undefined) {
      args = outputFormat.rest;
      given.push('output-format');
    }
    command = cli.process(args, context);
    const bare = optionLeftWithoutValue(cli, command, split.bareBefore);
    if (bare !== undefined) {
      const usage = cli.usage(command.constructor as CommandClass<DrContext>, { colored: false });
      usageError = new MissingValueError(bare, usage);
      command = undefined;
    }
  } catch (error) {
    usageError = error;
  }
  // What telemetry records about the line; worked out only when it records (it costs a little).
  let lineFacts: CommandFacts | undefined;
  const facts = () => {
    lineFacts ??= factsOf(cli, args, given);
    return lineFacts;
  };
  const telemetry = await beginTelemetry(
    globals,
    context,
    () => command !== undefined && mayAskForConsent(command, facts(), args),
  );
  context.telemetry = telemetry;
  // Ctrl-C still records how the command ended. A command that handles Ctrl-C itself (task run
  // waits for its task, auth login closes its listener) finishes in its own way and its own
  // exit code is recorded below; otherwise the run ends here with 130, as the shell expects.
  let interrupted = false;
  const handlesInterrupt = (command?.constructor as { handlesInterrupt?: boolean } | undefined)
    ?.handlesInterrupt;
  const onInterrupt = () => {
    interrupted = true;
    if (handlesInterrupt === true) return;
    telemetry.commandFinished(facts(), ExitCode.interrupted, interruption());
    telemetry.finish();
    process.exit(ExitCode.interrupted);
  };
  if (telemetry.active) {
    process.on('SIGINT', onInterrupt);
    telemetry.commandStarted(facts());
  }
  let exitCode: number;
  let unreported: unknown;
  if (command === undefined) {
    context.stderr.write(
      usageError instanceof EnvironmentValueError
        ? `Error: ${usageError.message}\n`
        : usageErrorText(cli, usageError, args),
    );
    if (debug && usageError instanceof Error && usageError.stack)
      context.stderr.write(`${usageError.stack}\n`);
    exitCode = ExitCode.usage;
  } else {
    try {
      exitCode = await cli.run(command, context);
      // clipanion answers `<command> --help` with its own help command; add the global options.
      if ((command.help || isHelpRequest(args)) && !(command instanceof ListCommandsCommand)) {
        // The global options, listed once under every help text.
        context.stdout.write(`\n${globalOptionsHelp()}`);
      }
    } catch (error) {
      // Output that cannot be written (help to a full disk): clipanion's own report of it went
      // to the same output, so it is said once, here, on stderr.
      unreported = error;
      exitCode = error instanceof DrError ? error.exitCode : ExitCode.failure;
      context.stderr.write(`Error: ${messageOf(error)}\n`);
    }
  }
  process.off('SIGINT', onInterrupt);
  // clipanion runs a command with a copy of the context: the failure is on the command's own.
  const failure =
    command?.context.failure ??
    usageError ??
    unreported ??
    (interrupted && exitCode !== 0 ? interruption() : undefined);
  if (telemetry.active) telemetry.commandFinished(facts(), exitCode, failure);
  telemetry.finish();
  return exitCode;
}

/**
 * clipanion's report of a usage error. On a line that names no command (`dr --frobnicate`,
 * `dr auth --config`) it would follow with the usage of every candidate, the list command's
 * being an empty `$ dr ...`: one reason and where to look are said instead.
 */
function usageErrorText(cli: Cli<DrContext>, error: unknown, args: readonly string[]): string {
  const text = cli.error(error, { colored: false });
  const [first = ''] = text.split('\n', 1);
  const label = first.slice(0, first.indexOf(': ') + 2);
  // A global option left on the line has no value (it comes off only with one).
  const valueless = lineOf(args).find((word) => GLOBAL_VALUE_FLAGS.has(word));
  const missing =
    valueless === undefined ? undefined : `${label}Not enough arguments to option ${valueless}.`;
  if (commandsNamedBy(args).length > 0) {
    if (missing === undefined) return text;
    // The usage of the command: clipanion's `$ dr …` line, or the first of its candidates.
    const lines = text.split('\n');
    const usage =
      lines.find((line) => line.startsWith('$ ')) ??
      lines.find((line) => /^ +0\. /.test(line))?.replace(/^ +0\. /, '$ ');
    return usage === undefined ? `${missing}\n` : `${missing}\n\n${usage}\n`;
  }
  let reason = missing ?? first;
  // "Command not found; did you mean (one of):", "Cannot find which to pick amongst …:"
  if (missing === undefined && first.endsWith(':')) {
    reason = `${label}No command matches \`dr ${args.join(' ')}\`.`;
  }
  return `${reason}\nRun \`dr --help\` to see every command.\n`;
}

/** The words of `args` before a `--` separator. */
function lineOf(args: readonly string[]): readonly string[] {
  const end = args.indexOf('--');
  return end === -1 ? args : args.slice(0, end);
}

/** A part of the installed program is missing or unreadable: one line (and the stack under --debug). */
function loadFailureText(error: unknown, debug: boolean): string {
  const [firstLine] = messageOf(error).split('\n', 1);
  const stack = debug && error instanceof Error && error.stack ? `${error.stack}\n` : '';
  return `Error: dr could not load its commands: ${firstLine} (reinstall dr)\n${stack}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function interruption(): DrError {
  return new DrError('INTERRUPTED', 'Interrupted.', { exitCode: ExitCode.interrupted });
}

/**
 * The line clipanion parses, from a line whose global options came off (splitGlobalOptions):
 * declared on each command, they made every start build a parser about twice the size.
 *
 * On a line whose first words name no command, `--help` after a group comes off too (`dr auth
 * --help` is `dr auth`, the group's list; clipanion would print the list command's own, empty,
 * help), and `--help` among a command's path words asks for that command's help (`dr auth
 * --help logout`). A line that names a command after its options (`dr --output-format json
 * self version`) is left to clipanion.
 */
function lineToParse(words: string[]): string[] {
  if (commandsNamedBy(words).length > 0) return words;
  const line = lineOf(words);
  const separated = words.slice(line.length);
  const withoutHelp = line.filter((arg) => !isHelpFlag(arg));
  const askedHelp = withoutHelp.length < line.length;
  if (askedHelp && commandsNamedBy(withoutHelp).length > 0) return [...withoutHelp, '--help', ...separated];
  if (withoutHelp.some((_, start) => commandsNamedBy(withoutHelp.slice(start)).length > 0)) return words;
  if (withoutHelp.length === 0 && askedHelp) return ['--help', ...separated];
  return [...withoutHelp, ...separated];
}

/**
 * `--output-format` on a line whose command does not declare it (`dr auth check --output-format
 * json`), or that names no command (`dr --output-format json`): taken off, its value checked, as
 * the Go dr's persistent flag is accepted by every command and only those with data print json.
 * Undefined when the line has none, or its command declares it (the command reads it then).
 */
async function outputFormatTakenOff(
  cli: Cli<DrContext>,
  args: readonly string[],
): Promise<{ rest: string[] } | undefined> {
  const line = lineOf(args);
  const at = line.findIndex((word) => word === '--output-format' || word.startsWith('--output-format='));
  if (at === -1) return undefined;
  let usage: string | undefined;
  for (let start = 0; start < line.length; start += 1) {
    const [named] = commandsNamedBy(args.slice(start));
    if (named === undefined) continue;
    const declares = optionsDeclaredBy(cli, named.paths[0]!).some((option) =>
      option.names.includes('--output-format'),
    );
    if (declares) return undefined;
    usage = cli.usage(await named.load(), { colored: false });
    break;
  }
  const word = line[at]!;
  const inline = word.includes('=');
  const value = inline ? word.slice(word.indexOf('=') + 1) : line[at + 1];
  if (value === undefined || (!inline && value.startsWith('-'))) {
    throw new MissingValueError('--output-format', usage);
  }
  if (!(OUTPUT_FORMATS as readonly string[]).includes(value)) {
    const expected = OUTPUT_FORMATS.map((format) => `"${format}"`).join(' or ');
    throw new LineUsageError(
      `Invalid value for --output-format: expected one of ${expected} (got "${value}")`,
      usage,
    );
  }
  const rest = [...args];
  rest.splice(at, inline ? 1 : 2);
  return { rest };
}

/**
 * An option of the parsed command that takes a value but was followed by a global option, which
 * came off the line (`dr task run --dir --debug build`): clipanion, seeing an option there,
 * would have said the value is missing, and so does the runner.
 */
function optionLeftWithoutValue(
  cli: Cli<DrContext>,
  command: Command<DrContext>,
  bareBefore: readonly string[],
): string | undefined {
  if (bareBefore.length === 0) return undefined;
  const valued = new Set(
    optionsDeclaredBy(cli, command.path)
      .filter((option) => option.takesValue)
      .flatMap((option) => option.names),
  );
  return bareBefore.find((option) => valued.has(option));
}

/** An option given without its value: reported as clipanion reports it (`usage`: `$ dr …`). */
class MissingValueError extends Error {
  constructor(option: string, usage: string | undefined) {
    super(`Not enough arguments to option ${option}.${usage === undefined ? '' : `\n\n${usage.trimEnd()}`}`);
    this.name = 'UnknownSyntaxError';
  }

  /** For clipanion's report: a syntax error, shown without a stack. */
  readonly clipanion = { type: 'none' } as const;
}

/** A bad option value the runner found: reported as clipanion reports its own (`usage`: `$ dr …`). */
class LineUsageError extends Error {
  constructor(message: string, usage: string | undefined) {
    super(`${message}${usage === undefined ? '' : `\n\n${usage.trimEnd()}`}`);
    this.name = 'UsageError';
  }

  /** For clipanion's report: a usage error, shown without a stack. */
  readonly clipanion = { type: 'none' } as const;
}

function isHelpRequest(args: readonly string[]): boolean {
  return lineOf(args).some(isHelpFlag);
}

function isHelpFlag(arg: string): boolean {
  return arg === '--help' || arg === '-h';
}

function wantsColors(): boolean {
  const { env } = process;
  return env.NO_COLOR === undefined && env.TERM !== 'dumb' && isTerminal(1);
}
