// Where dr corrects clipanion's reading of a line: the global options come off before it parses
// (argv.ts), so an option left without its value is found here, `--output-format` is checked
// for the commands that do not declare it, and an error on a line naming no command is one line.
import type { Cli, Command, CommandClass } from 'clipanion';
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

/**
 * An option of the parsed command that takes a value but was followed by a global option, which
 * came off the line (`dr task run --dir --debug build`): the value is missing, as clipanion says.
 */
export function optionLeftWithoutValue(
  cli: Cli<DrContext>,
  command: Command<DrContext>,
  bareBefore: readonly string[],
): LineUsageError | undefined {
  if (bareBefore.length === 0) return undefined;
  const valued = new Set(
    optionsDeclaredBy(cli, command.path)
      .filter((option) => option.takesValue)
      .flatMap((option) => option.names),
  );
  const bare = bareBefore.find((option) => valued.has(option));
  if (bare === undefined) return undefined;
  return missingValue(bare, cli.usage(command.constructor as CommandClass<DrContext>, { colored: false }));
}

/**
 * `--output-format` on a line whose command does not declare it, or that names none: taken off,
 * its value checked, as the Go dr's persistent flag is accepted by every command. Undefined when
 * the line has none, or its command declares it.
 */
export async function outputFormatTakenOff(
  cli: Cli<DrContext>,
  args: readonly string[],
): Promise<string[] | undefined> {
  const line = wordsBeforeSeparator(args);
  const at = line.findIndex((word) => word === '--output-format' || word.startsWith('--output-format='));
  if (at === -1) return undefined;
  let usage: string | undefined;
  for (let start = 0; start < line.length; start += 1) {
    const named = commandNamedBy(args.slice(start));
    if (named === undefined) continue;
    const declared = optionsDeclaredBy(cli, named.canonical);
    if (declared.some((option) => option.names.includes('--output-format'))) return undefined;
    usage = cli.usage(await named.entry.load(), { colored: false });
    break;
  }
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
  const rest = [...args];
  rest.splice(at, inline ? 1 : 2);
  return rest;
}

/**
 * clipanion's report of a usage error. A global option left on the line has no value (it comes
 * off only with one). On a line that names no command clipanion would list every candidate's
 * usage: one reason and where to look are said instead.
 */
export function usageErrorText(cli: Cli<DrContext>, error: unknown, args: readonly string[]): string {
  const text = cli.error(error, { colored: false });
  const [first = ''] = text.split('\n', 1);
  const label = first.slice(0, first.indexOf(': ') + 2);
  const valueless = wordsBeforeSeparator(args).find((word) => VALUE_GLOBAL_NAMES.has(word));
  const missing =
    valueless === undefined ? undefined : `${label}Not enough arguments to option ${valueless}.`;
  if (commandNamedBy(args) !== undefined) {
    if (missing === undefined) return text;
    const lines = text.split('\n');
    const usage =
      lines.find((line) => line.startsWith('$ ')) ??
      lines.find((line) => /^ +0\. /.test(line))?.replace(/^ +0\. /, '$ ');
    return usage === undefined ? `${missing}\n` : `${missing}\n\n${usage}\n`;
  }
  let reason = missing ?? first;
  // "Command not found; did you mean (one of):", "Cannot find which to pick amongst …:"
  if (missing === undefined && first.endsWith(':'))
    reason = `${label}No command matches \`dr ${args.join(' ')}\`.`;
  return `${reason}\nRun \`dr --help\` to see every command.\n`;
}
