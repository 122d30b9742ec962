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
import { commandTree, groupNamed } from './command-tree.ts';
import type { DrContext, GlobalOptions } from './context.ts';
import { commandOptionDefinitions, GLOBAL_OPTIONS } from './global-options.ts';

/** The global options every command takes, as clipanion definitions (from the list in global-options.ts). */
export const GLOBAL_OPTION_DEFINITIONS: readonly string[] = commandOptionDefinitions();

/** A command line with its global options read and taken off. */
export interface SplitLine {
  /** The global options as the line gives them (the environment is added by withEnvironment). */
  readonly globals: GlobalOptions;
  /** The fields of `globals` the line itself set (`--no-debug` too), which the environment cannot change. */
  readonly setOnLine: ReadonlySet<keyof GlobalOptions>;
  /** The long names, without dashes, of the global options given on, or with a value (for telemetry's `flags`). */
  readonly given: readonly string[];
  /** The words left, in order (those after a `--` included, untouched). */
  readonly rest: string[];
  /**
   * Options left right before a global option that came off (`--dir` in `task run --dir
   * --debug`): if such an option takes a value, it was left without one.
   */
  readonly bareBefore: string[];
}

type BooleanGlobal =
  | 'debug'
  | 'verbose'
  | 'disableTelemetry'
  | 'skipCertificateCheck'
  | 'skipAuth'
  | 'forceInteractive';
type ValueGlobal = 'config' | 'caCert';

/** The field of GlobalOptions an option fills: `--skip-certificate-check` is skipCertificateCheck. */
function fieldOf(longName: string): string {
  return longName.replace(/^--/, '').replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

const BOOLEAN_GLOBALS = new Map<string, BooleanGlobal>();
const VALUE_GLOBALS = new Map<string, ValueGlobal>();
/** Short names of the boolean global options (`v`, `k`), which may come in a batch (`-vk`). */
const SHORT_BOOLEAN_GLOBALS = new Map<string, BooleanGlobal>();
for (const option of GLOBAL_OPTIONS) {
  if (option.kind !== 'command') continue;
  const long = option.names.at(-1)!;
  if (option.value === undefined) {
    const field = fieldOf(long) as BooleanGlobal;
    BOOLEAN_GLOBALS.set(long, field);
    for (const name of option.names) if (/^-[A-Za-z]$/.test(name)) SHORT_BOOLEAN_GLOBALS.set(name[1]!, field);
  } else {
    VALUE_GLOBALS.set(long, fieldOf(long) as ValueGlobal);
  }
}

/**
 * Reads the global options before a `--` and takes them off the line: the boolean ones
 * (`--debug`, `-v`/`--verbose`, `-k`, …, their `--no-` forms, as clipanion would take them, and
 * batches of their short names such as `-vk`), and those with a value (`--config=F`,
 * `--config F`, `--ca-cert F`). A value option followed by nothing or by an option stays on the
 * line: it has no value, and the parser says so.
 */
export function splitGlobalOptions(args: readonly string[]): SplitLine {
  const values: Record<ValueGlobal, string | undefined> = { config: undefined, caCert: undefined };
  const flags: Record<BooleanGlobal, boolean> = {
    debug: false,
    verbose: false,
    disableTelemetry: false,
    skipCertificateCheck: false,
    skipAuth: false,
    forceInteractive: false,
  };
  const setOnLine = new Set<keyof GlobalOptions>();
  const rest: string[] = [];
  const bareBefore: string[] = [];
  const takeOff = () => {
    const previous = rest.at(-1);
    if (previous?.startsWith('-') && previous.length > 1 && !previous.includes('='))
      bareBefore.push(previous);
  };
  const setFlag = (field: BooleanGlobal, on: boolean) => {
    flags[field] = on;
    setOnLine.add(field);
  };
  let index = 0;
  for (; index < args.length; index += 1) {
    const arg = args[index]!;
    if (arg === '--') break;
    const flag = BOOLEAN_GLOBALS.get(arg.replace(/^--no-/, '--'));
    const [name = '', inlineValue] = arg.startsWith('--') ? splitAtEquals(arg) : [arg];
    const valued = VALUE_GLOBALS.get(name);
    const next = args[index + 1];
    if (flag !== undefined) {
      setFlag(flag, !arg.startsWith('--no-'));
    } else if (valued !== undefined && inlineValue !== undefined) {
      values[valued] = inlineValue;
      setOnLine.add(valued);
    } else if (valued !== undefined && next !== undefined && !next.startsWith('-')) {
      values[valued] = next;
      setOnLine.add(valued);
      index += 1;
    } else if (
      /^-[A-Za-z]+$/.test(arg) &&
      [...arg.slice(1)].every((letter) => SHORT_BOOLEAN_GLOBALS.has(letter))
    ) {
      for (const letter of arg.slice(1)) setFlag(SHORT_BOOLEAN_GLOBALS.get(letter)!, true);
    } else {
      rest.push(arg);
      continue;
    }
    takeOff();
  }
  rest.push(...args.slice(index));
  const globals: GlobalOptions = { ...values, ...flags };
  const given = [...setOnLine]
    .filter((field) => globals[field] !== false && globals[field] !== undefined)
    .map((field) => field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`));
  return { globals, setOnLine, given, rest, bareBefore };
}

function splitAtEquals(arg: string): [string, string | undefined] {
  const at = arg.indexOf('=');
  return at === -1 ? [arg, undefined] : [arg.slice(0, at), arg.slice(at + 1)];
}

/**
 * The facts telemetry may know of a command line, whether or not it parsed: `args` is the line
 * as parsed (the global options taken off), `globals` the global options it had.
 */
export function factsOf(
  cli: Cli<DrContext>,
  args: readonly string[],
  given: readonly string[],
): CommandFacts {
  const named = commandPathOf(args);
  const facts =
    named === undefined
      ? commandFacts(lineWithoutCommand(args), 0, args, [])
      : commandFactsOfPath(cli, args, named);
  return given.length === 0 ? facts : { ...facts, flags: [...new Set([...facts.flags, ...given])].sort() };
}

/**
 * The facts of a line that names a command: `command` is its canonical path (the one the
 * tracking plan knows, `templates list`), and `commandAlias` the Go name or alias typed instead
 * (`template list`, `task r`, `run`), which is one of the command tree's own words, never input.
 */
function commandFactsOfPath(
  cli: Cli<DrContext>,
  args: readonly string[],
  named: { readonly typed: readonly string[]; readonly canonical: readonly string[] },
): CommandFacts {
  const command = named.canonical.join(' ');
  const facts = commandFacts(command, named.typed.length, args, optionsDeclaredBy(cli, named.canonical));
  const typed = named.typed.join(' ');
  return typed === command ? facts : { ...facts, commandAlias: typed };
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

/** The command path `args` starts with, as typed, and the canonical path of its command. */
function commandPathOf(
  args: readonly string[],
): { readonly typed: readonly string[]; readonly canonical: readonly string[] } | undefined {
  let best: { typed: readonly string[]; canonical: readonly string[] } | undefined;
  for (const command of commandTree) {
    for (const path of command.paths) {
      const matches = path.length <= args.length && path.every((word, index) => args[index] === word);
      if (matches && (best === undefined || path.length > best.typed.length))
        best = { typed: path, canonical: command.paths[0]! };
    }
  }
  return best;
}

/** What a line that names no command asked for: the version, a list of commands, or nothing known. */
function lineWithoutCommand(args: readonly string[]): 'version' | 'help' | 'unknown' {
  const end = args.indexOf('--');
  const line = end === -1 ? args : args.slice(0, end);
  if (line.includes('--version') || line.includes('-V')) return 'version';
  const words = line.filter((arg) => !arg.startsWith('-'));
  const isGroup =
    words.length === 0 ||
    (words.length === 1 && groupNamed(words[0]!) !== undefined) ||
    (words.length === 2 && words[0] === 'self' && words[1] === 'telemetry');
  return isGroup ? 'help' : 'unknown';
}
