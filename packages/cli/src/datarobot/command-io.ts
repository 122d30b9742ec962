// What the implementation of a command gets from its command class: the streams, environment,
// config flag, telemetry recorder and, for commands that talk to DataRobot, the TLS options and
// telemetry ids. One shape for every area (auth, templates, dotenv, task, self), so the command
// files stay a few lines long.

import { goCommandPath } from '../cli/command-tree.ts';
import type { CommandTelemetry, DrContext } from '../cli/context.ts';
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
  /** X-DataRobot-Api-Consumer-Trace of this command: `datarobot.cli.template.list`. */
  readonly apiConsumerTrace: string;
}

export interface CommandIOSource {
  readonly context: DrContext;
  readonly config?: string | undefined;
  readonly verbose?: boolean;
  readonly skipCertificateCheck?: boolean;
  readonly caCert?: string | undefined;
  /** The command's path as the line named it (clipanion's `path`). */
  readonly path?: readonly string[];
}

export function commandIO(command: CommandIOSource): CommandIO {
  const { context } = command;
  return {
    configFlag: command.config,
    env: context.env,
    // A getter: creating stdin costs milliseconds, and most commands never read or ask anything.
    get stdin() {
      return context.stdin;
    },
    stdout: context.stdout,
    stderr: context.stderr,
    telemetry: context.telemetry,
    telemetryIds: context.telemetry.ids,
    tls: { skipCertificateCheck: command.skipCertificateCheck === true, caCertFile: command.caCert },
    verbose: command.verbose === true,
    apiConsumerTrace: apiConsumerTrace(goCommandPath(command.path ?? [])),
  };
}
