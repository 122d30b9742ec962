// Where dr corrects clipanion's reading of a line: the global options come off before it parses
// (argv.ts), so an option left without its value is found here, and `--output-format` checked;
// an error on a line that names no command is one line.
import type { Cli } from 'clipanion';
import { commandNamedBy, VALUE_GLOBAL_NAMES, wordsBeforeSeparator } from './argv.ts';
import type { DrContext } from './context.ts';
import { optionsDeclaredBy } from './create-cli.ts';
import { OUTPUT_FORMATS } from './global-options.ts';

/** A usage error the runner found, reported as clipanion reports its own (`usage`: `$ dr …`). */
export class LineUsageError extends Error {
  constructor(message: string, usage: string | undefined, name = 'UsageError') {
    super(`${message}${usage === undefined ? '' : `\n\n${usage.trimEnd()}`}`);
    this.name = name;
  }

  /** For clipanion's report: shown without a stack. */
  readonly clipanion = { type: 'none' } as const;
}

/** An option given without its value, in clipanion's words. */
export function missingValue(option: string, usage: string | undefined): LineUsageError {
  return new LineUsageError(`Not enough arguments to option ${option}.`, usage, 'UnknownSyntaxError');
}

/** A value option followed by a global option that came off (`task run --dir --debug`). */
export async function optionLeftWithoutValue(
  cli: Cli<DrContext>,
  args: readonly string[],
  bareBefore: readonly string[],
): Promise<LineUsageError | undefined> {
  const named = bareBefore.length === 0 ? undefined : commandNamedBy(args);
  if (named === undefined) return undefined;
  const valued = optionsDeclaredBy(cli, named.canonical).filter((option) => option.takesValue);
  const bare = bareBefore.find((name) => valued.some((option) => option.names.includes(name)));
  if (bare === undefined) return undefined;
  return missingValue(bare, cli.usage(await named.entry.load(), { colored: false }));
}

/**
 * The line to parse: a global option left on it has no value (it comes off only with one);
 * `--output-format`, accepted by every command as in the Go dr, is checked and taken off.
 */
export async function lineWithoutGlobals(cli: Cli<DrContext>, args: string[]): Promise<string[]> {
  const line = wordsBeforeSeparator(args);
  const valueless = line.find((word) => VALUE_GLOBAL_NAMES.has(word));
  const at = line.findIndex((word) => word === '--output-format' || word.startsWith('--output-format='));
  if (valueless === undefined && at === -1) return args;
  let usage: string | undefined;
  for (let start = 0; start < line.length; start += 1) {
    const named = commandNamedBy(args.slice(start));
    if (named === undefined) continue;
    const declared = optionsDeclaredBy(cli, named.canonical);
    if (valueless === undefined && declared.some((option) => option.names.includes('--output-format')))
      return args;
    usage = cli.usage(await named.entry.load(), { colored: false });
    break;
  }
  if (valueless !== undefined) throw missingValue(valueless, usage);
  const word = line[at]!;
  const inline = word.includes('=');
  const value = inline ? word.slice(word.indexOf('=') + 1) : line[at + 1];
  if (value === undefined || (!inline && value.startsWith('-'))) throw missingValue('--output-format', usage);
  if (!(OUTPUT_FORMATS as readonly string[]).includes(value)) {
    const expected = OUTPUT_FORMATS.map((format) => `"${format}"`).join(' or ');
    throw new LineUsageError(
      `Invalid value for --output-format: expected one of ${expected} (got "${value}")`,
      usage,
    );
  }
  return args.toSpliced(at, inline ? 1 : 2);
}

/** clipanion's report of a usage error; on a line that names no command, one line instead. */
export function usageErrorText(cli: Cli<DrContext>, error: unknown, args: readonly string[]): string {
  const text = cli.error(error, { colored: false });
  if (commandNamedBy(args) !== undefined) return text;
  const [first = ''] = text.split('\n', 1);
  // "Command not found; did you mean (one of):", "Cannot find which to pick amongst …:"
  const reason = first.endsWith(':')
    ? `${first.slice(0, first.indexOf(': ') + 2)}No command matches \`dr ${args.join(' ')}\`.`
    : first;
  return `${reason}\nRun \`dr --help\` to see every command.\n`;
}
