// Reading a command line before clipanion does, for the runner, telemetry's facts and the CLI
// it builds: which command's path the line starts with, the words before `--`, help flags, and
// the global options (read anywhere before `--` and taken off the line).
import { commandTree } from './command-tree.ts';
import type { CommandEntry } from './context.ts';
import { fieldOf, GLOBAL_OPTIONS, type GlobalOptions, NO_GLOBAL_OPTIONS } from './global-options.ts';

/** The words of `args` before a `--` separator. */
export function wordsBeforeSeparator(args: readonly string[]): readonly string[] {
  const end = args.indexOf('--');
  return end === -1 ? args : args.slice(0, end);
}

export function isHelpFlag(word: string): boolean {
  return word === '--help' || word === '-h';
}

/** Whether `args` starts with `path`. */
export function matchPath(args: readonly string[], path: readonly string[]): boolean {
  return path.length <= args.length && path.every((word, index) => args[index] === word);
}

/** The command whose path `args` starts with: the path as typed, and the command's canonical one. */
export interface NamedCommand {
  readonly entry: CommandEntry;
  readonly typed: readonly string[];
  readonly canonical: readonly string[];
}

export function commandNamedBy(args: readonly string[]): NamedCommand | undefined {
  let best: NamedCommand | undefined;
  for (const entry of commandTree) {
    for (const path of entry.paths) {
      if (matchPath(args, path) && (best === undefined || path.length > best.typed.length))
        best = { entry, typed: path, canonical: entry.paths[0]! };
    }
  }
  return best;
}

/** The words before a command's last that are no command: groups (`auth`, `self telemetry`). */
export const GROUP_PATHS: readonly string[][] = [
  ...new Set(
    commandTree.flatMap((entry) =>
      entry.paths.flatMap((path) => path.slice(1).map((_, end) => path.slice(0, end + 1).join(' '))),
    ),
  ),
]
  .filter((path) => !commandTree.some((entry) => entry.paths.some((words) => words.join(' ') === path)))
  .map((path) => path.split(' '));

/** A line that asks for a list of commands: nothing, a help flag alone, or a group alone. */
export function isListLine(args: readonly string[]): boolean {
  if (args.length === 0 || (args.length === 1 && isHelpFlag(args[0]!))) return true;
  return GROUP_PATHS.some((path) => path.length === args.length && matchPath(args, path));
}

/** The commands of the group a first word names (`dr auth`, `dr template`), or all of them. */
export function commandsOfGroup(first: string | undefined): readonly CommandEntry[] {
  const group = commandTree.filter((entry) =>
    entry.paths.some((path) => path.length > 1 && path[0] === first),
  );
  return group.length === 0 ? commandTree : group;
}

/**
 * The line clipanion parses: on a line that names no command, `--help` after a group comes off
 * (`dr auth --help`), and `--help` among path words moves after them (`dr auth --help logout`).
 */
export function lineToParse(words: string[]): string[] {
  if (commandNamedBy(words) !== undefined) return words;
  const line = wordsBeforeSeparator(words);
  const separated = words.slice(line.length);
  const withoutHelp = line.filter((word) => !isHelpFlag(word));
  const askedHelp = withoutHelp.length < line.length;
  if (askedHelp && commandNamedBy(withoutHelp) !== undefined) return [...withoutHelp, '--help', ...separated];
  if (withoutHelp.some((_, start) => commandNamedBy(withoutHelp.slice(start)) !== undefined)) return words;
  if (withoutHelp.length === 0 && askedHelp) return ['--help', ...separated];
  return [...withoutHelp, ...separated];
}

/** A command line with its global options read and taken off. */
export interface SplitLine {
  /** The global options as the line gives them (the environment is added by globalsWithEnvironment). */
  readonly globals: GlobalOptions;
  /** The fields the line itself set (`--no-debug` too), which the environment cannot change. */
  readonly setOnLine: ReadonlySet<keyof GlobalOptions>;
  /** The long names of the global options given on, or with a value (for telemetry's `flags`). */
  readonly given: readonly string[];
  /** The words left, in order (those after a `--` untouched). */
  readonly rest: string[];
  /** Options right before a global option that came off (`--dir` in `task run --dir --debug`). */
  readonly bareBefore: string[];
}

type Field = keyof GlobalOptions;
const BOOLEAN_GLOBALS = new Map<string, Field>();
const VALUE_GLOBALS = new Map<string, Field>();
/** Short names of the boolean global options (`v`, `k`), which may come in a batch (`-vk`). */
const SHORT_BOOLEAN_GLOBALS = new Map<string, Field>();
/** The global options that take a value, every name. */
export const VALUE_GLOBAL_NAMES = new Set<string>();
for (const option of GLOBAL_OPTIONS) {
  if (option.kind !== 'command') continue;
  const field = fieldOf(option.names.at(-1)!) as Field;
  for (const name of option.names) {
    if (option.value !== undefined) VALUE_GLOBAL_NAMES.add(name);
    else if (/^-[A-Za-z]$/.test(name)) SHORT_BOOLEAN_GLOBALS.set(name[1]!, field);
  }
  (option.value === undefined ? BOOLEAN_GLOBALS : VALUE_GLOBALS).set(option.names.at(-1)!, field);
}

/**
 * Takes the global options before a `--` off the line: flags (`--no-` forms, batches as `-vk`)
 * and options with a value (`--config=F`, `--config F`; with no value it stays on the line).
 */
export function splitGlobalOptions(args: readonly string[]): SplitLine {
  const globals: Record<string, unknown> = { ...NO_GLOBAL_OPTIONS };
  const setOnLine = new Set<Field>();
  const rest: string[] = [];
  const bareBefore: string[] = [];
  const set = (field: Field, value: unknown) => {
    globals[field] = value;
    setOnLine.add(field);
  };
  let index = 0;
  for (; index < args.length; index += 1) {
    const arg = args[index]!;
    if (arg === '--') break;
    const flag = BOOLEAN_GLOBALS.get(arg.replace(/^--no-/, '--'));
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const valued = VALUE_GLOBALS.get(equals === -1 ? arg : arg.slice(0, equals));
    const next = args[index + 1];
    if (flag !== undefined) {
      set(flag, !arg.startsWith('--no-'));
    } else if (valued !== undefined && equals !== -1) {
      set(valued, arg.slice(equals + 1));
    } else if (valued !== undefined && next !== undefined && !next.startsWith('-')) {
      set(valued, next);
      index += 1;
    } else if (
      /^-[A-Za-z]+$/.test(arg) &&
      [...arg.slice(1)].every((letter) => SHORT_BOOLEAN_GLOBALS.has(letter))
    ) {
      for (const letter of arg.slice(1)) set(SHORT_BOOLEAN_GLOBALS.get(letter)!, true);
    } else {
      rest.push(arg);
      continue;
    }
    const previous = rest.at(-1);
    if (previous?.startsWith('-') && previous.length > 1 && !previous.includes('='))
      bareBefore.push(previous);
  }
  rest.push(...args.slice(index));
  const given = [...setOnLine]
    .filter((field) => globals[field] !== false && globals[field] !== undefined)
    .map((field) => field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`));
  return { globals: globals as unknown as GlobalOptions, setOnLine, given, rest, bareBefore };
}
