// The options every dr command takes, listed once with the Go dr's names: the runner reads
// them off the line (argv.ts), the help ends with them and the completion scripts offer them.
// On every command's path, so it is plain constants and imports nothing.

/** The global options of a line, as DrCommand's getters give them. */
export interface GlobalOptions {
  readonly config: string | undefined;
  readonly debug: boolean;
  readonly verbose: boolean;
  readonly disableTelemetry: boolean;
  readonly skipCertificateCheck: boolean;
  readonly caCert: string | undefined;
  readonly skipAuth: boolean;
  readonly forceInteractive: boolean;
}

export interface GlobalOption {
  /** Every name, the short one first (`-h`, `--help`). */
  readonly names: readonly string[];
  /** What the value is called in help, for an option that takes one. */
  readonly value?: string;
  /** One line, for help and completion. */
  readonly description: string;
  /** Where else the same setting comes from (environment variables), for help. */
  readonly alsoFrom?: string;
  /** `command`: read by the runner; `output`: declared where there is data, else checked by the
   * runner; `help`: clipanion's; `alone`: a line of its own (`dr --version`). */
  readonly kind: 'command' | 'output' | 'help' | 'alone';
}

/** An option the runner reads, also set by its DATAROBOT_CLI_<KEY> variable (`=true` for a flag). */
function commandOption(names: string[], description: string, value?: string, orElse = ''): GlobalOption {
  const variable = `${environmentNameOf(names.at(-1)!)}${value === undefined ? '=true' : ''}`;
  return { names, description, alsoFrom: `${variable}${orElse}`, kind: 'command', ...(value && { value }) };
}

export const GLOBAL_OPTIONS: readonly GlobalOption[] = [
  commandOption(['--config'], 'Read and write settings in this file instead of drconfig.yaml', '<file>'),
  commandOption(['--debug'], 'Show stack traces and telemetry diagnostics'),
  commandOption(['-v', '--verbose'], 'Say more about what is being done'),
  commandOption(
    ['--disable-telemetry'],
    'Send no usage telemetry for this run',
    undefined,
    ' or DO_NOT_TRACK=1',
  ),
  commandOption(['-k', '--skip-certificate-check'], "Do not verify DataRobot's TLS certificate (insecure)"),
  commandOption(['--ca-cert'], 'Trust the CA certificates in this PEM file too', '<file>'),
  commandOption(['--skip-auth'], 'Skip authentication checks (login refuses)'),
  commandOption(['--force-interactive'], 'Accepted as by the Go dr (no effect here)'),
  {
    names: ['--output-format'],
    value: '<text|json>',
    description: 'json where a command has data, else text',
    alsoFrom: 'DATAROBOT_CLI_OUTPUT_FORMAT',
    kind: 'output',
  },
  { names: ['-h', '--help'], description: 'Show help for a command', kind: 'help' },
  { names: ['-V', '--version'], description: 'Show the version of dr', kind: 'alone' },
];

/** A line without global options: every flag off, no value. */
export const NO_GLOBAL_OPTIONS = Object.fromEntries(
  GLOBAL_OPTIONS.filter((option) => option.kind === 'command').map((option) => [
    fieldOf(option.names.at(-1)!),
    option.value === undefined ? false : undefined,
  ]),
) as unknown as GlobalOptions;

/** The values --output-format takes, as the Go dr's. */
export const OUTPUT_FORMATS = ['text', 'json'] as const;

/** The variable the Go dr reads for a global option: `--skip-auth` is DATAROBOT_CLI_SKIP_AUTH. */
export function environmentNameOf(longName: string): string {
  return `DATAROBOT_CLI_${longName.replace(/^--/, '').replaceAll('-', '_').toUpperCase()}`;
}

/** The field of GlobalOptions an option fills: `--skip-certificate-check` is skipCertificateCheck. */
export function fieldOf(longName: string): string {
  return longName.replace(/^--/, '').replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** The global options as listed under every help text. */
export function globalOptionsHelp(): string {
  const column = 29;
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

/** Go's boolean words (strconv.ParseBool, and the `y`/`yes` of DATAROBOT_CLI_NON_INTERACTIVE), any case. */
export const TRUE_WORDS = ['1', 't', 'true', 'y', 'yes', 'on'];
const FALSE_WORDS = ['0', 'f', 'false', 'n', 'no', 'off'];

/** A DATAROBOT_CLI_<KEY> variable whose value is not one it takes: said in one line, exit 2. */
export class EnvironmentValueError extends Error {
  readonly code = 'ENV_VALUE_INVALID';
  constructor(name: string, value: string, expected: readonly string[] = ['true', 'false']) {
    const what = expected[0] === 'true' ? 'a boolean' : `one of ${expected.join(', ')}`;
    super(
      `${name}=${JSON.stringify(value)} is not ${what}: set it to ${expected.join(' or ')}, or unset it.`,
    );
    this.name = 'EnvironmentValueError';
  }
}

/**
 * The global options with what DATAROBOT_CLI_<KEY> adds where the line is silent, as the Go dr's
 * viper reads it; --config's and --disable-telemetry's variables are read where they are used.
 */
export function globalsWithEnvironment(
  globals: GlobalOptions,
  setOnLine: ReadonlySet<keyof GlobalOptions>,
  env: Readonly<Record<string, string | undefined>>,
): GlobalOptions {
  const result: Record<string, unknown> = { ...globals };
  for (const option of GLOBAL_OPTIONS) {
    if (option.kind !== 'command') continue;
    const long = option.names.at(-1)!;
    const field = fieldOf(long);
    if (field === 'config' || field === 'disableTelemetry') continue;
    if (setOnLine.has(field as keyof GlobalOptions)) continue;
    const name = environmentNameOf(long);
    const value = env[name]?.trim();
    if (value === undefined || value === '') continue;
    if (option.value !== undefined) {
      result[field] = value;
    } else if (TRUE_WORDS.includes(value.toLowerCase())) {
      result[field] = true;
    } else if (FALSE_WORDS.includes(value.toLowerCase())) {
      result[field] = false;
    } else {
      throw new EnvironmentValueError(name, value);
    }
  }
  return result as unknown as GlobalOptions;
}

/** DATAROBOT_CLI_OUTPUT_FORMAT (the Go dr's viper key) where the line gives no --output-format. */
export function outputFormatFromEnvironment(
  wordsBeforeSeparator: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): (typeof OUTPUT_FORMATS)[number] | undefined {
  const value = env.DATAROBOT_CLI_OUTPUT_FORMAT?.trim();
  if (!value) return undefined;
  if (wordsBeforeSeparator.some((word) => word.split('=')[0] === '--output-format')) return undefined;
  const format = OUTPUT_FORMATS.find((known) => known === value.toLowerCase());
  if (format === undefined)
    throw new EnvironmentValueError('DATAROBOT_CLI_OUTPUT_FORMAT', value, OUTPUT_FORMATS);
  return format;
}
