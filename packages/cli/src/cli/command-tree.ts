// Every command of dr, grouped by its first word. One class per file under src/commands/, the
// file's path mirroring the command's path. The tree holds each command's path and how to load
// its class: a command line loads only the classes it can reach (see createCli), which keeps
// the others' code out of every start. A test checks each path against its class's `paths`.
import type { CommandClass } from 'clipanion';
import type { DrContext } from './context.ts';

/** One command: the path it answers to, known without loading it, and how to load its class. */
export interface CommandEntry {
  readonly paths: readonly (readonly string[])[];
  readonly load: () => Promise<CommandClass<DrContext>>;
}

function command(path: string, load: () => Promise<CommandClass<DrContext>>): CommandEntry {
  return { paths: [path.split(' ')], load };
}

/** The commands by their first word; the runner registers only the group a command line names. */
export const commandGroups = {
  auth: [
    command('auth login', async () => (await import('../commands/auth/login.ts')).AuthLoginCommand),
    command('auth logout', async () => (await import('../commands/auth/logout.ts')).AuthLogoutCommand),
    command('auth check', async () => (await import('../commands/auth/check.ts')).AuthCheckCommand),
    command('auth set-url', async () => (await import('../commands/auth/set-url.ts')).AuthSetUrlCommand),
  ],
  templates: [
    command(
      'templates list',
      async () => (await import('../commands/templates/list.ts')).TemplatesListCommand,
    ),
    command(
      'templates clone',
      async () => (await import('../commands/templates/clone.ts')).TemplatesCloneCommand,
    ),
    command(
      'templates setup',
      async () => (await import('../commands/templates/setup.ts')).TemplatesSetupCommand,
    ),
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
    command('task list', async () => (await import('../commands/task/list.ts')).TaskListCommand),
    command('task run', async () => (await import('../commands/task/run.ts')).TaskRunCommand),
  ],
  self: [
    command('self version', async () => (await import('../commands/self/version.ts')).SelfVersionCommand),
    command('self update', async () => (await import('../commands/self/update.ts')).SelfUpdateCommand),
    command(
      'self completion',
      async () => (await import('../commands/self/completion.ts')).SelfCompletionCommand,
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

export type CommandGroup = keyof typeof commandGroups;

export const commandTree: readonly CommandEntry[] = Object.values(commandGroups).flat();

/** The classes of these commands, in the same order. */
export function loadCommands(entries: readonly CommandEntry[]): Promise<CommandClass<DrContext>[]> {
  return Promise.all(entries.map((entry) => entry.load()));
}

/** The commands whose path `args` starts with (a command path, then its options and operands). */
export function commandsNamedBy(args: readonly string[]): CommandEntry[] {
  return commandTree.filter((command) =>
    command.paths.some(
      (path) => path.length <= args.length && path.every((word, index) => args[index] === word),
    ),
  );
}
