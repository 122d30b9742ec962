// Every command of dr in one list: its path, other names (the Go dr's, canonical path first)
// and how to load its class, so a line loads only the classes it can reach (argv.ts,
// create-cli.ts). One class per file under src/commands/; a test checks each path against it.
import type { CommandClass } from 'clipanion';
import type { CommandEntry, DrContext } from './context.ts';

function command(
  path: string,
  load: () => Promise<CommandClass<DrContext>>,
  aliases: readonly string[] = [],
): CommandEntry {
  return { paths: [path, ...aliases].map((words) => words.split(' ')), load };
}

/** Every command, grouped by first word for reading; nothing depends on the grouping. */
const commandGroups = {
  auth: [
    command('auth login', async () => (await import('../commands/auth/login.ts')).AuthLoginCommand),
    command('auth logout', async () => (await import('../commands/auth/logout.ts')).AuthLogoutCommand),
    command('auth check', async () => (await import('../commands/auth/check.ts')).AuthCheckCommand),
    command('auth set-url', async () => (await import('../commands/auth/set-url.ts')).AuthSetUrlCommand),
    command('auth export', async () => (await import('../commands/auth/export.ts')).AuthExportCommand),
  ],
  templates: [
    command(
      'templates list',
      async () => (await import('../commands/templates/list.ts')).TemplatesListCommand,
      ['template list'],
    ),
    command(
      'templates clone',
      async () => (await import('../commands/templates/clone.ts')).TemplatesCloneCommand,
      ['template clone'],
    ),
    command(
      'templates setup',
      async () => (await import('../commands/templates/setup.ts')).TemplatesSetupCommand,
      ['template setup'],
    ),
    // The Go dr's guided first run, a top-level command; `quickstart` is its Go alias.
    command('start', async () => (await import('../commands/start.ts')).StartCommand, ['quickstart']),
  ],
  dotenv: [
    command('dotenv setup', async () => (await import('../commands/dotenv/setup.ts')).DotenvSetupCommand),
    command('dotenv edit', async () => (await import('../commands/dotenv/edit.ts')).DotenvEditCommand),
    command(
      'dotenv validate',
      async () => (await import('../commands/dotenv/validate.ts')).DotenvValidateCommand,
    ),
    command('dotenv update', async () => (await import('../commands/dotenv/update.ts')).DotenvUpdateCommand),
  ],
  task: [
    command('task list', async () => (await import('../commands/task/list.ts')).TaskListCommand, ['task l']),
    command('task run', async () => (await import('../commands/task/run.ts')).TaskRunCommand, [
      'task r',
      // The Go dr's top-level shortcut for `task run`.
      'run',
    ]),
    command('task compose', async () => (await import('../commands/task/compose.ts')).TaskComposeCommand),
  ],
  dependency: [
    command(
      'dependency check',
      async () => (await import('../commands/dependency/check.ts')).DependencyCheckCommand,
      ['dependencies check', 'deps check'],
    ),
    command(
      'dependency install',
      async () => (await import('../commands/dependency/install.ts')).DependencyInstallCommand,
      ['dependencies install', 'deps install'],
    ),
  ],
  self: [
    command('self version', async () => (await import('../commands/self/version.ts')).SelfVersionCommand),
    command('self update', async () => (await import('../commands/self/update.ts')).SelfUpdateCommand),
    command(
      'self completion',
      async () => (await import('../commands/self/completion.ts')).SelfCompletionCommand,
    ),
    command(
      'self completion install',
      async () => (await import('../commands/self/completion/install.ts')).SelfCompletionInstallCommand,
    ),
    command(
      'self completion uninstall',
      async () => (await import('../commands/self/completion/uninstall.ts')).SelfCompletionUninstallCommand,
    ),
    command('self config', async () => (await import('../commands/self/config.ts')).SelfConfigCommand),
    command(
      'self telemetry status',
      async () => (await import('../commands/self/telemetry/status.ts')).SelfTelemetryStatusCommand,
    ),
    command(
      'self telemetry enable',
      async () => (await import('../commands/self/telemetry/enable.ts')).SelfTelemetryEnableCommand,
    ),
    command(
      'self telemetry disable',
      async () => (await import('../commands/self/telemetry/disable.ts')).SelfTelemetryDisableCommand,
    ),
    command(
      'self telemetry info',
      async () => (await import('../commands/self/telemetry/info.ts')).SelfTelemetryInfoCommand,
    ),
    command(
      'self telemetry flush',
      async () => (await import('../commands/self/telemetry/flush.ts')).SelfTelemetryFlushCommand,
    ),
    command(
      'self telemetry reset',
      async () => (await import('../commands/self/telemetry/reset.ts')).SelfTelemetryResetCommand,
    ),
  ],
} as const satisfies Record<string, readonly CommandEntry[]>;

export const commandTree: readonly CommandEntry[] = Object.values(commandGroups).flat();

/** The classes of these commands, in the same order. */
export function loadCommands(entries: readonly CommandEntry[]): Promise<CommandClass<DrContext>[]> {
  return Promise.all(entries.map((entry) => entry.load()));
}
