// What a command's implementation gets from its class (commandIO(this)), one shape for every
// area: streams, environment, config flag, telemetry, and for DataRobot calls the TLS options,
// the telemetry ids and the X-DataRobot-Api-Consumer-Trace.

import type { CommandEntry, CommandTelemetry, DrContext } from '../cli/context.ts';
import { NO_GLOBAL_OPTIONS } from '../cli/global-options.ts';
import { apiConsumerTrace, type TelemetryIds } from './request-headers.ts';
import type { TlsOptions } from './transport.ts';

export interface CommandIO {
  readonly configFlag: string | undefined;
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: NodeJS.ReadableStream;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly telemetry: CommandTelemetry;
  /** The ids for the X-DataRobot-CLI-Session/Device headers, when telemetry is on. */
  readonly telemetryIds: TelemetryIds | undefined;
  readonly tls: TlsOptions;
  readonly verbose: boolean;
  /** --disable-telemetry was given (for the commands that manage telemetry). */
  readonly disableTelemetry?: boolean;
  /** X-DataRobot-Api-Consumer-Trace of this command: `datarobot.cli.template.list`. */
  readonly apiConsumerTrace: string;
  /** Every command of dr (for completion). */
  readonly commands?: readonly CommandEntry[];
}

export interface CommandIOSource {
  readonly context: DrContext;
  /** The command's path as the line named it (clipanion's `path`). */
  readonly path?: readonly string[];
}

export function commandIO(command: CommandIOSource): CommandIO {
  const { context } = command;
  const globals = context.globals ?? NO_GLOBAL_OPTIONS;
  return {
    configFlag: globals.config,
    env: context.env,
    // A getter: stdin is created on first read (standard-streams.ts).
    get stdin() {
      return context.stdin;
    },
    stdout: context.stdout,
    stderr: context.stderr,
    telemetry: context.telemetry,
    telemetryIds: context.telemetry.ids,
    tls: { skipCertificateCheck: globals.skipCertificateCheck, caCertFile: globals.caCert },
    verbose: globals.verbose,
    disableTelemetry: globals.disableTelemetry,
    apiConsumerTrace: apiConsumerTrace(goCommandPath(command.path ?? [])),
    commands: context.commands ?? [],
  };
}

/** Paths whose Go dr name differs: the Go dr names a command by its own name, whatever alias was typed. */
const GO_PATHS: Readonly<Record<string, string>> = {
  'templates list': 'template list',
  'templates clone': 'template clone',
  'templates setup': 'template setup',
  'task l': 'task list',
  'task r': 'task run',
  'dependencies check': 'dependency check',
  'dependencies install': 'dependency install',
  'deps check': 'dependency check',
  'deps install': 'dependency install',
  quickstart: 'start',
};

/** A command path as typed (`templates list`, `task r`), in the Go dr's names (`template list`, `task run`). */
export function goCommandPath(path: readonly string[]): readonly string[] {
  return GO_PATHS[path.join(' ')]?.split(' ') ?? path;
}
