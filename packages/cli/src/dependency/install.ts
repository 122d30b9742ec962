// `dr dependency install`: runs, as the Go dr does, the install command versions.yaml (or the
// built-in list) gives for this platform for each tool missing or too old, stopping at the first
// failure. It shows every command first and runs none without a yes on a terminal or --yes.
import { spawn } from 'node:child_process';
import { DrError, ExitCode } from '@dr/shared';
import { isNonInteractiveRun } from '../cli/context.ts';
import type { CommandIO } from '../datarobot/command-io.ts';
import { TerminalPrompt } from '../dotenv/terminal-prompt.ts';
import {
  type CheckOutcome,
  checkDependencies,
  checkTable,
  problemSummary,
  recordSuccess,
  toolName,
  writeViolations,
} from './check.ts';
import { type Requirement, visibleText } from './requirements.ts';

export interface DependencyInstallOptions {
  readonly yes: boolean;
  readonly dryRun: boolean;
}

export async function dependencyInstall(io: CommandIO, options: DependencyInstallOptions): Promise<number> {
  const started = Date.now();
  const outcome = await checkDependencies(io.env);
  writeViolations(io, outcome.violations);
  if (outcome.checks.every((check) => check.status === 'ok')) {
    recordSuccess(outcome);
    io.stdout.write('✅ All dependencies are already up to date.\n');
    return ExitCode.ok;
  }
  const nonInteractive = isNonInteractiveRun(io.env);
  const ended = await installMissingTools(io, outcome, {
    // As in the Go dr, DATAROBOT_CLI_NON_INTERACTIVE means --yes here; the commands are listed first.
    yes: options.yes || nonInteractive,
    dryRun: options.dryRun,
    instead: 'run `dr dependency install --yes` to run the commands above.',
    onEnd: ({ result, toInstall, installed, failed }) =>
      io.telemetry.record('dependency_install', {
        go_command: 'dr dependency install',
        result,
        tools_count: toInstall.length,
        installed_tools: installed.map(toolName),
        ...(failed === undefined ? {} : { failed_tool: toolName(failed) }),
        yes_flag: options.yes,
        non_interactive: nonInteractive,
        dry_run: options.dryRun,
        duration_ms: Date.now() - started,
      }),
  });
  if (ended === 'declined') io.stderr.write('Nothing installed.\n');
  return ExitCode.ok;
}

export interface InstallRequest {
  /** Run the commands without asking. */
  readonly yes: boolean;
  /** Only print the commands (on stdout). */
  readonly dryRun: boolean;
  /** What to do instead, said when there is no terminal to ask on. */
  readonly instead: string;
  /** Told once how the install ended, before it returns or throws. */
  readonly onEnd: (end: InstallEnd) => void;
}

export interface InstallEnd {
  /** `cancelled`: declined, not asked (no terminal) or only shown (--dry-run). */
  readonly result: 'success' | 'failure' | 'cancelled';
  readonly toInstall: readonly Requirement[];
  readonly installed: readonly Requirement[];
  readonly failed: Requirement | undefined;
}

/**
 * The install of `dr dependency install` (and `dr start`) for the tools `outcome` found missing
 * or too old: shows the table and every command, asks unless `yes`, runs the commands in order
 * and stops at the first failure (thrown). Returns `installed`, `declined` or `shown` (--dry-run).
 */
export async function installMissingTools(
  io: CommandIO,
  outcome: CheckOutcome,
  request: InstallRequest,
): Promise<'installed' | 'declined' | 'shown'> {
  const toInstall = outcome.checks.filter((check) => check.status !== 'ok').map((check) => check.requirement);
  const installed: Requirement[] = [];
  const end = (result: InstallEnd['result'], failed?: Requirement) =>
    request.onEnd({ result, toInstall, installed, failed });
  io.stderr.write(checkTable(outcome.checks));
  io.stderr.write(`${problemSummary(outcome.checks.filter((check) => check.status !== 'ok'))}.\n`);
  const platform = platformKey();
  const plan = toInstall.map((requirement) => ({
    requirement,
    command: installCommand(requirement, platform),
  }));
  // The commands come from the template: shown before any question (on the question's stream),
  // or as the output of --dry-run.
  (request.dryRun ? io.stdout : io.stderr).write(planText(plan, request.dryRun, platform));
  if (request.dryRun) {
    end('cancelled');
    return 'shown';
  }
  const runnable = plan.filter((step): step is { requirement: Requirement; command: string } =>
    Boolean(step.command),
  );
  const unavailable = plan.find((step) => !step.command)?.requirement;
  if (unavailable !== undefined) {
    end('failure', unavailable);
    throw new DrError(
      'DEPENDENCY_NO_INSTALL_COMMAND',
      `versions.yaml gives no install command for ${unavailable.name} on ${platform}, so nothing was installed: install it yourself${unavailable.url ? ` (${unavailable.url})` : ''}, then run \`dr dependency install\` again.`,
    );
  }
  if (!request.yes) {
    const confirmed = await confirmInstall(io, toInstall, request.instead).catch((error: unknown) => {
      end('cancelled');
      throw error;
    });
    if (!confirmed) {
      end('cancelled');
      return 'declined';
    }
  }
  for (const { requirement, command } of runnable) {
    io.stdout.write(`📦 Installing ${requirement.name}...\n`);
    const { exitCode, output } = await runInstallCommand(command, io);
    if (exitCode !== 0) {
      io.stdout.write(failureText(requirement, command, exitCode, output));
      end('failure', requirement);
      throw new DrError(
        'DEPENDENCY_INSTALL_FAILED',
        `Installing ${requirement.name} failed (exit code ${exitCode}).`,
      );
    }
    io.stdout.write(`✅ ${requirement.name} installed\n`);
    installed.push(requirement);
  }
  io.stdout.write('\n✅ All dependencies installed successfully.\n');
  recordSuccess(outcome);
  end('success');
  return 'installed';
}

async function confirmInstall(
  io: CommandIO,
  tools: readonly Requirement[],
  instead: string,
): Promise<boolean> {
  const names = tools.map((tool) => tool.name).join(', ');
  const prompt = TerminalPrompt.open(io, instead);
  try {
    return await prompt.confirm(`Install ${names} now?`);
  } finally {
    prompt.close();
  }
}

type PlatformKey = 'macos' | 'linux' | 'windows';

function platformKey(): PlatformKey {
  if (process.platform === 'darwin') return 'macos';
  if (process.platform === 'win32') return 'windows';
  if (process.platform === 'linux') return 'linux';
  throw new DrError(
    'DEPENDENCY_PLATFORM_UNSUPPORTED',
    `dr installs tools on macOS, Linux and Windows, not on ${process.platform}.`,
  );
}

function installCommand(requirement: Requirement, platform: PlatformKey): string | undefined {
  const command = requirement.install[platform];
  return command === undefined || command === '' ? undefined : command;
}

/** The commands install runs (or would run), in order, each as it will run, control characters made visible. */
function planText(
  plan: readonly { requirement: Requirement; command: string | undefined }[],
  dryRun: boolean,
  platform: PlatformKey,
): string {
  const lines = plan.map(({ requirement, command }) => {
    const label = `  ${requirement.name}: `;
    if (command === undefined) return `${label}(no install command for ${platform})`;
    return `${label}${shownCommand(command).replaceAll('\n', `\n${' '.repeat(label.length)}`)}`;
  });
  return `${dryRun ? 'Would run' : 'Will run'}, through ${SHELL_NAME}:\n${lines.join('\n')}\n`;
}

/** A command as shown: newlines kept, every other control or invisible character escaped. */
function shownCommand(command: string): string {
  return visibleText(command, { keepNewlines: true });
}

const SHELL_NAME = process.platform === 'win32' ? 'PowerShell' : 'sh -c';

/** Runs `command` in a shell, its output shown as it comes and kept to tell a permission problem. */
function runInstallCommand(command: string, io: CommandIO): Promise<{ exitCode: number; output: string }> {
  const [shell, ...args] =
    process.platform === 'win32'
      ? ['powershell.exe', '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', command]
      : ['sh', '-c', command];
  return new Promise((resolve, reject) => {
    const child = spawn(shell!, args, { env: io.env, stdio: ['inherit', 'pipe', 'pipe'] });
    let output = '';
    const keep = (stream: NodeJS.WritableStream) => (chunk: Buffer) => {
      output += chunk.toString('utf8');
      stream.write(chunk);
    };
    child.stdout.on('data', keep(io.stdout));
    child.stderr.on('data', keep(io.stderr));
    child.on('error', (error) =>
      reject(
        new DrError('DEPENDENCY_INSTALL_FAILED', `Cannot start ${shell}: ${error.message}.`, {
          cause: error,
        }),
      ),
    );
    child.on('close', (code, signal) => resolve({ exitCode: code ?? (signal ? 128 : 1), output }));
  });
}

/** What the Go dr prints when an install command fails: what was tried, a tip, how to retry. */
function failureText(requirement: Requirement, command: string, exitCode: number, output: string): string {
  const denied =
    /permission denied|operation not permitted|access is denied|requires root privileges|unauthorizedaccessexception/i.test(
      output,
    ) ||
    (process.platform !== 'win32' && exitCode === 126);
  const tip =
    process.platform === 'win32'
      ? 'This action requires Administrator privileges. Please restart your terminal/tool as Administrator.'
      : "This action requires root privileges. Please re-run this tool using 'sudo'.";
  return [
    `✗ ${requirement.name} install failed (exit code ${exitCode}${denied ? ' — permission denied' : ''})`,
    `  Tried: ${shownCommand(command)}`,
    ...(denied ? [`  Tip: ${tip}`] : []),
    `  Raw command if you want to retry: ${shownCommand(command)}`,
    ...(requirement.url ? [`  Refer to ${requirement.url} for manual installation instructions.`] : []),
    '',
  ].join('\n');
}
