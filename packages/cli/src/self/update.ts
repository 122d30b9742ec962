// `dr self update`: asks the npm registry (or DR_UPDATE_REGISTRY_URL) for the newest version and
// installs it with the package manager that installed dr. Promises: nothing is installed without
// a yes (a terminal's, or --yes); with neither it prints the command and exits 2; --check only tells.
import type { SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildInfo, DrError, ExitCode } from '@dr/shared';
import { isInteractive } from '../cli/context.ts';
import type { CommandIO } from '../datarobot/command-io.ts';
import {
  commandLine,
  type Installation,
  installationOf,
  NPM_PACKAGE,
  runningPackageRoot,
  type UpgradeCommand,
  upgradeCommand,
} from './installation.ts';

export { NPM_PACKAGE };
export const DEFAULT_REGISTRY_URL = 'https://registry.npmjs.org';
const TIMEOUT_MS = 10_000;

export interface UpdateReport {
  readonly installed: string;
  readonly latest: string;
  readonly update_available: boolean;
  /** The command that installs the latest version where dr is installed; null when dr cannot update itself. */
  readonly upgrade_command: string | null;
}

export interface SelfUpdateOptions {
  readonly outputFormat: 'text' | 'json';
  /** Install without asking. */
  readonly yes: boolean;
  /** Only tell; install nothing. */
  readonly check: boolean;
  /** How dr was installed; by default worked out from where the running bundle is. */
  readonly installation?: Installation;
}

export async function selfUpdate(io: CommandIO, options: SelfUpdateOptions): Promise<number> {
  let latest: string;
  try {
    latest = await latestPublishedVersion(io.env);
  } catch (error) {
    io.telemetry.record('self_update', { update_available: false, result: 'failure' });
    throw error;
  }
  const installed = buildInfo.version;
  const installation = options.installation ?? runningInstallation();
  const command =
    installation.kind === 'unmanaged'
      ? undefined
      : upgradeCommand(installation, latest, registryArgument(io.env));
  const report: UpdateReport = {
    installed,
    latest,
    update_available: compareVersions(latest, installed) > 0,
    upgrade_command: command === undefined ? null : commandLine(command),
  };
  const tell = (text: string) => {
    if (options.outputFormat === 'text') io.stdout.write(`${text}\n`);
  };
  if (options.outputFormat === 'json') io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);

  if (!report.update_available) {
    io.telemetry.record('self_update', { update_available: false, result: 'success' });
    tell(
      compareVersions(installed, latest) > 0
        ? `dr ${installed} is newer than the latest published version (${latest}).`
        : `dr ${installed} is the newest version.`,
    );
    return ExitCode.ok;
  }
  tell(`dr ${installed} is installed; ${latest} is available.`);
  if (options.check) {
    io.telemetry.record('self_update', { update_available: true, result: 'success' });
    tell(
      command === undefined && installation.kind === 'unmanaged'
        ? installation.instead
        : `Upgrade with: dr self update (or ${report.upgrade_command})`,
    );
    return ExitCode.ok;
  }
  if (command === undefined) {
    io.telemetry.record('self_update', { update_available: true, result: 'failure' });
    throw new DrError('UPDATE_NOT_INSTALLABLE', (installation as { instead: string }).instead);
  }
  if (process.platform === 'win32') {
    // npm and pnpm are .cmd scripts there, which only a shell runs, and dr never starts a shell.
    io.telemetry.record('self_update', { update_available: true, result: 'failure' });
    throw new DrError(
      'UPDATE_NOT_INSTALLABLE',
      `dr cannot run ${command.command} on Windows: run ${report.upgrade_command}`,
    );
  }
  if (!options.yes) {
    if (!isInteractive(io)) {
      io.telemetry.record('self_update', { update_available: true, result: 'cancelled' });
      throw new DrError(
        'UPDATE_NEEDS_CONFIRMATION',
        `Not installed: there is no terminal to ask on. Run dr self update --yes, or ${report.upgrade_command}`,
        { exitCode: ExitCode.usage },
      );
    }
    if (!(await confirmed(io, `Install dr ${latest} with ${report.upgrade_command}?`))) {
      io.telemetry.record('self_update', { update_available: true, result: 'cancelled' });
      tell('dr was not updated.');
      return ExitCode.ok;
    }
  }
  io.stderr.write(`Installing dr ${latest}: ${report.upgrade_command}\n`);
  const exitCode = await runUpgrade(command, io.env);
  if (exitCode !== 0) {
    io.telemetry.record('self_update', { update_available: true, result: 'failure' });
    throw new DrError(
      'UPDATE_INSTALL_FAILED',
      exitCode === 'not-found'
        ? `${command.command} was not found on PATH: run ${report.upgrade_command} where it is available.`
        : `${command.command} could not install dr ${latest} (exit ${exitCode}); its output is above. Run ${report.upgrade_command} to try again.`,
    );
  }
  io.telemetry.record('self_update', { update_available: true, result: 'success' });
  tell(`dr ${latest} is installed.`);
  return ExitCode.ok;
}

/** How the dr running now was installed (its bundle lies in <package>/dist). */
function runningInstallation(): Installation {
  return installationOf(runningPackageRoot(fileURLToPath(import.meta.url)), { exists: existsSync });
}

/** The registry to hand on to the package manager: only one the user chose (DR_UPDATE_REGISTRY_URL). */
function registryArgument(env: NodeJS.ProcessEnv): string | undefined {
  const registry = env.DR_UPDATE_REGISTRY_URL?.trim();
  return registry ? registry : undefined;
}

async function confirmed(io: CommandIO, question: string): Promise<boolean> {
  const { TerminalPrompt } = await import('../dotenv/terminal-prompt.ts');
  const prompt = TerminalPrompt.open(io, 'run dr self update --yes');
  try {
    return await prompt.confirm(question, true);
  } finally {
    prompt.close();
  }
}

/**
 * Runs the package manager with its output on dr's stderr (dr's stdout stays its own report);
 * resolves with its exit code, or 'not-found' when there is no such command.
 */
function runUpgrade(command: UpgradeCommand, env: NodeJS.ProcessEnv): Promise<number | 'not-found'> {
  const options = { env, stdio: ['ignore', 2, 2] } satisfies SpawnOptions;
  const { spawn } = process.getBuiltinModule('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn(command.command, command.args, options);
    child.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ENOENT' ? resolve('not-found') : reject(error),
    );
    child.on('close', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  });
}

async function latestPublishedVersion(env: NodeJS.ProcessEnv): Promise<string> {
  const registry = (env.DR_UPDATE_REGISTRY_URL || DEFAULT_REGISTRY_URL).replace(/\/+$/, '');
  const url = `${registry}/${NPM_PACKAGE.replace('/', '%2F')}/latest`;
  const [{ default: ky }, { transportFor }] = await Promise.all([
    import('ky'),
    import('../datarobot/transport.ts'),
  ]);
  const transport = await transportFor({}, env);
  let response: Response;
  try {
    response = await ky.get(url, {
      headers: { Accept: 'application/json' },
      timeout: TIMEOUT_MS,
      retry: 0,
      throwHttpErrors: false,
      ...(transport.dispatcher === undefined ? {} : { dispatcher: transport.dispatcher as never }),
    });
  } catch (error) {
    const timeout = error instanceof Error && error.name === 'TimeoutError';
    const code = (error as { cause?: { code?: unknown } })?.cause?.code;
    throw new DrError(
      'UPDATE_CHECK_FAILED',
      timeout
        ? `The npm registry at ${registry} did not answer within ${TIMEOUT_MS / 1000} s: try again later.`
        : `Cannot reach the npm registry at ${registry}${typeof code === 'string' ? ` (${code})` : ''}: check your network and try again.`,
      { exitCode: ExitCode.network, cause: error },
    );
  }
  if (response.status === 404) {
    throw new DrError('UPDATE_CHECK_FAILED', `${NPM_PACKAGE} is not published on ${registry}.`, {
      exitCode: ExitCode.network,
    });
  }
  if (!response.ok) {
    throw new DrError(
      'UPDATE_CHECK_FAILED',
      `The npm registry at ${registry} answered ${response.status}: try again later.`,
      {
        exitCode: ExitCode.network,
      },
    );
  }
  const body = (await response.json().catch(() => ({}))) as { version?: unknown };
  if (typeof body.version !== 'string' || parseVersion(body.version) === undefined) {
    throw new DrError(
      'UPDATE_CHECK_FAILED',
      `The npm registry at ${registry} sent no version for ${NPM_PACKAGE}.`,
      {
        exitCode: ExitCode.network,
      },
    );
  }
  return body.version;
}

function parseVersion(version: string): { core: number[]; pre: string[] } | undefined {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(version.trim());
  if (!match) return undefined;
  return { core: [Number(match[1]), Number(match[2]), Number(match[3])], pre: match[4]?.split('.') ?? [] };
}

/** Semantic version order: > 0 when `a` is newer than `b`. Unparsable versions compare equal. */
export function compareVersions(a: string, b: string): number {
  const left = parseVersion(a);
  const right = parseVersion(b);
  if (!left || !right) return 0;
  for (let index = 0; index < 3; index++) {
    const difference = left.core[index]! - right.core[index]!;
    if (difference !== 0) return Math.sign(difference);
  }
  if (left.pre.length === 0 && right.pre.length === 0) return 0;
  // A release is newer than its pre-releases.
  if (left.pre.length === 0) return 1;
  if (right.pre.length === 0) return -1;
  for (let index = 0; index < Math.max(left.pre.length, right.pre.length); index++) {
    const x = left.pre[index];
    const y = right.pre[index];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    const numeric = /^\d+$/.test(x) && /^\d+$/.test(y);
    return numeric ? Math.sign(Number(x) - Number(y)) : x < y ? -1 : 1;
  }
  return 0;
}
