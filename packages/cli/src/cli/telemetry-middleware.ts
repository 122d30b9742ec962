// Telemetry around every command (SPEC §3, §4): the opt-out checked before any file is read,
// the facts of the command line (path, argument count, flag names), and the start of the run's
// telemetry, loaded lazily so that an opted-out run pays nothing.
import { userOptOut } from '@dr/shared';
import type { Cli, Command } from 'clipanion';
import {
  type CommandFacts,
  commandFacts,
  type DeclaredOption,
  declaredOptions,
} from '../telemetry/command-facts.ts';
import { inactiveTelemetryRun, type TelemetryRun } from '../telemetry/telemetry-run.ts';
import { commandGroups, commandTree } from './command-tree.ts';
import type { DrContext, GlobalOptions } from './context.ts';
import { commandOptionDefinitions } from './global-options.ts';

/** The global options every command takes, as clipanion definitions (from the list in global-options.ts). */
export const GLOBAL_OPTION_DEFINITIONS: readonly string[] = commandOptionDefinitions();

/** A command line with its global options read and taken off. */
export interface SplitLine {
  readonly globals: GlobalOptions;
  /** The words left, in order (those after a `--` included, untouched). */
  readonly rest: string[];
  /**
   * Options left right before a global option that came off (`--dir` in `task run --dir
   * --debug`): if such an option takes a value, it was left without one.
   */
  readonly bareBefore: string[];
}

/**
 * Reads the global options before a `--` and takes them off the line: `--debug`, `--verbose`,
 * `--disable-telemetry` (and their `--no-` forms, as clipanion would take them), `--config=F`
 * and `--config F`. A `--config` followed by nothing or by an option stays on the line: it has
 * no value, and the parser says so.
 */
export function splitGlobalOptions(args: readonly string[]): SplitLine {
  let config: string | undefined;
  const flags = { debug: false, verbose: false, disableTelemetry: false };
  const rest: string[] = [];
  const bareBefore: string[] = [];
  const takeOff = () => {
    const previous = rest.at(-1);
    if (previous?.startsWith('-') && previous.length > 1 && !previous.includes('='))
      bareBefore.push(previous);
  };
  let index = 0;
  for (; index < args.length; index += 1) {
    const arg = args[index]!;
    if (arg === '--') break;
    const flag = BOOLEAN_GLOBALS.get(arg.replace(/^--no-/, '--'));
    const next = args[index + 1];
    if (flag !== undefined) {
      flags[flag] = !arg.startsWith('--no-');
    } else if (arg.startsWith('--config=')) {
      config = arg.slice('--config='.length);
    } else if (arg === '--config' && next !== undefined && !next.startsWith('-')) {
      config = next;
      index += 1;
    } else {
      rest.push(arg);
      continue;
    }
    takeOff();
  }
  rest.push(...args.slice(index));
  return { globals: { config, ...flags }, rest, bareBefore };
}

const BOOLEAN_GLOBALS = new Map<string, 'debug' | 'verbose' | 'disableTelemetry'>([
  ['--debug', 'debug'],
  ['--verbose', 'verbose'],
  ['--disable-telemetry', 'disableTelemetry'],
]);

/**
 * The facts telemetry may know of a command line, whether or not it parsed: `args` is the line
 * as parsed (the global options taken off), `globals` the global options it had.
 */
export function factsOf(cli: Cli<DrContext>, args: readonly string[], globals: GlobalOptions): CommandFacts {
  const path = commandPathOf(args);
  const facts =
    path === undefined
      ? commandFacts(lineWithoutCommand(args), 0, args, [])
      : commandFacts(path.join(' '), path.length, args, optionsDeclaredBy(cli, path));
  const given = [
    globals.config !== undefined && 'config',
    globals.debug && 'debug',
    globals.verbose && 'verbose',
    globals.disableTelemetry && 'disable-telemetry',
  ].filter((flag): flag is string => flag !== false);
  return given.length === 0 ? facts : { ...facts, flags: [...new Set([...facts.flags, ...given])].sort() };
}

/** The options the registered command at `path` declares (the global ones are on none). */
export function optionsDeclaredBy(cli: Cli<DrContext>, path: readonly string[]): DeclaredOption[] {
  const definition = cli.definitions().find((entry) => entry.path === `dr ${path.join(' ')}`);
  return declaredOptions(definition?.options.map((option) => option.definition) ?? []);
}

/** Whether a parsed command line may show the first-run prompt or notice. */
export function mayAskForConsent(
  command: Command<DrContext>,
  facts: CommandFacts,
  args: readonly string[],
): boolean {
  if (command.help || args.includes('--help') || args.includes('-h')) return false;
  // Managing telemetry, or just looking around, should not be interrupted by a question about it.
  return (
    !['help', 'version', 'unknown'].includes(facts.command) && !facts.command.startsWith('self telemetry')
  );
}

export async function beginTelemetry(
  globals: GlobalOptions,
  context: DrContext,
  /** Whether the line may show the first-run prompt or notice; asked only when telemetry is not opted out. */
  mayAsk: () => boolean,
): Promise<TelemetryRun> {
  if (userOptOut(globals.disableTelemetry, context.env) !== undefined) return inactiveTelemetryRun;
  try {
    const [{ startTelemetry }, { resolvePaths }] = await Promise.all([
      import('../telemetry/start-telemetry.ts'),
      import('@dr/shared/paths'),
    ]);
    return await startTelemetry({
      paths: resolvePaths({ configFlag: globals.config, env: context.env }),
      env: context.env,
      disableFlag: globals.disableTelemetry,
      stdin: () => context.stdin,
      stderr: context.stderr,
      mayAsk: mayAsk(),
      debug: globals.debug,
    });
  } catch (error) {
    if (globals.debug) context.stderr.write(`[telemetry] off for this run: ${String(error)}\n`);
    return inactiveTelemetryRun;
  }
}

function commandPathOf(args: readonly string[]): readonly string[] | undefined {
  let best: readonly string[] | undefined;
  for (const command of commandTree) {
    for (const path of command.paths) {
      const matches = path.length <= args.length && path.every((word, index) => args[index] === word);
      if (matches && (best === undefined || path.length > best.length)) best = path;
    }
  }
  return best;
}

/** What a line that names no command asked for: the version, a list of commands, or nothing known. */
function lineWithoutCommand(args: readonly string[]): 'version' | 'help' | 'unknown' {
  const end = args.indexOf('--');
  const line = end === -1 ? args : args.slice(0, end);
  if (line.includes('--version') || line.includes('-v')) return 'version';
  const words = line.filter((arg) => !arg.startsWith('-'));
  const isGroup =
    words.length === 0 ||
    (words.length === 1 && Object.hasOwn(commandGroups, words[0]!)) ||
    (words.length === 2 && words[0] === 'self' && words[1] === 'telemetry');
  return isGroup ? 'help' : 'unknown';
}
