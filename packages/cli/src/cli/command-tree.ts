// Every command of dr, grouped by its first word. One class per file under src/commands/, the
// file's path mirroring the command's path. The tree holds each command's path and how to load
// its class: a command line loads only the classes it can reach (see createCli), which keeps
// the others' code out of every start. A test checks each path against its class's `paths`.
import type { CommandClass } from 'clipanion';
import type { DrContext } from './context.ts';

/**
 * One command: the paths it answers to, known without loading it, and how to load its class.
 * The first path is the canonical one (help, telemetry's `command`); the others are the Go dr's
 * names and aliases of the same command (`template list`, `task r`, `run`).
 */
export interface CommandEntry {
  readonly paths: readonly (readonly string[])[];
  readonly load: () => Promise<CommandClass<DrContext>>;
}

function command(
  path: string,
  load: () => Promise<CommandClass<DrContext>>,
  aliases: readonly string[] = [],
): CommandEntry {
  return { paths: [path, ...aliases].map((words) => words.split(' ')), load };
}

/** The commands by their first word; the runner registers only the group a command line names. */
export const commandGroups = {
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

export type CommandGroup = keyof typeof commandGroups;

/** Other names of a group, as the Go dr names it: its group is `template`, with `templates` an alias. */
const GROUP_ALIASES: Readonly<Record<string, CommandGroup>> = { template: 'templates' };

/** The group a first word names (`templates`, or the Go dr's `template`), if any. */
export function groupNamed(word: string): CommandGroup | undefined {
  if (Object.hasOwn(commandGroups, word)) return word as CommandGroup;
  return Object.hasOwn(GROUP_ALIASES, word) ? GROUP_ALIASES[word] : undefined;
}

/** Every word that names a group alone (`dr auth`, `dr template`): the groups and their aliases. */
export const GROUP_WORDS: readonly string[] = [...Object.keys(commandGroups), ...Object.keys(GROUP_ALIASES)];

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

/** Paths whose Go dr name differs: the Go dr names a command by its own name, whatever alias was typed. */
const GO_PATHS: Readonly<Record<string, string>> = {
  'templates list': 'template list',
  'templates clone': 'template clone',
  'templates setup': 'template setup',
  'task l': 'task list',
  'task r': 'task run',
};

/** A command path as typed (`templates list`, `task r`), in the Go dr's names (`template list`, `task run`). */
export function goCommandPath(path: readonly string[]): readonly string[] {
  return GO_PATHS[path.join(' ')]?.split(' ') ?? path;
}
