// What a command line may tell telemetry: the command's path from the command tree (never what
// was typed), how many positional arguments it had, and the names of the declared options
// given (never their values, never an undeclared name, which could be anything the user typed).
export interface CommandFacts {
  /** e.g. 'auth login'; 'help', 'version' or 'unknown' for lines that name no command. */
  readonly command: string;
  readonly argsCount: number;
  /** Option names without dashes, long form, e.g. ['output-format']. */
  readonly flags: readonly string[];
  /** The Go name or alias typed for the command when it is not `command` (e.g. 'template list', 'run'). */
  readonly commandAlias?: string;
}

/** An option a command declares: every name it answers to, and whether it takes a value. */
export interface DeclaredOption {
  readonly names: readonly string[];
  readonly takesValue: boolean;
}

/**
 * Parses clipanion's option definitions (`-d,--dir #0`, `--debug`) into names and arity.
 */
export function declaredOptions(definitions: readonly string[]): DeclaredOption[] {
  return definitions.map((definition) => {
    const [names = '', ...rest] = definition.split(' ');
    return { names: names.split(','), takesValue: rest.length > 0 };
  });
}

/**
 * The facts of `args` (the command line after `dr`, its global options taken off)
 * for a command at `path` declaring `options`. Everything after `--` counts as arguments.
 */
export function commandFacts(
  command: string,
  pathLength: number,
  args: readonly string[],
  options: readonly DeclaredOption[],
): CommandFacts {
  const byName = new Map<string, DeclaredOption>();
  for (const option of options) for (const name of option.names) byName.set(name, option);
  const flags = new Set<string>();
  let argsCount = 0;
  for (let index = pathLength; index < args.length; index += 1) {
    const arg = args[index]!;
    if (arg === '--') {
      argsCount += args.length - index - 1;
      break;
    }
    if (arg.startsWith('-') && arg !== '-') {
      const name = arg.split('=', 1)[0]!;
      const option = byName.get(name);
      if (option === undefined) continue;
      flags.add(longName(option));
      if (option.takesValue && !arg.includes('=')) index += 1;
    } else {
      argsCount += 1;
    }
  }
  return { command, argsCount, flags: [...flags].sort() };
}

function longName(option: DeclaredOption): string {
  const long = option.names.find((name) => name.startsWith('--')) ?? option.names[0]!;
  return long.replace(/^-+/, '');
}
