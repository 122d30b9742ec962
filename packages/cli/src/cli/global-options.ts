// The options every dr command takes, listed once with the Go dr's names: the runner reads
// them off the line (argv.ts), the help ends with them and the completion scripts offer them.
// On every command's path, so it is plain constants and imports only a type.
import type { GlobalOptions } from './context.ts';

/** A line without global options. */
export const NO_GLOBAL_OPTIONS: GlobalOptions = {
  config: undefined,
  debug: false,
  verbose: false,
  disableTelemetry: false,
  skipCertificateCheck: false,
  caCert: undefined,
  skipAuth: false,
  forceInteractive: false,
};

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
   * `command`: read by the runner; `output`: declared by the commands that print data, checked
   * and taken off by the runner for the others; `help`: clipanion's; `alone`: a line of its own.
   */
  readonly kind: 'command' | 'output' | 'help' | 'alone';
}

export const GLOBAL_OPTIONS: readonly GlobalOption[] = [
  {
    names: ['--config'],
    value: '<file>',
    description: 'Read and write settings in this file instead of drconfig.yaml',
    alsoFrom: 'DATAROBOT_CLI_CONFIG',
    kind: 'command',
  },
  {
    names: ['--debug'],
    description: 'Show stack traces and telemetry diagnostics',
    alsoFrom: 'DATAROBOT_CLI_DEBUG=true',
    kind: 'command',
  },
  {
    names: ['-v', '--verbose'],
    description: 'Say more about what is being done',
    alsoFrom: 'DATAROBOT_CLI_VERBOSE=true',
    kind: 'command',
  },
  {
    names: ['--disable-telemetry'],
    description: 'Send no usage telemetry for this run',
    alsoFrom: 'DATAROBOT_CLI_DISABLE_TELEMETRY=true or DO_NOT_TRACK=1',
    kind: 'command',
  },
  {
    names: ['-k', '--skip-certificate-check'],
    description: "Do not verify DataRobot's TLS certificate (insecure)",
    alsoFrom: 'DATAROBOT_CLI_SKIP_CERTIFICATE_CHECK=true',
    kind: 'command',
  },
  {
    names: ['--ca-cert'],
    value: '<file>',
    description: 'Trust the CA certificates in this PEM file too',
    alsoFrom: 'DATAROBOT_CLI_CA_CERT',
    kind: 'command',
  },
  {
    names: ['--skip-auth'],
    description: 'Skip authentication checks (login refuses)',
    alsoFrom: 'DATAROBOT_CLI_SKIP_AUTH=true',
    kind: 'command',
  },
  {
    names: ['--force-interactive'],
    description: 'Accepted as by the Go dr (no effect here)',
    alsoFrom: 'DATAROBOT_CLI_FORCE_INTERACTIVE=true',
    kind: 'command',
  },
  {
    names: ['--output-format'],
    value: '<text|json>',
    description: 'json where a command has data, else text',
    kind: 'output',
  },
  { names: ['-h', '--help'], description: 'Show help for a command', kind: 'help' },
  { names: ['-V', '--version'], description: 'Show the version of dr', kind: 'alone' },
];

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
const TRUE_WORDS = ['1', 't', 'true', 'y', 'yes', 'on'];
const FALSE_WORDS = ['0', 'f', 'false', 'n', 'no', 'off'];

/** A DATAROBOT_CLI_<KEY> variable whose value is no boolean: said in one line, exit 2. */
export class EnvironmentValueError extends Error {
  readonly code = 'ENV_VALUE_INVALID';
  constructor(name: string, value: string) {
    super(`${name}=${JSON.stringify(value)} is not a boolean: set it to true or false, or unset it.`);
    this.name = 'EnvironmentValueError';
  }
}

/**
 * The global options of a line with what the environment adds, as the Go dr's viper reads it: an
 * option the line did not set comes from DATAROBOT_CLI_<KEY> (empty is unset). --config and
 * --disable-telemetry are left as the line says: their variables are read where they are used.
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
