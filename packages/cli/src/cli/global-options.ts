// The options every dr command takes, listed once. The runner reads them anywhere before a `--`
// and takes them off before clipanion parses the line (DrCommand's getters give them to each
// command; splitGlobalOptions in telemetry-middleware.ts),
// the help ends with them and the completion scripts offer them: all from this list. It is on
// every command's path, so it is a plain constant and imports nothing.

export interface GlobalOption {
  /** Every name, the short one first (`-h`, `--help`). */
  readonly names: readonly string[];
  /** What the value is called in help, for an option that takes one. */
  readonly value?: string;
  /** One line, for help and completion. */
  readonly description: string;
  /** Where else the same setting comes from (environment variables), for help. */
  readonly alsoFrom?: string;
  /**
   * `command`: read by the runner, so every command takes it; `help`: clipanion's help, which
   * every command answers; `alone`: a command line of its own (`dr --version`), clipanion's builtin.
   */
  readonly kind: 'command' | 'help' | 'alone';
}

export const GLOBAL_OPTIONS: readonly GlobalOption[] = [
  {
    names: ['--config'],
    value: '<file>',
    description: 'Read and write settings in this file instead of drconfig.yaml',
    alsoFrom: 'DATAROBOT_CLI_CONFIG',
    kind: 'command',
  },
  { names: ['--debug'], description: 'Show stack traces and telemetry diagnostics', kind: 'command' },
  { names: ['--verbose'], description: 'Say more about what is being done', kind: 'command' },
  {
    names: ['--disable-telemetry'],
    description: 'Send no usage telemetry for this run',
    alsoFrom: 'DATAROBOT_CLI_DISABLE_TELEMETRY=true or DO_NOT_TRACK=1',
    kind: 'command',
  },
  { names: ['-h', '--help'], description: 'Show help for a command', kind: 'help' },
  { names: ['-v', '--version'], description: 'Show the version of dr', kind: 'alone' },
];

/** The options every command takes, as clipanion definitions (`--config #0`, `--debug`). */
export function commandOptionDefinitions(): string[] {
  return GLOBAL_OPTIONS.filter((option) => option.kind === 'command').map(
    (option) => `${option.names.join(',')}${option.value === undefined ? '' : ' #0'}`,
  );
}

/** The global options as listed under every help text. */
export function globalOptionsHelp(): string {
  const column = 23;
  const lines = ['Global options (every command):'];
  for (const option of GLOBAL_OPTIONS) {
    const label = `${option.names.join(', ')}${option.value === undefined ? '' : ` ${option.value}`}`;
    lines.push(`  ${label.padEnd(column)}${option.description}`);
    const indent = ' '.repeat(column + 2);
    if (option.alsoFrom !== undefined) lines.push(`${indent}(also ${option.alsoFrom})`);
    if (option.kind === 'alone') lines.push(`${indent}(on its own: dr ${option.names.at(-1)})`);
  }
  return `${lines.join('\n')}\n`;
}
